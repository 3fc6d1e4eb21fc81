"""Reader for DfE's "Education, health and care plans" release (explore-education-statistics, SEN2 return).

Analysts download the release's "all data" zip each June; :func:`read_release` reads one or more of those zips
as downloaded (or their unzipped folders) into one wide table with a row per year, geography and area (see
``docs/architecture.md``, table ``ees``). Two layouts are understood:

* **topic files** (reporting year 2025 onwards): ``requests.csv``, ``assessments.csv``, ``newplans.csv``,
  ``timeliness_20_week.csv``, ``caseload.csv``, ``annual_reviews.csv``, ``ceased_plans.csv``, from 2019
  (January 2019 census for plans in place);
* **2022 release**: the CamelCase ``sen2_mi.csv`` headline series (calendar years 2014-2021) and
  ``sen2_age_caseload.csv`` (January censuses 2010-2022; until 2018 its total includes statements of SEN,
  the predecessor of EHC plans, which is how DfE published the series).

Rules, with their source (``../shared/DATA.md`` §1, ``reference/ees_statistics.md`` §1 and §7):

* only each file's headline "All ..." row is kept (the other rows are breakdowns of it: keeping them double
  counts);
* ``x`` (not available), ``z`` (not applicable) and blank cells become NaN; anything else that is not a number
  in a column the table uses is an error;
* activity files use calendar years (``2024``); stock files use academic-year codes (``202425`` = January 2025
  census), stored as the census year (2025);
* LAs are keyed on DfE's 3-digit ``old_la_code``, which is stable when the 9-character code changes
  (Buckinghamshire ``E10000002`` -> ``E06000060``);
* columns are matched case-insensitively through an explicit mapping (``PC_`` and ``pc_`` prefixes change between
  releases; DfE's misspellings such as ``number_decsion_4weeks`` are part of the mapping);
* percentages are recomputed from counts, never taken from the file or averaged;
* where releases cover the same year, the newer release (the one whose data reach the later year) supplies
  that whole year.

Every problem with an input raises :class:`~helpers.errors.InputError` naming the file (for a zip, the zip path
followed by the member path), the CSV line and the column.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from helpers.errors import InputError
from helpers.schemas import (
    EES,
    EES_COLUMNS,
    EES_COUNTS,
    EES_LEVELS,
    EES_PERCENTAGES,
    validate,
)

if TYPE_CHECKING:
    from helpers.pack.config import LAConfig
    from helpers.pack.context import LA

#: England's code and the ``DataFrame.attrs`` key of the wide table holding every 9-character code each LA has
#: had (oldest first) are defined once, in :mod:`helpers.areas`.
from helpers.areas import CODE_HISTORY, ENGLAND_CODE  # noqa: E402

_KEY_COLUMNS: tuple[str, ...] = ("time_period", "time_identifier", "geographic_level", "country_code",
                                 "country_name", "region_code", "region_name", "new_la_code", "old_la_code",
                                 "la_name")
_MISSING = ("x", "z", "")
#: DfE's misspelt column names, reported on the data-quality page with the intended word.
_MISSPELT: dict[str, str] = {
    "number_decsion_4weeks": "misspelt in the source (for number_decision_4weeks)",
    "pc_decsion_4weeks": "misspelt in the source (for pc_decision_4weeks)",
    "outcome_maintan": "misspelt in the source (for outcome_maintain)",
    "number_asssess_mediation_tribunal": "misspelt in the source (for number_assess_mediation_tribunal)",
}


@dataclass(frozen=True)
class _Topic:
    """One release file: how to find its headline rows and which of its columns feed which measure.

    ``measures`` maps a measure of the ``ees`` table to the accepted source column names, lower case (matched
    case-insensitively). ``within`` lists (part, whole) measure pairs where the part can never exceed the whole.
    """

    name: str
    headline_column: str | None
    headline: frozenset[str]
    measures: Mapping[str, tuple[str, ...]]
    within: tuple[tuple[str, str], ...] = ()


_TIMELINESS_PAIRS = (
    ("plans_issued_within_20_weeks", "plans_issued"), ("plans_issued_within_20_weeks_ex", "plans_issued_ex"),
    ("plans_issued_20_to_52_weeks", "plans_issued"), ("plans_issued_20_to_52_weeks_ex", "plans_issued_ex"),
    ("plans_issued_over_52_weeks", "plans_issued"), ("plans_issued_over_52_weeks_ex", "plans_issued_ex"),
)

#: Reporting year 2025 onwards (ees_statistics.md §1.2). The 2026 release renames the new-plans headline.
TOPIC_FILES: tuple[_Topic, ...] = (
    _Topic("requests.csv", "breakdown", frozenset({"All requests for EHC needs assessments"}), {
        "requests_received": ("requests_received_in_year",),
        "requests_decided_to_assess": ("requests_decided_to_assess",),
        "requests_decided_not_to_assess": ("requests_decided_not_to_assess",),
        "requests_withdrawn": ("requests_withdrawn",),
        "requests_decision_not_made": ("requests_decision_not_made",),
        "requests_decided_within_6_weeks": ("request_outcome_six_weeks",),
        "requests_decided_over_6_weeks": ("request_outcome_over_6_weeks",),
        "requests_mediation_related": ("mediation_related_request",),
        "requests_tribunal_related": ("tribunal_related_request",),
    }),
    _Topic("assessments.csv", "breakdown", frozenset({"All EHC needs assessments"}), {
        "assessments_completed": ("assess_in_year",),
        "assessments_plan_issued": ("assess_issued",),
        "assessments_plan_not_issued": ("assess_not_issued",),
    }),
    _Topic("newplans.csv", "breakdown", frozenset({"New EHC plans", "All new EHC plans"}), {
        "new_plans": ("new_ehc_plans",),
    }),
    _Topic("timeliness_20_week.csv", "breakdown", frozenset({"All EHC plans issued"}), {
        "plans_issued": ("plans_issued_den",),
        "plans_issued_within_20_weeks": ("plans_issued_within_20_weeks",),
        "plans_issued_ex": ("plans_issued_den_ex",),
        "plans_issued_within_20_weeks_ex": ("plans_issued_20_weeks_ex",),
        "plans_issued_20_to_52_weeks": ("plans_issued_gt20weeks_ltyear",),
        "plans_issued_20_to_52_weeks_ex": ("plans_issued_gt20weeks_ltyear_ex",),
        "plans_issued_over_52_weeks": ("plans_issued_gt_1_year",),
        "plans_issued_over_52_weeks_ex": ("plans_issued_gt_1_year_ex",),
    }, _TIMELINESS_PAIRS),
    _Topic("caseload.csv", "breakdown", frozenset({"All EHC plans"}), {
        "plans_in_place": ("ehcplans",),
    }),
    _Topic("annual_reviews.csv", "breakdown", frozenset({"All annual reviews"}), {
        "reviews_expected": ("review_expected",),
        "reviews_decision_within_4_weeks": ("number_decsion_4weeks", "number_decision_4weeks"),
        "reviews_decision_over_4_weeks": ("number_decision_gt_4weeks",),
    }),
    _Topic("ceased_plans.csv", "breakdown", frozenset({"All ceased EHC plans"}), {
        "plans_ceased": ("total_ceased",),
    }),
)

#: The 2022 release (ees_statistics.md §1.3; column meanings from its data-guidance.txt). ``NewallEHC`` ("assessed
#: and a plan issued") is both the new-plans count and the assessments that ended in a plan, as in the 2025
#: release (53,899 for England 2019 in both).
MI_FILES: tuple[_Topic, ...] = (
    _Topic("sen2_mi.csv", None, frozenset(), {
        "requests_received": ("inreqehc",),
        "requests_decided_not_to_assess": ("assrefusedehc",),
        "assessments_plan_issued": ("newallehc",),
        "assessments_plan_not_issued": ("assnoneehc",),
        "new_plans": ("newallehc",),
        "plans_issued": ("totincexcehc",),
        "plans_issued_within_20_weeks": ("incexc20weekehc",),
        "plans_issued_ex": ("totnoexcehc",),
        "plans_issued_within_20_weeks_ex": ("noexc20weekehc",),
    }, _TIMELINESS_PAIRS[:2]),
    _Topic("sen2_age_caseload.csv", "characteristic_age", frozenset({"Total"}), {
        "plans_in_place": ("total_all",),
    }),
)
_LAYOUTS: tuple[tuple[str, tuple[_Topic, ...]], ...] = (
    ("topic files (reporting year 2025 onwards)", TOPIC_FILES),
    ("2022 release (sen2_mi.csv)", MI_FILES),
)


@dataclass
class Release:
    """One or more DfE releases read into the wide ``ees`` table, with what the data-quality page needs.

    Attributes
    ----------
    table
        The wide table (``helpers.schemas.EES``): one row per year, geographic level and area.
    quality
        One row per release file and column: ``source, file, column, measure`` (the ``ees`` measure it feeds,
        if any), ``rows`` (headline rows read), ``n_x``, ``n_z``, ``n_blank`` and a ``note`` (duplicated or
        misspelt column names).
    files
        One row per file read: ``source, release`` (path given), ``file`` (member path), ``rows`` (all rows),
        ``headline_rows``, ``first_year``, ``last_year``, ``years_used`` (years this release supplies).
    las
        One row per LA seen: ``old_code, code`` (latest), ``codes`` (each 9-character code with its years),
        ``name, region_code, region_name, first_year, last_year, note`` (code changes, LAs that appear or vanish).
    """

    table: pd.DataFrame
    quality: pd.DataFrame
    files: pd.DataFrame
    las: pd.DataFrame


@dataclass
class _Part:
    """One file's headline rows, parsed and checked."""

    keys: pd.DataFrame  # year, geographic_level, area_code, area_name, la_code, region_code, region_name
    measures: pd.DataFrame  # indexed like keys
    quality: list[dict[str, object]]
    info: dict[str, object]


