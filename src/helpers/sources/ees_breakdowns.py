"""Reader for the breakdowns of plans in place in DfE's "Education, health and care plans" release.

:mod:`helpers.sources.ees` keeps only each file's headline "All ..." rows; this module reads the breakdowns
behind the January census (placement, primary need, age band; see :mod:`helpers.sources.ees_breakdowns_layouts`)
and the supporting table of tribunal appeals (:mod:`helpers.sources.ees_breakdowns_appeals`; calendar years)
from the same release zips or folders into one tidy long frame:

``year, geographic_level, area_code, breakdown, category, count``

Rules, as in the main reader (``../shared/DATA.md`` §1): a UTF-8 byte-order mark is skipped; ``x``, ``z`` and
blank cells are not available (the row is left out); academic-year codes (``202425``) are the census year
(2025), as are the 2022 layout's calendar years (``2022`` = January 2022); councils are keyed on DfE's 3-digit
``old_la_code``; where two releases hold the same breakdown for the same area and year, the release reaching
the later census year supplies all of it. Every problem raises :class:`~helpers.errors.InputError` naming the
file (zip path + member), the CSV line, the column, what was expected and what was found.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import InputError
from helpers.sources import ees_breakdowns_layouts as lay
from helpers.sources.ees_breakdowns_appeals import FILE_NAMES as APPEAL_FILES
from helpers.sources.ees_breakdowns_appeals import read_appeals

COLUMNS: tuple[str, ...] = ("year", "geographic_level", "area_code", "breakdown", "category", "count")
#: The breakdowns as a pack table: ``00_data_quality`` writes ``<artefacts>/ees_breakdowns.parquet`` (and a batch its
#: shared cache), so pages read them with ``page.table(BREAKDOWNS_TABLE)`` instead of opening the zips again.
BREAKDOWNS_TABLE = "ees_breakdowns"
BREAKDOWNS_FILE = f"{BREAKDOWNS_TABLE}.parquet"
LEVELS: tuple[str, ...] = ("National", "Regional", "Local authority")
#: Breakdowns counted over a calendar year (the others are January censuses).
CALENDAR_YEAR_BREAKDOWNS: frozenset[str] = frozenset({"appeals", "ceased_reason", "ceased_age"})
_KEYS = ("time_period", "geographic_level", "country_code", "region_code", "old_la_code")
_MISSING = frozenset({"x", "z", ""})
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
_EXPECTED = "the release's all-data zip as downloaded, or its unzipped folder"


def read_breakdowns(paths: Sequence[str | Path] | str | Path) -> pd.DataFrame:
    """Placement, need and age breakdowns of plans in place from one or more releases (zips or folders).

    Returns the tidy frame (:data:`COLUMNS`), sorted; empty (with those columns) when no release holds a
    breakdown file. Raises :class:`InputError` on a bad file.
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    frames = []
    for path in items:
        frame = _read_release(Path(path))
        if len(frame):  # the release's reporting year: its January census, or its activity year + 1
            reporting = int((frame["year"] + frame["breakdown"].isin(CALENDAR_YEAR_BREAKDOWNS)).max())
            frames.append(frame.assign(reporting_year=reporting))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "year" else "float64" if c == "count" else object)
                             for c in COLUMNS})
    both = pd.concat(frames, ignore_index=True)
    key = ["year", "geographic_level", "area_code", "breakdown"]
    newest = both.groupby(key)["reporting_year"].transform("max")
    out = both[both["reporting_year"] == newest].drop(columns="reporting_year")
    out = out.drop_duplicates(["year", "geographic_level", "area_code", "breakdown", "category"])
    return out.sort_values(key + ["category"], ignore_index=True)[list(COLUMNS)]


def _read_release(path: Path) -> pd.DataFrame:
    """Every breakdown file of one release, parsed."""
    parts = [read_appeals(data, where) if name in APPEAL_FILES else _parse(data, where, lay.FILES[name])
             for name, (data, where) in _members(path).items()]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = pd.concat(parts, ignore_index=True)
    # a total with no categories beside it is no breakdown (the 2025 caseload.csv has ages for 2024-2025 only)
    key = ["year", "geographic_level", "area_code", "breakdown"]
    has_parts = frame["category"].ne(lay.ALL).groupby([frame[k] for k in key]).transform("any")
    return frame[has_parts].reset_index(drop=True)


def _wanted(name: str) -> bool:
    return name.lower() in lay.FILES or name.lower() in APPEAL_FILES


