"""The inspection data request page (``notebooks/10_inspection_data_request.ipynb``, restricted builds only).

:func:`facts` works out the lists (:mod:`helpers.analysis.inspection`) and their counts and sample
(:mod:`helpers.analysis.inspection_summary`) once; the other functions word them and bundle them for
``page.show``. The page shows counts by group and band only, never a name or identifier: the lists themselves go
into the owner-only workbook that ``evidence-pack inspection CONFIG`` writes. Every count is child-level, so it is
suppressed wherever the build suppresses.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import cases as case_table
from helpers.analysis import inspection, inspection_summary
from helpers.areas import LA
from helpers.metrics import Metric
from helpers.present.chart import Table
from helpers.present.page import Page
from helpers.present.sen2_labels import ETHNICITY, NEED, SEX, labelled
from helpers.sources.sen2 import Sen2Tables

PUBLIC_NOTE = ("This page is produced only in the restricted build: it describes the person-level lists an "
               "area SEND inspection asks for.")
NO_SEN2 = ("The pack has no SEN2 person-level extract (inputs.sen2 in the config), so the inspection lists "
           "cannot be made.")
LISTS_NOTE = ("The lists themselves, with names and identifiers, are not on this page. Run "
              "'evidence-pack inspection' with the pack's config to write them to a workbook readable only by "
              "its owner, in the inspection folder of the restricted pack.")
COUNT = "Children and young people"
SHARE = "Share of all (%)"


@dataclass(frozen=True)
class Facts:
    """Everything the page shows, worked out once."""

    la: LA
    end: pd.Timestamp
    list_one: pd.DataFrame
    open_requests: pd.DataFrame
    cases: pd.DataFrame
    sample: pd.DataFrame
    seed: int
    reconciliation: pd.DataFrame
    hide_below: int


def _published(ees: pd.DataFrame, la: LA, column: str) -> tuple[int, float] | None:
    """The council's latest published (year, value) of ``column`` in the release, or None."""
    rows = ees[(ees["area_code"] == la.old_code) & ees[column].notna()]
    if rows.empty:
        return None
    latest = rows.sort_values("year").iloc[-1]
    return int(latest["year"]), float(latest[column])


def reconciliation(page: Page, tables: Sen2Tables, end: pd.Timestamp) -> pd.DataFrame:
    """Measure, the SEN2 extract's count and DfE's published figure: plans in place at the latest census, new
    plans in the latest published year, and plans in place at the period end (not yet published)."""
    rows: list[dict[str, object]] = []
    plans = _published(page.ees, page.la, "plans_in_place")
    if plans is not None:
        year, value = plans
        rows.append({"Measure": f"EHC plans in place, January {year} census",
                     "From the SEN2 extract": inspection.count_in_place(tables, case_table.census_date(year)),
                     "Published by DfE": value})
    new = _published(page.ees, page.la, "new_plans")
    if new is not None:
        year, value = new
        rows.append({"Measure": f"New EHC plans started in {year}",
                     "From the SEN2 extract": int(case_table.dfe_headlines(tables, year)["new_plans"]),
                     "Published by DfE": value})
    rows.append({"Measure": f"EHC plans in place on {end:%d %B %Y} (List 1)",
                 "From the SEN2 extract": inspection.count_in_place(tables, end.date()),
                 "Published by DfE": float("nan")})
    out = pd.DataFrame(rows)
    out["Difference"] = out["From the SEN2 extract"] - out["Published by DfE"]
    return out


def facts(page: Page) -> Facts | None:
    """The page's numbers; None without a SEN2 extract or in the public build (the page is restricted)."""
    tables, cases = page.sen2_tables(), page.cases()
    if page.public or tables is None or cases is None:
        return None
    end = pd.Timestamp(page.config.period_end)
    list_one = inspection.list_one(tables, page.config.period_end)
    seed = inspection_summary.sample_seed(page.config.period_end)
    return Facts(la=page.la, end=end, list_one=list_one, open_requests=inspection.open_requests(tables, cases),
                 cases=cases, sample=inspection_summary.deep_dive_sample(list_one, seed), seed=seed,
                 reconciliation=reconciliation(page, tables, end), hide_below=page.hide_below)


def _n(count: int, hide_below: int) -> str:
    return f"fewer than {hide_below}" if 0 < count < hide_below else f"{count:,}"


def headline(f: Facts) -> str:
    overdue = int(f.list_one["review_overdue"].fillna(False).sum())
    return (f"On {f.end:%d %B %Y} the SEN2 extract lists {_n(len(f.list_one), f.hide_below)} children and young "
            f"people with an EHC plan {f.la.name} maintains and {_n(len(f.open_requests), f.hide_below)} requests "
            f"or assessments still open; {_n(overdue, f.hide_below)} plans have had no annual review in the "
            "last 12 months.")


def reconciliation_table(f: Facts) -> Table:
    return Table(f.reconciliation, "The SEN2 extract against the council's published DfE figures",
                 name="reconciliation", child_level_counts=("From the SEN2 extract",))


def reconciliation_sentence(f: Facts) -> str:
    first = f.cases["received_date"].min()
    start = f"{first:%B %Y}" if pd.notna(first) else "its first request"
    return ("DfE counts every plan the council maintains. The extract holds the requests received from "
            f"{start} onwards and the plans recorded with them, so a plan made before then appears only if the "
            "extract records it as a historical request; a large difference means List 1 is incomplete and the "
            "council should add those plans from its case-management system before sending it.")


