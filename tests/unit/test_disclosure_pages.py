"""Percentages and counts in the timeliness page's words follow the suppression of the counts they come from."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from helpers.analysis import spc
from helpers.analysis.disclosure import NOT_SHOWN
from helpers.analysis.disclosure_linked import CHILD_LEVEL_COUNT
from helpers.analysis import timeliness_trend as trends
from helpers.pages import timeliness_spc as spc_words
from helpers.config import load_pack
from helpers.metrics import Metric
from helpers.pages import timeliness_tables as tables
from helpers.present.chart import Table
from helpers.present.page import Page

ROOT = Path(__file__).resolve().parents[2]


def monthly(within: list[int], plans: list[int]) -> trends.MonthlySpc:
    periods = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=len(plans), freq="MS"),
                            "plans_issued_ex": plans, "plans_issued_within_20_weeks_ex": within,
                            "plans_issued": plans, "plans_issued_within_20_weeks": within})
    found = trends.monthly_spc(periods, periods["period"].iloc[-1] + pd.offsets.MonthEnd(0), 60)
    assert found is not None
    return found


def test_months_with_a_small_count_are_hidden_and_not_described() -> None:
    """Months: 5/10, 3/10, 6/12, 2/8 (threshold 5): the 3 and the 2 are hidden, so the second and fourth months'
    percentages go from the alt text, the latest-month sentence and the metric (value None, previous 50%)."""
    m = monthly([5, 3, 6, 2], [10, 10, 12, 8])
    assert spc_words.hidden_months(m, 5).tolist() == [False, True, False, True]
    assert not spc_words.hidden_months(m, 1).any()
    chart = spc_words.spc_chart(m, 60, 5)
    assert "25.0%" not in chart.alt and "30.0%" not in chart.alt
    assert chart.derived == {"% within 20 weeks": ("Within 20 weeks", "Plans issued")}
    found = spc_words.spc_findings(m.chart, spc.variation(m.chart), spc.assurance(m.chart, 60), 60,
                                   hidden=spc_words.hidden_months(m, 5))
    assert found[0].startswith("In Apr 2024, so few plans were issued that the month's percentage is not shown.")
    record = spc_words.monthly_metrics(m, 60, 5)["monthly_pct_within_20_weeks"]
    assert record.value is None and record.previous is not None and math.isclose(record.previous, 50)
    assert spc_words.monthly_metrics(m, 60)["monthly_pct_within_20_weeks"].value == 25


def test_spc_table_declares_what_each_count_counts() -> None:
    m = monthly([5, 3, 6, 2], [10, 10, 12, 8])
    attrs = spc_words.spc_table(m).attrs
    assert attrs["cells"]["Plans issued"][0] == spc_words.plans_key("Jan 2024", "all")
    assert attrs["sums"][0] == (spc_words.plans_key("Jan 2024", "all"),
                                [spc_words.plans_key("Jan 2024", "within 20 weeks"),
                                 spc_words.plans_key("Jan 2024", "over 20 weeks")])


def test_a_small_number_of_impossible_dates_reads_fewer_than() -> None:
    cases = pd.DataFrame({"dates_impossible": [True, True, False]})
    assert tables.impossible_dates_sentence(cases, 5).startswith("Fewer than 5 requests in the local extract have")
    assert tables.impossible_dates_sentence(cases).startswith("2 requests in the local extract have")
    assert tables.impossible_dates_sentence(cases, 2).startswith("2 requests")


def demo_page(tmp_path: Path, variant: str = "public", notebook: str = "02_x") -> Page:
    (tmp_path / "data").mkdir(parents=True)
    return Page(config=load_pack(ROOT / "config" / "demo.yaml"), artefacts=tmp_path / "data", variant=variant,
                notebook=notebook)


def bands_table() -> Table:
    """Bands of the months' 42 plans: 13 within 20 weeks, 28 from 20 to 52, 1 over 52 weeks (hidden)."""
    data = pd.DataFrame({"band": ["within", "mid", "over"], "Plans": [13, 28, 1]})
    data.attrs = {"cells": {"Plans": ["p|y|within", "p|y|mid", "p|y|over"]},
                  "sums": [("p|y|all", ["p|y|within", "p|y|mid", "p|y|over"]), ("p|y|all", ["p|m1|all", "p|m2|all"]),
                           ("p|y|within", ["p|m1|within", "p|m2|within"])]}
    return Table(data, "Bands", name="bands", child_level_counts=("Plans",))


def months_table() -> Table:
    data = pd.DataFrame({"month": ["m1", "m2"], "Plans": [20, 22], "Within": [6, 7], "%": [30.0, 700 / 22]})
    data.attrs = {"cells": {"Plans": ["p|m1|all", "p|m2|all"], "Within": ["p|m1|within", "p|m2|within"]}}
    return Table(data, "Months", name="months", child_level_counts=("Plans", "Within"),
                 derived={"%": ("Within", "Plans")})


