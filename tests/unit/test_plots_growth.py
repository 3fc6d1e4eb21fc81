"""Tests for helpers.pages.growth_charts: each figure built from small hand-made frames, checked element by element."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers.present.style import LINESTYLES, MARKERS
from helpers.pages import growth_charts as growth_plots

#: Four years of actual values and a three-year forecast at two levels, as
#: helpers.analysis.forecast_methods.forecast_path returns.
SERIES = pd.Series([100.0, 110.0, 121.0, 133.0], index=[2020, 2021, 2022, 2023], name="requests_received")
FORECAST = pd.DataFrame({
    "year": [2024, 2025, 2026] * 2,
    "mean": [146.0, 160.0, 176.0] * 2,
    "lower": [135.0, 140.0, 145.0, 128.0, 130.0, 131.0],
    "upper": [158.0, 182.0, 210.0, 166.0, 196.0, 235.0],
    "level": [0.8] * 3 + [0.95] * 3,
    "model": "drift (benchmark)",
})


def _texts(fig: Figure) -> list[str]:
    """Direct labels (annotations) drawn on the figure's only axes."""
    return [t.get_text() for t in fig.axes[0].texts]


def _legend(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def _band_top(collection) -> float:
    """Highest y of a fill_between band (its upper edge)."""
    return float(np.max(collection.get_paths()[0].vertices[:, 1]))


# --- fan chart ----------------------------------------------------------------------------------------------------

def test_fan_chart_draws_actual_and_forecast_lines_joined_at_the_last_actual():
    fig = growth_plots.fan_chart(SERIES, FORECAST, "requests for an EHC needs assessment")
    assert isinstance(fig, Figure)
    actual, forecast = fig.axes[0].get_lines()
    assert list(actual.get_xdata()) == [2020, 2021, 2022, 2023]
    assert list(actual.get_ydata()) == [100.0, 110.0, 121.0, 133.0]
    # the forecast starts at the last actual point, then the 80%-level means
    assert list(forecast.get_xdata()) == [2023, 2024, 2025, 2026]
    assert list(forecast.get_ydata()) == [133.0, 146.0, 160.0, 176.0]
    assert forecast.get_linestyle() == "--"
    assert (actual.get_marker(), forecast.get_marker()) == (MARKERS[0], MARKERS[1])


def test_fan_chart_shades_the_95_and_80_percent_ranges_to_the_given_limits():
    fig = growth_plots.fan_chart(SERIES, FORECAST, "requests for an EHC needs assessment")
    ax = fig.axes[0]
    wide, narrow = ax.collections
    assert _legend(fig) == ["likely range (95%)", "likely range (80%)", "Actual", "Forecast"]
    assert _band_top(wide) == pytest.approx(235.0)  # the 95% upper limit in 2026
    assert _band_top(narrow) == pytest.approx(210.0)  # the 80% upper limit in 2026
    assert wide.get_alpha() < narrow.get_alpha()  # wider range drawn lighter
    assert wide.get_hatch() == "..." and narrow.get_hatch() is None  # not told apart by shade alone


def test_fan_chart_labels_axis_and_lines_and_starts_at_zero():
    fig = growth_plots.fan_chart(SERIES, FORECAST, "new EHC plans")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "New EHC plans"
    assert ax.get_ylim()[0] == 0
    # the two lines meet at the last actual, so they are named in the legend, not by end labels that would sit on
    # top of each other or float off their lines (issue 21); the legend box is opaque, above the gridlines
    assert _texts(fig) == [] and _legend(fig)[-2:] == ["Actual", "Forecast"]
    legend = ax.get_legend()
    assert legend.get_frame().get_facecolor()[:3] == (1.0, 1.0, 1.0) and legend.get_frame().get_alpha() == 1.0


def test_indexed_chart_labels_take_their_line_colour_and_a_leader_when_nudged():
    """Two groups ending at 120 and 120.2 (labels would overlap): the labels are spread apart, each drawn in its
    line's colour and anchored on its own line's end, with a thin leader where moved (issue 21)."""
    index = pd.DataFrame({"year": [2019, 2024] * 2, "group": ["Northshire"] * 2 + ["England"] * 2,
                          "index": [100.0, 120.0, 100.0, 120.2]})
    fig = growth_plots.indexed_chart(index, highlight="Northshire", ylabel="Requests (2019 = 100)")
    ax = fig.axes[0]
    colour = {t.get_text(): t.get_color() for t in ax.texts}
    assert colour["Northshire"] == ax.get_lines()[0].get_color() and colour["England"] == ax.get_lines()[1].get_color()
    # each label stays anchored on its own line's end; the labels are spread apart and a moved one has a leader
    assert {t.get_text(): t.xy[1] for t in ax.texts} == {"Northshire": 120.0, "England": 120.2}
    assert [t.get_text() for t in ax.texts if t.arrow_patch is not None] != []


def test_fan_chart_alt_gives_first_and_last_80_percent_ranges():
    alt = growth_plots.fan_chart_alt(SERIES, FORECAST, "new EHC plans")
    assert alt.startswith("Line chart of new EHC plans from 2020 to 2023: rose from 100 in 2020 to 133 in 2023.")
    assert ("about 146 (likely range 135 to 158) in 2024, and about 176 (likely range 145 to 210) in 2026 "
            "(80% ranges)") in alt


# --- indexed chart ------------------------------------------------------------------------------------------------

#: Three groups indexed to 2019 = 100: Northshire 100 → 150, England 100 → 120, region 100 → 90.
INDEX = pd.DataFrame({
    "year": [2019, 2020, 2021] * 3,
    "group": ["Northshire"] * 3 + ["England"] * 3 + ["North East"] * 3,
    "value": [200.0, 250.0, 300.0, 1000.0, 1100.0, 1200.0, 500.0, 480.0, 450.0],
    "index": [100.0, 125.0, 150.0, 100.0, 110.0, 120.0, 100.0, 96.0, 90.0],
})


def test_indexed_chart_draws_one_line_per_group_and_a_reference_at_100():
    fig = growth_plots.indexed_chart(INDEX, highlight="Northshire", ylabel="Requests (2019 = 100)")
    ax = fig.axes[0]
    *series, reference = ax.get_lines()
    assert len(series) == 3
    assert [list(line.get_ydata()) for line in series] == [[100.0, 125.0, 150.0], [100.0, 110.0, 120.0],
                                                           [100.0, 96.0, 90.0]]
    assert list(reference.get_ydata()) == [100, 100]
    assert [line.get_linewidth() for line in series] == [3, 2, 2]  # the LA stands out
    assert [line.get_marker() for line in series] == MARKERS[:3]
    assert len({str(line.get_linestyle()) for line in series}) == 3
    assert series[0].get_linestyle() == LINESTYLES[0]


def test_indexed_chart_labels_each_line_end_and_the_axis():
    fig = growth_plots.indexed_chart(INDEX, highlight="England", ylabel="Requests (2019 = 100)")
    assert fig.axes[0].get_ylabel() == "Requests (2019 = 100)"
    assert sorted(_texts(fig)) == ["England", "North East", "Northshire"]
    assert [line.get_linewidth() for line in fig.axes[0].get_lines()[:3]] == [2, 3, 2]


def test_indexed_chart_alt_lists_each_group_with_its_last_index():
    alt = growth_plots.indexed_chart_alt(INDEX, 2019, 2021)
    assert alt == ("Line chart of requests indexed to 2019 = 100 for Northshire, England, North East. "
                   "By 2021: Northshire 150; England 120; North East 90.")


# --- monthly chart ------------------------------------------------------------------------------------------------

MONTHS = pd.date_range("2023-01-01", periods=24, freq="MS")
MONTHLY = pd.DataFrame({"period": MONTHS, "observed": np.arange(10.0, 34.0), "trend": np.arange(10.0, 34.0) - 0.5,
                        "seasonal": 0.5, "remainder": 0.0})
AHEAD_PERIODS = pd.date_range("2025-01-01", periods=12, freq="MS")
AHEAD = pd.concat([pd.DataFrame({"period": AHEAD_PERIODS, "mean": 35.0, "lower": 30.0 - i, "upper": 40.0 + i,
                                 "level": level, "model": "STL + damped trend"})
                   for i, level in enumerate((0.8, 0.95))], ignore_index=True)


def test_monthly_chart_draws_actual_trend_and_forecast_with_two_ranges():
    fig = growth_plots.monthly_chart(MONTHLY, AHEAD)
    ax = fig.axes[0]
    actual, trend, forecast = ax.get_lines()
    assert len(actual.get_xdata()) == 24 and len(forecast.get_xdata()) == 12
    assert (actual.get_linestyle(), trend.get_linestyle(), forecast.get_linestyle()) == ("-", "-.", "--")
    assert _legend(fig) == ["likely range (95%)", "likely range (80%)", "Actual", "Underlying trend", "Forecast"]
    wide, narrow = ax.collections
    assert (_band_top(wide), _band_top(narrow)) == (pytest.approx(41.0), pytest.approx(40.0))
    assert ax.get_ylabel() == "Requests a month"


def test_monthly_chart_leaves_headroom_above_the_highest_value_for_the_legend():
    """Highest value: the 95% upper limit, 41; 1.35 × 41 = 55.35."""
    ax = growth_plots.monthly_chart(MONTHLY, AHEAD).axes[0]
    assert ax.get_ylim() == pytest.approx((0.0, 55.35))


def test_monthly_chart_alt_names_the_forecast_end():
    alt = growth_plots.monthly_chart_alt(MONTHLY, AHEAD)
    assert alt.startswith("Line chart of requests received each month from Jan 2023 to Dec 2024: rose from 10 ")
    assert alt.endswith("covers the next 12 months to December 2025.")


def test_fan_chart_rings_a_flagged_year_and_names_it_in_the_legend():
    fig = growth_plots.fan_chart(SERIES, FORECAST, "new EHC plans", flagged=(2021,))
    ring = fig.axes[0].get_lines()[-1]
    assert list(ring.get_xdata()) == [2021] and list(ring.get_ydata()) == [110.0]
    assert _legend(fig)[-1] == "Far from neighbouring years (not used)"
