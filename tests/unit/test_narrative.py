"""Wording of generated sentences: rises, falls, no change, missing data, percentage points, plurals.

Expected strings are worked out by hand from the rounding rules in ``helpers.present.narrative``'s docstring.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.present import narrative as n


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (33.333, "%", "33.3%"),
    (1234.4, "count", "1,234"),
    (138242, "count", "138,242"),
    (1, "weeks", "1 week"),
    (12.46, "weeks", "12.5 weeks"),
    (20.0, "weeks", "20 weeks"),
    (4, "FTE", "4.0 FTE"),
    (1, "months", "1 month"),
    (None, "%", "not available"),
    (math.nan, "count", "not available"),
    (pd.NA, None, "not available"),
])
def test_fmt_rounding_rules(value, unit, expected):
    assert n.fmt(value, unit) == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "1 child"), (0, "0 children"), (3, "3 children"),
                                                  (1250, "1,250 children")])
def test_plural(count, expected):
    assert n.plural(count, "child", "children") == expected


def test_plural_default_adds_s():
    assert n.plural(2, "request") == "2 requests"
    assert n.plural(1, "request") == "1 request"


@pytest.mark.parametrize(("pct", "expected"), [
    (33.3, "about 1 in 3"),      # 100/33.3 = 3.003 → n = 3
    (11.9, "about 1 in 8"),      # Medway 2024: 100/11.9 = 8.4 → 8; 12.5 is within 10% of 11.9
    (18.0, "about 1 in 6"),      # Kent 2023: 100/18 = 5.6 → 6; 16.7 within 1.8 of 18
    (40.0, "about 4 in 10"),     # 1 in 2 = 50 is 25% off 40, so tenths
    (72.0, "about 7 in 10"),
    (50.0, "about half"),
    (97.0, "almost all"),
    (0.4, "fewer than 1 in 100"),
    (0, "none"),
    (100, "all"),
    (None, "not available"),
])
def test_one_in(pct, expected):
    assert n.one_in(pct) == expected


def test_one_in_rejects_impossible_percentage():
    with pytest.raises(ValueError):
        n.one_in(120)


def test_rise_in_a_count_is_relative_percent():
    # 93,302 → 114,482 England requests 2021→2022: 21,180 / 93,302 = 22.70% → "23%" (whole number as ≥ 10%)
    assert n.change(114482, 93302, "count") == "up 23% on last year"


def test_small_fall_in_a_count_has_one_decimal():
    # 1,000 → 965: -3.5%
    assert n.change(965, 1000, "count") == "down 3.5% on last year"


def test_percentage_change_is_in_percentage_points():
    # Kent 28.7% (2019) → 33.3% (2024): +4.6 points, never "16%"
    assert n.change(33.3, 28.7, "%", since="2019") == "up 4.6 percentage points since 2019"
    assert n.change(46.4, 49.6, "%") == "down 3.2 percentage points on last year"


def test_one_percentage_point_is_singular():
    assert n.change(31.0, 30.0, "%") == "up 1.0 percentage point on last year"


def test_no_change_when_difference_rounds_to_zero():
    assert n.change(50.04, 50.0, "%") == "no change on last year"
    assert n.change(10002, 10000, "count") == "no change on last year"   # 0.02% → "0.0%"
    assert n.change(7, 7, "weeks", since="the baseline") == "no change since the baseline"


def test_change_in_weeks_is_absolute():
    assert n.change(14.5, 12.0, "weeks", since="the baseline") == "up 2.5 weeks since the baseline"
    assert n.change(11.0, 12.0, "weeks") == "down 1 week on last year"


def test_change_from_zero_count():
    assert n.change(4, 0, "count") == "up from none on last year"


def test_change_with_missing_data():
    assert n.change(None, 30.0, "%") == "change on last year not available"
    assert n.change(30.0, math.nan, "count", since="the baseline") == "change since the baseline not available"


def test_compare_below_above_same_and_missing():
    assert n.compare(33.3, 46.4, "England", "%") == "33.3%, below England's 46.4%"
    assert n.compare(60.0, 46.4, "the South East", "%") == "60.0%, above the South East's 46.4%"
    assert n.compare(46.41, 46.44, "England", "%") == "46.4%, the same as England's"
    assert n.compare(33.3, None, "Statistical neighbours", "%") == \
        "33.3% (Statistical neighbours' figure not available)"
    assert n.compare(None, 46.4, "England", "%").startswith("not available")


def test_record_phrase_highest_since():
    s = pd.Series([50.0, 40.0, 42.0, 45.0], index=[2019, 2020, 2021, 2022])
    # 45 beats 2020-2021 but not 2019 (50) → "highest since 2019"
    assert n.record_phrase(s) == "the highest since 2019"


def test_record_phrase_lowest_on_record_and_nothing_to_say():
    assert n.record_phrase(pd.Series([60.4, 58.0, 46.4], index=[2019, 2020, 2021])) == \
        "the lowest on record (since 2019)"
    # 45 beats only 2021's 40 upwards and nothing downwards: just "up on last year", no record phrase
    assert n.record_phrase(pd.Series([50.0, 48.0, 40.0, 45.0], index=[2019, 2020, 2021, 2022])) is None
    assert n.record_phrase(pd.Series([1.0, 2.0], index=[2019, 2020])) is None


def test_describe_series_rise_with_peak_and_gap():
    s = pd.Series([20.0, None, 35.0, 42.5, 30.0], index=[2019, 2020, 2021, 2022, 2023])
    assert n.describe_series(s, unit="%", label="plans issued within 20 weeks") == (
        "Line chart of plans issued within 20 weeks from 2019 to 2023: rose from 20.0% in 2019 to 30.0% in 2023, "
        "peaking at 42.5% in 2022; no data for 2020.")


def test_describe_series_fall_with_low_from_frame_and_months():
    frame = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                          "requests": [120, 80, 100]})
    assert n.describe_series(frame, "requests", period="period", unit="count", chart="Bar chart") == (
        "Bar chart of requests from Jan 2024 to Mar 2024: fell from 120 in Jan 2024 to 100 in Mar 2024, "
        "with a low of 80 in Feb 2024.")


def test_describe_series_flat_and_empty():
    assert n.describe_series(pd.Series([5.0, 5.01], index=[2023, 2024]), unit="%", label="x") == \
        "Line chart of x from 2023 to 2024: the same at the start and end (5.0%)."
    assert n.describe_series(pd.Series([None, None], index=[2023, 2024], dtype=float), label="x") == \
        "Line chart of x: no data available."


def test_sentence():
    assert n.sentence("up 12% on last year") == "Up 12% on last year."
    assert n.sentence("Done.") == "Done."


def test_count_of_agrees_with_part_and_whole() -> None:
    from helpers.present import narrative as nv

    assert nv.count_of(0, 1, "action-plan area") == "0 of 1 action-plan area is"
    assert nv.count_of(1, 6, "action-plan area") == "1 of 6 action-plan areas is"
    assert nv.count_of(2, 6, "action-plan area") == "2 of 6 action-plan areas are"
    assert nv.count_of(0, 6, "area", verb="matches", verb_plural="match") == "0 of 6 areas match"
