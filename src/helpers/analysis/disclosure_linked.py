"""Secondary suppression across linked tables: what each published child-level cell counts, and which further
cells to hide so that no suppressed count can be worked out from all of them together.

Every child-level cell a pack publishes is registered under a key saying what it counts
(``"population|period|breakdown"``, e.g. ``"open requests past 20 weeks|30 Sep 2025|all"``). Two tables (or a
table and a metric) that publish the same count use the same key, so they are one unknown. Tables declare their
margins (``whole = sum of parts``) and their percentages (a percentage column of a numerator over a
denominator). :class:`Registry` holds all of that for a whole pack, in the order the pages publish it.

The method is secondary suppression checked by linear programming, as in τ-ARGUS: after the table's own (primary
and simple secondary) suppression, :func:`protect` audits every hidden cell of the registry with
:func:`helpers.analysis.disclosure_audit.feasible_intervals`. While a hidden cell's feasible interval is narrower
than the threshold, it hides one more cell of the table being published: the smallest non-zero shown count linked
to the exposed cell (first one in a relation with it, else one in its linked group), the greedy choice that keeps
the information lost small (τ-ARGUS's optimal method solves the same problem as a mixed-integer programme; a
greedy heuristic is enough for tables of a few dozen cells). Cells already published cannot be taken back, so the
complements come from the table being published. A percentage follows its counts: it is shown only where its
numerator and denominator are both shown (:meth:`Registry.pct_hidden`).

Pure: keys, numbers and frames in, keys and a registry out (the page writes it to disk).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from helpers.analysis.disclosure import _is_total, _numeric
from helpers.analysis.disclosure_audit import (
    EPSILON,
    Interval,
    Published,
    Relation,
    feasible_intervals,
    narrow_cells,
    share_relations,
    total,
)

#: The extra (``Metric.extras``) by which a metric says its value is a child-level count: the cell's key.
CHILD_LEVEL_COUNT = "child_level_count"

#: Key prefix of a hidden percentage that a shown mean involves (an unknown from 0 to 100).
RATIO = "% of "

#: A hidden percentage known within less than this (percentage points) counts as given back.
RATIO_WIDTH = 1.0

#: Tolerance (percentage points) of a percentage shown unrounded.
EXACT = 1e-6


@dataclass(frozen=True)
class Share:
    """A percentage of cell ``numerator`` over cell ``denominator``, shown as ``value`` (± ``tolerance`` points;
    None where it is not shown), published at ``place`` (``[file, column, row]``)."""

    numerator: str
    denominator: str
    value: float | None
    tolerance: float = EXACT
    place: list[Any] | None = None


@dataclass(frozen=True)
class Mean:
    """A shown mean ``value`` of the percentages of ``items`` (``[numerator, denominator]`` pairs, each a
    :class:`Share` of the registry), e.g. an SPC chart's average, published at ``place``. With the shown
    percentages it gives back the sum of the hidden ones; a hidden percentage whose denominator is shown is linear
    in its numerator (``100 * numerator / denominator``), one whose denominator is hidden too is an unknown from 0
    to 100 (:meth:`Registry.published`)."""

    value: float | None
    items: list[list[str]]
    place: list[Any] | None = None


@dataclass
class Registry:
    """Every registered child-level cell of a pack: ``cells`` (key → shown value, or None when hidden),
    ``sums`` (``(whole, parts)`` margins), ``shares`` (percentages) and ``places`` (where each key is
    published: ``[key, file, column, row]``, for the audit); ``known`` holds figures published by others (DfE)
    that child-level cells add up to."""

    cells: dict[str, float | None] = field(default_factory=dict)
    sums: list[tuple[str, list[str]]] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    places: list[list[Any]] = field(default_factory=list)
    known: dict[str, float] = field(default_factory=dict)
    means: list[Mean] = field(default_factory=list)

    def published(self) -> Published:
        """The registry as the audit sees it: shown values, hidden cells, margins and percentage relations."""
        relations: list[Relation] = [total(whole, parts) for whole, parts in self.sums]
        for s in self.shares:
            if s.value is not None and s.numerator != s.denominator:
                relations += share_relations(s.value, s.tolerance, s.numerator, s.denominator)
        upper: dict[str, float] = {}
        for mean in self.means:
            if mean.value is not None:
                relations.append(self._mean_relation(mean, upper))
        return Published(shown={**self.known, **{k: v for k, v in self.cells.items() if v is not None}},
                         hidden={k for k, v in self.cells.items() if v is None}, relations=relations, upper=upper)

    def _mean_relation(self, mean: Mean, upper: dict[str, float]) -> Relation:
        """``sum of the items' percentages = n * mean``, linear in what is not shown (see :class:`Mean`)."""
        shown = {(s.numerator, s.denominator): s.value for s in self.shares}
        terms: dict[str, float] = {}
        rest = len(mean.items) * float(mean.value or 0)
        for num, den in mean.items:
            pct, den_value = shown.get((num, den)), self.cells.get(den)
            if pct is not None:
                rest -= pct
            elif den_value:
                terms[num] = terms.get(num, 0.0) + 100 / den_value
            else:
                terms[RATIO + num] = 1.0
                upper[RATIO + num] = 100.0
        slack = EXACT * len(mean.items)
        return Relation(terms, rest - slack, rest + slack)

    def hidden(self, key: str) -> bool:
        return key in self.cells and self.cells[key] is None

    def pct_hidden(self, numerator: str, denominator: str) -> bool:
        """A percentage is not shown where its numerator or denominator is hidden."""
        return self.hidden(numerator) or self.hidden(denominator)

    def record(self) -> dict[str, Any]:
        """The registry as JSON."""
        return {"cells": self.cells, "sums": [[w, p] for w, p in self.sums],
                "shares": [[s.numerator, s.denominator, s.value, s.tolerance, s.place] for s in self.shares],
                "places": self.places, "known": self.known,
                "means": [[m.value, m.items, m.place] for m in self.means]}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Registry:
        return cls(cells=dict(record["cells"]), sums=[(w, list(p)) for w, p in record["sums"]],
                   shares=[Share(*s) for s in record["shares"]], places=[list(p) for p in record["places"]],
                   known=dict(record.get("known", {})), means=[Mean(*m) for m in record.get("means", [])])

    def merge(self, other: Registry) -> None:
        """Add another page's cells; a value shown anywhere is known."""
        for key, value in other.cells.items():
            if self.cells.get(key) is None:
                self.cells[key] = value
        self.sums += other.sums
        self.shares += other.shares
        self.places += other.places
        self.known |= other.known
        self.means += other.means