@dataclass
class _ReleaseData:
    label: str
    path: Path
    keys: pd.DataFrame
    measures: pd.DataFrame
    quality: pd.DataFrame
    files: pd.DataFrame
    years: set[int]

    @property
    def latest_year(self) -> int:
        return max(self.years)


# --- public API -------------------------------------------------------------------------------------------------


def read_release(paths: Sequence[str | Path] | str | Path) -> Release:
    """Read DfE "Education, health and care plans" releases (zips as downloaded, or unzipped folders).

    Parameters
    ----------
    paths
        One or more release zips or folders, in any order. Where two releases hold the same year, the release
        whose data reach the later year supplies that year (DfE revises earlier years in later releases).

    Returns
    -------
    Release
        The validated wide table and the data-quality frames (see :class:`Release`).

    Raises
    ------
    InputError
        On any problem with an input, naming the file, CSV line and column.
    """
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not items:
        raise InputError("inputs.ees", "no DfE release was given",
                         expected="the release's all-data zip or its unzipped folder")
    releases = [_read_one(Path(p)) for p in items]
    return _combine(releases)


_SAVED_PARTS: tuple[str, ...] = ("table", "quality", "files", "las")


def save_release(release: Release, folder: str | Path) -> Path:
    """Write a read release as parquet files in ``folder`` (one per :class:`Release` frame) and return it.

    Lets a batch build read the zip once and hand the result to every LA's pack (:func:`load_release`). The
    table's LA code history (``attrs``) travels in the parquet metadata.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for part in _SAVED_PARTS:
        getattr(release, part).to_parquet(out / f"{part}.parquet", index=False)
    return out


def load_release(folder: str | Path) -> Release:
    """Read a release written by :func:`save_release`, re-validating the table; InputError when incomplete."""
    path = Path(folder)
    frames = {}
    for part in _SAVED_PARTS:
        file = path / f"{part}.parquet"
        if not file.exists():
            raise InputError(file, "saved release file not found", expected="a folder written by save_release")
        frames[part] = pd.read_parquet(file)
    table = frames["table"]
    history = table.attrs.get(CODE_HISTORY, {})
    frames["table"] = validate(table, EES, path / "table.parquet")
    frames["table"].attrs[CODE_HISTORY] = history
    return Release(**frames)


def list_las(release_or_table: Release | pd.DataFrame) -> pd.DataFrame:
    """Every LA in a release: ``old_code, code, name, region_name`` (latest code and name), sorted by name."""
    table = release_or_table.table if isinstance(release_or_table, Release) else release_or_table
    las = table.loc[table["geographic_level"] == "Local authority",
                    ["area_code", "la_code", "area_name", "region_name"]].drop_duplicates("area_code")
    las.columns = ["old_code", "code", "name", "region_name"]
    return las.sort_values(["name", "old_code"]).reset_index(drop=True)


def find_la(table: pd.DataFrame, la_config: LAConfig, file: str | Path) -> LA:
    """Resolve the pack config's LA (new code, old code or name) to the LA in the release.

    A 9-character code matches the LA's latest code or any code it had in the release (Buckinghamshire's
    ``E10000002`` finds old code 825), or a successor code DfE has not adopted (``helpers.areas``);
    names match case-insensitively. When several of code, old code and name are given they must agree.

    Raises
    ------
    InputError
        When the LA is not in the release (with the closest names or codes as suggestions) or the given
        identifiers point at different LAs.
    """
    from helpers.areas import find_la as find  # every council lookup goes through helpers.areas

    return find(table, la_config, file)


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


# --- reading one release ----------------------------------------------------------------------------------------


def _read_one(path: Path) -> _ReleaseData:
    """Read one release zip or folder: find its layout, read each file, join them on the keys."""
    expected = "the release's all-data zip as downloaded, or its unzipped folder"
    if path.is_dir():
        members = {p.name.lower(): p for p in sorted(path.rglob("*")) if p.is_file() and _is_data_name(p.name)}

        def load(topic: _Topic) -> tuple[bytes, str, str]:
            file = members[topic.name]
            try:
                return file.read_bytes(), str(file), file.relative_to(path).as_posix()
            except OSError as exc:
                raise InputError(file, f"cannot read the file ({exc.strerror})") from None

        parts = _read_members(path, set(members), load)
    elif path.is_file():
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError):
            raise InputError(path, "not a readable zip file (damaged, truncated or not a zip)",
                             expected=expected) from None
        with archive:
            names = {Path(n).name.lower(): n for n in archive.namelist()
                     if not n.endswith("/") and not n.startswith("__MACOSX") and _is_data_name(Path(n).name)}

            def load(topic: _Topic) -> tuple[bytes, str, str]:
                member = names[topic.name]
                try:
                    return archive.read(member), f"{path}/{member}", member
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
                    raise InputError(f"{path}/{member}", f"the zip member is damaged or truncated ({exc})",
                                     expected=expected) from None

            parts = _read_members(path, set(names), load)
    else:
        raise InputError(path, "DfE release not found", expected=expected)

    label = path.name
    keys = pd.concat([p.keys for p in parts], ignore_index=True)
    index = ["year", "geographic_level", "area_code"]
    measures = pd.concat([p.measures.set_axis(pd.MultiIndex.from_frame(p.keys[index]))
                          for p in parts], axis=1)
    quality = pd.DataFrame([q for p in parts for q in p.quality])
    quality.insert(0, "source", label)
    files = pd.DataFrame([p.info for p in parts])
    files.insert(0, "release", str(path))
    files.insert(0, "source", label)
    years = {int(y) for y in keys["year"].unique()}
    if not years:
        raise InputError(path, "the release holds no headline rows", expected=expected)
    return _ReleaseData(label, path, keys, measures, quality, files, years)


def _is_data_name(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith("._")


def _read_members(path: Path, present: set[str],
                  load: Callable[[_Topic], tuple[bytes, str, str]]) -> list[_Part]:
    """Pick the layout whose files are present and read each of them.

    ``load`` gives a file's bytes, the path to show in messages (for a zip: zip path + member path) and its path
    inside the release (``data/requests.csv``).
    """
    for layout, topics in _LAYOUTS:
        wanted = [t.name for t in topics]
        if not any(name in present for name in wanted):
            continue
        missing = [name for name in wanted if name not in present]
        if missing:
            raise InputError(path, f"the release is missing files of its layout ({layout})",
                             expected=", ".join(wanted), found="missing " + ", ".join(missing))
        return [_read_topic(*load(topic), topic) for topic in topics]
    names = [t.name for _, topics in _LAYOUTS for t in topics]
    raise InputError(path, "no DfE 'Education, health and care plans' data files found",
                     expected="the release's data files (" + ", ".join(names) + ")",
                     found=", ".join(sorted(present)) or "no CSV files")


# --- reading one file -------------------------------------------------------------------------------------------


def _read_topic(data: bytes, file: str, member: str, topic: _Topic) -> _Part:
    """Parse one CSV's headline rows into keys and measures, checking every value the table uses."""
    table, names = _read_csv(data, file)
    lower = [n.lower() for n in names]
    columns = _columns_by_lower_name(names)

    for key in _KEY_COLUMNS:
        _require(columns, key, file)
    if topic.headline_column is not None:
        col = table.column(_require(columns, topic.headline_column, file))
        mask = pc.is_in(pc.utf8_trim_whitespace(col), value_set=pa.array(sorted(topic.headline)))
        rows = pc.indices_nonzero(mask)
        if len(rows) == 0:
            seen = sorted(set(col.to_pylist()))[:6]
            raise InputError(file, "no headline row found", field=topic.headline_column,
                             expected=" or ".join(repr(h) for h in sorted(topic.headline)),
                             found=", ".join(seen) or "no data rows")
        head = table.take(rows)
        lines = rows.to_numpy() + 2  # line 1 is the header
    else:
        head = table
        lines = np.arange(table.num_rows) + 2
        if table.num_rows == 0:
            raise InputError(file, "the file has a header but no data rows")

    quality = _quality(head, names, lower, topic, member)
    measure_columns = {m: _require(columns, cands, file) for m, cands in topic.measures.items()}
    _check_duplicate_columns(head, names, lower, set(measure_columns.values()), lines, file)

    keys = _keys(head, columns, lines, file)
    values: dict[str, np.ndarray] = {}
    for measure, column in measure_columns.items():
        values[measure] = _numbers(head.column(column), names[column], lines, file, minimum=0.0)
    for i, name in enumerate(lower):  # the file's own percentage columns must be 0-100 (they are not used)
        if name.endswith(("_pc", "rate")) or name.startswith("pc_"):
            _numbers(head.column(i), names[i], lines, file, minimum=0.0, maximum=100.0)
    measures = pd.DataFrame(values, index=keys.index)
    for part, whole in topic.within:
        over = measures[part] > measures[whole]
        if over.any():
            i = int(np.flatnonzero(over.to_numpy())[0])
            raise InputError(file, f"more in '{names[measure_columns[part]]}' than in its total "
                             f"'{names[measure_columns[whole]]}'", where=f"line {lines[i]}",
                             field=names[measure_columns[part]],
                             expected=f"at most {measures[whole].iloc[i]:g}", found=f"{measures[part].iloc[i]:g}")

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

    years = keys["year"]
    info = {"file": member, "rows": table.num_rows,
            "headline_rows": len(keys), "first_year": int(years.min()), "last_year": int(years.max())}
    return _Part(keys, measures, quality, info)


