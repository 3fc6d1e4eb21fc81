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
    pairs = derived or {}
    _check(data, cols, pairs, threshold)
    values = {(i, c): _numeric(data.at[i, c]) for i in data.index for c in cols}
    primary = {cell for cell, v in values.items() if v is not None and 0 < v < threshold}
    hidden = _secondary(data, cols, pairs, values, set(primary), group_by)
    out = data.copy()
    touched = {c for _, c in hidden} | {p for p, (num, den) in pairs.items()
                                         if any((i, num) in hidden or (i, den) in hidden for i in data.index)}
    for c in touched:
        out[c] = out[c].astype(object)
    for i, c in hidden:
        out.at[i, c] = primary_label(threshold) if (i, c) in primary else NOT_SHOWN
    for pct, (num, den) in pairs.items():
        for i in data.index:
            if (i, num) in hidden or (i, den) in hidden:
                out.at[i, pct] = NOT_SHOWN
    return out


def _check(data: pd.DataFrame, cols: list[str], derived: dict[str, tuple[str, str]], threshold: int) -> None:
    """Refuse columns the table does not have and a threshold below 1."""
    missing = [c for c in [*cols, *derived] if c not in data.columns]
    missing += [c for pair in derived.values() for c in pair if c not in data.columns]
    if missing:
        raise ValueError(f"suppress: no column(s) {sorted(set(missing))} in the table (has {list(data.columns)})")
    if threshold < 1:
        raise ValueError(f"suppress: threshold must be at least 1, got {threshold}")


Cell = tuple[object, str]


def _secondary(data: pd.DataFrame, cols: list[str], derived: dict[str, tuple[str, str]],
               values: dict[Cell, float | None], hidden: set[Cell], group_by: str | None) -> set[Cell]:
    """``hidden`` (the primary cells) grown by secondary suppression until no shown total gives a cell back."""
    label_cols = [c for c in data.columns if c not in cols and c not in derived]
    total_rows = {i for i in data.index if any(_is_total(data.at[i, c]) for c in label_cols)}
    total_cols = [c for c in cols if _is_total(c)]
    member_cols = [c for c in cols if c not in total_cols]
    groups = [list(idx) for _, idx in data.groupby(group_by, sort=False).groups.items()] if group_by \
        else [list(data.index)]
    # (members, total) pairs: each column within each row group, then each row across the member columns
    checks: list[tuple[list[Cell], Cell]] = []
    for rows in groups:
        members = [i for i in rows if i not in total_rows]
        checks += [([(i, c) for i in members], (t, c)) for t in rows if t in total_rows for c in cols]
    checks += [([(i, c) for c in member_cols], (i, tc)) for tc in total_cols for i in data.index]
    changed = True
    while changed:
        changed = False
        for members_of, total in checks:
            pick = _complement(members_of, values, hidden, total)
            if pick is not None:
                hidden.add(pick)
                changed = True
    return hidden
