"""helpers.pages.timeliness_charts: each figure built from small hand-made frames, checked element by element."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

from helpers.pages import timeliness_charts as plots
from helpers.analysis.timeliness import BANDS


def texts(fig: Figure) -> list[str]:
    """Every text drawn on the figure's axes (direct labels, annotations, bar values)."""
    return [t.get_text() for t in fig.axes[0].texts]


# --- SPC chart -----------------------------------------------------------------------------------------------

def spc_frame(special: bool = True) -> pd.DataFrame:
    """Four months of an XmR chart: mean 55, limits −10 and 120 (beyond 0–100, so drawn clipped); March is a
    special-cause improvement and April a concern when ``special``."""
    types = ["common_cause", "common_cause", "special_cause_improvement", "special_cause_concern"]
    if not special:
        types = ["common_cause"] * 4
    return pd.DataFrame({
        "period": pd.date_range("2025-01-01", periods=4, freq="MS"), "value": [50.0, 60.0, 95.0, 15.0],
        "mean": 55.0, "lpl": -10.0, "upl": 120.0, "special_cause": [t != "common_cause" for t in types],
        "point_type": types})


def test_spc_chart_lines_limits_signals_and_labels() -> None:
    before = plt.get_fignums()
    fig = plots.spc_chart(spc_frame(), target=60)
    assert isinstance(fig, Figure) and plt.get_fignums() == before  # not handed to pyplot: nothing is displayed
    ax = fig.axes[0]
    values, mean, upper, lower, target = ax.get_lines()
    assert list(values.get_ydata()) == [50, 60, 95, 15] and values.get_marker() == "o"
    assert set(mean.get_ydata()) == {55} and mean.get_linestyle() == "--"
    assert set(upper.get_ydata()) == {100} and set(lower.get_ydata()) == {0}  # clipped to 0–100%
    assert set(target.get_ydata()) == {60}
    signals = {c.get_label(): c.get_offsets() for c in ax.collections}
    assert signals.keys() == {"Special cause: improvement", "Special cause: concern"}
    assert [p[1] for p in signals["Special cause: improvement"]] == [95]
    assert [p[1] for p in signals["Special cause: concern"]] == [15]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(signals)
    assert set(texts(fig)) == {"Average 55.0%", "Upper process limit", "Lower process limit", "Target 60.0%"}
    assert ax.get_ylabel() == "% of plans issued within 20 weeks" and ax.get_ylim() == (0, 100)


def test_spc_chart_without_target_or_signals_has_no_target_line_nor_legend() -> None:
    fig = plots.spc_chart(spc_frame(special=False), target=None)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 4 and not ax.collections
    assert ax.get_legend() is None
    assert "Target" not in " ".join(texts(fig))


# --- yearly comparison ----------------------------------------------------------------------------------------

def annual_frame(region: bool = True) -> pd.DataFrame:
    """2022–2024 for a council (40, 42, 45% with 95% intervals ±5), its region (50%) and England (55%)."""
    rows = []
    for level, name, pct in (("la", "Testshire", [40.0, 42.0, 45.0]), ("region", "South East", [50.0] * 3),
                             ("england", "England", [55.0] * 3)):
        if level == "region" and not region:
            continue
        for year, value in zip([2022, 2023, 2024], pct, strict=True):
            rows.append({"year": year, "level": level, "area_name": name, "pct_within_20_weeks_ex": value,
                         "pct_within_20_weeks_ex_low": value - 5, "pct_within_20_weeks_ex_high": value + 5})
    return pd.DataFrame(rows)


def test_annual_comparison_interval_bars_lines_and_labels() -> None:
    fig = plots.annual_comparison(annual_frame(), target=60)
    ax = fig.axes[0]
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    council = bars.lines[0]
    assert list(council.get_ydata()) == [40, 42, 45] and council.get_marker() == "o"
    segments = bars.lines[2][0].get_segments()
    assert [(s[0][1], s[1][1]) for s in segments] == [(35, 45), (37, 47), (40, 50)]
    by_value = {tuple(line.get_ydata()): line for line in ax.get_lines()}
    assert by_value[(50, 50, 50)].get_marker() == "s" and by_value[(55, 55, 55)].get_marker() == "^"
    assert by_value[(60, 60, 60)].get_linestyle() == ":"  # the target
    assert set(texts(fig)) == {"Testshire 45.0%", "South East 50.0%", "England 55.0%", "Target 60.0%"}
    assert list(ax.get_xticks()) == [2022, 2023, 2024]
    assert ax.get_ylabel() == "% of plans issued within 20 weeks"


def test_annual_comparison_without_region_or_target() -> None:
    fig = plots.annual_comparison(annual_frame(region=False), target=None)
    assert set(texts(fig)) == {"Testshire 45.0%", "England 55.0%"}


# --- time bands -------------------------------------------------------------------------------------------------

def bands_frame() -> pd.DataFrame:
    """2024: Testshire 50 / 45 / 5 % and England 60 / 30 / 10 % in the three DfE bands."""
    shares = {"Testshire": [50.0, 45.0, 5.0], "England": [60.0, 30.0, 10.0]}
    return pd.DataFrame([{"year": 2024, "level": "la" if area == "Testshire" else "england", "area_name": area,
                          "band": band, "plans": pct, "pct": pct}
                         for area, pcts in shares.items() for band, pct in zip(BANDS, pcts, strict=True)])


def test_issue_time_bands_stacks_hatches_and_labels() -> None:
    fig = plots.issue_time_bands(bands_frame())
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 6  # 3 bands × 2 areas
    widths = np.array([b.get_width() for b in bars]).reshape(3, 2)  # band × area (England drawn first, at the top)
    lefts = np.array([b.get_x() for b in bars]).reshape(3, 2)
    assert widths.tolist() == [[60, 50], [30, 45], [10, 5]]
    assert lefts.tolist() == [[0, 0], [60, 50], [90, 95]]  # each band starts where the previous one ends
    assert [bars[i].get_hatch() or "" for i in (0, 2, 4)] == ["", "//", "xx"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["England", "Testshire"]
    assert sorted(texts(fig)) == sorted(["60%", "50%", "30%", "45%", "10%"])  # the 5% segment is too narrow
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(BANDS)
    assert ax.get_xlabel() == "% of new plans issued in 2024 (excluding exceptions)"
    assert ax.get_xlim() == pytest.approx((0, 100))
