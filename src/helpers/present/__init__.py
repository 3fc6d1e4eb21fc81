"""Presentation toolkit: the page object, chart and table bundles, wording helpers, Word/xlsx writers."""
