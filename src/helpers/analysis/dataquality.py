"""Data-quality summaries for the ``00_data_quality`` page: coverage, missing values, code changes, totals, and
reconciliation of the LA's own SEN2 extract with the DfE release. Pure functions returning reader-ready tables.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import cases as cases_mod
from helpers.present.context import LA
from helpers.sources.ees import Release
from helpers.sources.sen2 import Sen2Tables

#: Measures shown in the coverage table, with reader-friendly names.
COVERAGE_MEASURES: dict[str, str] = {
    "requests_received": "Requests received",
    "new_plans": "New plans",
    "plans_issued_ex": "Plans issued (20-week measure)",
    "plans_in_place": "Plans in place (January)",
    "plans_ceased": "Plans ceased",
    "reviews_expected": "Annual reviews due",
}
#: Measures compared between the local extract and the DfE release.
RECONCILED: dict[str, str] = {
    "requests_received": "Requests received",
    "requests_decided_to_assess": "Decided to assess",
    "requests_decided_not_to_assess": "Decided not to assess",
    "plans_issued": "Plans issued",
    "plans_issued_within_20_weeks": "Issued within 20 weeks",
    "plans_issued_ex": "Plans issued, excluding exceptions",
    "plans_issued_within_20_weeks_ex": "Issued within 20 weeks, excluding exceptions",
}


def current_councils(table: pd.DataFrame) -> int:
    """Councils in the latest year of the table (today's councils, not every council that ever reported)."""
    las = table[table["geographic_level"] == "Local authority"]
    return int(las.loc[las["year"] == las["year"].max(), "area_code"].nunique()) if len(las) else 0


def release_sentence(release: Release, la: LA) -> str:
    """One sentence: what the release covers and which council the pack is about."""
    t = release.table
    las = t.loc[t["geographic_level"] == "Local authority", "area_code"].nunique()
    now = current_councils(t)
    former = f" ({las - now} more that have since merged or been abolished)" if las > now else ""
    return (f"The DfE release covers {int(t['year'].min())} to {int(t['year'].max())} for England, "
            f"{t.loc[t['geographic_level'] == 'Regional', 'area_code'].nunique()} regions and {now} councils"
            f"{former}. This pack is about {la.name} (DfE number {la.old_code}, code {la.code}, {la.region_name}).")


def provenance(release: Release) -> pd.DataFrame:
    """Which release and layout each year's figures came from: consecutive years with the same release, layout and
    files share a row (newest release first within a year)."""
    from helpers.sources.ees import _span

    p = release.provenance
    groups = p.groupby(["source", "layout", "reporting_year", "files"], sort=False)
    out = groups.agg(years=("year", lambda y: _span(sorted(int(v) for v in y))), first=("year", "min"),
                     rows=("rows", "max")).reset_index()
    out = out.sort_values(["first", "reporting_year"], ascending=[True, False])
    out = out[["years", "source", "reporting_year", "layout", "files", "rows"]]
    return out.rename(columns={"years": "Years", "source": "Release", "reporting_year": "Reporting year",
                               "layout": "Layout", "files": "Files", "rows": "Areas (most in a year)"}
                      ).reset_index(drop=True)


def provenance_sentence(release: Release) -> str:
    p = release.provenance
    names = ", ".join(f"{s} ({lay}, reporting year {y})" for s, lay, y in
                      p[["source", "layout", "reporting_year"]].drop_duplicates("source").itertuples(index=False))
    return (f"The pack reads {names}. Where two releases hold the same figure for the same area and year, the newer "
            "release's figure is used (DfE revises earlier years); the table shows which release each year came from.")


def repairs(release: Release) -> pd.DataFrame:
    """Known errors in DfE's files that the reader repaired, with the published and the repaired value."""
    r = release.repairs
    out = r.assign(year=r["year"].astype(str))[["year", "area_name", "region_name", "measure", "published",
                                                "repaired", "reason", "source"]]
    return out.rename(columns={"year": "Year", "area_name": "Council", "region_name": "Region",
                               "measure": "Measure", "published": "Published", "repaired": "Repaired",
                               "reason": "Why", "source": "Release"}).reset_index(drop=True)


def repairs_sentence(release: Release) -> str:
    r = release.repairs
    if r.empty:
        return "No council figure in the release equals its whole region's total, so nothing was repaired."
    groups = r.groupby(["source", "file", "year", "region_name"]).size()
    parts = [f"{n} {region} councils in {year} ({file}, {source})" for (source, file, year, region), n in groups.items()]
    return ("DfE's file gives " + "; ".join(parts) + " the region's total instead of their own figure. The pack uses "
            "the sum of each council's breakdown rows instead, which matches the headline for every other council "
            "and year in the file; the table lists both values.")


def missing_by_file(quality: pd.DataFrame) -> pd.DataFrame:
    """One row per release file: columns read, columns with x or z, and the x and z counts (a one-page summary of
    :func:`missing_summary`, whose full list is a CSV download)."""
    q = quality.assign(file=quality["source"].astype(str) + ": " + quality["file"].astype(str))
    out = q.groupby("file", sort=True).agg(
        columns=("column", "size"), with_missing=("n_x", lambda s: int(((s > 0) | (q.loc[s.index, "n_z"] > 0)).sum())),
        n_x=("n_x", "sum"), n_z=("n_z", "sum")).reset_index()
    out = out[out["with_missing"] > 0]
    return out.rename(columns={"file": "File", "columns": "Columns", "with_missing": "Columns with gaps",
                               "n_x": "Not available (x)", "n_z": "Not applicable (z)"}).reset_index(drop=True)


def coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Councils with a value for each headline measure, by year (a gap means DfE published ``x`` or ``z``)."""
    las = table[table["geographic_level"] == "Local authority"]
    cols = [c for c in COVERAGE_MEASURES if c in las.columns]
    out = las.groupby("year")[cols].count().reset_index()
    out["year"] = out["year"].astype(str)
    return out.rename(columns={"year": "Year", **COVERAGE_MEASURES})


def write_full_list(quality: pd.DataFrame, name: str = "missing-values-all-columns") -> None:
    """Write the full column list (:func:`missing_summary`) as a CSV download and link it in one sentence.

    The list runs to hundreds of rows (14 PDF pages for Kent), so the page shows :func:`missing_by_file` instead.
    """
    from helpers.present import context

    ctx = context.current()
    if ctx is not None:
        ctx.download(missing_summary(quality), name, lead="Every column of every file, with its x and z counts: ",
                     link_text="download the full list (CSV)")


def missing_summary(quality: pd.DataFrame) -> pd.DataFrame:
    """Columns with ``x`` (not available) or ``z`` (not applicable) values, by release file."""
    q = quality[(quality["n_x"] > 0) | (quality["n_z"] > 0)].copy()
    q["file"] = q["source"].astype(str) + ": " + q["file"].astype(str)
    q = q.sort_values(["file", "column"])
    return q[["file", "column", "rows", "n_x", "n_z"]].rename(columns={
        "file": "File", "column": "Column", "rows": "Rows", "n_x": "Not available (x)",
        "n_z": "Not applicable (z)"}).reset_index(drop=True)


def code_changes(las: pd.DataFrame) -> pd.DataFrame:
    """Councils whose code changed, or whose series starts late or stops early (reorganisations)."""
    flagged = las[las["note"].fillna("").str.len() > 0]
    return flagged[["old_code", "name", "codes", "first_year", "last_year", "note"]].rename(columns={
        "old_code": "DfE number", "name": "Council", "codes": "Codes used", "first_year": "First year",
        "last_year": "Last year", "note": "What changed"}).reset_index(drop=True)


def totals(table: pd.DataFrame) -> pd.DataFrame:
    """Checks where councils or regions do not add up to England, largest differences first."""
    from helpers.sources.ees import totals_check

    checks = totals_check(table)
    checks.attrs["n_checks"] = int(checks[["regions_minus_england", "las_minus_england"]].notna().sum().sum())
    bad = checks[(checks["regions_minus_england"].abs() > 0.5) | (checks["las_minus_england"].abs() > 0.5)].copy()
    bad["size"] = bad[["regions_minus_england", "las_minus_england"]].abs().max(axis=1)
    bad = bad.sort_values(["size", "year"], ascending=[False, True]).head(25)
    councils = table[table["geographic_level"] == "Local authority"].groupby("year")["area_code"].nunique()
    bad["councils"] = bad["year"].map(councils)
    out = bad[["year", "measure", "england", "regions_sum", "las_sum", "las_reporting", "councils"]].rename(columns={
        "year": "Year", "measure": "Measure", "england": "England", "regions_sum": "Sum of regions",
        "las_sum": "Sum of councils", "las_reporting": "Councils with a figure",
        "councils": "Councils that year"}).reset_index(drop=True)
    out["Year"] = out["Year"].astype(str)
    out.attrs["n_checks"] = checks.attrs["n_checks"]
    failed = checks[(checks["regions_minus_england"].abs() > 0.5) | (checks["las_minus_england"].abs() > 0.5)]
    out.attrs["n_with_gaps"] = int((failed["las_reporting"] < failed["year"].map(councils)).sum())
    out.attrs["n_failed"] = int(len(checks[(checks["regions_minus_england"].abs() > 0.5)
                                          | (checks["las_minus_england"].abs() > 0.5)]))
    return out


def totals_sentence(checks: pd.DataFrame) -> str:
    """How many checks add up; the reason for the others comes from the table (councils with no figure), not a guess."""
    n, bad = checks.attrs.get("n_checks", 0), checks.attrs.get("n_failed", len(checks))
    if bad == 0:
        return f"All {n:,} totals checks add up exactly: councils sum to their regions and regions to England."
    gaps = checks.attrs.get("n_with_gaps", 0)
    why = (f" In {gaps:,} of them DfE published no figure (x) for some councils that year, so the councils' sum "
           "falls short of England's; the others are differences in DfE's published figures." if gaps else
           " Every council has a figure in these years, so these are differences in DfE's published figures.")
    return (f"{n - bad:,} of {n:,} totals checks add up exactly; the table lists the largest of the {bad:,} that do "
            f"not.{why}")


def local_sentence(tables: Sen2Tables, cases: pd.DataFrame) -> str:
    """What the local extract covers, in one sentence."""
    first, last = cases["received_date"].min(), cases["received_date"].max()
    return (f"The local extract ({tables.source.name}, SEN2 {tables.layout} layout) holds {len(cases):,} requests "
            f"for {tables.persons.shape[0]:,} children and young people, received between "
            f"{first:%d %B %Y} and {last:%d %B %Y}.")


def monthly_coverage(cases: pd.DataFrame) -> pd.DataFrame:
    """Requests received per month in the local extract (a sudden dip can mean missing records)."""
    months = cases["received_date"].dt.to_period("M")
    out = months.value_counts().sort_index().rename_axis("month").reset_index(name="Requests received")
    out["Month"] = out["month"].dt.strftime("%b %Y")
    return out[["Month", "Requests received"]]


def rule_failures(tables: Sen2Tables, hide_below: int = 1) -> pd.DataFrame:
    """Guidance rules the extract breaks, with the number of records and the element paths (or CSV lines) of the
    first three (positions in the file, never personal details).

    The paths are left out for a rule with fewer than ``hide_below`` records (the public pack's disclosure
    threshold): listing them would reveal the suppressed count.
    """
    column = "First records (element path or CSV line)"
    issues = tables.issues
    if issues.empty:
        return pd.DataFrame({"Check": ["All guidance checks passed"], "Records": [0], column: [""]})
    out = issues[["description", "count", "examples"]].rename(columns={
        "description": "Check", "count": "Records", "examples": column}).reset_index(drop=True)
    out[column] = out[column].where(out["Records"] >= hide_below, "not shown (fewer than "
                                    f"{hide_below} records)")
    return out


def reconciliation_years(tables: Sen2Tables, table: pd.DataFrame, la: LA) -> list[int]:
    """Calendar years the DfE release publishes for this LA that the extract covers in full: requests from
    1 January, and the following January census (when DfE takes the return) on or before the extract date."""
    first = tables.requests["received_date"].min()
    end = pd.Timestamp(tables.reference_date or tables.requests["received_date"].max())
    published = table.loc[(table["area_code"] == la.old_code) & table["requests_received"].notna(), "year"]
    return [int(y) for y in sorted(published.unique())
            if first <= pd.Timestamp(int(y), 1, 1) and pd.Timestamp(cases_mod.census_date(int(y) + 1)) <= end]


def reconciliation(tables: Sen2Tables, table: pd.DataFrame, la: LA) -> pd.DataFrame:
    """The extract's DfE-definition headline counts against the published release, per overlapping year."""
    rows = []
    for year in reconciliation_years(tables, table, la):
        local = cases_mod.dfe_headlines(tables, year)
        published = table[(table["area_code"] == la.old_code) & (table["year"] == year)].iloc[0]
        for key, label in RECONCILED.items():
            dfe = published.get(key)
            rows.append({"Year": str(year), "Measure": label, "Local extract": local.get(key),
                         "DfE release": dfe, "Difference": (local.get(key) or 0) - dfe if pd.notna(dfe) else None})
    return pd.DataFrame(rows, columns=["Year", "Measure", "Local extract", "DfE release", "Difference"])


def reconciliation_sentence(recon: pd.DataFrame) -> str:
    if recon.empty:
        return "No calendar year is covered both by the local extract and by the DfE release, so they cannot be compared yet."
    diff = recon["Difference"].dropna()
    years = ", ".join(sorted(recon["Year"].unique()))
    if (diff == 0).all():
        return f"The local extract gives exactly the figures DfE published for {years}."
    return (f"For {years}, {int((diff != 0).sum())} of {len(diff)} figures differ from what DfE published; "
            "records changed after the return was made are the usual reason.")


def workforce_sentence(staff: pd.DataFrame) -> str:
    first, last = staff["period_end"].min(), staff["period_end"].max()
    return (f"The educational psychologist staffing file covers {len(staff)} periods from {first:%B %Y} to "
            f"{last:%B %Y}.")


def metrics(release: Release, checks: pd.DataFrame, local: Sen2Tables | None) -> dict[str, dict[str, object]]:
    """Headline data-quality metrics for the summary page."""
    t = release.table
    out: dict[str, dict[str, object]] = {
        "latest_dfe_year": {"value": int(t.loc[t["requests_received"].notna(), "year"].max()), "unit": "year",
                            "label": "Latest calendar year in the DfE release", "period": "release"},
        "totals_checks_failed": {"value": int(checks.attrs.get("n_failed", len(checks))), "unit": "count",
                                 "label": "Totals checks that do not add up", "period": "all years",
                                 "higher_is_better": False},
        "dfe_values_repaired": {"value": int(len(release.repairs)), "unit": "count",
                                "label": "DfE council figures repaired (a region's total given to a council)",
                                "period": "all years", "higher_is_better": False},
    }
    if local is not None:
        out["local_impossible_dates"] = {
            "value": int(local.issues.loc[local.issues["rule"] == "dates_out_of_order", "count"].sum()),
            "unit": "count", "label": "Local records with impossible dates (left out of timeliness)",
            "period": "extract", "higher_is_better": False}
        out["local_rule_failures"] = {"value": int(local.issues["count"].sum()) if not local.issues.empty else 0,
                                      "unit": "count", "label": "Records failing SEN2 guidance checks",
                                      "period": str(local.reference_date or ""), "higher_is_better": False}
    return out
