"""One module per notebook: the page's wording, charts, tables and metrics."""
