"""Matplotlib figure builders for the pack's notebooks: one module per domain, each returning a Figure."""
