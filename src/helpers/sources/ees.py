"""Reader for DfE's "Education, health and care plans" release (explore-education-statistics, SEN2 return).

Analysts download the release's "all data" zip each June; :func:`read_release` reads one or more of those zips
as downloaded (or their unzipped folders) into one wide table with a row per year, geography and area (see
``docs/architecture.md``, table ``ees``). The layouts understood (2022 CamelCase ``sen2_mi.csv``, 2023-2024
snake_case ``sen2_mi.csv``, the 2025 and 2026 topic files) are described as data in
:mod:`helpers.sources.ees_layouts`. This module is the public face; the work is done by
:mod:`~helpers.sources.ees_files` (opening zips and folders), :mod:`~helpers.sources.ees_match` (matching files to
layouts, newest first), :mod:`~helpers.sources.ees_csv` and :mod:`~helpers.sources.ees_checks` (reading and checking
values), :mod:`~helpers.sources.ees_headline` and :mod:`~helpers.sources.ees_repairs` (one file's headline rows) and
:mod:`~helpers.sources.ees_combine` (newest-wins combining).

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
  it; older releases fill only what it lacks (:mod:`helpers.sources.ees_combine`);
* a council figure equal to its region's total (DfE's 2025 ``newplans.csv``, Yorkshire and The Humber 2022) is
  repaired from the council's breakdown rows and listed (``Release.repairs``);
* zip members are checked for size, compression ratio, encryption and duplicates before anything is decompressed.

Every problem with an input raises :class:`~helpers.errors.InputError` naming the file (for a zip, the zip path
followed by the member path), the CSV line and the column.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers.areas import CODE_HISTORY, find_la
from helpers.errors import InputError
from helpers.schemas import EES, validate
from helpers.sources.ees_combine import combine
from helpers.sources.ees_files import open_release
from helpers.sources.ees_match import read_members
from helpers.sources.ees_release import Release, ReleaseData

#: ``find_la`` (every council lookup goes through :mod:`helpers.areas`) and :class:`Release` are used from here.
__all__ = ["Release", "find_la", "list_las", "load_release", "read_release", "save_release"]


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
    return combine(releases)


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


def _read_one(path: Path) -> ReleaseData:
    """Read one release zip or folder: find its layout, read each file, check it against the layout."""
    with open_release(path) as (present, load):
        return read_members(path, present, load)