def table_keys(data: pd.DataFrame, columns: Iterable[str], cells: Mapping[str, list[str]] | None,
               prefix: str) -> dict[tuple[Any, str], str]:
    """The key of each child-level cell ``(row index, column)``: the table's declared ``cells`` (column → one key
    per row), else ``"<prefix>|<column>|<row label>"``. The row label is the first column's value, or, where that
    repeats (a table by period and group), the values of every column that is not a count, joined by "/"."""
    columns = list(columns)
    labels = [str(v) for v in data.iloc[:, 0]] if len(data.columns) else []
    if len(set(labels)) < len(labels):
        text = [c for c in data.columns if c not in columns]
        labels = ["/".join(str(data.at[i, c]) for c in text) for i in data.index]
    out: dict[tuple[Any, str], str] = {}
    for col in columns:
        if cells and col in cells:
            out |= {(i, col): key for i, key in zip(data.index, cells[col], strict=True)}
        else:
            out |= {(i, col): f"{prefix}|{col}|{label}" for i, label in zip(data.index, labels, strict=True)}
    return out


def table_margins(data: pd.DataFrame, columns: list[str], keys: Mapping[tuple[Any, str], str]) -> list[
        tuple[str, list[str]]]:
    """The margins a table shows without declaring them: a row labelled Total/All is the sum of the other rows,
    a column named Total/All the sum of the other count columns (as :func:`helpers.analysis.disclosure.suppress`
    reads them)."""
    labels = [c for c in data.columns if c not in columns]
    totals = [i for i in data.index if any(_is_total(data.at[i, c]) for c in labels)]
    members = [i for i in data.index if i not in totals]
    out = [(keys[(t, c)], [keys[(i, c)] for i in members]) for t in totals for c in columns if members]
    total_cols = [c for c in columns if _is_total(c)]
    parts = [c for c in columns if c not in total_cols]
    out += [(keys[(i, tc)], [keys[(i, c)] for c in parts]) for tc in total_cols for i in data.index if parts]
    return out


