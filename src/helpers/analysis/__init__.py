"""Pure analysis: numbers in, frames and numbers out (no wording, no config, no I/O)."""