_GROUPS = {"age_phase": ("Age phase", inspection.AGE_PHASES, None), "primary_need": ("Primary need", None, NEED),
           "placement_type": ("Placement type", None, None), "sex": ("Sex", None, SEX),
           "ethnicity": ("Ethnicity", None, ETHNICITY)}


def breakdown(f: Facts, column: str) -> Table:
    """List 1 by one characteristic (:data:`_GROUPS`): count and share, with a total row."""
    label, order, labels = _GROUPS[column]
    table = inspection_summary.counts_by(f.list_one, column, order)
    if labels is not None:
        table["group"] = labelled(table["group"], labels)
    total = pd.DataFrame({"group": ["Total"], "count": [int(table["count"].sum())], "share": [100.0]})
    table = pd.concat([table, total], ignore_index=True).set_axis([label, COUNT, SHARE], axis=1)
    return Table(table, f"Children and young people on List 1 by {label.lower()}, {f.end:%d %B %Y}",
                 name=f"list-1-by-{column}", child_level_counts=(COUNT,), derived={SHARE: (COUNT, COUNT)})


BREAKDOWNS: tuple[str, ...] = tuple(_GROUPS)


def reviews_table(f: Facts) -> Table:
    table = inspection_summary.reviews_by_band(f.list_one)
    table = table.set_axis(["Time since the last annual review (or the plan's start)", "EHC plans",
                            "Of which never reviewed"], axis=1)
    return Table(table, f"EHC plans by time since the last annual review, {f.end:%d %B %Y}", name="reviews",
                 child_level_counts=("EHC plans", "Of which never reviewed"))


def reviews_sentence(f: Facts) -> str:
    overdue = int(f.list_one["review_overdue"].fillna(False).sum())
    never = int((f.list_one["review_overdue"].fillna(False) & f.list_one["last_review"].isna()).sum())
    return (f"A plan's review is overdue when more than 365 days have passed since its last annual review "
            f"decision, or since the plan started if it has never been reviewed: {_n(overdue, f.hide_below)} "
            f"plans, of which {_n(never, f.hide_below)} have no review recorded.")


def past_20_table(f: Facts) -> Table:
    table = case_table.open_by_weeks_overdue(f.cases).set_axis(["Time past the 20-week limit", "Open requests"],
                                                               axis=1)
    table["Time past the 20-week limit"] = table["Time past the 20-week limit"].astype("str").str.capitalize()
    return Table(table, f"Open requests and assessments by weeks past 20, {f.end:%d %B %Y}", name="past-20-weeks",
                 child_level_counts=("Open requests",))


def waits_table(f: Facts) -> Table:
    table = inspection_summary.waits_by_band(f.open_requests).set_axis(
        ["Weeks since the request was received", "Open requests"], axis=1)
    return Table(table, f"Children waiting longest: open requests by weeks waited, {f.end:%d %B %Y}",
                 name="waiting-longest", child_level_counts=("Open requests",))


def sample_rule(f: Facts) -> str:
    """The deep-dive sample's rule and seed, in one paragraph (:func:`describe_sample`)."""
    return describe_sample(f.sample, f.seed)


def describe_sample(sample: pd.DataFrame, seed: int) -> str:
    """The sample's size, strata, rule and seed in one paragraph (the page's and the workbook's sample note)."""
    strata = sample["stratum"].nunique() if not sample.empty else 0
    return (f"The deep-dive sample has {len(sample):,} cases from {strata:,} strata. Rule: the children and "
            "young people on List 1 are grouped by primary need and placement type; every group gets one case "
            f"and the rest of the {inspection_summary.DEFAULT_SAMPLE_SIZE} cases (or one per group, when there are "
            "more groups) are shared in proportion to the groups' sizes (largest remainder); within a group cases "
            f"are drawn at random with NumPy's default generator and seed {seed} (the period end as a number), "
            "from the group's rows sorted by SEN2 record number (as text). The same extract and seed always give "
            "the same sample.")


def strata_table(f: Facts) -> Table:
    table = inspection_summary.strata_table(f.list_one, f.sample)
    parts = table["stratum"].str.split(" | ", n=1, expand=True, regex=False)
    table = pd.DataFrame({"Primary need": labelled(parts[0], NEED), "Placement type": parts[1],
                          "On List 1": table["on_list"], "In the sample": table["sampled"]})
    return Table(table, "Deep-dive strata: cases on List 1 and in the sample", name="sample-strata",
                 child_level_counts=("On List 1", "In the sample"))


def metrics(f: Facts | None) -> dict[str, Metric]:
    """Counts for the restricted pack's history (none in the public build or without SEN2)."""
    if f is None:
        return {}
    period = f"{f.end:%d %b %Y}"
    overdue = int(f.list_one["review_overdue"].fillna(False).sum())
    values = {"list_1_plans": (len(f.list_one), "Children and young people on List 1", None),
              "open_requests": (len(f.open_requests), "Requests and assessments open", False),
              "reviews_overdue": (overdue, "EHC plans with no annual review in 12 months", False),
              "sample_size": (len(f.sample), "Cases in the deep-dive sample", None)}
    return {key: Metric(value=None if 0 < v < f.hide_below else v, unit="count", label=label, period=period,
                        higher_is_better=better, extras={"seed": f.seed} if key == "sample_size" else {})
            for key, (v, label, better) in values.items()}