def register(registry: Registry, shown: pd.DataFrame, original: pd.DataFrame,
             keys: Mapping[tuple[Any, str], str], file: str) -> list[str]:
    """Add a suppressed table's cells (hidden where ``shown`` holds text); return the keys of its shown non-zero
    cells (the candidates for complementary suppression). A key already hidden elsewhere stays hidden; a key
    shown elsewhere stays known."""
    candidates = []
    for (i, col), key in keys.items():
        value = _numeric(original.at[i, col])
        if value is None:  # a blank (e.g. a forecast month's count): nothing is published
            continue
        visible = _numeric(shown.at[i, col]) is not None
        registry.places.append([key, file, col, int(original.index.get_loc(i))])
        if key in registry.cells and registry.cells[key] is not None:
            continue
        if visible and not registry.hidden(key):
            registry.cells[key] = value
            if value:
                candidates.append(key)
        else:
            registry.cells[key] = None
    return candidates


def protect(registry: Registry, candidates: Iterable[str], threshold: float) -> set[str]:
    """Hide candidate cells (shown, non-zero, of the table being published) until every hidden cell of the
    registry has a feasible interval at least ``threshold`` wide; returns the cells hidden (``registry`` is
    updated). A shown percentage whose numerator or denominator becomes hidden is dropped with it. Stops, leaving
    the audit to report it, where no candidate hidden would widen an exposed cell's interval."""
    free = {c for c in candidates if registry.cells.get(c)}
    extra: set[str] = set()
    while True:
        pick = _complement(registry, exposed(registry.published(), threshold), free)
        if pick is None:
            return extra
        _hide(registry, pick)
        free.discard(pick)
        extra.add(pick)


def exposed(published: Published, threshold: float) -> dict[str, Interval]:
    """The hidden cells whose feasible interval is narrower than ``threshold``, and the hidden percentages (of a
    shown mean) known within :data:`RATIO_WIDTH` points: with a small count, a known ratio gives the count back
    (3 of 10 is the only count below 5 at 29.5% to 30.5%)."""
    out = narrow_cells(feasible_intervals(published), threshold)
    ratios = sorted({k for r in published.relations for k in r.terms if k.startswith(RATIO)})
    return out | {k: v for k, v in feasible_intervals(published, ratios).items() if v.width < RATIO_WIDTH}


def _hide(registry: Registry, key: str) -> None:
    """Hide a cell, and every shown percentage of it."""
    registry.cells[key] = None
    registry.shares = [replace(s, value=None) if registry.pct_hidden(s.numerator, s.denominator) else s
                       for s in registry.shares]


def _complement(registry: Registry, narrow: Mapping[str, Interval], free: set[str]) -> str | None:
    """The cell to hide next: for the first exposed cell that has one, the smallest free cell linked to it (in a
    relation with it first, then anywhere in its linked group; for a pinned percentage, a count of another of the
    averaged percentages) whose hiding widens its interval."""
    relations = registry.published().relations
    averaged = {k for mean in registry.means for item in mean.items for k in item}
    for cell in sorted(narrow):
        direct = {k for r in relations if cell in r.terms for k in r.terms} & free
        if cell.startswith(RATIO):  # a pinned percentage: hide another averaged month's counts
            direct = averaged & free
        group = (_group(cell, relations) & free) - direct
        for pool in (direct, group):
            for key in sorted(pool, key=lambda k: (registry.cells[k] or 0, k)):
                trial = replace(registry, cells=dict(registry.cells), shares=list(registry.shares))
                _hide(trial, key)
                if feasible_intervals(trial.published(), [cell])[cell].width > narrow[cell].width + EPSILON:
                    return key
    return None


def _group(cell: str, relations: list[Relation]) -> set[str]:
    """Every cell linked to ``cell`` through a chain of relations."""
    seen, todo = {cell}, [cell]
    while todo:
        current = todo.pop()
        for rel in relations:
            if current in rel.terms:
                new = set(rel.terms) - seen
                seen |= new
                todo += list(new)
    return seen


def table_shares(data: pd.DataFrame, keys: Mapping[tuple[Any, str], str], derived: Mapping[str, tuple[str, str]],
                 shares: Mapping[str, tuple[str, str, float]], file: str) -> dict[tuple[Any, str], Share]:
    """Each derived cell ``(row, column)`` of a table as a :class:`Share` of its numerator and denominator cells:
    ``derived`` columns (numerator and denominator columns of the same row; a column derived from one count has
    both the same) and declared ``shares`` (column → numerator column, denominator key, tolerance in points)."""
    out = {}
    spec = {col: (num, None, EXACT) for col, (num, _) in derived.items()} | dict(shares)
    for col, (num, den_key, tolerance) in spec.items():
        for n, i in enumerate(data.index):
            den = keys.get((i, derived[col][1])) if den_key is None else den_key
            if (i, num) in keys and den is not None:
                out[(i, col)] = Share(keys[(i, num)], den, _numeric(data.at[i, col]), tolerance, [file, col, n])
    return out
