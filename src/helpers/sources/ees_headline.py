"""Read one release file's headline ("All ...") rows into keys and measures, checking every value the table uses.

Only each file's headline row is kept (the other rows are breakdowns of it: keeping them double counts).
Activity files use calendar years (``2024``); stock files use academic-year codes (``202425`` = January 2025
census), stored as the census year (2025).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.errors import InputError
from helpers.sources.ees_checks import check_duplicate_columns, numbers, quality, row_keys
from helpers.sources.ees_csv import columns_by_lower_name, latest_year
from helpers.sources.ees_layouts import FileLayout, Layout, resolve
from helpers.sources.ees_release import Part
from helpers.sources.ees_repairs import repair_region_copies

_KEYS = ["year", "geographic_level", "area_code", "area_name", "la_code", "region_code", "region_name"]


def read_file(table: pa.Table | None, names: list[str], file: str, member: str, spec: FileLayout,
              layout: Layout) -> Part:
    """Parse one CSV's headline rows into keys and measures, checking every value the table uses."""
    if table is None:  # spreadsheet-style supporting file
        return _listed(member, layout, [], None, None,
                       "spreadsheet-style table, not EES tidy format: listed, not read")
    lower = [n.lower() for n in names]
    columns = columns_by_lower_name(names)
    year = latest_year(table, lower)
    if table.num_rows == 0:
        raise InputError(file, "the file has a header but no data rows")
    head, lines = _headline_rows(table, columns, spec)
    found = quality(head if spec.measures else table, names, lower, spec, member, year)
    if not spec.measures:  # read for its keys and x/z counts only
        return _listed(member, layout, found, table.num_rows, year or None, "not used by the pack's pages")

    measure_columns = {m: columns[resolve(c, year)] for m, c in spec.measures.items()}
    measure_columns |= {m: columns[resolve(c, year)] for m, c in spec.optional.items() if resolve(c, year) in columns}
    check_duplicate_columns(head, names, lower, set(measure_columns.values()), lines, file)
    keys = row_keys(head, columns, lines, file)
    measures = _measures(head, names, lower, measure_columns, lines, file, keys.index)
    _check_within(measures, spec, names, measure_columns, lines, file)
    _check_one_row_each(keys, lines, file)
    repairs: list[dict[str, object]] = []
    if spec.repair_topic is not None:
        if "breakdown_topic" not in columns:
            raise InputError(file, "the file has no 'breakdown_topic' column, needed to check its council figures "
                             "against its breakdown rows", where="line 1 (header)", field="breakdown_topic",
                             expected="the column 'breakdown_topic', as in DfE's release",
                             found=", ".join(names[:12]))
        repairs = repair_region_copies(table, columns, keys, measures, measure_columns, spec, member)

    years = keys["year"]
    census = spec.census or bool(pc.any(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(
        head.column(columns["time_period"]))), 6)).as_py())
    reporting = int(years.max()) if census else int(years.max()) + 1
    info: dict[str, object] = {
        "file": member, "layout": layout.name, "rows": table.num_rows, "headline_rows": len(keys),
        "first_year": int(years.min()), "last_year": int(years.max()),
        "note": f"{len(repairs)} value(s) repaired" if repairs else ""}
    return Part(keys, measures, found, info, repairs, reporting)


def _listed(member: str, layout: Layout, found: list[dict[str, object]], rows: int | None,
            last_year: int | None, note: str) -> Part:
    """A file listed (and its x/z counted) but supplying no measure."""
    info: dict[str, object] = {"file": member, "layout": layout.name, "rows": rows, "headline_rows": 0,
                               "first_year": None, "last_year": last_year, "note": note}
    return Part(pd.DataFrame(columns=_KEYS), pd.DataFrame(), found, info)


def _headline_rows(table: pa.Table, columns: dict[str, int], spec: FileLayout) -> tuple[pa.Table, np.ndarray]:
    """The rows matching every (column, label) of the file's headline, and their CSV line numbers."""
    mask = None
    for column, label in spec.headline:
        col = pc.utf8_trim_whitespace(table.column(columns[column]))
        hit = pc.equal(col, label)
        mask = hit if mask is None else pc.and_(mask, hit)
    if mask is None:
        return table, np.arange(table.num_rows) + 2
    rows = pc.indices_nonzero(mask)
    return table.take(rows), rows.to_numpy() + 2  # line 1 is the header


def _measures(head: pa.Table, names: list[str], lower: list[str], measure_columns: dict[str, int],
              lines: np.ndarray, file: str, index: pd.Index) -> pd.DataFrame:
    """The measures as numbers; the file's own percentage columns must be 0-100 (they are not used)."""
    values: dict[str, np.ndarray] = {}
    for measure, column in measure_columns.items():
        values[measure] = numbers(head.column(column), names[column], lines, file, minimum=0.0)
    for i, name in enumerate(lower):
        if name.endswith(("_pc", "rate")) or name.startswith("pc_"):
            numbers(head.column(i), names[i], lines, file, minimum=0.0, maximum=100.0)
    return pd.DataFrame(values, index=index)


def _check_within(measures: pd.DataFrame, spec: FileLayout, names: list[str], measure_columns: dict[str, int],
                  lines: np.ndarray, file: str) -> None:
    """A part (issued within 20 weeks) never exceeds its whole (plans issued)."""
    for part, whole in spec.within:
        over = measures[part] > measures[whole]
        if over.any():
            i = int(np.flatnonzero(over.to_numpy())[0])
            raise InputError(file, f"more in '{names[measure_columns[part]]}' than in its total "
                             f"'{names[measure_columns[whole]]}'", where=f"line {lines[i]}",
                             field=names[measure_columns[part]],
                             expected=f"at most {measures[whole].iloc[i]:g}", found=f"{measures[part].iloc[i]:g}")


def _check_one_row_each(keys: pd.DataFrame, lines: np.ndarray, file: str) -> None:
    """One headline row per year, geographic level and area."""
    dup = keys.duplicated(["year", "geographic_level", "area_code"], keep=False).to_numpy()
    if dup.any():
        first = keys.loc[dup].iloc[0]
        same = keys.index[dup & (keys["year"] == first["year"]).to_numpy()
                          & (keys["area_code"] == first["area_code"]).to_numpy()
                          & (keys["geographic_level"] == first["geographic_level"]).to_numpy()]
        where = " and ".join(f"line {lines[i]}" for i in same[:2])
        raise InputError(file, f"the headline row for {first['area_name']} ({first['area_code']}) in "
                         f"{first['year']} appears more than once", where=where,
                         expected="one headline row per year and area")
