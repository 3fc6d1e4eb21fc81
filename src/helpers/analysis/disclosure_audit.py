"""What an attacker can work out about suppressed counts from everything a pack publishes (a disclosure audit).

Each published child-level number is a cell named by a key (what it counts: population, period, breakdown; see
:mod:`helpers.analysis.disclosure_linked`). The cells are tied by linear relations: a total is the sum of its
parts, the same population published twice is one cell, a percentage is its numerator over its denominator
(within the rounding of the shown figure). Given the shown values, each hidden cell can take any value for which
all relations hold with every count at least 0; :func:`feasible_intervals` finds the smallest and largest by
linear programming (``scipy.optimize.linprog``, integers relaxed to reals), as the audit of τ-ARGUS does for a
suppressed table. A hidden cell whose interval is narrower than the disclosure threshold is not protected: at
width 0 it is given back exactly.

Pure: keys, numbers and relations in, intervals out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

#: Interval widths below this count as 0 (solver tolerance).
EPSILON = 1e-6


@dataclass(frozen=True)
class Relation:
    """``low <= sum(coefficient * cell) <= high`` over cells named by key (``low == high`` for an equation)."""

    terms: Mapping[str, float]
    low: float = 0.0
    high: float = 0.0


@dataclass(frozen=True)
class Interval:
    """The values a hidden cell can take given everything shown: ``[low, high]`` (``high`` is inf if unbounded)."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return max(0.0, self.high - self.low)


@dataclass
class Published:
    """Everything a pack publishes about its child-level cells: shown values, hidden cells and relations."""

    shown: dict[str, float] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    relations: list[Relation] = field(default_factory=list)
    upper: dict[str, float] = field(default_factory=dict)
    lower: dict[str, float] = field(default_factory=dict)


def total(whole: str, parts: Iterable[str]) -> Relation:
    """``whole = sum(parts)``: a margin, or one population published at two levels of detail."""
    terms: dict[str, float] = {whole: -1.0}
    for part in parts:
        terms[part] = terms.get(part, 0.0) + 1.0
    return Relation(terms)


def share_relations(pct: float, tolerance: float, numerator: str, denominator: str) -> list[Relation]:
    """The two linear inequalities a rounded percentage gives: ``num >= (pct - tol)% of den`` and
    ``num <= (pct + tol)% of den``."""
    low, high = (pct - tolerance) / 100, (pct + tolerance) / 100
    if numerator == denominator:
        return []
    return [Relation({numerator: 1.0, denominator: -low}, 0.0, np.inf),
            Relation({numerator: 1.0, denominator: -high}, -np.inf, 0.0)]


def _component(target: str, relations: list[Relation], free: set[str]) -> tuple[set[str], list[Relation]]:
    """The unknown cells linked to ``target`` through relations over unknowns, and those relations."""
    cells, todo, used = {target}, [target], []
    seen: set[int] = set()
    while todo:
        cell = todo.pop()
        for n, rel in enumerate(relations):
            if n in seen or cell not in rel.terms:
                continue
            seen.add(n)
            used.append(rel)
            for other in rel.terms:
                if other in free and other not in cells:
                    cells.add(other)
                    todo.append(other)
    return cells, used


def _solve(target: str, cells: list[str], relations: list[Relation], shown: Mapping[str, float],
           bounds: tuple[Mapping[str, float], Mapping[str, float]]) -> Interval:
    """Minimise and maximise ``target`` over ``cells`` (within ``bounds``: lower, upper; default 0 and none)
    subject to ``relations`` with shown values put in."""
    index = {c: i for i, c in enumerate(cells)}
    a_ub: list[np.ndarray] = []
    b_ub: list[float] = []
    a_eq: list[np.ndarray] = []
    b_eq: list[float] = []
    for rel in relations:
        row = np.zeros(len(cells))
        known = 0.0
        for key, coef in rel.terms.items():
            if key in index:
                row[index[key]] += coef
            else:
                known += coef * shown[key]
        if rel.low == rel.high:
            a_eq.append(row)
            b_eq.append(rel.low - known)
            continue
        if np.isfinite(rel.high):
            a_ub.append(row)
            b_ub.append(rel.high - known)
        if np.isfinite(rel.low):
            a_ub.append(-row)
            b_ub.append(known - rel.low)
    limits = [(bounds[0].get(c, 0.0), bounds[1].get(c)) for c in cells]
    ends = []
    for sign in (1.0, -1.0):
        cost = np.zeros(len(cells))
        cost[index[target]] = sign
        res = linprog(cost, A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None,
                      A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None, bounds=limits, method="highs")
        if res.status == 3:  # unbounded
            ends.append(-sign * np.inf)
        elif res.status != 0:
            raise ValueError(f"disclosure audit: the published cells are inconsistent around {target!r} "
                             f"({res.message})")
        else:
            ends.append(float(res.fun) * sign)
    return Interval(ends[0], ends[1])


def feasible_intervals(published: Published, targets: Iterable[str] | None = None) -> dict[str, Interval]:
    """Each hidden cell's (or each of ``targets``') feasible interval given every shown value and relation
    (counts at least 0; a cell in ``upper`` at most that, e.g. a "fewer than 5" label). Unknown cells that appear
    only in relations (a total that is never shown) are free variables too."""
    relations = [r for r in published.relations if any(k not in published.shown for k in r.terms)]
    free = {k for r in relations for k in r.terms if k not in published.shown} | set(published.hidden)
    out = {}
    for target in sorted(published.hidden if targets is None else targets):
        cells, used = _component(target, relations, free)
        out[target] = _solve(target, sorted(cells), used, published.shown, (published.lower, published.upper))
    return out


def narrow_cells(intervals: Mapping[str, Interval], threshold: float) -> dict[str, Interval]:
    """The hidden cells an attacker can pin within less than ``threshold``: not protected."""
    return {k: v for k, v in intervals.items() if v.width < threshold - EPSILON}
