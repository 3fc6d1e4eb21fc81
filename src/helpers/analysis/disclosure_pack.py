"""The disclosure audit of a whole built pack: every published child-level number, read from what the pack
actually shows, with the relations its pages registered.

A pack's pages write their cell registries (:class:`helpers.analysis.disclosure_linked.Registry`, one
``cells_<notebook>.json`` each): what each child-level cell counts, where it is published (a CSV download's
column and row, or a metric), the margins and the percentages. :func:`pack_cells` reads each cell's value from
the published CSV tables and metrics records (passed in as frames and dicts: no file I/O here); a cell is shown
if any place shows it as a number. :func:`audit` then computes every hidden cell's feasible interval
(:func:`helpers.analysis.disclosure_audit.feasible_intervals`) under the attacker model of the τ-ARGUS audit:
all shown numbers, all registered relations, counts at least 0, integers relaxed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from helpers.analysis.disclosure import _numeric
from helpers.analysis.disclosure_audit import EPSILON, Interval, Published, feasible_intervals
from helpers.analysis.disclosure_linked import Registry, exposed


@dataclass(frozen=True)
class PackCells:
    """A pack's child-level cells as the audit sees them: ``published`` (values, hidden cells, relations),
    ``places`` (how many published numbers or labels the pack has for them) and ``small`` (the hidden cells
    labelled "fewer than ...": primary suppression)."""

    published: Published
    places: int
    small: frozenset[str] = frozenset()


def _value(place: list[Any], tables: Mapping[str, pd.DataFrame], metrics: Mapping[str, Mapping[str, Any]]) -> \
        float | None:
    """The number the pack shows at one place (None for a suppression label or a missing value)."""
    _, file, column, row = place
    if file in metrics:
        return _numeric(metrics[file].get(column, {}).get("value"))
    if file not in tables:  # not published (an exempt table left out of the public pack)
        return None
    text = tables[file].iloc[row][column]
    return _numeric(str(text).replace(",", "")) if isinstance(text, str) else _numeric(text)


def _label(place: list[Any], tables: Mapping[str, pd.DataFrame]) -> bool:
    """True where a table shows text in place of a count (a suppression label), not a blank."""
    _, file, column, row = place
    if file not in tables:
        return True  # a withheld metric value
    text = tables[file].iloc[row][column]
    return isinstance(text, str) and text.strip() != ""


def pack_cells(registries: Iterable[Mapping[str, Any]], tables: Mapping[str, pd.DataFrame],
               metrics: Mapping[str, Mapping[str, Any]]) -> PackCells:
    """Every registered cell with the value the pack shows for it (the CSVs and metrics, not the registry's own
    record, are what a reader sees); a cell is hidden where it is shown nowhere and labelled (e.g. "fewer than
    5") somewhere, and a blank cell (no value) is no cell; a percentage counts where its place shows a number.
    Raises ``ValueError`` where two places show different values for one cell."""
    merged = Registry()
    for record in registries:
        merged.merge(Registry.from_record(record))
    shown: dict[str, float] = {}
    labelled: set[str] = set()
    small: set[str] = set()
    for place in merged.places:
        key = place[0]
        if place[1] not in tables and place[1] not in metrics:
            continue  # a table the build did not publish (exempt in a public pack): a reader never sees it
        value = _value(place, tables, metrics)
        if value is None:
            if _label(place, tables):
                labelled.add(key)
                if place[1] in tables and str(tables[place[1]].iloc[place[3]][place[2]]).startswith("fewer than"):
                    small.add(key)
            continue
        if key in shown and abs(shown[key] - value) > 1e-9:
            raise ValueError(f"disclosure audit: {key!r} is shown as {shown[key]} and as {value}")
        shown[key] = value
    merged.cells = {k: shown.get(k) for k in merged.cells}
    merged.shares = [replace(s, value=_value([None, *s.place], tables, metrics)) if s.place else s
                     for s in merged.shares]
    merged.means = [replace(m, value=_value([None, *m.place], tables, metrics)) if m.place else m
                    for m in merged.means]
    published = merged.published()
    shown = {**merged.known, **shown}
    return PackCells(Published(shown=shown, hidden=labelled - set(shown), relations=published.relations,
                               upper=published.upper), len(merged.places), frozenset(small - set(shown)))


def audit(cells: PackCells, threshold: float) -> tuple[dict[str, Interval], dict[str, Interval]]:
    """(every hidden cell's feasible interval, the unprotected ones: narrower than ``threshold``, or a hidden
    percentage pinned to one value, :func:`~helpers.analysis.disclosure_linked.exposed`)."""
    return feasible_intervals(cells.published), exposed(cells.published, threshold)


def audit_labels(cells: PackCells, threshold: int) -> dict[str, Interval]:
    """The stricter attack: the reader also uses each label ("fewer than 5" is 1 to ``threshold`` − 1, as 0 is
    shown). Returns the primary-suppressed cells the published numbers pin down more than their label alone does
    (an interval narrower than [1, ``threshold`` − 1])."""
    labelled = replace(cells.published, upper=cells.published.upper | {k: threshold - 1 for k in cells.small},
                       lower={k: 1 for k in cells.small})
    intervals = feasible_intervals(labelled, sorted(cells.small))
    return {k: v for k, v in intervals.items() if v.width < threshold - 2 - EPSILON}
