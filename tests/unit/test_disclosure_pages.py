"""Percentages and counts in the timeliness page's words follow the suppression of the counts they come from."""

from __future__ import annotations

import math

import pandas as pd

from helpers.analysis import spc
from helpers.analysis import timeliness_trend as trends
from helpers.pages import timeliness_spc as spc_words
from helpers.pages import timeliness_tables as tables


def monthly(within: list[int], plans: list[int]) -> trends.MonthlySpc:
    periods = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=len(plans), freq="MS"),
                            "plans_issued_ex": plans, "plans_issued_within_20_weeks_ex": within,
                            "plans_issued": plans, "plans_issued_within_20_weeks": within})
    found = trends.monthly_spc(periods, periods["period"].iloc[-1] + pd.offsets.MonthEnd(0), 60)
    assert found is not None
    return found


def test_months_with_a_small_count_are_hidden_and_not_described():
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


def test_spc_table_declares_what_each_count_counts():
    m = monthly([5, 3, 6, 2], [10, 10, 12, 8])
    attrs = spc_words.spc_table(m).attrs
    assert attrs["cells"]["Plans issued"][0] == spc_words.plans_key("Jan 2024", "all")
    assert attrs["sums"][0] == (spc_words.plans_key("Jan 2024", "all"),
                                [spc_words.plans_key("Jan 2024", "within 20 weeks"),
                                 spc_words.plans_key("Jan 2024", "over 20 weeks")])


def test_a_small_number_of_impossible_dates_reads_fewer_than():
    cases = pd.DataFrame({"dates_impossible": [True, True, False]})
    assert tables.impossible_dates_sentence(cases, 5).startswith("Fewer than 5 requests in the local extract have")
    assert tables.impossible_dates_sentence(cases).startswith("2 requests in the local extract have")
    assert tables.impossible_dates_sentence(cases, 2).startswith("2 requests")