def test_page_hides_a_complement_across_linked_tables(tmp_path: Path) -> None:
    """The months give 42 plans and 13 within 20 weeks, so the bands' hidden 1 = 42 - 13 - 28: the page hides the
    28 (not the 13, which the months give back), and records every cell in ``cells_<notebook>.json``."""
    page = demo_page(tmp_path)
    page.show(months_table())
    page.show(bands_table())
    shown = pd.read_csv(page.downloads / "02_x-bands.csv")["Plans"].tolist()
    assert shown == ["13", NOT_SHOWN, "fewer than 5"]
    record = json.loads((page.artefacts / "cells_02_x.json").read_text())
    assert record["cells"]["p|y|mid"] is None and record["cells"]["p|m1|all"] == 20
    reviewer = demo_page(tmp_path / "r", "reviewer")
    reviewer.show(months_table())
    reviewer.show(bands_table())
    assert pd.read_csv(reviewer.downloads / "02_x-bands.csv")["Plans"].tolist() == [13, 28, 1]


def test_a_metric_of_a_hidden_cell_is_withheld(tmp_path: Path) -> None:
    page = demo_page(tmp_path)
    page.show(months_table())
    page.show(bands_table())
    page.write_metrics({"mid": Metric(value=28, unit="count", label="Mid", period="y",
                                      extras={CHILD_LEVEL_COUNT: "p|y|mid"}),
                        "within": Metric(value=13, unit="count", label="Within", period="y",
                                         extras={CHILD_LEVEL_COUNT: "p|y|within"})})
    records = json.loads((page.artefacts / "metrics_02_x.json").read_text())
    assert records["mid"]["value"] is None and records["within"]["value"] == 13


def test_months_that_add_up_to_a_published_year_get_a_complement(tmp_path: Path) -> None:
    """Twelve months of 2024 with 10 plans (5 within 20 weeks), June 3 (2 within): June's counts are hidden, but
    DfE publishes the year (113 plans, 57 within), so 113 - 110 = 3 and 57 - 55 = 2 would give them back. The page
    hides another month's counts too (the smallest, first by key: April's 10 and 5), and its percentage."""
    plans, within = [10] * 12, [5] * 12
    plans[5], within[5] = 3, 2
    m = monthly(within, plans)
    annual = pd.DataFrame({"year": [2024], "level": ["la"], "plans_issued_ex": [113.0],
                           "plans_issued_within_20_weeks_ex": [57.0]})
    assert spc_words.spc_table(m, annual).attrs["known"] == {spc_words.plans_key("2024", "all"): 113.0,
                                                            spc_words.plans_key("2024", "within 20 weeks"): 57.0}
    page = demo_page(tmp_path)
    page.show(spc_words.spc_chart(m, 60, 5, annual))
    shown = pd.read_csv(page.downloads / "02_x-spc-monthly-20-weeks.csv", dtype=str)
    assert shown.loc[5, ["Plans issued", "Within 20 weeks"]].tolist() == ["fewer than 5"] * 2
    assert shown.loc[3, ["Plans issued", "Within 20 weeks", "% within 20 weeks"]].tolist() == [NOT_SHOWN] * 3
    assert (shown.drop([3, 5])["Plans issued"] == "10.0").all()


def test_an_average_of_percentages_does_not_give_a_hidden_month_back(tmp_path: Path) -> None:
    """Four months of 10 plans, 5, 5, 5 and 3 within 20 weeks (50, 50, 50, 30%; average 45%): April's 3 is
    hidden, but 4 x 45 - 150 = 30% of its 10 shown plans gives 3 back. The page hides April's plans too; then the
    average still gives April's 30%, which with fewer than 5 within can only be 3 of 10, so a second month's
    counts are hidden as well, leaving two unknown percentages that only add up to 80."""
    m = monthly([5, 5, 5, 3], [10, 10, 10, 10])
    assert spc_words.spc_table(m).attrs["means"]["Average %"][3] == (spc_words.plans_key("Apr 2024", "within 20 weeks"),
                                                                     spc_words.plans_key("Apr 2024", "all"))
    page = demo_page(tmp_path)
    page.show(spc_words.spc_chart(m, 60, 5))
    shown = pd.read_csv(page.downloads / "02_x-spc-monthly-20-weeks.csv", dtype=str)
    assert shown.loc[3, "Within 20 weeks"] == "fewer than 5" and shown.loc[3, "Plans issued"] == NOT_SHOWN
    assert (shown["% within 20 weeks"] == NOT_SHOWN).sum() == 2
