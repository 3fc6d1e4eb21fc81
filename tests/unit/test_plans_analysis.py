"""Plans in place and annual reviews analysis (helpers.analysis.plans, helpers.analysis.reviews).

Published values come from the real 2025 release (../shared/ees/education-health-and-care-plans_2025.zip); each
test names the file and CSV line. Small made-up frames check the arithmetic. Real-data tests skip without
../shared.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import plans, reviews
from helpers.areas import Group
from helpers.sources.ees import read_release
from helpers.sources.ees_breakdowns_layouts import ALL, MAINSTREAM, SPECIAL_INDEPENDENT


@pytest.fixture(scope="module")
def ees(ees_2025: Path) -> pd.DataFrame:
    return read_release(ees_2025).table


def test_england_review_timeliness_2024(ees: pd.DataFrame) -> None:
    # data/annual_reviews.csv line 2: 2024 National: number_decsion_4weeks 154924, number_decision_gt_4weeks
    # 193835, pc_decsion_4weeks 44.4; review_expected 524654
    t = reviews.review_table(ees, "E92000001")
    row = t[t["year"] == 2024].iloc[0]
    assert row["within_4_weeks"] == 154_924 and row["expected"] == 524_654
    assert round(row["pct_within_4_weeks"], 1) == 44.4
    assert row["completed"] == 154_924 + 193_835 and row["completed_basis"] == "review decisions made"


def test_kent_review_timeliness_2024(ees: pd.DataFrame) -> None:
    # data/annual_reviews.csv line 11611: Kent 2024 review_expected 17334, decisions 3151 within / 6223 after, 33.6%
    row = reviews.review_table(ees, "886").iloc[-1]
    assert (row["year"], row["expected"], row["gap"]) == (2024, 17_334, 17_334 - 3_151 - 6_223)
    assert round(row["pct_within_4_weeks"], 1) == 33.6


def test_england_and_kent_plans_in_place(ees: pd.DataFrame) -> None:
    # data/caseload.csv line 13028 (England 202425: 638745) and line 23794 (Kent 202425: 20635)
    assert plans.plans_series(ees, "E92000001").loc[2025] == 638_745
    kent = plans.plans_series(ees, "886")
    assert kent.loc[2025] == 20_635
    growth = plans.growth_table(kent).set_index("year")
    assert round(growth.loc[2025, "pct_change"], 1) == round((20_635 / kent.loc[2024] - 1) * 100, 1)


def test_kent_stock_flow(ees: pd.DataFrame) -> None:
    # caseload.csv (202324 Kent 19407, 202425 20635), newplans.csv 2024 and ceased_plans.csv 2024 (Kent)
    t = plans.stock_flow(ees, "886").set_index("year")
    row = t.loc[2025]
    assert row["previous"] == 19_407 and row["published"] == 20_635
    assert row["expected"] == row["previous"] + row["new_plans"] - row["ceased"]
    assert row["gap"] == 20_635 - row["expected"]


def _breakdowns() -> pd.DataFrame:
    rows = []
    areas = (("E92000001", "National", 1000, 50, 400), ("001", "Local authority", 100, 10, 40),
             ("002", "Local authority", 300, 6, 150))
    for code, level, total, ind, main in areas:
        for category, count in ((ALL, total), (SPECIAL_INDEPENDENT, ind), (MAINSTREAM, main)):
            rows.append({"year": 2025, "geographic_level": level, "area_code": code, "breakdown": "placement",
                         "category": category, "count": float(count)})
    return pd.DataFrame(rows)


def test_group_shares_sum_counts_not_percentages() -> None:
    groups = [Group("A", "la", ("001",)), Group("England", "england", ("001", "002"), "E92000001", "National"),
              Group("Neighbours", "neighbours", ("001", "002"))]
    table = plans.share_table(_breakdowns(), groups, "placement", 2025).set_index("category")
    assert table.loc[SPECIAL_INDEPENDENT, "A"] == 10.0
    assert table.loc[SPECIAL_INDEPENDENT, "England"] == 5.0
    assert table.loc[SPECIAL_INDEPENDENT, "Neighbours"] == pytest.approx(16 / 400 * 100)  # not mean of 10% and 2%


def test_share_change_and_rate() -> None:
    counts = pd.DataFrame({"year": [2020, 2020, 2025, 2025], "category": [ALL, MAINSTREAM, ALL, MAINSTREAM],
                           "count": [100.0, 40.0, 200.0, 100.0]})
    change = plans.share_change(counts, 2020, 2025).iloc[0]
    assert (change["start"], change["end"], change["change"]) == (40.0, 50.0, 10.0)
    series = pd.Series([100.0, 121.0], index=[2023, 2025])
    assert plans.annual_rate(series, 5) == pytest.approx(10.0)
    assert np.isnan(plans.annual_rate(series.iloc[:1], 5))


def test_officer_time() -> None:
    t = reviews.officer_time(100, 3.7)
    assert t["hours"] == pytest.approx(370) and t["weeks"] == pytest.approx(10)

