"""A table cell holding only a dash (no figure for a neighbour in that year) goes into the workbook as ``[x]``.

GPTable refuses cells of symbols only; the all-council batch failed for every council with Dorset (no 2024
timeliness figure) among its statistical neighbours (Derbyshire, Devon, ...).
"""

from __future__ import annotations

from helpers.present.spreadsheet import _cell


def test_symbol_only_cells_become_the_missing_value_shorthand() -> None:
    assert [_cell(v) for v in ("–", "-", " — ")] == ["[x]", "[x]", "[x]"]
    assert _cell("No figure") == "No figure" and _cell("98 of 151") == "98 of 151" and _cell("1,158") == 1158.0
