"""Implausible council-years (helpers.analysis.outliers): the rule flags years far from their own neighbours only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis import outliers

YEARS = list(range(2016, 2025))
#: Published requests (DfE EHC plans release 2025 + 2022), 2016–2024.
MEDWAY = [323.0, 422.0, 471.0, 474.0, 397.0, 563.0, 309.0, 964.0, 989.0]
WEST_BERKSHIRE = [218.0, 175.0, 231.0, 202.0, 213.0, 270.0, 0.0, 407.0, 475.0]
KENT = [1634.0, 3251.0, 2868.0, 2992.0, 3255.0, 4047.0, 3669.0, 3988.0, 4001.0]
BUCKINGHAMSHIRE = [680.0, 658.0, 888.0, 940.0, 940.0, 1138.0, 1365.0, 1577.0, 1782.0]
SCILLY = [1.0, 1.0, 1.0, 0.0, 2.0, 3.0, 1.0, 8.0, 2.0]


def _s(values: list[float]) -> pd.Series:
    return pd.Series(values, index=YEARS)


def test_medway_2022_requests_are_flagged():
    """2022's reference is the median of 2020, 2021, 2023, 2024 = median(397, 563, 964, 989) = (563 + 964) / 2 =
    763.5; 309 / 763.5 = 0.405, 60% below. Its log ratio log(310 / 764.5) = −0.903 is far outside the other years',
    and the gap 454.5 is far above 3√763.5 = 82.9."""
    scores = outliers.flag_series(_s(MEDWAY)).set_index("year")
    assert scores.loc[2022, "reference"] == 763.5
    assert scores.loc[2022, "ratio"] == np.float64(309 / 763.5)
    assert outliers.flagged_years(_s(MEDWAY)) == [2022]


def test_west_berkshire_zero_requests_in_2022_are_flagged():
    """0 between 270 (2021) and 407 (2023): reference median(213, 270, 407, 475) = 338.5, ratio 0."""
    assert outliers.flagged_years(_s(WEST_BERKSHIRE)) == [2022]


def test_smooth_and_steadily_growing_series_are_not_flagged():
    """An exact 8% a year series, Kent's requests (a jump from 2016 to 2017, then steady) and Buckinghamshire's
    (steady growth) have nothing far from its neighbours."""
    smooth = _s(list(1000 * 1.08 ** np.arange(9)))
    for series in (smooth, _s(KENT), _s(BUCKINGHAMSHIRE)):
        assert outliers.flagged_years(series) == []


def test_small_councils_natural_swings_are_not_flagged():
    """Isles of Scilly (1, 1, 1, 0, 2, 3, 1, 8, 2): 2023's 8 is 4 times its reference median(3, 1, 2) = 2, but the
    series swings so much that its robust z-score is only 1.6 (limit 3.0); the 2019 zero (reference 1.5) is a gap
    of 1.5, below 3√1.5 = 3.7, the chance variation of so small a count. Neither is flagged."""
    assert outliers.flagged_years(_s(SCILLY)) == []


def test_first_and_last_years_are_not_scored_and_missing_values_are_dropped():
    s = _s(MEDWAY)
    s.loc[2019] = np.nan
    scores = outliers.flag_series(s)
    assert 2019 not in scores["year"].tolist()
    assert np.isnan(scores.iloc[0]["reference"]) and np.isnan(scores.iloc[-1]["reference"])
    assert not scores.iloc[[0, -1]]["flagged"].any()


def test_flag_table_lists_each_flagged_council_year_with_the_published_figure():
    ees = pd.DataFrame({"area_code": ["887"] * 9 + ["886"] * 9, "area_name": ["Medway"] * 9 + ["Kent"] * 9,
                        "geographic_level": "Local authority", "year": YEARS * 2,
                        "requests_received": MEDWAY + KENT})
    table = outliers.flag_table(ees, ["requests_received"])
    assert table[["area_name", "measure", "year", "value"]].values.tolist() == [
        ["Medway", "requests_received", 2022, 309.0]]
