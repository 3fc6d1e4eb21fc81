"""Data-quality checks for the ``00_data_quality`` page: coverage, missing values, code changes, totals, and
reconciliation of the LA's own SEN2 extract with the DfE release.

Pure: frames and numbers in, frames (with the source's column names) and numbers out. The page's wording,
plain-English headers and downloads are in :mod:`helpers.pages.data_quality`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import cases as cases_mod
from helpers.areas import LA
from helpers.sources.ees import Release
from helpers.sources.ees_checks import totals_check
from helpers.sources.ees_combine import span
from helpers.sources.sen2 import Sen2Tables

#: Measures compared between the local extract and the DfE release, in the order shown.
RECONCILED: tuple[str, ...] = (
    "requests_received", "requests_decided_to_assess", "requests_decided_not_to_assess", "plans_issued",
    "plans_issued_within_20_weeks", "plans_issued_ex", "plans_issued_within_20_weeks_ex",
)
#: A totals difference larger than this (in counts) fails the check.
TOTALS_TOLERANCE = 0.5
#: Most failed totals checks listed on the page.
TOTALS_SHOWN = 25


def current_councils(table: pd.DataFrame) -> int:
    """Councils in the latest year of the table (today's councils, not every council that ever reported)."""
    las = table[table["geographic_level"] == "Local authority"]
    return int(las.loc[las["year"] == las["year"].max(), "area_code"].nunique()) if len(las) else 0


@dataclass(frozen=True)
class Extent:
    """What a release covers: its years, regions, and councils (now and ever)."""

    first_year: int
    last_year: int
    regions: int
    councils_now: int
    councils_ever: int


def extent(table: pd.DataFrame) -> Extent:
    """The years and places the wide ``ees`` table covers."""
    return Extent(first_year=int(table["year"].min()), last_year=int(table["year"].max()),
                  regions=int(table.loc[table["geographic_level"] == "Regional", "area_code"].nunique()),
                  councils_now=current_councils(table),
                  councils_ever=int(table.loc[table["geographic_level"] == "Local authority",
                                              "area_code"].nunique()))


def provenance(release: Release) -> pd.DataFrame:
    """Which release and layout each year's figures came from: consecutive years with the same release, layout and
    files share a row (newest release first within a year). Columns: ``years, source, reporting_year, layout,
    files, rows`` (rows: most areas in a year)."""
    p = release.provenance
    groups = p.groupby(["source", "layout", "reporting_year", "files"], sort=False)
    out = groups.agg(years=("year", lambda y: span(sorted(int(v) for v in y))), first=("year", "min"),
                     rows=("rows", "max")).reset_index()
    out = out.sort_values(["first", "reporting_year"], ascending=[True, False])
    return out[["years", "source", "reporting_year", "layout", "files", "rows"]]


def missing_by_file(quality: pd.DataFrame) -> pd.DataFrame:
    """One row per release file with gaps: ``file`` (release: file), ``columns`` read, ``with_missing`` (columns
    with x or z), ``n_x`` and ``n_z`` (a one-page summary of :func:`missing_columns`)."""
    q = quality.assign(file=quality["source"].astype(str) + ": " + quality["file"].astype(str))
    out = q.groupby("file", sort=True).agg(
        columns=("column", "size"),
        with_missing=("n_x", lambda s: int(((s > 0) | (q.loc[s.index, "n_z"] > 0)).sum())),
        n_x=("n_x", "sum"), n_z=("n_z", "sum")).reset_index()
    return out[out["with_missing"] > 0]


def missing_columns(quality: pd.DataFrame) -> pd.DataFrame:
    """Columns with ``x`` (not available) or ``z`` (not applicable) values: ``file, column, rows, n_x, n_z``."""
    q = quality[(quality["n_x"] > 0) | (quality["n_z"] > 0)].copy()
    q["file"] = q["source"].astype(str) + ": " + q["file"].astype(str)
    q = q.sort_values(["file", "column"])
    return q[["file", "column", "rows", "n_x", "n_z"]]


def coverage(table: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    """Councils with a value for each of ``measures``, by year (a gap means DfE published ``x`` or ``z``)."""
    las = table[table["geographic_level"] == "Local authority"]
    cols = [c for c in measures if c in las.columns]
    return las.groupby("year")[cols].count().reset_index()


def code_changes(las: pd.DataFrame) -> pd.DataFrame:
    """Councils whose code changed, or whose series starts late or stops early (reorganisations)."""
    flagged = las[las["note"].fillna("").str.len() > 0]
    return flagged[["old_code", "name", "codes", "first_year", "last_year", "note"]]


@dataclass(frozen=True)
class Totals:
    """Totals checks: the largest failures (``year, measure, england, regions_sum, las_sum, las_reporting,
    councils``), how many checks were made, how many failed, and in how many some councils had no figure."""

    failures: pd.DataFrame
    n_checks: int
    n_failed: int
    n_with_gaps: int


def totals(table: pd.DataFrame) -> Totals:
    """Checks where councils or regions do not add up to England, largest differences first."""
    checks = totals_check(table)
    n_checks = int(checks[["regions_minus_england", "las_minus_england"]].notna().sum().sum())
    failed = checks[(checks["regions_minus_england"].abs() > TOTALS_TOLERANCE)
                    | (checks["las_minus_england"].abs() > TOTALS_TOLERANCE)].copy()
    councils = table[table["geographic_level"] == "Local authority"].groupby("year")["area_code"].nunique()
    n_with_gaps = int((failed["las_reporting"] < failed["year"].map(councils)).sum())
    failed["size"] = failed[["regions_minus_england", "las_minus_england"]].abs().max(axis=1)
    bad = failed.sort_values(["size", "year"], ascending=[False, True]).head(TOTALS_SHOWN)
    bad["councils"] = bad["year"].map(councils)
    shown = bad[["year", "measure", "england", "regions_sum", "las_sum", "las_reporting", "councils"]]
    return Totals(failures=shown.reset_index(drop=True), n_checks=n_checks, n_failed=len(failed),
                  n_with_gaps=n_with_gaps)


def monthly_requests(cases: pd.DataFrame) -> pd.DataFrame:
    """Requests received per month in the local extract (``month`` period, ``requests``); a sudden dip can mean
    missing records."""
    months = cases["received_date"].dt.to_period("M")
    return months.value_counts().sort_index().rename_axis("month").reset_index(name="requests")


def reconciliation_years(tables: Sen2Tables, table: pd.DataFrame, la: LA) -> list[int]:
    """Calendar years the DfE release publishes for this LA that the extract covers in full: requests from
    1 January, and the following January census (when DfE takes the return) on or before the extract date."""
    first = tables.requests["received_date"].min()
    end = pd.Timestamp(tables.reference_date or tables.requests["received_date"].max())
    published = table.loc[(table["area_code"] == la.old_code) & table["requests_received"].notna(), "year"]
    return [int(y) for y in sorted(published.unique())
            if first <= pd.Timestamp(int(y), 1, 1) and pd.Timestamp(cases_mod.census_date(int(y) + 1)) <= end]


def reconciliation(tables: Sen2Tables, table: pd.DataFrame, la: LA) -> pd.DataFrame:
    """The extract's DfE-definition headline counts against the published release, per overlapping year:
    ``year, measure, local, dfe, difference``."""
    rows = []
    for year in reconciliation_years(tables, table, la):
        local = cases_mod.dfe_headlines(tables, year)
        published = table[(table["area_code"] == la.old_code) & (table["year"] == year)].iloc[0]
        for key in RECONCILED:
            dfe = published.get(key)
            rows.append({"year": year, "measure": key, "local": local.get(key), "dfe": dfe,
                         "difference": (local.get(key) or 0) - dfe if pd.notna(dfe) else None})
    return pd.DataFrame(rows, columns=["year", "measure", "local", "dfe", "difference"])


def dates_out_of_order(local: Sen2Tables) -> int:
    """Local records with impossible dates (left out of timeliness)."""
    return int(local.issues.loc[local.issues["rule"] == "dates_out_of_order", "count"].sum())


def rule_failures(local: Sen2Tables) -> int:
    """Records failing any SEN2 guidance check."""
    return int(local.issues["count"].sum()) if not local.issues.empty else 0
