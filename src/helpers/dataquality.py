"""Data-quality summaries for the ``00_data_quality`` page: coverage, missing values, code changes, totals, and
reconciliation of the LA's own SEN2 extract with the DfE release. Pure functions returning reader-ready tables.
"""

from __future__ import annotations

import pandas as pd

from helpers import cases as cases_mod
from helpers.pack.context import LA
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


def release_sentence(release: Release, la: LA) -> str:
    """One sentence: what the release covers and which council the pack is about."""
    t = release.table
    las = t.loc[t["geographic_level"] == "Local authority", "area_code"].nunique()
    return (f"The DfE release covers {int(t['year'].min())} to {int(t['year'].max())} for England, "
            f"{t.loc[t['geographic_level'] == 'Regional', 'area_code'].nunique()} regions and {las} councils. "
            f"This pack is about {la.name} (DfE number {la.old_code}, code {la.code}, {la.region_name}).")


def coverage(table: pd.DataFrame) -> pd.DataFrame:
    """Councils with a value for each headline measure, by year (a gap means DfE published ``x`` or ``z``)."""
    las = table[table["geographic_level"] == "Local authority"]
    cols = [c for c in COVERAGE_MEASURES if c in las.columns]
    out = las.groupby("year")[cols].count().reset_index()
    out["year"] = out["year"].astype(str)
    return out.rename(columns={"year": "Year", **COVERAGE_MEASURES})


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
    out = bad[["year", "measure", "england", "regions_sum", "las_sum", "las_reporting"]].rename(columns={
        "year": "Year", "measure": "Measure", "england": "England", "regions_sum": "Sum of regions",
        "las_sum": "Sum of councils", "las_reporting": "Councils reporting"}).reset_index(drop=True)
    out["Year"] = out["Year"].astype(str)
    out.attrs["n_checks"] = checks.attrs["n_checks"]
    out.attrs["n_failed"] = int(len(checks[(checks["regions_minus_england"].abs() > 0.5)
                                          | (checks["las_minus_england"].abs() > 0.5)]))
    return out


def totals_sentence(checks: pd.DataFrame) -> str:
    n, bad = checks.attrs.get("n_checks", 0), checks.attrs.get("n_failed", len(checks))
    if bad == 0:
        return f"All {n:,} totals checks add up exactly: councils sum to their regions and regions to England."
    return (f"{n - bad:,} of {n:,} totals checks add up exactly. The table lists the largest of the {bad:,} that do "
            "not; most come from councils that did not submit a figure that year.")


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


def rule_failures(tables: Sen2Tables) -> pd.DataFrame:
    """Guidance rules the extract breaks, with the number of records (no personal details)."""
    issues = tables.issues
    if issues.empty:
        return pd.DataFrame({"Check": ["All guidance checks passed"], "Records": [0]})
    return issues[["description", "count"]].rename(columns={"description": "Check", "count": "Records"})


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
    }
    if local is not None:
        out["local_rule_failures"] = {"value": int(local.issues["count"].sum()) if not local.issues.empty else 0,
                                      "unit": "count", "label": "Records failing SEN2 guidance checks",
                                      "period": str(local.reference_date or ""), "higher_is_better": False}
    return out
