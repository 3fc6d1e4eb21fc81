"""Readers: one module per input format, each returning tidy, validated frames or raising InputError."""
