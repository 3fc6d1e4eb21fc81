"""Statistical process control (SPC): is a change in a monthly series real, or noise?

Two kinds of chart, both returned as tidy frames (one row per point):

* :func:`xmr`: the XmR (individuals) chart exactly as NHS England's "Making Data Count" (MDC) programme and the R
  package NHSRplotthedots 0.2.2 (``R/ptd_spc_standard.R``) define it: centre = mean of the baseline points,
  process limits = mean ± 2.66 × mean moving range, optional screening of outlying moving ranges, limits
  recalculated from each named baseline change ("rebase").
* :func:`p_chart`: the p-chart for proportions with varying denominators and Laney's p′ chart (Laney 2002,
  *Quality Engineering* 14(4)), exactly as qicharts2 0.8.1 (``qic.p``, ``qic.pp`` in ``R/helper.functions.R``).

Both carry the four MDC special-cause rules (``R/ptd_calculate_point_type.R``): a point outside the process limits;
a run of 7 points all rising or all falling; 2 of 3 points beyond the 2-sigma "near" limits; 7 points in a row on
one side of the mean. :func:`variation` and :func:`assurance` give the MDC variation and assurance icons' codes
(``R/geom_ptd_icon.R``, ``R/ptd_calculate_assurance_type.R``); their plain-English meaning is the page's
(:mod:`helpers.pages.timeliness_spc`), so a page never relies on the icon pictures alone.

The calculations are hand-written (about a hundred lines of numpy) because no vetted Python package implements
the MDC rules (see ``modelling_methods.md`` §4.4); they are tested against the R packages' published values.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Literal

import numpy as np
import pandas as pd

Improvement = Literal["increase", "decrease", "neutral"]

#: Process limits sit 2.66 mean moving ranges from the mean: 3 / d2 with d2 = 1.128 for ranges of two points.
LIMIT = 2.66
#: "Near" limits (2 sigma), used by the 2-of-3 rule: two thirds of the way to the process limits.
NEAR_LIMIT = 2 * LIMIT / 3
#: A moving range at least this many times the mean moving range is screened out (Nelson 1982; NHSRplotthedots).
SCREEN_FACTOR = 3.267
#: Points in a run (one side of the mean) or a trend (all rising / all falling) that signal special cause.
RUN_LENGTH = 7

_DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}


def _check_series(values: pd.Series, name: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed by period")
    if values.isna().any():
        first = values.index[values.isna().to_numpy()][0]
        raise ValueError(f"{name} has a missing value at {first!r}; SPC needs an unbroken series")
    if not values.index.is_monotonic_increasing or values.index.has_duplicates:
        raise ValueError(f"{name} must be indexed by unique periods in increasing order")
    return values.astype(float)


def _baseline_groups(index: pd.Index, rebase_at: Iterable[Hashable]) -> np.ndarray:
    """Baseline number of each point: 0 before the first rebase point, +1 from each rebase point on."""
    starts = np.zeros(len(index), dtype=int)
    for label in rebase_at:
        if label not in index:
            raise ValueError(f"rebase point {label!r} is not one of the series' periods")
        starts[index.get_loc(label)] = 1
    return np.cumsum(starts)


def xmr(values: pd.Series, *, improvement: Improvement = "increase", screen_outliers: bool = True,
        rebase_at: Iterable[Hashable] = (), fix_after_n_points: int | None = None) -> pd.DataFrame:
    """XmR chart of ``values`` (indexed by period) with the MDC special-cause flags, one row per point.

    Within each baseline (the whole series, or the stretch from each ``rebase_at`` period to the next):

    * mean = mean of the baseline points (the first ``fix_after_n_points`` of them if given, which freezes the
      limits for monitoring later points);
    * moving ranges MR_i = |x_i − x_(i−1)| within the baseline, mean MR̄; with ``screen_outliers`` (the
      NHSRplotthedots default) moving ranges ≥ 3.267 × MR̄ are dropped and MR̄ recomputed. Set it False to match
      the MDC Excel tool, which does not screen;
    * process limits ``lpl``/``upl`` = mean ∓ 2.66 × MR̄; near limits ``near_lpl``/``near_upl`` = mean ∓ ⅔ × 2.66 × MR̄.

    Source: NHSRplotthedots 0.2.2 ``ptd_spc_standard`` (NHS-R Community), which implements NHS England's
    "Making Data Count". With fewer than 12 points per baseline the limits are only trial limits.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``value``, ``baseline`` (0, 1, ... per rebase), ``moving_range``, ``mean``, ``lpl``, ``upl``,
        ``near_lpl``, ``near_upl``, then the rule columns added by :func:`_flag_rules`.
    """
    if improvement not in _DIRECTION:
        raise ValueError(f"improvement must be one of {list(_DIRECTION)}, got {improvement!r}")
    y = _check_series(values, "values")
    groups = _baseline_groups(y.index, rebase_at)
    out = pd.DataFrame({"period": y.index, "value": y.to_numpy(), "baseline": groups})
    out["moving_range"] = np.nan
    for col in ("mean", "lpl", "upl", "near_lpl", "near_upl"):
        out[col] = np.nan
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        fixed = out.loc[rows, "value"].to_numpy()[: fix_after_n_points or len(rows)]
        mean = fixed.mean()
        mr = np.abs(np.diff(fixed))
        amr = mr.mean() if len(mr) else np.nan
        kept = mr[mr < SCREEN_FACTOR * amr]
        if screen_outliers and len(kept):  # a flat series (every MR 0) keeps MR̄ = 0 rather than NaN
            amr = kept.mean()
        out.loc[rows[1:], "moving_range"] = np.abs(np.diff(out.loc[rows, "value"].to_numpy()))
        out.loc[rows, "mean"] = mean
        out.loc[rows, "lpl"] = mean - LIMIT * amr
        out.loc[rows, "upl"] = mean + LIMIT * amr
        out.loc[rows, "near_lpl"] = mean - NEAR_LIMIT * amr
        out.loc[rows, "near_upl"] = mean + NEAR_LIMIT * amr
    return _flag_rules(out, improvement)


def p_chart(numerators: pd.Series, denominators: pd.Series, *, laney: bool = False,
            improvement: Improvement = "increase") -> pd.DataFrame:
    """p-chart (or Laney p′ chart) of proportions ``numerators / denominators``, one row per period.

    * centre p̄ = Σ numerators / Σ denominators (a ratio of sums, never a mean of percentages);
    * σ_i = √(p̄(1 − p̄)/n_i), so limits narrow as the denominator grows;
    * Laney p′ (``laney=True``): z_i = (p_i − p̄)/σ_i, σ_z = mean |z_i − z_(i−1)| / 1.128, and σ_i is multiplied
      by σ_z. This widens the limits when months differ more than binomial chance allows (overdispersion,
      usual with large denominators), and narrows them when they differ less;
    * limits p̄ ± 3σ_i and near limits p̄ ± 2σ_i, truncated to [0, 1].

    Source: qicharts2 0.8.1 ``qic.p`` and ``qic.pp`` (J. Anhøj); Laney DB (2002) "Improved control charts for
    attributes", *Quality Engineering* 14(4):531–537. The MDC special-cause rules are then applied with these
    limits (:func:`_flag_rules`).

    Returns
    -------
    pandas.DataFrame
        ``period``, ``numerator``, ``denominator``, ``value`` (the proportion), ``baseline`` (0), ``mean``,
        ``sigma``, ``sigma_z`` (1 for a p-chart), ``lpl``, ``upl``, ``near_lpl``, ``near_upl`` and the rule columns.
    """
    x = _check_series(numerators, "numerators")
    n = _check_series(denominators, "denominators")
    if not x.index.equals(n.index):
        raise ValueError("numerators and denominators must share the same period index")
    if (n <= 0).any() or (x < 0).any() or (x > n).any():
        raise ValueError("each period needs 0 <= numerator <= denominator and a positive denominator")
    p = x / n
    centre = x.sum() / n.sum()
    sigma = np.sqrt(centre * (1 - centre) / n)
    sigma_z = 1.0
    if laney:
        z = (p - centre) / sigma
        sigma_z = float(np.abs(np.diff(z.to_numpy())).mean() / 1.128)
        sigma = sigma * sigma_z
    out = pd.DataFrame({"period": x.index, "numerator": x.to_numpy(), "denominator": n.to_numpy(),
                        "value": p.to_numpy(), "baseline": 0, "mean": centre, "sigma": sigma.to_numpy(),
                        "sigma_z": sigma_z})
    for col, k in (("lpl", -3), ("upl", 3), ("near_lpl", -2), ("near_upl", 2)):
        out[col] = np.clip(centre + k * out["sigma"], 0.0, 1.0)
    return _flag_rules(out, improvement)


# --- the four MDC rules (ports of R/ptd_calculate_point_type.R, NHSRplotthedots 0.2.2) -----------------------

def _run_ends(side: np.ndarray) -> np.ndarray:
    """±1 at each point that ends 7 in a row on the same side of the mean; a point on the mean breaks a run."""
    out = np.zeros(len(side))
    for i in range(RUN_LENGTH - 1, len(side)):
        window = side[i - RUN_LENGTH + 1: i + 1]
        if side[i] != 0 and np.all(window == side[i]):
            out[i] = side[i]
    return out


def _trend_ends(y: np.ndarray) -> np.ndarray:
    """+1 (−1) at each point that ends 7 points each strictly higher (lower) than the last; ties break a trend."""
    out = np.zeros(len(y))
    for i in range(RUN_LENGTH - 1, len(y)):
        steps = np.sign(np.diff(y[i - RUN_LENGTH + 1: i + 1]))
        if np.all(steps == 1):
            out[i] = 1
        elif np.all(steps == -1):
            out[i] = -1
    return out


def _part_of_run(ends: np.ndarray) -> np.ndarray:
    """True for every point of a flagged run: the point itself or one of the next 6 ends a run of 7."""
    flagged = np.abs(ends) == 1
    return np.array([flagged[i: i + RUN_LENGTH].any() for i in range(len(ends))], dtype=bool)


def _part_of_two_in_three(near: np.ndarray, side: np.ndarray) -> np.ndarray:
    """True for a near-limit point in a window of 3 holding ≥ 2 near-limit points, all 3 on one side of the mean.

    As in NHSRplotthedots, "near" means beyond the 2-sigma limits but inside the process limits (points outside
    the limits are caught by the first rule), and every point of the window must sit on the same side.
    """
    n = len(near)
    near_p = np.concatenate([[0, 0], near.astype(int), [0, 0]])
    side_p = np.concatenate([[0, 0], side, [0, 0]])
    hit = np.zeros(n, dtype=bool)
    for i in range(n):
        for start in (i, i + 1, i + 2):  # windows ending at, centred on and starting at point i
            if near_p[start: start + 3].sum() >= 2 and abs(side_p[start: start + 3].sum()) == 3:
                hit[i] = True
    return np.asarray(hit & near, dtype=bool)


def _flag_rules(chart: pd.DataFrame, improvement: Improvement) -> pd.DataFrame:
    """Add the MDC rule columns, the special-cause label and the point type, baseline by baseline.

    Columns added: ``side`` (+1 above, −1 below, 0 on the mean), ``rule_outside_limits``, ``near_limits``
    (beyond the 2-sigma limits but inside the process limits), ``rule_trend``, ``rule_two_in_three``,
    ``rule_shift``, ``special_cause`` (bool),
    ``special_cause_type`` (plain English; priority outside limits > trend > 2 of 3 > shift, as in the R package)
    and ``point_type`` (``common_cause``, ``special_cause_improvement``, ``special_cause_concern``,
    ``special_cause_neutral_high`` / ``_low``).
    """
    out = chart.copy()
    y = out["value"].to_numpy(dtype=float)
    out["side"] = np.sign(y - out["mean"].to_numpy()).astype(int)
    out["rule_outside_limits"] = (y > out["upl"].to_numpy()) | (y < out["lpl"].to_numpy())
    out["near_limits"] = ~out["rule_outside_limits"] & (
        (y < out["near_lpl"].to_numpy()) | (y > out["near_upl"].to_numpy()))
    for col in ("rule_trend", "rule_two_in_three", "rule_shift"):
        out[col] = False
    out["trend_direction"] = 0
    for rows in out.groupby("baseline").groups.values():
        part = out.loc[rows]
        yy = part["value"].to_numpy(dtype=float)
        side = part["side"].to_numpy()
        trend = _part_of_run(_trend_ends(yy))
        steps = np.sign(np.diff(yy))
        # a point inside a trend takes the direction of the step after it (the step before it for the last point)
        right = np.append(steps, steps[-1:] if len(steps) else [0])
        left = np.insert(steps, 0, 0)
        uses_right = trend & np.append(trend[1:], False)
        out.loc[rows, "trend_direction"] = np.where(trend, np.where(uses_right, right, left), 0).astype(int)
        out.loc[rows, "rule_trend"] = trend
        out.loc[rows, "rule_two_in_three"] = _part_of_two_in_three(part["near_limits"].to_numpy(), side)
        out.loc[rows, "rule_shift"] = _part_of_run(_run_ends(side))
    rules = ["rule_outside_limits", "rule_trend", "rule_two_in_three", "rule_shift"]
    out["special_cause"] = out[rules].any(axis=1)
    high = out["side"] > 0
    rising = out["trend_direction"] == 1
    conditions = [out["rule_outside_limits"], out["rule_trend"], out["rule_two_in_three"], out["rule_shift"]]
    out["special_cause_type"] = np.select(conditions, [
        np.where(high, "Above the upper process limit", "Below the lower process limit"),
        np.where(rising, "Run of 7 rising points", "Run of 7 falling points"),
        np.where(high, "2 of 3 points near the upper limit", "2 of 3 points near the lower limit"),
        np.where(high, "7 points in a row above the average", "7 points in a row below the average"),
    ], default="Common cause")
    # +1 for a high or rising signal, -1 for a low or falling one, 0 for common cause (same priority as the label)
    direction = np.select(conditions, [out["side"], np.where(rising, 1, -1), out["side"], out["side"]], default=0)
    if improvement == "neutral":
        out["point_type"] = np.select([direction > 0, direction < 0],
                                      ["special_cause_neutral_high", "special_cause_neutral_low"], "common_cause")
    else:
        oriented = direction * _DIRECTION[improvement]
        out["point_type"] = np.select([oriented > 0, oriented < 0],
                                      ["special_cause_improvement", "special_cause_concern"], "common_cause")
    return out.drop(columns="trend_direction")


def variation(chart: pd.DataFrame) -> str:
    """The MDC variation icon: the point type of the latest point (``common_cause``, ``special_cause_...``).

    Source: NHSRplotthedots ``geom_ptd_icon`` (the icon shows the last point's type).
    """
    return str(chart["point_type"].iloc[-1])


def assurance(chart: pd.DataFrame, target: float | None, improvement: Improvement = "increase") -> str | None:
    """The MDC assurance icon: can the process, as it stands, be relied on to meet ``target``?

    Compares the target with the latest process limits: a target above the upper limit is consistently missed
    when higher is better (consistently met when lower is better); a target below the lower limit the reverse;
    otherwise the target is met some periods and missed in others ("inconsistent", hit and miss). Returns None
    without a target or without an improvement direction. ``target`` is in the chart's units (a proportion for
    :func:`p_chart`). Source: NHSRplotthedots ``ptd_calculate_assurance_type``.
    """
    if target is None or improvement == "neutral":
        return None
    last = chart.iloc[-1]
    higher_better = improvement == "increase"
    if target > last["upl"]:
        return "consistent_fail" if higher_better else "consistent_pass"
    if target < last["lpl"]:
        return "consistent_pass" if higher_better else "consistent_fail"
    return "inconsistent"
