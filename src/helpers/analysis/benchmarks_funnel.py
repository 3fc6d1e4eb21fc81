"""The benchmarks page's funnel plot of every council against England: points, lines and the LA's labels.

PHE significance labels at the 95% and 99.8% limits (:mod:`helpers.analysis.funnel`), and the same labels against
limits widened for the usual variation between LAs (Spiegelhalter 2005 additive random effects, winsorised
z-scores, on the logit scale so that the limits stay inside 0-100% at every size: :data:`SPREAD_SCALE`). The
page tells the two readings in one sentence (:func:`helpers.pages.benchmarks_funnel.verdict`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis import funnel
from helpers.areas import LA_LEVEL

#: Scale of the limits allowing for variation between councils (see :mod:`helpers.analysis.funnel`): on the
#: arcsine scale real councils' spread of 20-week timeliness puts those limits at 0% and 100% at every size.
SPREAD_SCALE: funnel.Scale = "logit"

#: Funnel-plot roles of councils other than the LA itself (the LA's role is its own name).
NEIGHBOUR_ROLE = "Statistical neighbour"
OTHER_ROLE = "Other council"


def la_values(values: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every LA with both counts known in ``year``: the points of a funnel plot (area_code, area_name, counts,
    value)."""
    rows = values[(values["geographic_level"] == LA_LEVEL) & (values["year"] == year)]
    rows = rows.dropna(subset=["numerator", "denominator"])
    return rows[["area_code", "area_name", "numerator", "denominator", "value"]].reset_index(drop=True)


def funnel_points(values: pd.DataFrame, year: int, baseline: float, *, la_code: str, la_name: str,
                  neighbours: list[str]) -> pd.DataFrame:
    """Every LA with both counts in ``year`` as a funnel-plot point, labelled against ``baseline``.

    Parameters
    ----------
    values : output of :func:`helpers.analysis.benchmarks.measure_values` for a proportion measure.
    year : the year to plot.
    baseline : the comparator proportion (0-1), England's figure on this page.
    la_code, la_name : the LA the page is about (3-digit area code and display name).
    neighbours : the LA's statistical neighbours (3-digit area codes).

    Returns
    -------
    :func:`la_values` columns plus ``significance`` (PHE label against the 95%/99.8% limits,
    :func:`helpers.analysis.funnel.significance`), ``allowing_for_variation`` (the same label against the additive
    overdispersion-adjusted limits, :func:`helpers.analysis.funnel.adjusted_limits`) and ``role`` (``la_name``,
    :data:`NEIGHBOUR_ROLE` or :data:`OTHER_ROLE`).
    """
    points = la_values(values, year)
    x, n = points["numerator"], points["denominator"]
    points["significance"] = funnel.significance(x, n, baseline=baseline)
    spread = funnel.overdispersion(x, n, baseline=baseline, scale=SPREAD_SCALE)
    points["allowing_for_variation"] = funnel.label(x / n, funnel.adjusted_limits(n, spread))
    points["role"] = np.select([points["area_code"] == la_code, points["area_code"].isin(neighbours)],
                               [la_name, NEIGHBOUR_ROLE], OTHER_ROLE)
    return points


def funnel_lines(points: pd.DataFrame, baseline: float) -> pd.DataFrame:
    """The funnel's lines in percent at PHE's axis denominators, for drawing.

    Columns ``n``, ``baseline``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998`` (Wilson limits,
    :func:`helpers.analysis.funnel.limits`) and ``wide_lower_998``, ``wide_upper_998`` (99.8% limits allowing for
    the variation between LAs in ``points``, logit scale). On the logit scale the wide limits never reach 0% or
    100%; they are still left empty (NaN) if, even at the largest denominator, they come within 0.1 percentage
    points of 0% or 100% (they would then span the whole chart and no LA could be outside them).
    """
    axis = funnel.axis_populations(points["denominator"])
    lines = funnel.limits(axis, baseline)
    wide = funnel.adjusted_limits(axis, funnel.overdispersion(points["numerator"], points["denominator"],
                                                              baseline=baseline, scale=SPREAD_SCALE))
    shown = wide["lower_998"].iloc[-1] > 0.001 and wide["upper_998"].iloc[-1] < 0.999
    for side in ("lower", "upper"):
        lines[f"wide_{side}_998"] = wide[f"{side}_998"] if shown else np.nan
    percent = [c for c in lines.columns if c != "n"]
    lines[percent] = lines[percent] * 100
    return lines


def funnel_labels(points: pd.DataFrame, la_code: str) -> tuple[str | None, str | None]:
    """The LA's funnel labels (against England's limits, and allowing for variation); None if it has no point."""
    own = points[points["area_code"] == la_code]
    if own.empty:
        return None, None
    return own["significance"].iloc[0], own["allowing_for_variation"].iloc[0]


def la_value(points: pd.DataFrame, la_code: str) -> float | None:
    """The LA's percentage on the funnel plot (None if it has no point)."""
    own = points[points["area_code"] == la_code]
    return None if own.empty else float(own["value"].iloc[0])


def further_from_baseline(points: pd.DataFrame, value: float, baseline: float) -> int:
    """How many councils in ``points`` are further from ``baseline`` (a proportion) than ``value`` (a
    percentage), on the same side."""
    below = value < baseline * 100
    return int((points["value"] < value).sum() if below else (points["value"] > value).sum())


def outside_998(points: pd.DataFrame) -> int:
    """How many councils lie outside the 99.8% limits against the baseline."""
    return int(points["significance"].str.endswith("(0.001)").sum())
