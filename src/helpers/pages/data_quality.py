"""Page ``00_data_quality``: what the pack is built from. The page's sentences, display tables, download and
metrics; the checks themselves are in :mod:`helpers.analysis.dataquality`.

The notebook opens the page, reads the release with :func:`read_release` (which also writes the validated
``ees`` table every other page reads), then shows what this module returns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.analysis import dataquality as checks
from helpers.analysis import outliers
from helpers.analysis.scorecard_baselines import BaselineCheck
from helpers.pages import inspection_readiness_status as scorecard
from helpers.areas import LA
from helpers.metrics import Metric
from helpers.present.chart import Table
from helpers.present.page import Page
from helpers.sources import ees
from helpers.sources.ees_breakdowns import BREAKDOWNS_FILE, read_breakdowns
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
#: Measures compared between the local extract and the DfE release, with their names on the page.
RECONCILED: dict[str, str] = {
    "requests_received": "Requests received",
    "requests_decided_to_assess": "Decided to assess",
    "requests_decided_not_to_assess": "Decided not to assess",
    "plans_issued": "Plans issued",
    "plans_issued_within_20_weeks": "Issued within 20 weeks",
    "plans_issued_ex": "Plans issued, excluding exceptions",
    "plans_issued_within_20_weeks_ex": "Issued within 20 weeks, excluding exceptions",
}
_X, _Z = "Not available (x)", "Not applicable (z)"

#: The full list of columns with gaps, offered as a download (it runs to 14 PDF pages for Kent).
MISSING_LIST_NAME = "missing-values-all-columns"
MISSING_LIST_LEAD = "Every column of every file, with its x and z counts: "
MISSING_LIST_LINK = "download the full list (CSV)"
NO_LOCAL = "No local SEN2 case data were supplied for this pack, so the pages use the DfE release only."
NO_WORKFORCE = "No educational psychologist staffing file was supplied for this pack."


def read_release(page: Page, release_cache: str = "") -> ees.Release:
    """The DfE release (from a batch build's cache when given), its wide table written as ``ees.parquet`` and its
    breakdowns of plans in place (placement, need, age, ceased, appeals) as ``ees_breakdowns.parquet``, so the
    plans page reads neither zip again."""
    release = ees.load_release(release_cache) if release_cache else ees.read_release(page.config.inputs.ees)
    release.table.to_parquet(page.artefacts / "ees.parquet", index=False)
    cached = Path(release_cache) / BREAKDOWNS_FILE if release_cache else None
    breakdowns = pd.read_parquet(cached) if cached is not None and cached.exists() else \
        read_breakdowns(page.config.inputs.ees)
    breakdowns.to_parquet(page.artefacts / BREAKDOWNS_FILE, index=False)
    return release


# --- the DfE release ---------------------------------------------------------------------------------------------


def release_sentence(release: ees.Release, la: LA) -> str:
    """One sentence: what the release covers and which council the pack is about."""
    e = checks.extent(release.table)
    former = (f" ({e.councils_ever - e.councils_now} more that have since merged or been abolished)"
              if e.councils_ever > e.councils_now else "")
    return (f"The DfE release covers {e.first_year} to {e.last_year} for England, {e.regions} regions and "
            f"{e.councils_now} councils{former}. This pack is about {la.name} (DfE number {la.old_code}, code "
            f"{la.code}, {la.region_name}).")


def provenance_sentence(release: ees.Release) -> str:
    """The releases read, and the newest-wins rule."""
    p = release.provenance
    names = ", ".join(f"{s} ({lay}, reporting year {y})" for s, lay, y in
                      p[["source", "layout", "reporting_year"]].drop_duplicates("source").itertuples(index=False))
    return (f"The pack reads {names}. Where two releases hold the same figure for the same area and year, the newer "
            "release's figure is used (DfE revises earlier years); the table shows which release each year came "
            "from.")


def provenance_table(release: ees.Release) -> Table:
    """Which release and layout each year's figures came from."""
    out = checks.provenance(release).rename(columns={
        "years": "Years", "source": "Release", "reporting_year": "Reporting year", "layout": "Layout",
        "files": "Files", "rows": "Areas (most in a year)"}).reset_index(drop=True)
    return Table(out, "Release and layout of each year's figures", name="release-years")


def coverage_table(release: ees.Release) -> Table:
    """Councils with a value for each headline measure, by year."""
    out = checks.coverage(release.table, list(COVERAGE_MEASURES))
    out["year"] = out["year"].astype(str)
    return Table(out.rename(columns={"year": "Year", **COVERAGE_MEASURES}),
                 "Councils with a value, by year and measure", name="coverage")


def missing_table(release: ees.Release) -> Table:
    """Missing values by release file (the full column list is :func:`missing_list`)."""
    out = checks.missing_by_file(release.quality).rename(columns={
        "file": "File", "columns": "Columns", "with_missing": "Columns with gaps", "n_x": _X, "n_z": _Z})
    return Table(out.reset_index(drop=True), "Missing values by release file", name="missing-values")


def missing_list(release: ees.Release) -> pd.DataFrame:
    """Every column with x or z values, by release file (the download behind :func:`missing_table`)."""
    return checks.missing_columns(release.quality).rename(columns={
        "file": "File", "column": "Column", "rows": "Rows", "n_x": _X, "n_z": _Z}).reset_index(drop=True)


def code_changes_table(release: ees.Release) -> Table:
    """Councils whose code changed, or whose series starts late or stops early."""
    out = checks.code_changes(release.las).rename(columns={
        "old_code": "DfE number", "name": "Council", "codes": "Codes used", "first_year": "First year",
        "last_year": "Last year", "note": "What changed"}).reset_index(drop=True)
    return Table(out, "Councils with a changed code, or whose series starts or stops", name="code-changes")


def totals(release: ees.Release) -> checks.Totals:
    """Whether councils and regions add up to England (:func:`helpers.analysis.dataquality.totals`)."""
    return checks.totals(release.table)


def totals_sentence(totals: checks.Totals) -> str:
    """How many checks add up; the reason for the others comes from the table (councils with no figure)."""
    n, bad = totals.n_checks, totals.n_failed
    if bad == 0:
        return f"All {n:,} totals checks add up exactly: councils sum to their regions and regions to England."
    gaps = totals.n_with_gaps
    why = (f" In {gaps:,} of them DfE published no figure (x) for some councils that year, so the councils' sum "
           "falls short of England's; the others are differences in DfE's published figures." if gaps else
           " Every council has a figure in these years, so these are differences in DfE's published figures.")
    return (f"{n - bad:,} of {n:,} totals checks add up exactly; the table lists the largest of the {bad:,} that do "
            f"not.{why}")


def totals_table(totals: checks.Totals) -> Table:
    """The largest totals differences, with how many councils had a figure that year."""
    out = totals.failures.rename(columns={
        "year": "Year", "measure": "Measure", "england": "England", "regions_sum": "Sum of regions",
        "las_sum": "Sum of councils", "las_reporting": "Councils with a figure",
        "councils": "Councils that year"})
    out["Year"] = out["Year"].astype(str)
    return Table(out, "Sum of councils compared with regional and England totals", name="totals-check")


def repairs_sentence(release: ees.Release) -> str:
    """Which council figures were repaired, and how."""
    r = release.repairs
    if r.empty:
        return "No council figure in the release equals its whole region's total, so nothing was repaired."
    groups = r.groupby(["source", "file", "year", "region_name"]).size()
    parts = [f"{n} {region} councils in {year} ({file}, {source})"
             for (source, file, year, region), n in groups.items()]
    return ("DfE's file gives " + "; ".join(parts) + " the region's total instead of their own figure. The pack uses "
            "the sum of each council's breakdown rows instead, which matches the headline for every other council "
            "and year in the file; the table lists both values.")


def repairs_table(release: ees.Release) -> Table:
    """Known errors in DfE's files that the reader repaired, with the published and the repaired value."""
    r = release.repairs
    out = r.assign(year=r["year"].astype(str))[["year", "area_name", "region_name", "measure", "published",
                                                "repaired", "reason", "source"]]
    out = out.rename(columns={"year": "Year", "area_name": "Council", "region_name": "Region",
                              "measure": "Measure", "published": "Published", "repaired": "Repaired",
                              "reason": "Why", "source": "Release"}).reset_index(drop=True)
    return Table(out, "Council figures repaired: DfE published the region's total", name="repairs")


# --- implausible council-years and action-plan baselines (checked by other pages' modules) -------------------------


def implausible_heading() -> str:
    """The section heading (shown with ``page.heading``, so it is a real heading on the page)."""
    return HEADING


def implausible_flags(release: ees.Release) -> pd.DataFrame:
    """Council-years far from their neighbouring years (:mod:`helpers.analysis.outliers`)."""
    return outliers.flag_table(release.table, list(outliers.CHECKED_MEASURES))


def implausible_sentence(flags: pd.DataFrame, la: LA) -> str:
    """The rule, how many council-years it flags, and the pack council's own."""
    return _flags_sentence(flags, la.name, la.old_code)


def implausible_table(flags: pd.DataFrame) -> Table:
    """The flagged council-years as published, beside their neighbouring years' median."""
    return Table(_flags_page_table(flags), "Council-years far from their neighbouring years",
                 name="implausible-years", row_header=False)


def baseline_checks(page: Page, release: ees.Release) -> list[BaselineCheck]:
    """Action-plan baselines typed in the config, checked against the pack's own DfE figure for the same year."""
    return scorecard.baseline_checks(page.config, release.table, page.la.old_code, page.la.region_code)


def baseline_sentence(found: list[BaselineCheck]) -> str:
    """Which baselines match the pack's own figure and which differ (a warning)."""
    return scorecard.baseline_sentence(found)


def baseline_table(found: list[BaselineCheck]) -> Table:
    """The baseline checks as a table."""
    return Table(scorecard.baseline_table(found), name="baseline-check",
                 caption="Action-plan baselines in the pack config compared with the pack's own DfE figures")


# --- the council's own data --------------------------------------------------------------------------------------


def local_sentence(tables: Sen2Tables, cases: pd.DataFrame) -> str:
    """What the local extract covers, in one sentence."""
    first, last = cases["received_date"].min(), cases["received_date"].max()
    return (f"The local extract ({tables.source.name}, SEN2 {tables.layout} layout) holds {len(cases):,} requests "
            f"for {tables.persons.shape[0]:,} children and young people, received between "
            f"{first:%d %B %Y} and {last:%d %B %Y}.")


def monthly_table(cases: pd.DataFrame) -> Table:
    """Requests received each month in the local extract (child-level counts)."""
    out = checks.monthly_requests(cases).rename(columns={"requests": "Requests received"})
    out["Month"] = out["month"].dt.strftime("%b %Y")
    return Table(out[["Month", "Requests received"]], "Requests received each month in the local extract",
                 name="local-coverage", child_level_counts=("Requests received",))


def rule_failures(tables: Sen2Tables, hide_below: int = 1) -> Table:
    """Guidance rules the extract breaks, with the number of records and the element paths (or CSV lines) of the
    first three (positions in the file, never personal details).

    The paths are left out for a rule with fewer than ``hide_below`` records (the public pack's disclosure
    threshold): listing them would reveal the suppressed count.
    """
    column = "First records (element path or CSV line)"
    issues = tables.issues
    if issues.empty:
        out = pd.DataFrame({"Check": ["All guidance checks passed"], "Records": [0], column: [""]})
    else:
        out = issues[["description", "count", "examples"]].rename(columns={
            "description": "Check", "count": "Records", "examples": column}).reset_index(drop=True)
        out[column] = out[column].where(out["Records"] >= hide_below, "not shown (fewer than "
                                        f"{hide_below} records)")
    return Table(out, "Checks on the local extract: failures by type", name="local-checks",
                 child_level_counts=("Records",))


def reconciliation(page: Page, local: Sen2Tables) -> pd.DataFrame:
    """The extract's DfE-definition counts against the published figures for the pack's council."""
    return checks.reconciliation(local, page.ees, page.la)


def reconciliation_sentence(recon: pd.DataFrame) -> str:
    """Whether the extract gives the figures DfE published (``recon``: :func:`helpers.analysis.dataquality
    .reconciliation`)."""
    if recon.empty:
        return ("No calendar year is covered both by the local extract and by the DfE release, so they cannot be "
                "compared yet.")
    diff = recon["difference"].dropna()
    years = ", ".join(sorted(recon["year"].astype(str).unique()))
    if (diff == 0).all():
        return f"The local extract gives exactly the figures DfE published for {years}."
    return (f"For {years}, {int((diff != 0).sum())} of {len(diff)} figures differ from what DfE published; "
            "records changed after the return was made are the usual reason.")


def reconciliation_table(recon: pd.DataFrame) -> Table:
    """The extract's DfE-definition counts beside the published release, per overlapping year."""
    out = recon.assign(year=recon["year"].astype(str), measure=recon["measure"].map(RECONCILED))
    out = out.rename(columns={"year": "Year", "measure": "Measure", "local": "Local extract",
                              "dfe": "DfE release", "difference": "Difference"})
    return Table(out, "Local extract compared with the DfE release for the same council and year",
                 name="reconciliation")


def workforce_sentence(staff: pd.DataFrame) -> str:
    """What the EP staffing file covers."""
    first, last = staff["period_end"].min(), staff["period_end"].max()
    return (f"The educational psychologist staffing file covers {len(staff)} periods from {first:%B %Y} to "
            f"{last:%B %Y}.")


def metrics(release: ees.Release, totals: checks.Totals, local: Sen2Tables | None) -> dict[str, Metric]:
    """Headline data-quality metrics for the summary page."""
    t = release.table
    out = {
        "latest_dfe_year": Metric(value=int(t.loc[t["requests_received"].notna(), "year"].max()), unit="year",
                                  label="Latest calendar year in the DfE release", period="release"),
        "totals_checks_failed": Metric(value=totals.n_failed, unit="count", label="Totals checks that do not add up",
                                       period="all years", higher_is_better=False),
        "dfe_values_repaired": Metric(value=int(len(release.repairs)), unit="count",
                                      label="DfE council figures repaired (a region's total given to a council)",
                                      period="all years", higher_is_better=False),
    }
    if local is not None:
        out["local_impossible_dates"] = Metric(
            value=checks.dates_out_of_order(local), unit="count",
            label="Local records with impossible dates (left out of timeliness)", period="extract",
            higher_is_better=False)
        out["local_rule_failures"] = Metric(value=checks.rule_failures(local), unit="count",
                                            label="Records failing SEN2 guidance checks",
                                            period=str(local.reference_date or ""), higher_is_better=False)
    return out


RULE_TEXT = ("A year is flagged when its figure is far from the council's own neighbouring years: it is compared with "
             f"the median of up to {outliers.WINDOW} years either side, and flagged when that ratio is extreme for the "
             f"series (a robust z-score above {outliers.Z_LIMIT:g}, using the median absolute deviation), at least "
             f"{outliers.MIN_RATIO_GAP:.0%} away from the neighbouring years, and more than chance variation in a "
             "count that size would explain.")

#: The DfE measures checked (:data:`helpers.analysis.outliers.CHECKED_MEASURES`), with their names on the page.
MEASURES: dict[str, str] = {"requests_received": "Requests for assessment", "new_plans": "New EHC plans",
                            "plans_in_place": "EHC plans in place (January)"}

HEADING = "Years far from the council's neighbouring years"


def _flags_sentence(flags: pd.DataFrame, la_name: str, la_code: str) -> str:
    """The rule, how many council-years it flags, and the pack council's own flagged years (figures as published)."""
    own = flags.loc[flags["area_code"] == la_code]
    if own.empty:
        mine = f"None of {la_name}'s years is flagged."
    else:
        items = [f"{_lower_first(MEASURES.get(r.measure, r.measure))} in {int(r.year)} ({r.value:,.0f}, against "
                 f"about {r.reference:,.0f} in the neighbouring years)" for r in own.itertuples()]
        mine = (f"For {la_name}: {'; '.join(items)}. The forecasts on the request-growth page treat "
                f"{'this year' if len(own) == 1 else 'these years'} as missing.")
    return (f"{RULE_TEXT} Flagged figures are shown as published; comparisons that include them should be read with "
            f"care. {len(flags)} council-year{'s are' if len(flags) != 1 else ' is'} flagged in this release. {mine}")


def _flags_page_table(flags: pd.DataFrame) -> pd.DataFrame:
    """:func:`flag_table` for the page: plain-English headers, the published figure and its neighbours' median."""
    return pd.DataFrame({
        "Council": flags["area_name"], "Measure": flags["measure"].map(MEASURES).fillna(flags["measure"]),
        "Year": flags["year"].astype(int).astype(str), "Figure as published": flags["value"].round(0),
        "Median of neighbouring years": flags["reference"].round(1),
        "Robust z-score": flags["z"].round(1)})


def _lower_first(text: str) -> str:
    """``"New EHC plans"`` → ``"new EHC plans"`` (abbreviations keep their capitals)."""
    return text[:1].lower() + text[1:]
