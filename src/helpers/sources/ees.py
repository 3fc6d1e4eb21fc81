"""Reader for DfE's "Education, health and care plans" release (explore-education-statistics, SEN2 return).

Analysts download the release's "all data" zip each June; :func:`read_release` reads one or more of those zips
as downloaded (or their unzipped folders) into one wide table with a row per year, geography and area (see
``docs/architecture.md``, table ``ees``). The layouts understood (2022 CamelCase ``sen2_mi.csv``, 2023-2024
snake_case ``sen2_mi.csv``, the 2025 and 2026 topic files) are described as data in
:mod:`helpers.sources.ees_layouts`; this module matches each file against them (newest first) and reads it.

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
* where releases hold the same figure for the same area and year, the newer release (by reporting year) supplies
  it; older releases fill only what it lacks (:func:`_combine`);
* a council figure equal to its region's total (DfE's 2025 ``newplans.csv``, Yorkshire and The Humber 2022) is
  repaired from the council's breakdown rows and listed (``Release.repairs``);
* zip members are checked for size, compression ratio, encryption and duplicates before anything is decompressed.

Every problem with an input raises :class:`~helpers.errors.InputError` naming the file (for a zip, the zip path
followed by the member path), the CSV line and the column.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
    EES_MEASURES,
    EES_PERCENTAGES,
    validate,
)
from helpers.sources.ees_layouts import LAYOUTS, FileLayout, Layout, resolve

if TYPE_CHECKING:
    from helpers.config import LAConfig
    from helpers.present.context import LA

#: England's code and the ``DataFrame.attrs`` key of the wide table holding every 9-character code each LA has
#: had (oldest first) are defined once, in :mod:`helpers.areas`.
from helpers.areas import CODE_HISTORY  # noqa: E402

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


#: Limits on what a release may hold, checked before anything is decompressed (real files: at most ~10 MB each,
#: compressing 5-20 times). A zip bomb or a wrong path ends in one message, quickly and in little memory.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_RELEASE_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_FOLDER_ENTRIES = 2000
_DIGITS = re.compile(r"\d+")


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
    repairs
        Known DfE errors repaired on reading: ``source, file, year, area_code, area_name, region_name, measure,
        published, repaired, reason`` (a council given its region's total; the repair is the sum of the file's
        breakdown rows for that council).
    provenance
        Which release and layout each year's figures came from: ``year, source, layout, reporting_year,
        files, rows`` (rows: headline rows of that year this release supplied).
    """

    table: pd.DataFrame
    quality: pd.DataFrame
    files: pd.DataFrame
    las: pd.DataFrame
    repairs: pd.DataFrame
    provenance: pd.DataFrame


@dataclass
class _Part:
    """One file's headline rows, parsed and checked."""

    keys: pd.DataFrame  # year, geographic_level, area_code, area_name, la_code, region_code, region_name
    measures: pd.DataFrame  # indexed like keys
    quality: list[dict[str, object]]
    info: dict[str, object]
    repairs: list[dict[str, object]] = field(default_factory=list)
    reporting_year: int = 0


@dataclass
class _ReleaseData:
    label: str
    path: Path
    layout: str
    reporting_year: int
    parts: list[_Part]
    quality: pd.DataFrame
    files: pd.DataFrame


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
    labels = [r.label for r in releases]
    for label in labels:
        if labels.count(label) > 1:  # the label names the source on the page: make it unique
            for n, r in enumerate(r for r in releases if r.label == label):
                r.label = f"{label} ({r.path.parent.name or n + 1})"
    return _combine(releases)


_SAVED_PARTS: tuple[str, ...] = ("table", "quality", "files", "las", "repairs", "provenance")


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

_EXPECTED = "the release's all-data zip as downloaded, or its unzipped folder"
_KNOWN_FILES: frozenset[str] = frozenset(f.name for layout in LAYOUTS for f in layout.files)


