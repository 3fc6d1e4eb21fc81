"""helpers.pages.benchmarks_charts: the funnel plot and the trend small multiples, drawn from small hand-made frames."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection

from helpers.present.style import MARKERS, PALETTE
from helpers.analysis.benchmarks_funnel import NEIGHBOUR_ROLE, OTHER_ROLE
from helpers.pages import benchmarks_charts as plots

LA = "Aby"
LIMIT_COLUMNS = ("baseline", "lower_95", "upper_95", "lower_998", "upper_998", "wide_lower_998", "wide_upper_998")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _points() -> pd.DataFrame:
    """Six councils: the LA, two neighbours (one small, one large) and three others.

    The axis runs from 0.7 × 20 = 14 to 1000, so its geometric middle is √(14 × 1000) ≈ 118.3: Bby (40 plans) is
    labelled in the left-hand column, the LA (300) and Cby (800) in the right-hand one with England's line.
    """
    return pd.DataFrame({
        "area_code": ["101", "102", "103", "104", "105", "106"],
        "area_name": [LA, "Bby", "Cby", "Dby", "Eby", "Fby"],
        "denominator": [300.0, 40.0, 800.0, 20.0, 150.0, 600.0],
        "value": [48.0, 75.0, 58.0, 10.0, 50.0, 55.0],
        "role": [LA, NEIGHBOUR_ROLE, NEIGHBOUR_ROLE, OTHER_ROLE, OTHER_ROLE, OTHER_ROLE],
    })


def _lines(wide: bool = True) -> pd.DataFrame:
    """Made-up limits (percent) at three denominators around a 50% baseline."""
    return pd.DataFrame({
        "n": [10.0, 100.0, 1000.0],
        "baseline": [50.0, 50.0, 50.0],
        "lower_95": [30.0, 40.0, 47.0], "upper_95": [70.0, 60.0, 53.0],
        "lower_998": [20.0, 35.0, 45.0], "upper_998": [80.0, 65.0, 55.0],
        "wide_lower_998": [5.0, 10.0, 15.0] if wide else [np.nan] * 3,
        "wide_upper_998": [95.0, 90.0, 85.0] if wide else [np.nan] * 3,
    })


def _annotations(ax: plt.Axes) -> dict[str, object]:
    return {t.get_text(): t for t in ax.texts}


def test_funnel_draws_each_council_once_by_role() -> None:
    fig = plots.funnel_plot(_points(), _lines(), la_name=LA)
    ax = fig.axes[0]
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    by_label = {c.get_label(): c for c in scatters}
    assert set(by_label) == {OTHER_ROLE, NEIGHBOUR_ROLE, LA}
    assert [len(by_label[r].get_offsets()) for r in (OTHER_ROLE, NEIGHBOUR_ROLE, LA)] == [3, 2, 1]
    assert by_label[LA].get_offsets()[0].tolist() == [300.0, 48.0]
    # The LA stands out by size as well as colour: a bigger marker than neighbours, and they than others.
    sizes = [by_label[r].get_sizes()[0] for r in (OTHER_ROLE, NEIGHBOUR_ROLE, LA)]
    assert sizes[0] < sizes[1] < sizes[2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [OTHER_ROLE, NEIGHBOUR_ROLE, LA]


def test_funnel_draws_the_limits_at_the_values_given() -> None:
    lines = _lines()
    ax = plots.funnel_plot(_points(), lines, la_name=LA).axes[0]
    drawn = ax.get_lines()
    assert len(drawn) == 7  # baseline, 95% and 99.8% pairs, wide 99.8% pair
    got = sorted(tuple(line.get_ydata()) for line in drawn)
    assert got == sorted(tuple(lines[c]) for c in LIMIT_COLUMNS)
    assert all(list(line.get_xdata()) == [10.0, 100.0, 1000.0] for line in drawn)
    styles = {tuple(line.get_ydata()): line.get_linestyle() for line in drawn}
    assert styles[tuple(lines["lower_95"])] == "--"
    assert styles[tuple(lines["upper_998"])] == ":"
    assert styles[tuple(lines["wide_lower_998"])] == "-."
    assert styles[tuple(lines["baseline"])] == "-"


def test_funnel_axes_and_limit_names() -> None:
    ax = plots.funnel_plot(_points(), _lines(), la_name=LA, x_label="Plans (log scale)", y_label="% on time").axes[0]
    assert ax.get_xlabel() == "Plans (log scale)"
    assert ax.get_ylabel() == "% on time"
    assert ax.get_xscale() == "log"
    assert ax.get_ylim() == (0, 100)
    assert ax.get_xlim() == pytest.approx((20 * 0.7, 1000.0))
    texts = _annotations(ax)
    # Limit names sit at n = 100, the axis point nearest the log-middle of 14-1000, on the line they name.
    assert texts["95% limits: chance alone"].xy == (100.0, 60.0)
    assert texts["99.8% limits: chance alone"].xy == (100.0, 35.0)
    assert texts["99.8% limits allowing for usual differences between councils"].xy == (100.0, 10.0)


def test_funnel_names_the_la_its_neighbours_and_the_baseline() -> None:
    ax = plots.funnel_plot(_points(), _lines(), la_name=LA, baseline_name="England").axes[0]
    texts = _annotations(ax)
    for name in (LA, "Bby", "Cby", "England 50.0%"):
        assert name in texts
    for other in ("Dby", "Eby", "Fby"):
        assert other not in texts
    assert texts[LA].get_fontweight() == "bold"
    assert texts["Bby"].get_fontweight() == "normal"
    # Left column (small councils) at 1.04 × 14, right column beyond the axis end at 1.06 × 1000.
    assert texts["Bby"].xyann[0] == pytest.approx(14 * 1.04)
    for right in (LA, "Cby", "England 50.0%"):
        assert texts[right].xyann[0] == pytest.approx(1060.0)
    # Labels point at their councils; England's label sits level with its line at the right edge, no leader.
    assert texts["Cby"].xy == (800.0, 58.0)
    assert texts["England 50.0%"].xy == (1000.0, 50.0)
    assert texts["England 50.0%"].arrow_patch is None
    # Right column in value order 48 (LA), 50 (England), 58 (Cby), at least 5 apart: England's label moves up
    # to 48 + 5 = 53; Cby's stays at 58 (exactly 5 above).
    assert [texts[k].xyann[1] for k in (LA, "England 50.0%", "Cby")] == [48.0, 53.0, 58.0]


def test_funnel_without_wide_limits_draws_and_names_none() -> None:
    ax = plots.funnel_plot(_points(), _lines(wide=False), la_name=LA).axes[0]
    assert len(ax.get_lines()) == 5
    assert "99.8% limits allowing for usual differences between councils" not in _annotations(ax)


def test_funnel_labels_near_the_top_move_down_to_stay_on_the_chart() -> None:
    """Left column values 95, 96, 97 → spaced to 95, 100, 105, then all moved down by 105 − 98 = 7."""
    points = pd.DataFrame({"area_code": ["1", "2", "3", "4"], "area_name": [LA, "P", "Q", "R"],
                           "denominator": [20.0, 21.0, 22.0, 900.0], "value": [95.0, 96.0, 97.0, 20.0],
                           "role": [LA, NEIGHBOUR_ROLE, NEIGHBOUR_ROLE, OTHER_ROLE]})
    texts = _annotations(plots.funnel_plot(points, _lines(), la_name=LA).axes[0])
    assert [texts[k].xyann[1] for k in (LA, "P", "Q")] == [88.0, 93.0, 98.0]


def _trends() -> pd.DataFrame:
    """Three measures × three years × three groups; the region has no value for measure B in 2023."""
    rows = []
    groups = [(LA, "la"), ("England", "england"), ("North", "region")]
    for m, base in (("A (%)", 10.0), ("B (%)", 20.0), ("C (%)", 30.0)):
        for year in (2022, 2023, 2024):
            for k, (group, kind) in enumerate(groups):
                value = np.nan if (m, year, kind) == ("B (%)", 2023, "region") else base + k + (year - 2022)
                rows.append({"measure": m, "year": year, "group": group, "kind": kind, "value": value})
    return pd.DataFrame(rows)


def test_small_multiples_one_panel_per_measure_in_the_order_given() -> None:
    fig = plots.small_multiples(_trends(), {"C (%)": "Measure C", "A (%)": "Measure A", "B (%)": "Measure B"})
    axes = fig.axes
    assert len(axes) == 4  # a 2 × 2 grid for three panels
    visible = [ax for ax in axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in visible] == ["Measure C", "Measure A", "Measure B"]
    assert not axes[3].get_visible()
    assert all(ax.get_ylabel() == "%" for ax in visible)
    assert list(visible[0].get_lines()[0].get_ydata()) == [30.0, 31.0, 32.0]  # panel 1 is measure C


def test_small_multiples_styles_each_group_the_same_in_every_panel() -> None:
    fig = plots.small_multiples(_trends(), {"A (%)": "A", "B (%)": "B", "C (%)": "C"}, y_label="per cent")
    for ax in fig.axes[:3]:
        assert ax.get_ylabel() == "per cent"
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert list(lines) == [LA, "England", "North"]
        for name, kind in ((LA, "la"), ("England", "england"), ("North", "region")):
            style = plots.KIND_STYLE[kind]
            assert lines[name].get_marker() == MARKERS[style]
            assert lines[name].get_color() == PALETTE[style]
        assert len({line.get_marker() for line in lines.values()}) == 3  # never colour alone
        assert lines["England"].get_color() == PALETTE[0]  # as England's line on the funnel plot
        assert lines[LA].get_color() == PALETTE[2]  # as the council's diamond on the funnel plot
        assert lines[LA].get_linewidth() > lines["England"].get_linewidth()
        assert lines["England"].get_linestyle() != lines["North"].get_linestyle()


def test_small_multiples_leave_out_missing_years_and_share_one_legend() -> None:
    fig = plots.small_multiples(_trends(), {"A (%)": "A", "B (%)": "B", "C (%)": "C"})
    region_b = next(line for line in fig.axes[1].get_lines() if line.get_label() == "North")
    assert list(region_b.get_xdata()) == [2022, 2024]
    assert list(region_b.get_ydata()) == [22.0, 24.0]
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [LA, "England", "North"]
    assert all(ax.get_legend() is None for ax in fig.axes)


def test_small_multiples_legend_sits_above_every_panel() -> None:
    """With an odd number of panels the legend used to sit under the last (left) panel only; now it is at the top
    of the figure, above the highest panel, and says it applies to every panel."""
    fig = plots.small_multiples(_trends(), {"A (%)": "A", "B (%)": "B", "C (%)": "C"})
    fig.canvas.draw()
    legend_box = fig.legends[0].get_window_extent()
    top_panel = max(ax.get_window_extent().y1 for ax in fig.axes if ax.get_visible())
    assert legend_box.y0 >= top_panel
    assert fig.legends[0].get_title().get_text() == "Every panel:"


def test_a_panel_with_one_year_has_one_tick_at_that_year() -> None:
    """Annual reviews are published for 2024 only: the panel must not stretch its axis to 1950-2100."""
    trends = _trends()
    one = trends[trends["measure"] == "A (%)"].assign(measure="R (%)")
    one = one[one["year"] == one["year"].max()]
    fig = plots.small_multiples(pd.concat([trends, one]), {"A (%)": "A", "R (%)": "R"})
    ax = fig.axes[1]
    year = int(one["year"].iloc[0])
    assert list(ax.get_xticks()) == [year] and ax.get_xlim() == (year - 1, year + 1)