def _members(path: Path) -> dict[str, tuple[bytes, str]]:
    """The release's breakdown files (lower-case name -> bytes and the path to name in messages)."""
    if path.is_dir():
        found: dict[str, tuple[bytes, str]] = {}
        for file in sorted(path.rglob("*.csv")):
            if _wanted(file.name) and len(file.relative_to(path).parts) <= 4:
                found.setdefault(file.name.lower(), (file.read_bytes(), str(file)))
        return found
    if not path.is_file():
        raise InputError(path, "DfE release not found", expected=_EXPECTED)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise InputError(path, "not a readable zip file", expected=_EXPECTED) from None
    out: dict[str, tuple[bytes, str]] = {}
    with archive:
        for info in archive.infolist():
            name = Path(info.filename).name.lower()
            if not _wanted(name) or name in out or info.filename.startswith("__MACOSX"):
                continue
            where = f"{path}/{info.filename}"
            ratio = info.file_size / max(info.compress_size, 1)
            if info.flag_bits & 0x1 or info.file_size > MAX_MEMBER_BYTES or (
                    info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
                raise InputError(where, "the zip member is encrypted, too large or compressed too far to be a "
                                 "DfE release file", expected="the release zip exactly as downloaded")
            try:
                out[name] = (archive.read(info), where)
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
                raise InputError(where, f"the zip member is damaged ({exc})", expected=_EXPECTED) from None
    return out


def _table(data: bytes, file: str) -> pd.DataFrame:
    """The CSV as text cells with lower-case, trimmed column names; ``_line`` holds each row's CSV line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(file, "the file is not UTF-8 text", where=f"line {line}", expected="UTF-8 text",
                         found=f"byte 0x{data[exc.start]:02x}") from None
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(file, f"not readable CSV ({str(exc).strip()})", expected="a CSV file") from None
    table.columns = [str(c).strip().lower() for c in table.columns]
    table = table.loc[:, ~table.columns.duplicated()]
    table["_line"] = np.arange(len(table)) + 2
    return table


def _require(table: pd.DataFrame, columns: Sequence[str], file: str) -> None:
    for column in columns:
        if column not in table.columns:
            raise InputError(file, "a required column is missing", where="line 1 (header)", field=column,
                             expected="the column names of the DfE release file")


def _keys(table: pd.DataFrame, file: str) -> pd.DataFrame:
    """Year, level and area code of each row, checked (``202425`` -> 2025; councils by ``old_la_code``)."""
    period = table["time_period"].str.strip()
    four, six = period.str.fullmatch(r"\d{4}"), period.str.fullmatch(r"\d{6}")
    start = pd.to_numeric(period.str[:4], errors="coerce")
    bad = ~(four | six) | (six & (pd.to_numeric(period.str[4:6], errors="coerce") != (start + 1) % 100))
    _fail(table, bad, file, "time_period", "not a time period",
          "a calendar year such as 2022 or an academic year code such as 202425")
    level = table["geographic_level"].str.strip()
    _fail(table, ~level.isin(LEVELS), file, "geographic_level", "unknown geographic level", ", ".join(LEVELS))
    la = level == "Local authority"
    old = table["old_la_code"].str.strip()
    _fail(table, la & ~old.str.fullmatch(r"\d{3}"), file, "old_la_code", "not a DfE LA number",
          "three digits such as 886")
    region = table["region_code"].str.strip()
    _fail(table, (level == "Regional") & ~region.str.fullmatch(r"E12\d{6}"), file, "region_code",
          "not a region code", "a code such as E12000008")
    code = np.select([level == "National", level == "Regional"], [table["country_code"].str.strip(), region], old)
    return pd.DataFrame({"year": np.where(six, start + 1, start).astype("int64"), "geographic_level": level,
                         "area_code": code}, index=table.index)


def _fail(table: pd.DataFrame, bad: pd.Series, file: str, column: str, problem: str, expected: str) -> None:
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise InputError(file, problem, where=f"line {table['_line'].iloc[i]}", field=column, expected=expected,
                         found=table[column].iloc[i])


def _counts(table: pd.DataFrame, column: str, file: str) -> pd.Series:
    """A count column: ``x``/``z``/blank -> NaN; anything else must be a number of at least 0."""
    text = table[column].str.strip()
    missing = text.str.lower().isin(_MISSING)
    values = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = ~missing & ~(np.isfinite(values) & (values >= 0))
    _fail(table, bad, file, column, "not a count",
          "a number of at least 0, x (not available), z (not applicable) or blank")
    return values.astype(float)


def _long(keys: pd.DataFrame, breakdown: str, category: pd.Series | str, count: pd.Series) -> pd.DataFrame:
    frame = keys.assign(breakdown=breakdown, category=category, count=count)
    return frame.dropna(subset=["count"])[list(COLUMNS)]


def _parse(data: bytes, file: str, spec: lay.BreakdownFile) -> pd.DataFrame:
    """One file's breakdowns as the tidy frame."""
    table = _table(data, file)
    if table.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    if spec.layout == "topic":
        _require(table, [*_KEYS, "breakdown_topic", "breakdown"], file)
        if spec.name == "caseload.csv":
            parts = [_wide(table, file, "placement", "ehcplans", lay.PLACEMENT_COLUMNS),
                     _ages(table, file, "age", lay.ALL, "child or young persons age", "ehcplans")]
        elif spec.name == "ceased_plans.csv":
            parts = [_wide(table, file, "ceased_reason", "total_ceased", lay.CEASED_COLUMNS, lay.CEASED),
                     _ages(table, file, "ceased_age", lay.CEASED, "age plan ceased", "total_ceased")]
        else:
            total = "ehc_plans" if "ehc_plans" in table.columns else "ehcplans"
            parts = [_wide(table, file, "need", total, lay.NEED_COLUMNS)]
    elif spec.name == "sen2_estab_caseload.csv":
        parts = [_estab_2022(table, file)]
    else:
        parts = [_ages_2022(table, file)]
    return pd.concat(parts, ignore_index=True)


def _wide(table: pd.DataFrame, file: str, breakdown: str, total: str, columns: dict[str, str],
          headline: str = lay.ALL) -> pd.DataFrame:
    """A breakdown held as columns of the headline row: each category the sum of its columns."""
    _require(table, [total], file)
    head = table[table["breakdown_topic"].str.strip() == headline]
    if head.empty:
        raise InputError(file, "no headline row found", field="breakdown_topic", expected=repr(headline))
    keys = _keys(head, file)
    present = [c for c in columns if c in head.columns]
    if not present:  # a file with its headline count only (a partial download, the demo release): no breakdown
        return pd.DataFrame(columns=list(COLUMNS))
    values = pd.DataFrame({c: _counts(head, c, file) for c in present})
    grouped = values.T.groupby(pd.Series([columns[c] for c in present], index=present)).sum(min_count=1).T
    parts = [_long(keys, breakdown, lay.ALL, _counts(head, total, file))]
    parts += [_long(keys, breakdown, category, grouped[category]) for category in grouped.columns]
    return pd.concat(parts, ignore_index=True)


def _ages(table: pd.DataFrame, file: str, breakdown: str, headline: str, topic: str, count: str) -> pd.DataFrame:
    """Age bands from a topic file's age rows (``topic``, single years grouped), with the headline total."""
    total = table[table["breakdown_topic"].str.strip() == headline]
    rows = table[table["breakdown_topic"].str.strip().str.lower() == topic]
    bands = rows["breakdown"].map(lambda s: lay.age_band(s) or lay.AGE_UNKNOWN)
    long = _long(_keys(rows, file), breakdown, bands, _counts(rows, count, file))
    long = long.groupby(list(COLUMNS[:5]), as_index=False)["count"].sum()
    return pd.concat([_long(_keys(total, file), breakdown, lay.ALL, _counts(total, count, file)), long],
                     ignore_index=True)


def _estab_2022(table: pd.DataFrame, file: str) -> pd.DataFrame:
    """Placement from the 2022 layout's rows (``establishment_type``, counted in ``total_all``)."""
    _require(table, [*_KEYS, "establishment_type", "establishment_group", "total_all"], file)
    kind = table["establishment_type"].str.strip()
    group = table["establishment_group"].str.strip()
    category = kind.map(lay.PLACEMENT_TYPES_2022)
    category = category.where(~(category.isna() & kind.str.startswith(lay.AWAITING_PREFIX_2022)), lay.AWAITING)
    category = category.where(~((kind == "Total") & (group == "Total")), lay.ALL)
    unknown = category.isna() & (kind != "Total")
    _fail(table, unknown, file, "establishment_type", "unknown type of establishment",
          "a type named in DfE's 2022 data guidance (such as 'Special - Independent')")
    keep = category.notna()
    rows = table[keep]
    long = _keys(rows, file).assign(breakdown="placement", category=category[keep], kind=kind[keep],
                                    count=_counts(rows, "total_all", file)).dropna(subset=["count"])
    # "Awaiting provision - total" (early years) or its six parts (later years): never both
    key = ["year", "geographic_level", "area_code"]
    has_total = (long["kind"] == "Awaiting provision - total").groupby([long[k] for k in key]).transform("any")
    long = long[~(has_total & (long["category"] == lay.AWAITING) & (long["kind"] != "Awaiting provision - total"))]
    return long.groupby(list(COLUMNS[:5]), as_index=False, sort=False)["count"].sum()


def _ages_2022(table: pd.DataFrame, file: str) -> pd.DataFrame:
    """Age bands from the 2022 layout (``characteristic_age``, ``total_all``)."""
    _require(table, [*_KEYS, "characteristic_age", "total_all"], file)
    age = table["characteristic_age"].str.strip()
    band = age.where(age != "Total", lay.ALL)
    _fail(table, ~band.isin([*lay.AGE_BANDS, lay.ALL]), file, "characteristic_age", "unknown age band",
          ", ".join(lay.AGE_BANDS))
    return _long(_keys(table, file), "age", band, _counts(table, "total_all", file))

