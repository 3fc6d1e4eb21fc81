"""helpers.pages.workforce_charts: each EP-page figure built from small hand-made frames.

The checks are on what a reader (or a screen-reader user reading the data table beside it) relies on: one bar or
line per series, a distinct marker and line style per line, a direct text label at each line's end, values printed
on the bars, axes starting at zero and the axis labels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers.pages import workforce_charts as plots
from helpers.pages.ep_workforce_text import CHOICE_LABELS
from helpers.present.style import MARKERS, PALETTE


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def _supply() -> pd.DataFrame:
    """Seven month ends; supply well above need so the line-end labels do not have to be moved apart."""
    return pd.DataFrame({
        "period_end": pd.date_range("2025-03-31", periods=7, freq="ME"),
        "eps_in_post_fte": [10.0, 10.0, 9.0, 9.0, 9.5, 9.5, 9.5],
        "supply_fte": [12.0, 12.0, 11.0, 11.0, 11.5, 11.5, 20.0],
        "fte_needed_3_month_average": [2.0, 2.5, 3.0, 3.0, 3.5, 3.5, 4.0],
        "waiting_end": [5.0, 8.0, 12.0, 20.0, 18.0, 15.0, 9.0],
    })


def test_fte_needed_bars():
    """Three years → three hatched bars at the given heights, each with its value to one decimal place above it."""
    demand = pd.DataFrame({"year": [2022, 2023, 2024], "fte_needed": [6.04, 7.25, 8.43]})
    fig = plots.fte_needed_bars(demand)
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert [p.get_height() for p in ax.patches] == pytest.approx([6.04, 7.25, 8.43])
    assert all(p.get_hatch() == "//" for p in ax.patches)
    assert _texts(fig) == ["6.0", "7.2", "8.4"]
    assert list(ax.get_xticks()) == [2022, 2023, 2024]
    assert ax.get_ylabel() == "EP FTE needed for statutory advice"
    assert plots.fte_needed_bars(demand, ylabel="Hours").axes[0].get_ylabel() == "Hours"


def test_supply_demand_lines():
    """One line per series with its own colour, marker and line style, a marker every 3rd month, a text label at
    each line's last month, y axis from 0 and month-year dates."""
    supply = _supply()
    fig = plots.supply_demand_lines(supply)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3
    assert [ln.get_marker() for ln in lines] == MARKERS[:3]
    assert [ln.get_color() for ln in lines] == PALETTE[:3]
    assert len({str(ln.get_linestyle()) for ln in lines}) == 3
    assert all(ln.get_markevery() == 3 for ln in lines)
    np.testing.assert_allclose(lines[1].get_ydata(), supply["supply_fte"])
    assert sorted(_texts(fig)) == sorted(plots.SUPPLY_LINES)
    ends = {t.get_text(): t.xy for t in ax.texts}
    assert ends["EPs in post plus locums"][1] == pytest.approx(20.0)
    assert ends["FTE needed (3-month average)"][1] == pytest.approx(4.0)
    assert ends["EPs in post"][0] == supply["period_end"].iloc[-1]
    assert ax.get_ylim()[0] == 0
    assert ax.get_ylabel() == "Full-time equivalents (FTE)"
    assert ax.xaxis.get_major_formatter().fmt == "%b %Y"


def test_supply_demand_lines_takes_its_series():
    """Two series asked for → two lines, labelled with the names given."""
    fig = plots.supply_demand_lines(_supply(), {"In post": "eps_in_post_fte", "Needed": "fte_needed_3_month_average"})
    assert len(fig.axes[0].get_lines()) == 2
    assert sorted(_texts(fig)) == ["In post", "Needed"]


def test_waiting_list_line():
    """One line of the estimated list at each month end, y axis from 0 even though the list never falls below 5."""
    supply = _supply()
    ax = plots.waiting_list_line(supply).axes[0]
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), supply["waiting_end"])
    assert line.get_marker() == MARKERS[0]
    assert ax.get_ylim()[0] == 0 and ax.get_ylim()[1] >= 20
    assert ax.get_ylabel() == "Requests for EP advice not yet completed"
    assert ax.xaxis.get_major_formatter().fmt == "%b %Y"


def _weekly(keys: list[str], ends: list[float], weeks: int = 20) -> pd.DataFrame:
    """Straight lines from 100 waiting to ``ends`` over ``weeks`` weeks, one per choice, in the order given."""
    dates = pd.Timestamp("2025-09-30") + pd.to_timedelta(np.arange(weeks) * 7, unit="D")
    return pd.concat([pd.DataFrame({"key": key, "date": dates, "waiting_total": np.linspace(100, end, weeks)})
                      for key, end in zip(keys, ends, strict=True)], ignore_index=True)


def test_projection_lines():
    """Three choices → three lines in the order they come, each labelled with its short name at its last week and
    value, a marker every 13 weeks, y axis from 0."""
    weekly = _weekly(["as_is", "flat_demand", "locum_c"], [300.0, 150.0, 10.0])
    fig = plots.projection_lines(weekly)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3
    assert [ln.get_marker() for ln in lines] == MARKERS[:3]
    assert all(ln.get_markevery() == 13 for ln in lines)
    assert [ln.get_ydata()[-1] for ln in lines] == pytest.approx([300.0, 150.0, 10.0])
    ends = {t.get_text(): t.xy[1] for t in ax.texts}
    assert ends == pytest.approx({"As now": 300.0, "Demand stops growing": 150.0, "Locums C": 10.0})
    assert ax.get_ylim()[0] == 0
    assert ax.get_ylabel() == "Requests waiting or being worked on"
    assert tuple(fig.get_size_inches()) == (9, 5)


def test_projection_lines_custom_labels():
    """Labels come from the mapping given; a choice missing from it is an error, not an unlabelled line."""
    weekly = _weekly(["as_is", "recruit"], [50.0, 20.0])
    fig = plots.projection_lines(weekly, {"as_is": "Same", "recruit": "More staff"})
    assert sorted(_texts(fig)) == ["More staff", "Same"]
    assert set(CHOICE_LABELS) >= {"as_is", "recruit"}
    with pytest.raises(KeyError):
        plots.projection_lines(weekly, {"as_is": "Same"})
