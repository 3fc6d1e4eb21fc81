"""The records a DfE release is read into: :class:`Release` (what :func:`helpers.sources.ees.read_release`
returns) and the per-file and per-release parts it is combined from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

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
class Part:
    """One file's headline rows, parsed and checked."""

    keys: pd.DataFrame  # year, geographic_level, area_code, area_name, la_code, region_code, region_name
    measures: pd.DataFrame  # indexed like keys
    quality: list[dict[str, object]]
    info: dict[str, object]
    repairs: list[dict[str, object]] = field(default_factory=list)
    reporting_year: int = 0


@dataclass
class ReleaseData:
    """One release zip or folder read: its label, layout, reporting year, files and data-quality rows."""

    label: str
    path: Path
    layout: str
    reporting_year: int
    parts: list[Part]
    quality: pd.DataFrame
    files: pd.DataFrame