def _release_folder_files(path: Path) -> dict[str, Path]:
    """The data files of an unzipped release folder (a few levels deep), refusing folders that are not one."""
    found: dict[str, Path] = {}
    seen = 0
    stack = [(path, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError as exc:
            raise InputError(folder, f"cannot read the folder ({exc.strerror})", expected=_EXPECTED) from None
        for entry in entries:
            seen += 1
            if seen > MAX_FOLDER_ENTRIES:
                raise InputError(path, f"this folder holds more than {MAX_FOLDER_ENTRIES:,} files and folders, so "
                                 "it is not an unzipped DfE release", expected=_EXPECTED)
            if entry.is_symlink():
                continue
            if entry.is_dir() and depth < 3 and not entry.name.startswith((".", "__MACOSX")):
                stack.append((entry, depth + 1))
            elif entry.is_file() and _is_data_name(entry.name):
                key = entry.name.lower()
                if key in found and key in _KNOWN_FILES:
                    raise InputError(path, f"the release holds two files called {entry.name}",
                                     where=f"{found[key].relative_to(path)} and {entry.relative_to(path)}",
                                     expected="one copy of each release file (remove the other folder)")
                found.setdefault(key, entry)
    return found


def _read_one(path: Path) -> _ReleaseData:
    """Read one release zip or folder: find its layout, read each file, check it against the layout."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(path, "DfE release not found", expected=_EXPECTED) from None
    except OSError as exc:
        raise InputError(path, f"cannot read the path ({exc.strerror})", expected=_EXPECTED) from None
    if stat.S_ISDIR(st.st_mode):
        members = _release_folder_files(path)

        def load(name: str) -> tuple[bytes, str, str]:
            file = members[name]
            try:
                size = file.stat().st_size
                if size > MAX_MEMBER_BYTES:
                    raise InputError(file, f"the file is too large for a DfE release file ({size:,} bytes)",
                                     expected=f"at most {MAX_MEMBER_BYTES:,} bytes")
                return file.read_bytes(), str(file), file.relative_to(path).as_posix()
            except OSError as exc:
                raise InputError(file, f"cannot read the file ({exc.strerror})") from None

        return _read_members(path, set(members), load)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "not a regular file or folder (a device, pipe or socket)", expected=_EXPECTED)
    if st.st_size > MAX_RELEASE_BYTES:
        raise InputError(path, f"the file is too large for a DfE release zip ({st.st_size:,} bytes)",
                         expected=f"at most {MAX_RELEASE_BYTES:,} bytes (the 2025 release is 6 MB)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError, ValueError):
        raise InputError(path, "not a readable zip file (damaged, truncated, not a zip, or a file name inside it "
                         "is not readable text)", expected=_EXPECTED) from None
    with archive:
        infos: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in archive.infolist():
            n = info.filename
            if n.endswith("/") or n.startswith("__MACOSX") or not _is_data_name(Path(n).name):
                continue
            key = Path(n).name.lower()
            if key in infos and key in _KNOWN_FILES:
                raise InputError(path, f"the zip holds two files called {Path(n).name}",
                                 where=f"{infos[key].filename} and {n}",
                                 expected="one copy of each release file, as DfE's download has")
            infos.setdefault(key, info)
        for info in infos.values():
            _check_member(path, info)
            total += info.file_size
        if total > MAX_RELEASE_BYTES:
            raise InputError(path, f"the zip's files would unpack to {total:,} bytes, far more than a DfE release",
                             expected=f"at most {MAX_RELEASE_BYTES:,} bytes in all")

        def load(name: str) -> tuple[bytes, str, str]:
            info = infos[name]
            return _read_member(archive, info, f"{path}/{info.filename}"), f"{path}/{info.filename}", info.filename

        return _read_members(path, set(infos), load)


def _check_member(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse an encrypted, oversized or suspiciously compressed zip member before decompressing anything."""
    where = f"{path}/{info.filename}"
    if info.flag_bits & 0x1:
        raise InputError(where, "the zip member is encrypted (password protected)",
                         expected="the release zip exactly as downloaded from explore-education-statistics")
    if info.file_size > MAX_MEMBER_BYTES:
        raise InputError(where, f"the zip member would unpack to {info.file_size:,} bytes, far more than a DfE "
                         "release file", expected=f"at most {MAX_MEMBER_BYTES:,} bytes")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
        raise InputError(where, f"the zip member is compressed {ratio:,.0f} times (a zip bomb?)",
                         expected=f"at most {MAX_COMPRESSION_RATIO} times, as real CSV files are")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    """A member's bytes, read in chunks and stopped as soon as it exceeds its declared (checked) size."""
    limit = min(info.file_size, MAX_MEMBER_BYTES)
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise InputError(where, "the zip member unpacks to more than its header says (a damaged "
                                     "or forged zip)", expected=f"{info.file_size:,} bytes")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        raise InputError(where, f"the zip member is damaged or truncated ({exc})", expected=_EXPECTED) from None
    return b"".join(chunks)


def _is_data_name(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith("._")


def _read_members(path: Path, present: set[str], load: Callable[[str], tuple[bytes, str, str]]) -> _ReleaseData:
    """Pick the layouts whose required files are present, then match and read every file of them.

    ``load`` gives a file's bytes, the path to show in messages (for a zip: zip path + member path) and its path
    inside the release (``data/requests.csv``). The release's layout is the newest one every file matches; a
    release whose files match different layouts is read file by file (``mixed``), and a file that matches no
    candidate layout is an error naming what is missing and the closest match in the file.
    """
    candidates = [lay for lay in LAYOUTS
                  if all(f.name in present for f in lay.files if f.required)
                  and any(f.name in present for f in lay.files if f.measures)]
    if not candidates:
        raise _no_layout(path, present)
    names = [n for n in dict.fromkeys(f.name for lay in candidates for f in lay.files) if n in present]
    tables: dict[str, tuple[pa.Table | None, list[str], str, str]] = {}
    for name in names:
        data, file, member = load(name)
        spec = next(f for lay in candidates for f in lay.files if f.name == name)
        if spec.tidy:
            table, header = _read_csv(data, file)
        else:
            table, header = None, _csv_header(data, file)
        tables[name] = (table, header, file, member)

    problems: dict[tuple[str, str], dict[str, str]] = {}
    for lay in candidates:
        for spec in lay.files:
            if spec.name in tables:
                problem = _mismatch(spec, *tables[spec.name][:2])
                if problem:
                    problems[(lay.name, spec.name)] = problem
    fails = {lay.name: sum(1 for f in lay.files if (lay.name, f.name) in problems) for lay in candidates}
    whole = next((lay for lay in candidates if fails[lay.name] == 0), None)
    chosen: dict[str, tuple[Layout, FileLayout]] = {}
    for name in names:
        options = [(lay, lay.file(name)) for lay in ([whole] if whole else candidates) if lay.file(name)]
        match = next(((lay, spec) for lay, spec in options if (lay.name, name) not in problems), None)
        if match is None:  # the closest layout's complaint, with what the others found
            best = min((lay for lay, _ in options), key=lambda lay: fails[lay.name])
            first = problems[(best.name, name)]
            others = "; ".join(f"{lay.name}: {p['problem']} {p['field']!r} ({p['found']})"
                               for lay, _ in options if lay is not best
                               for p in [problems[(lay.name, name)]])
            tried = f" in the {best.name} layout" + (f" (also tried {others})" if others else "")
            raise InputError(tables[name][2], first["problem"] + tried, where=first["where"],
                             field=first["field"], expected=first["expected"], found=first["found"])
        chosen[name] = match
    parts = []
    for name in names:
        table, header, file, member = tables[name]
        lay, spec = chosen[name]
        parts.append(_read_file(table, header, file, member, spec, lay))
    measured = [p for p in parts if len(p.keys)]
    if not measured:
        raise InputError(path, "the release holds no headline rows", expected=_EXPECTED)
    label = path.name
    layout = whole.name if whole else "mixed (" + ", ".join(
        sorted({f"{n}: {chosen[n][0].name}" for n in names if chosen[n][1].measures})) + ")"
    quality = pd.DataFrame([q for p in parts for q in p.quality],
                           columns=["file", "column", "measure", "rows", "n_x", "n_z", "n_blank", "note"])
    quality.insert(0, "source", label)
    files = pd.DataFrame([p.info for p in parts])
    files.insert(0, "release", str(path))
    files.insert(0, "source", label)
    reporting = max(p.reporting_year for p in measured)
    return _ReleaseData(label, path, layout, reporting, parts, quality, files)


def _no_layout(path: Path, present: set[str]) -> InputError:
    """One message for a release with no known layout's file set: what the closest layout lacks, and the others."""
    if not any(n in _KNOWN_FILES for n in present):
        names = sorted({f.name for lay in LAYOUTS for f in lay.files if f.required})
        return InputError(path, "no DfE 'Education, health and care plans' data files found",
                          expected="the release's data files (" + ", ".join(names) + ")",
                          found=", ".join(sorted(present)) or "no CSV files")
    missing = {lay.name: [f.name for f in lay.files if f.required and f.name not in present] for lay in LAYOUTS}
    best = min(LAYOUTS, key=lambda lay: (len(missing[lay.name]), LAYOUTS.index(lay)))
    hints = []
    for m in missing[best.name]:
        close = difflib.get_close_matches(m, sorted(present - _KNOWN_FILES), n=1, cutoff=0.8)
        hints.append(f"{m} (did you mean '{close[0]}'?)" if close else m)
    others = "; ".join(f"{lay.name} lacks " + ", ".join(missing[lay.name]) for lay in LAYOUTS if lay is not best)
    return InputError(path, f"the release is missing files of its layout ({best.name}; also tried {others})",
                      expected=", ".join(f.name for f in best.files if f.required),
                      found="missing " + ", ".join(hints))


def _mismatch(spec: FileLayout, table: pa.Table | None, header: list[str]) -> dict[str, str] | None:
    """What in the file does not fit the layout's description of it (None when it fits), as InputError fields
    with the closest match found ("did you mean 'All EHC plans'?")."""
    lower = [h.lower() for h in header]
    if not spec.tidy:
        return None
    year = _latest_year(table, lower) if table is not None else 0
    required = [*_KEY_COLUMNS, *(c for c, _ in spec.headline), *(resolve(c, year) for c in spec.measures.values())]
    for column in required:
        if column not in lower:
            close = difflib.get_close_matches(column, lower, n=1, cutoff=0.6)
            return {"problem": "a required column is missing", "where": "line 1 (header)", "field": column,
                    "expected": "the column names of the DfE release file",
                    "found": f"did you mean '{header[lower.index(close[0])]}'?" if close else "no similar column"}
    assert table is not None
    for column, label in spec.headline:
        values = sorted({str(v) for v in pc.unique(pc.utf8_trim_whitespace(
            table.column(lower.index(column)))).to_pylist()})
        if label not in values:
            close = difflib.get_close_matches(label, values, n=1, cutoff=0.5)
            found = (f"did you mean '{close[0]}'?" if close else ", ".join(values[:6])) or "no data rows"
            return {"problem": "no headline row found", "where": None, "field": header[lower.index(column)],
                    "expected": repr(label), "found": found}
    return None


def _latest_year(table: pa.Table | None, lower: list[str]) -> int:
    """The latest calendar year (or census year, for ``202526``-style codes: 2026) in ``time_period``."""
    if table is None or "time_period" not in lower or table.num_rows == 0:
        return 0
    years = [int(m[:4]) + (1 if len(m) == 6 else 0)
             for m in pc.unique(pc.utf8_trim_whitespace(table.column(lower.index("time_period")))).to_pylist()
             if isinstance(m, str) and m.isdigit() and len(m) in (4, 6)]
    return max(years, default=0)


def _csv_header(data: bytes, file: str) -> list[str]:
    """The header of a spreadsheet-style supporting file (listed, not read): it must at least be UTF-8 text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(file, "the file is not UTF-8 text", where=f"line {line}", expected="UTF-8 text",
                         found=f"byte 0x{data[exc.start]:02x}") from None
    return next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])


# --- reading one file -------------------------------------------------------------------------------------------


def _read_file(table: pa.Table | None, names: list[str], file: str, member: str, spec: FileLayout,
               layout: Layout) -> _Part:
    """Parse one CSV's headline rows into keys and measures, checking every value the table uses."""
    empty = _Part(pd.DataFrame(columns=["year", "geographic_level", "area_code", "area_name", "la_code",
                                        "region_code", "region_name"]), pd.DataFrame(), [], {})
    if table is None:  # spreadsheet-style supporting file
        empty.info = {"file": member, "layout": layout.name, "rows": None, "headline_rows": 0, "first_year": None,
                      "last_year": None, "note": "spreadsheet-style table, not EES tidy format: listed, not read"}
        return empty
    lower = [n.lower() for n in names]
    columns = _columns_by_lower_name(names)
    year = _latest_year(table, lower)
    if table.num_rows == 0:
        raise InputError(file, "the file has a header but no data rows")
    mask = None
    for column, label in spec.headline:
        col = pc.utf8_trim_whitespace(table.column(columns[column]))
        hit = pc.equal(col, label)
        mask = hit if mask is None else pc.and_(mask, hit)
    if mask is not None:
        rows = pc.indices_nonzero(mask)
        head = table.take(rows)
        lines = rows.to_numpy() + 2  # line 1 is the header
    else:
        head = table
        lines = np.arange(table.num_rows) + 2
    quality = _quality(head if spec.measures else table, names, lower, spec, member, year)
    if not spec.measures:  # read for its keys and x/z counts only
        empty.quality = quality
        empty.info = {"file": member, "layout": layout.name, "rows": table.num_rows, "headline_rows": 0,
                      "first_year": None, "last_year": year or None, "note": "not used by the pack's pages"}
        return empty

    measure_columns = {m: columns[resolve(c, year)] for m, c in spec.measures.items()}
    measure_columns |= {m: columns[resolve(c, year)] for m, c in spec.optional.items() if resolve(c, year) in columns}
    _check_duplicate_columns(head, names, lower, set(measure_columns.values()), lines, file)
    keys = _keys(head, columns, lines, file)
    values: dict[str, np.ndarray] = {}
    for measure, column in measure_columns.items():
        values[measure] = _numbers(head.column(column), names[column], lines, file, minimum=0.0)
    for i, name in enumerate(lower):  # the file's own percentage columns must be 0-100 (they are not used)
        if name.endswith(("_pc", "rate")) or name.startswith("pc_"):
            _numbers(head.column(i), names[i], lines, file, minimum=0.0, maximum=100.0)
    measures = pd.DataFrame(values, index=keys.index)
    for part, whole in spec.within:
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
    repairs: list[dict[str, object]] = []
    if spec.repair_topic is not None:
        if "breakdown_topic" not in columns:
            raise InputError(file, "the file has no 'breakdown_topic' column, needed to check its council figures "
                             "against its breakdown rows", where="line 1 (header)", field="breakdown_topic",
                             expected="the column 'breakdown_topic', as in DfE's release",
                             found=", ".join(names[:12]))
        repairs = _repair_region_copies(table, columns, keys, measures, measure_columns, spec, file, member)

    years = keys["year"]
    census = spec.census or bool(pc.any(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(
        head.column(columns["time_period"]))), 6)).as_py())
    reporting = int(years.max()) if census else int(years.max()) + 1
    info = {"file": member, "layout": layout.name, "rows": table.num_rows, "headline_rows": len(keys),
            "first_year": int(years.min()), "last_year": int(years.max()),
            "note": f"{len(repairs)} value(s) repaired" if repairs else ""}
    return _Part(keys, measures, quality, info, repairs, reporting)


def _repair_region_copies(table: pa.Table, columns: dict[str, int], keys: pd.DataFrame, measures: pd.DataFrame,
                          measure_columns: dict[str, int], spec: FileLayout, file: str,
                          member: str) -> list[dict[str, object]]:
    """Repair council values that equal their region's total (in place); return one record per repair.

    DfE's 2025 ``newplans.csv`` gives each of the 15 Yorkshire and The Humber councils the region's 2022 total
    (6,078). A council value equal to its region's figure, where other councils of the region have figures of
    their own, is such a copy; the repair is the sum of the file's ``repair_topic`` (Sex) rows for that council and
    year, which equals the headline for every other council-year in the file. Without such rows the value is
    set to missing rather than kept.
    """
    la = (keys["geographic_level"] == "Local authority").to_numpy()
    region = keys.loc[keys["geographic_level"] == "Regional", ["year", "area_code"]]
    out: list[dict[str, object]] = []
    topic = pc.utf8_trim_whitespace(table.column(columns["breakdown_topic"]))
    sex = table.filter(pc.equal(topic, spec.repair_topic))
    sex_keys = pd.DataFrame({
        "year": pd.to_numeric(pd.Series(sex.column(columns["time_period"]).to_pylist()).str[:4]),
        "area_code": pd.Series(sex.column(columns["old_la_code"]).to_pylist()).str.strip(),
        "level": pd.Series(sex.column(columns["geographic_level"]).to_pylist()).str.strip()})
    for measure, column in measure_columns.items():
        regional = pd.Series(measures.loc[region.index, measure].to_numpy(),
                             index=pd.MultiIndex.from_frame(region))
        reg_value = pd.Series(list(zip(keys["year"], keys["region_code"], strict=True))).map(
            lambda k: regional.get(k, np.nan)).to_numpy()
        value = measures[measure].to_numpy(copy=True)
        copy = la & np.isfinite(value) & (value > 0) & (value == reg_value)
        if not copy.any():
            continue
        # a copy only when the council is not the whole region: two or more of its councils have a figure
        frame = keys.assign(value=value)
        others = frame[la & np.isfinite(value) & (value > 0)].groupby(["year", "region_code"]).size() - 1
        cells = pd.to_numeric(pd.Series(sex.column(column).to_pylist()).str.strip(), errors="coerce")
        sums = cells[sex_keys["level"] == "Local authority"].groupby(
            [sex_keys["year"], sex_keys["area_code"]]).sum(min_count=1)
        for i in np.flatnonzero(copy):
            k = keys.iloc[i]
            if others.get((k["year"], k["region_code"]), 0) == 0:
                continue
            repaired = sums.get((int(k["year"]), k["area_code"]), np.nan)
            measures.iloc[i, measures.columns.get_loc(measure)] = repaired
            out.append({"file": member, "year": int(k["year"]), "area_code": k["area_code"],
                        "area_name": k["area_name"], "region_name": k["region_name"], "measure": measure,
                        "published": float(value[i]), "repaired": float(repaired),
                        "reason": f"equal to the {k['region_name']} total; replaced by the sum of the file's "
                                  f"{spec.repair_topic} rows" if np.isfinite(repaired) else
                                  f"equal to the {k['region_name']} total and no {spec.repair_topic} rows to "
                                  "repair it from: set to missing"})
    return out


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


def _quality(head: pa.Table, names: list[str], lower: list[str], spec: FileLayout, member: str,
             year: int) -> list[dict[str, object]]:
    """x / z / blank counts per column of the headline rows, with notes on duplicated and misspelt names."""
    feeds = {resolve(c, year): m for m, c in (*spec.measures.items(), *spec.optional.items())}
    skip = {*_KEY_COLUMNS, "breakdown_topic", "breakdown", *(c for c, _ in spec.headline)}
    out = []
    seen: set[str] = set()
    for i, name in enumerate(names):
        low = lower[i]
        if low in skip or not low:
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
    """One wide table: each figure from the newest release holding that area's headline row for it.

    "Newest" is the release's reporting year (a calendar year of activity + 1, or the January census year), so
    argument order does not matter. The choice is made per measure and area-year: a newer release that holds
    only some rows (a partial download) adds to an older one instead of blanking it.
    """
    order = sorted(range(len(releases)), key=lambda i: (-releases[i].reporting_year, i))
    index = ["year", "geographic_level", "area_code"]
    long_parts, key_parts = [], []
    for rank, i in enumerate(order):
        rel = releases[i]
        for part in rel.parts:
            if part.measures.empty:
                continue
            k = part.keys.assign(source=rel.label, _rank=rank)
            key_parts.append(k)
            m = part.measures.set_axis(pd.MultiIndex.from_frame(part.keys[index]))
            stacked = m.stack(future_stack=True).rename("value").reset_index()
            stacked.columns = [*index, "measure", "value"]
            long_parts.append(stacked.assign(_rank=rank, _file=part.info["file"]))
    long = pd.concat(long_parts, ignore_index=True).sort_values("_rank", kind="stable")
    long = long.drop_duplicates([*index, "measure"], keep="first")
    wide = long.pivot(index=index, columns="measure", values="value").reindex(columns=list(EES_MEASURES))
    all_keys = pd.concat(key_parts, ignore_index=True).sort_values("_rank", kind="stable")
    supplier = long.groupby(index)["_rank"].min().rename("_supplier").reset_index()
    all_keys = all_keys.merge(supplier, on=index)
    labels = {rank: releases[i].label for rank, i in enumerate(order)}
    first_keys = all_keys[all_keys["_rank"] == all_keys["_supplier"]].drop_duplicates(index)
    first_keys = first_keys.assign(source=first_keys["_supplier"].map(labels))
    keys_for_names = all_keys.drop_duplicates(index).drop(columns=["source"])

    las, history = _la_register(keys_for_names)
    latest = _latest_attributes(keys_for_names, las)
    table = first_keys[index + ["source"]].merge(latest, on=["geographic_level", "area_code"], how="left")
    table = table.join(wide, on=index)
    for pct, (num, den) in EES_PERCENTAGES.items():
        table[pct] = (100 * table[num] / table[den]).where(table[den] > 0)
    table["year"] = table["year"].astype("int64")
    for col in ("geographic_level", "area_code", "area_name", "la_code", "region_code", "region_name", "source"):
        table[col] = table[col].astype("str").where(table[col].notna(), None)
    for col in (*EES_MEASURES, *EES_PERCENTAGES):
        table[col] = table[col].astype("float64")
    level_order = {lv: i for i, lv in enumerate(EES_LEVELS)}
    table = (table.assign(_level=table["geographic_level"].map(level_order))
             .sort_values(["year", "_level", "area_code"]).drop(columns="_level").reset_index(drop=True))
    table = table[list(EES_COLUMNS)]
    row_labels = table["source"] + ": " + table["year"].astype(str) + " " + table["area_name"]
    table = validate(table, EES, " + ".join(str(r.path) for r in releases), row_labels=row_labels)
    table.attrs[CODE_HISTORY] = history
    quality = pd.concat([r.quality for r in releases], ignore_index=True)

    used = long.assign(source=long["_rank"].map(labels))
    files = []
    for rel in releases:
        chosen = used[used["source"] == rel.label]
        by_file = chosen.groupby("_file")["year"].agg(lambda ys: _span(sorted(set(int(y) for y in ys))))
        files.append(rel.files.assign(years_used=rel.files["file"].map(by_file).fillna("")))
    files = pd.concat(files, ignore_index=True)
    layouts = {r.label: (r.layout, r.reporting_year) for r in releases}
    prov = (used.groupby(["year", "source"])
            .agg(files=("_file", lambda f: ", ".join(sorted({Path(x).name for x in f}))),
                 rows=("area_code", lambda a: int(len(set(zip(used.loc[a.index, "geographic_level"], a,
                                                                    strict=True))))))
            .reset_index())
    prov.insert(2, "layout", prov["source"].map(lambda s: layouts[s][0]))
    prov.insert(3, "reporting_year", prov["source"].map(lambda s: layouts[s][1]).astype("int64"))
    prov["year"] = prov["year"].astype("int64")
    repairs = pd.DataFrame([{"source": r.label, **rep} for r in releases for p in r.parts for rep in p.repairs],
                           columns=["source", "file", "year", "area_code", "area_name", "region_name", "measure",
                                    "published", "repaired", "reason"])
    return Release(table=table, quality=quality, files=files, las=las, repairs=repairs,
                   provenance=prov.sort_values(["year", "reporting_year"], ascending=[True, False],
                                               ignore_index=True))


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