def _read_csv(data: bytes, file: str) -> tuple[pa.Table, list[str]]:
    """Every column as text (so ``x``/``z`` survive and bad cells can be located), via pyarrow's fast reader.

    Returns the table and the header's names as written. Duplicated header names (``review_meeting_prior_24``
    appears twice) are kept apart inside the table by numbering the repeats, so use column positions; a UTF-8
    byte-order mark is skipped.
    """
    if not data.strip():
        raise InputError(file, "the file is empty", expected="a CSV file with a header row and data rows")
    if data[:4] == b"PK\x03\x04":  # a zip signature: an Excel workbook saved with a .csv name
        raise InputError(file, "this is an Excel workbook, not a CSV file", where="line 1",
                         expected="the CSV file exactly as downloaded from explore-education-statistics")
    first = re.split(rb"[\r\n]", data, maxsplit=1)[0]  # pyarrow ends a row at CR, LF or CRLF
    try:
        header = next(csv.reader([first.decode("utf-8-sig")]), [])
    except UnicodeDecodeError as exc:
        raise InputError(file, "the file is not UTF-8 text", where="line 1", expected="UTF-8 text",
                         found=f"byte 0x{first[exc.start]:02x}") from None
    except csv.Error as exc:
        raise InputError(file, f"the header row is not readable CSV ({exc})", where="line 1") from None
    if not any(h.strip() for h in header):
        raise InputError(file, "the header row is empty", where="line 1", expected="the EES column names")
    header = [h.strip() for h in header]
    names = [f"{h} ({i})" if h in header[:i] else h for i, h in enumerate(header)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise _locate_csv_problem(data, file, len(names), str(exc)) from None
    return table, header


def _locate_csv_problem(data: bytes, file: str, n_columns: int, message: str) -> InputError:
    """Find the line pyarrow stumbled on (it does not report one), by re-reading the text slowly."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return InputError(file, "the file is not UTF-8 text", where=f"line {line}", expected="UTF-8 text",
                          found=f"byte 0x{data[exc.start]:02x}")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            if reader.line_num > 1 and record and len(record) != n_columns:
                return InputError(file, "this row has a different number of cells from the header",
                                  where=f"line {reader.line_num}", expected=f"{n_columns} cells",
                                  found=f"{len(record)} cells")
    except csv.Error as exc:
        return InputError(file, f"not a readable CSV file ({exc})", where=f"line {reader.line_num}")
    return InputError(file, f"not a readable CSV file ({message.splitlines()[0]})")


def _columns_by_lower_name(names: list[str]) -> dict[str, int]:
    """Column index by lower-case name (first occurrence), so ``PC_x`` and ``pc_x`` both match ``pc_x``."""
    out: dict[str, int] = {}
    for i, name in enumerate(names):
        out.setdefault(name.lower(), i)
    return out


def _require(columns: dict[str, int], candidates: str | tuple[str, ...], file: str) -> int:
    """The index of the first candidate column present; InputError naming the column when none is."""
    options = (candidates,) if isinstance(candidates, str) else candidates
    for name in options:
        if name in columns:
            return columns[name]
    raise InputError(file, "a required column is missing", where="line 1 (header)", field=options[0],
                     expected="the column names of the DfE release file")


def _check_duplicate_columns(head: pa.Table, names: list[str], lower: list[str], used: set[int],
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


def _quality(head: pa.Table, names: list[str], lower: list[str], topic: _Topic,
             member: str) -> list[dict[str, object]]:
    """x / z / blank counts per column of the headline rows, with notes on duplicated and misspelt names."""
    feeds = {c: m for m, cands in topic.measures.items() for c in cands}
    out = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        low = lower[i]
        if low in _KEY_COLUMNS or low in ("breakdown_topic", "breakdown", topic.headline_column):
            continue
        note = _MISSPELT.get(low, "")
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


def _numbers(column: pa.ChunkedArray, name: str, lines: np.ndarray, file: str, *, minimum: float,
             maximum: float | None = None) -> np.ndarray:
    """Numbers from a text column: ``x``/``z``/blank -> NaN; anything else must be a number in range."""
    kind = "a percentage" if maximum is not None else "a count"
    text = pc.utf8_trim_whitespace(column)
    missing = pc.is_in(pc.utf8_lower(text), value_set=pa.array(_MISSING))
    miss = missing.to_numpy(zero_copy_only=False).astype(bool)
    try:
        values = pc.cast(pc.if_else(missing, None, text), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = None
    if values is None or not np.isfinite(values[~miss]).all():  # text, or "nan"/"inf" that arrow accepts
        raw = np.asarray(text.to_pylist(), dtype=object)
        parsed = pd.to_numeric(pd.Series(np.where(miss, None, raw), dtype=object), errors="coerce").to_numpy(float)
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
    return values


def _keys(head: pa.Table, columns: dict[str, int], lines: np.ndarray, file: str) -> pd.DataFrame:
    """Year, geography and area of each headline row, checked: the academic-year code ``202425`` is year 2025."""
    text = {k: pc.utf8_trim_whitespace(head.column(columns[k])) for k in _KEY_COLUMNS}

    def fail(bad: pa.ChunkedArray | np.ndarray, key: str, problem: str, expected: str) -> None:
        mask = bad if isinstance(bad, np.ndarray) else pc.fill_null(bad, True).to_numpy(zero_copy_only=False)
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise InputError(file, problem, where=f"line {lines[i]}", field=head.column_names[columns[key]],
                             expected=expected, found=text[key][i].as_py())

    def matches(key: str, pattern: str) -> np.ndarray:
        return pc.match_substring_regex(text[key], pattern).to_numpy(zero_copy_only=False)

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
    values = {k: text[k].to_numpy(zero_copy_only=False) for k in _KEY_COLUMNS}
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


# --- combining releases -----------------------------------------------------------------------------------------


def _combine(releases: list[_ReleaseData]) -> Release:
    """One wide table: each year from the newest release holding it; latest names and codes for every area."""
    order = sorted(range(len(releases)), key=lambda i: (releases[i].latest_year, i))
    winner: dict[int, int] = {}
    for i in order:
        for year in releases[i].years:
            winner[year] = i
    keys, measures, files = [], [], []
    index = ["year", "geographic_level", "area_code"]
    for i, rel in enumerate(releases):
        chosen = sorted(y for y, w in winner.items() if w == i)
        k = rel.keys[rel.keys["year"].isin(chosen)].drop_duplicates(index)
        k = k.assign(source=rel.label)
        keys.append(k)
        m = rel.measures[rel.measures.index.get_level_values("year").isin(chosen)]
        measures.append(m)
        files.append(rel.files.assign(years_used=_span(chosen)))
    all_keys = pd.concat(keys, ignore_index=True)
    wide = pd.concat(measures).reindex(columns=list(EES_COUNTS))
    wide.index.names = index

    las, history = _la_register(all_keys)
    latest = _latest_attributes(all_keys, las)
    table = all_keys[index + ["source"]].merge(latest, on=["geographic_level", "area_code"], how="left")
    table = table.join(wide, on=index)
    for pct, (num, den) in EES_PERCENTAGES.items():
        table[pct] = (100 * table[num] / table[den]).where(table[den] > 0)
    table["year"] = table["year"].astype("int64")
    for col in ("geographic_level", "area_code", "area_name", "la_code", "region_code", "region_name", "source"):
        table[col] = table[col].astype("str").where(table[col].notna(), None)
    for col in (*EES_COUNTS, *EES_PERCENTAGES):
        table[col] = table[col].astype("float64")
    level_order = {lv: i for i, lv in enumerate(EES_LEVELS)}
    table = (table.assign(_level=table["geographic_level"].map(level_order))
             .sort_values(["year", "_level", "area_code"]).drop(columns="_level").reset_index(drop=True))
    table = table[list(EES_COLUMNS)]
    labels = table["source"] + ": " + table["year"].astype(str) + " " + table["area_name"]
    table = validate(table, EES, " + ".join(str(r.path) for r in releases), row_labels=labels)
    table.attrs[CODE_HISTORY] = history
    quality = pd.concat([r.quality for r in releases], ignore_index=True)
    files = pd.concat(files, ignore_index=True)
    return Release(table=table, quality=quality, files=files, las=las)


def _span(years: Sequence[int]) -> str:
    """``[2014, 2015, 2016, 2019]`` -> ``"2014-2016, 2019"``."""
    out: list[str] = []
    for y in sorted(years):
        if out and out[-1].split("-")[-1] == str(y - 1):
            out[-1] = out[-1].split("-")[0] + f"-{y}"
        else:
            out.append(str(y))
    return ", ".join(out)


def _la_register(keys: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Every LA seen, its codes over time, and whether it appears or vanishes within the table's years.

    The latest code of an LA is the code that *first appeared* most recently, not the code of the latest
    year: DfE's 2025 release labels Buckinghamshire ``E06000060`` for 2020-2022 but reverts to the pre-2020
    ``E10000002`` for 2023-2024, and the unitary code is the current one (ONS Register of Geographic Codes).
    """
    la = keys[keys["geographic_level"] == "Local authority"].sort_values("year", kind="stable")
    years_by_code: dict[str, dict[str, set[int]]] = {}
    last: dict[str, tuple[str, str, str]] = {}
    for old, code, year, name, region, region_name in zip(la["area_code"], la["la_code"], la["year"],
                                                          la["area_name"], la["region_code"], la["region_name"],
                                                          strict=True):
        years_by_code.setdefault(old, {}).setdefault(code, set()).add(int(year))
        last[old] = (name, region, region_name)
    lo, hi = (int(la["year"].min()), int(la["year"].max())) if len(la) else (0, 0)
    rows, history = [], {}
    for old in sorted(years_by_code):
        codes = sorted(years_by_code[old].items(), key=lambda kv: (min(kv[1]), max(kv[1])))
        history[old] = [c for c, _ in codes]
        described = "; ".join(f"{c} ({_span(sorted(ys))})" for c, ys in codes)
        first = min(min(ys) for _, ys in codes)
        final = max(max(ys) for _, ys in codes)
        notes = [f"code changed: {described}"] if len(codes) > 1 else []
        notes += [f"first appears in {first}"] if first > lo else []
        notes += [f"last appears in {final}"] if final < hi else []
        name, region, region_name = last[old]
        rows.append({"old_code": old, "code": history[old][-1], "codes": described, "name": name,
                     "region_code": region, "region_name": region_name, "first_year": first,
                     "last_year": final, "note": "; ".join(notes)})
    columns = ["old_code", "code", "codes", "name", "region_code", "region_name", "first_year", "last_year", "note"]
    return pd.DataFrame(rows, columns=columns), history


def _latest_attributes(keys: pd.DataFrame, las: pd.DataFrame) -> pd.DataFrame:
    """Name, code and region of each area from its latest year (LA code from :func:`_la_register`)."""
    latest = (keys.sort_values("year").groupby(["geographic_level", "area_code"]).tail(1)
              [["geographic_level", "area_code", "area_name", "la_code", "region_code", "region_name"]])
    code = las.set_index("old_code")["code"]
    is_la = latest["geographic_level"] == "Local authority"
    latest.loc[is_la, "la_code"] = latest.loc[is_la, "area_code"].map(code)
    return latest


def _not_found(file: str | Path, key: str, value: str, options: list[str]) -> InputError:
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.6)
    if not close and key == "la.name":
        folded = {o.casefold(): o for o in options}
        close = [folded[c] for c in difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.5)]
    hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""
    return InputError(file, f"the LA is not in the DfE release{hint}", where="key 'la'", field=key, found=value,
                      expected="an LA listed by `evidence-pack list-las`")
