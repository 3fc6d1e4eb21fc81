"""Checks on a DfE release's values: the year, geography and area of each headline row, numbers in range,
repeated columns, x / z / blank counts per column, and whether councils and regions add up to England.

``x`` (not available), ``z`` (not applicable) and blank cells become NaN; anything else that is not a number in
a column the table uses is an :class:`~helpers.errors.InputError` naming the file, CSV line and column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.errors import InputError
from helpers.schemas import EES_COUNTS, EES_LEVELS
from helpers.sources.ees_layouts import FileLayout, resolve

KEY_COLUMNS: tuple[str, ...] = ("time_period", "time_identifier", "geographic_level", "country_code",
                                "country_name", "region_code", "region_name", "new_la_code", "old_la_code",
                                "la_name")
MISSING = ("x", "z", "")
#: DfE's misspelt column names, reported on the data-quality page with the intended word.
MISSPELT: dict[str, str] = {
    "number_decsion_4weeks": "misspelt in the source (for number_decision_4weeks)",
    "pc_decsion_4weeks": "misspelt in the source (for pc_decision_4weeks)",
    "outcome_maintan": "misspelt in the source (for outcome_maintain)",
    "number_asssess_mediation_tribunal": "misspelt in the source (for number_assess_mediation_tribunal)",
}


def check_duplicate_columns(head: pa.Table, names: list[str], lower: list[str], used: set[int],
                             lines: np.ndarray, file: str) -> None:
    """A repeated column name is harmless when the copies agree; a used column whose copies differ is an error."""
    first: dict[str, int] = {}
    for i, name in enumerate(lower):
        j = first.setdefault(name, i)
        if j != i and j in used and not head.column(i).equals(head.column(j)):
            diff = pc.indices_nonzero(pc.not_equal(head.column(i), head.column(j)))
            raise InputError(file, "the column appears twice in the header with different values",
                             field=names[j], where=f"line {lines[diff[0].as_py()]}",
                             expected="one column, or identical copies")


def quality(head: pa.Table, names: list[str], lower: list[str], spec: FileLayout, member: str,
             year: int) -> list[dict[str, object]]:
    """x / z / blank counts per column of the headline rows, with notes on duplicated and misspelt names."""
    feeds = {resolve(c, year): m for m, c in (*spec.measures.items(), *spec.optional.items())}
    skip = {*KEY_COLUMNS, "breakdown_topic", "breakdown", *(c for c, _ in spec.headline)}
    out = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        low = lower[i]
        if low in skip or not low:
            continue
        note = MISSPELT.get(low, "")
        if low in seen:
            note = "the column name appears twice in the header; the first copy is used"
        seen.add(low)
        col = pc.utf8_lower(pc.utf8_trim_whitespace(head.column(i)))
        out.append({
            "file": member, "column": name, "measure": feeds.get(low), "rows": head.num_rows,
            "n_x": pc.sum(pc.equal(col, "x")).as_py() or 0, "n_z": pc.sum(pc.equal(col, "z")).as_py() or 0,
            "n_blank": pc.sum(pc.equal(col, "")).as_py() or 0, "note": note,
        })
    return out


def numbers(column: pa.ChunkedArray, name: str, lines: np.ndarray, file: str, *, minimum: float,
             maximum: float | None = None) -> np.ndarray:
    """Numbers from a text column: ``x``/``z``/blank -> NaN; anything else must be a number in range."""
    kind = "a percentage" if maximum is not None else "a count"
    text = pc.utf8_trim_whitespace(column)
    missing = pc.is_in(pc.utf8_lower(text), value_set=pa.array(MISSING))
    miss = missing.to_numpy(zero_copy_only=False).astype(bool)
    try:
        values = pc.cast(pc.if_else(missing, None, text), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = None
    if values is None or not np.isfinite(values[~miss]).all():  # text, or "nan"/"inf" that arrow accepts
        raw = np.asarray(text.to_pylist(), dtype=object)
        cells = raw.copy()
        cells[miss] = None
        parsed = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(float)
        bad = (~miss) & ~np.isfinite(parsed)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(file, f"text where {kind} should be", where=f"line {lines[i]}", field=name,
                             expected="a number, x (not available), z (not applicable) or blank", found=raw[i])
        values = parsed
    low = values < minimum
    high = values > maximum if maximum is not None else np.zeros(len(values), dtype=bool)
    if low.any() or high.any():
        i = int(np.flatnonzero(low | high)[0])
        if low[i]:
            problem, expected = f"{kind} below zero", f"a number of at least {minimum:g}"
        else:
            problem, expected = "a percentage over 100", f"a number from {minimum:g} to {maximum:g}"
        raise InputError(file, problem, where=f"line {lines[i]}", field=name, expected=expected,
                         found=f"{values[i]:g}")
    checked: np.ndarray = values
    return checked


def row_keys(head: pa.Table, columns: dict[str, int], lines: np.ndarray, file: str) -> pd.DataFrame:
    """Year, geography and area of each headline row, checked: the academic-year code ``202425`` is year 2025."""
    text = {k: pc.utf8_trim_whitespace(head.column(columns[k])) for k in KEY_COLUMNS}

    def fail(bad: pa.ChunkedArray | np.ndarray, key: str, problem: str, expected: str) -> None:
        mask = bad if isinstance(bad, np.ndarray) else pc.fill_null(bad, True).to_numpy(zero_copy_only=False)
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise InputError(file, problem, where=f"line {lines[i]}", field=head.column_names[columns[key]],
                             expected=expected, found=text[key][i].as_py())

    def matches(key: str, pattern: str) -> np.ndarray:
        hits: np.ndarray = pc.match_substring_regex(text[key], pattern).to_numpy(zero_copy_only=False)
        return hits

    four, six = matches("time_period", r"^\d{4}$"), matches("time_period", r"^\d{6}$")
    fail(~(four | six), "time_period", "not a time period",
         "a calendar year such as 2024 or an academic year code such as 202425")
    start = pc.cast(pc.utf8_slice_codeunits(text["time_period"], 0, 4), pa.int64()).to_numpy()
    end = pc.cast(pc.if_else(pa.array(six), pc.utf8_slice_codeunits(text["time_period"], 4, 6), "-1"),
                  pa.int64()).to_numpy()
    fail(six & (end != (start + 1) % 100), "time_period", "not an academic year code",
         "two consecutive years such as 202425")
    year = np.where(six, start + 1, start)

    level = text["geographic_level"].to_numpy(zero_copy_only=False)
    nat, reg, la = (level == "National"), (level == "Regional"), (level == "Local authority")
    fail(~(nat | reg | la), "geographic_level", "unknown geographic level", ", ".join(EES_LEVELS))
    fail(nat & ~matches("country_code", r"^E92\d{6}$"), "country_code", "not England's code", "E92000001")
    fail((reg | la) & ~matches("region_code", r"^E12\d{6}$"), "region_code", "not a region code",
         "a code such as E12000008")
    fail(la & ~matches("old_la_code", r"^\d{3}$"), "old_la_code", "not a DfE LA number",
         "three digits such as 886")
    fail(la & ~matches("new_la_code", r"^E\d{8}$"), "new_la_code", "not a 9-character LA code",
         "a code such as E10000016")
    values = {k: text[k].to_numpy(zero_copy_only=False) for k in KEY_COLUMNS}
    for mask, key in ((nat, "country_name"), (reg, "region_name"), (la, "la_name")):
        fail(mask & (values[key] == ""), key, "the area has no name", "a name")
    none = np.full(len(level), None, dtype=object)
    return pd.DataFrame({
        "year": year.astype("int64"),
        "geographic_level": level,
        "area_code": np.select([nat, reg], [values["country_code"], values["region_code"]], values["old_la_code"]),
        "area_name": np.select([nat, reg], [values["country_name"], values["region_name"]], values["la_name"]),
        "la_code": np.where(la, values["new_la_code"], none),
        "region_code": np.where(nat, none, values["region_code"]),
        "region_name": np.where(nat, none, values["region_name"]),
    })


def totals_check(table: pd.DataFrame) -> pd.DataFrame:
    """Per year and count measure: England's figure against the sum of regions and the sum of LAs.

    Published figures should add up (DfE applies no suppression or rounding, ees_statistics.md §1.1), so a
    difference points at a missing LA (``x``), a late revision or a reading error. Columns: ``year, measure,
    england, regions_sum, las_sum, regions_minus_england, las_minus_england, las_reporting`` (LAs with a value).
    Rows where England and every part are missing are left out.
    """
    long = table.melt(id_vars=["year", "geographic_level"], value_vars=list(EES_COUNTS), var_name="measure")
    summed = long.groupby(["year", "measure", "geographic_level"])["value"].agg(["sum", "count"])
    summed["sum"] = summed["sum"].where(summed["count"] > 0)
    wide = summed["sum"].unstack("geographic_level").reindex(columns=list(EES_LEVELS))
    out = pd.DataFrame({
        "england": wide["National"],
        "regions_sum": wide["Regional"],
        "las_sum": wide["Local authority"],
    })
    out["regions_minus_england"] = out["regions_sum"] - out["england"]
    out["las_minus_england"] = out["las_sum"] - out["england"]
    counts = summed["count"].unstack("geographic_level").reindex(columns=list(EES_LEVELS)).fillna(0)
    out["las_reporting"] = counts["Local authority"].astype(int)
    out = out.dropna(how="all", subset=["england", "regions_sum", "las_sum"]).reset_index()
    order = {m: i for i, m in enumerate(EES_COUNTS)}
    return out.sort_values(["year", "measure"], key=lambda s: s.map(order) if s.name == "measure" else s,
                           ignore_index=True)
