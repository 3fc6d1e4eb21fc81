"""Small-number suppression for public builds (statistical disclosure control).

Counts derived from child-level data could identify a child when they are small, so the public pack shows counts
from 1 to ``threshold - 1`` as "fewer than 5" (primary suppression), following the GSS/ONS practice for published
tables (GSS "Disclosure control policy for tables", and DfE's own rule of suppressing counts below a threshold in
its statistics). Zero is shown: it identifies nobody. A shown total would let a reader recover a single suppressed
cell by subtraction, so a second cell in the same row or column is hidden as well (secondary, or complementary,
suppression). Percentages computed from a hidden count are hidden too, as a percentage and its denominator give
the count back.

Published DfE figures are not suppressed: callers pass only the columns counted from child-level data.

Hand-written (no maintained Python library does table suppression on a DataFrame; ``sdcMicro``/``sdcTable`` are
R). The secondary rule here is the simple, conservative one: in each row or column group that has a shown
marginal total and exactly one hidden cell, hide the next-smallest non-zero cell; if there is none, hide the total.
Repeated until nothing changes, because hiding a cell in a column can expose one in a row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

#: What a secondary-suppressed count or a percentage from a hidden count reads as. It is never "fewer than 5",
#: which would be untrue for a larger cell hidden only to protect another.
NOT_SHOWN = "not shown"

#: Labels that mark a marginal total row (in any text column) or a total column (by name), case-insensitively;
#: a label starting "Total " or "All " (e.g. "All ages") counts too.
TOTAL_LABELS: tuple[str, ...] = ("total", "all")


def primary_label(threshold: int) -> str:
    """The text that replaces a small count: ``"fewer than 5"``."""
    return f"fewer than {threshold}"


def _is_total(label: object) -> bool:
    if not isinstance(label, str):
        return False
    text = label.strip().lower()
    return text in TOTAL_LABELS or any(text.startswith(f"{t} ") for t in TOTAL_LABELS)


def _numeric(value: object) -> float | None:
    if isinstance(value, bool) or value is None or value is pd.NA:
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _complement(cells: list[tuple[object, str]], values: dict[tuple[object, str], float | None],
                hidden: set[tuple[object, str]], total: tuple[object, str]) -> tuple[object, str] | None:
    """The cell to hide when exactly one member of a group with a shown total is hidden, else None."""
    if total in hidden or values.get(total) is None:
        return None
    if sum(cell in hidden for cell in cells) != 1:
        return None
    candidates = [c for c in cells if c not in hidden and (values.get(c) or 0) > 0]
    if not candidates:
        return total
    return min(candidates, key=lambda c: values[c])  # type: ignore[arg-type,return-value]


def suppress(data: pd.DataFrame, columns: Iterable[str], threshold: int = 5, *,
             derived: dict[str, tuple[str, str]] | None = None, group_by: str | None = None) -> pd.DataFrame:
    """A copy of ``data`` with small child-level counts in ``columns`` hidden, and what would reveal them.

    Parameters
    ----------
    data
        The table as it will be shown (one row per category, maybe a total row and a total column).
    columns
        Count columns derived from child-level data. A column in this list named "Total"/"All" is the row
        total of the others.
    threshold
        Counts from 1 to ``threshold - 1`` become ``"fewer than {threshold}"``; 0 stays 0.
    derived
        ``{percentage column: (numerator column, denominator column)}``; a percentage becomes "not shown" in a
        row where its numerator or denominator is hidden.
    group_by
        Column whose values split a stacked table into groups, each with its own total row. Without it the
        whole table is one group.

    Returns
    -------
    pandas.DataFrame
        Same shape, index and column order; suppressed cells hold text and their columns become ``object``.
    """
    cols = list(columns)
    missing = [c for c in [*cols, *(derived or {})] if c not in data.columns]
    missing += [c for pair in (derived or {}).values() for c in pair if c not in data.columns]
    if missing:
        raise ValueError(f"suppress: no column(s) {sorted(set(missing))} in the table (has {list(data.columns)})")
    if threshold < 1:
        raise ValueError(f"suppress: threshold must be at least 1, got {threshold}")

    values = {(i, c): _numeric(data.at[i, c]) for i in data.index for c in cols}
    primary = {cell for cell, v in values.items() if v is not None and 0 < v < threshold}
    hidden = set(primary)

    label_cols = [c for c in data.columns if c not in cols and c not in (derived or {})]
    total_rows = {i for i in data.index if any(_is_total(data.at[i, c]) for c in label_cols)}
    total_cols = [c for c in cols if _is_total(c)]
    member_cols = [c for c in cols if c not in total_cols]
    groups = [list(idx) for _, idx in data.groupby(group_by, sort=False).groups.items()] if group_by \
        else [list(data.index)]

    changed = True
    while changed:
        changed = False
        for rows in groups:
            totals = [i for i in rows if i in total_rows]
            members = [i for i in rows if i not in total_rows]
            for t in totals:
                for c in cols:
                    pick = _complement([(i, c) for i in members], values, hidden, (t, c))
                    if pick is not None:
                        hidden.add(pick)
                        changed = True
        for tc in total_cols:
            for i in data.index:
                pick = _complement([(i, c) for c in member_cols], values, hidden, (i, tc))
                if pick is not None:
                    hidden.add(pick)
                    changed = True

    out = data.copy()
    touched = {c for _, c in hidden} | {p for p, (num, den) in (derived or {}).items()
                                         if any((i, num) in hidden or (i, den) in hidden for i in data.index)}
    for c in touched:
        out[c] = out[c].astype(object)
    for i, c in hidden:
        out.at[i, c] = primary_label(threshold) if (i, c) in primary else NOT_SHOWN
    for pct, (num, den) in (derived or {}).items():
        for i in data.index:
            if (i, num) in hidden or (i, den) in hidden:
                out.at[i, pct] = NOT_SHOWN
    return out
