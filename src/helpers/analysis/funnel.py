"""Funnel plots for proportions: control limits, overdispersion and significance labels per area.

A funnel plot puts each area's proportion (e.g. plans issued within 20 weeks) against its denominator, with
control limits around a baseline that narrow as the denominator grows, so a small LA's natural swings are not
mistaken for real differences (Spiegelhalter, *Stat Med* 2005;24:1185-1202, doi:10.1002/sim.1970).

Three ways to draw the limits, all at the usual 95% ("2 sigma") and 99.8% ("3 sigma") levels:

* ``"wilson"``: the Wilson-score inversion used by the PHE Fingertips technical guidance and coded in
  PHEindicatormethods ``sigma_adjustment`` (R/Funnels.R, ukhsa-collaboration/PHEindicatormethods @ 093fd288).
  This is the default because it reproduces the published PHEindicatormethods test data exactly.
* ``"exact"``: binomial quantiles with Spiegelhalter's interpolation (Appendix A.1.1, as coded by Wicklin,
  "Funnel plots for proportions", SAS blog 2011).
* ``"normal"``: the normal approximation, baseline ± z·√(θ(1−θ)/n).

Overdispersion (real between-area differences larger than chance allows) follows Spiegelhalter, *QSHC*
2005;14:347-351 as implemented in FunnelPlotR ``od_adjustment.R`` / ``calculate_limits.R`` (data type "PR"):
z-scores on the arcsine scale (FunnelPlotR's "PR" default) or the logit scale, winsorised at the 10th/90th
percentiles, a multiplicative factor φ and an additive random-effects variance τ² (DerSimonian-Laird). The pack
uses the logit scale for the limits "allowing for variation between councils": when councils differ as widely as
they do on 20-week timeliness (3% to 100% in 2024), the arcsine limits θ ± z·√(s² + τ²) pass 0 and π/2 and are
clipped to 0% and 100% at every size, so no council could ever be outside them; on the logit scale the limits
expit(logit θ₀ ± z·√(s² + τ²)) stay strictly between 0% and 100% at every size (Spiegelhalter 2005, *QSHC*, uses
a logit scale for proportions in the same way).

No maintained Python library implements these limits (modelling_methods.md §5.4), so the formulas are written
out here and tested against the PHEindicatormethods fixtures and published worked values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

Method = Literal["wilson", "exact", "normal"]
Adjustment = Literal["additive", "multiplicative"]
Scale = Literal["arcsine", "logit"]

#: Control-limit levels drawn on every funnel: 95% (two-sided p = 0.05) and 99.8% (p = 0.002).
LEVELS: tuple[float, ...] = (0.95, 0.998)

#: PHEindicatormethods significance labels, most extreme first (the order they are tested in).
LABELS: tuple[str, ...] = ("Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)", "Not significant")


def _suffix(level: float) -> str:
    """Column suffix for a level: 0.95 -> '95', 0.998 -> '998'."""
    return f"{level * 100:g}".replace(".", "")


def _upper_p(level: float) -> float:
    """The one-sided probability of a two-sided level: 0.95 -> 0.975, 0.998 -> 0.999."""
    return 1 - (1 - level) / 2


def pooled_proportion(numerator: pd.Series | np.ndarray, denominator: pd.Series | np.ndarray) -> float:
    """Σ numerator / Σ denominator over areas where both are known: the funnel's baseline.

    A ratio of sums (not a mean of percentages), which is how DfE publishes England and regional figures.
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    ok = ~(np.isnan(x) | np.isnan(n))
    return float(x[ok].sum() / n[ok].sum())


def _wilson_limit(p: float, n: np.ndarray, baseline: float, side: int) -> np.ndarray:
    """PHEindicatormethods ``sigma_adjustment``: the proportion whose Wilson interval just touches the baseline.

    Transcribed term by term from R/Funnels.R (side = -1 low, +1 high), without the ×multiplier.
    """
    z2 = stats.norm.ppf(p) ** 2
    av = baseline
    first = av * (n / z2 + 1)
    adj = np.sqrt((-8 * av * (n / z2 + 1)) ** 2
                  - 64 * (1 / z2 + 1 / n) * av * (n * (av * (n / z2 + 2) - 1) + z2 * (av - 1)))
    last = 1 / z2 + 1 / n
    out: np.ndarray = ((first + side * adj / 8) / last) / n
    return out


def _exact_limit(p: float, n: np.ndarray, baseline: float) -> np.ndarray:
    """Binomial p-quantile of Bin(n, baseline) with Spiegelhalter's interpolation, as a proportion.

    r_p is the smallest r with F(r) ≥ p; α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)); limit = (r_p − α) / n
    (Spiegelhalter 2005, App. A.1.1).
    """
    dist = stats.binom(n, baseline)
    r = dist.ppf(p)
    f_r = dist.cdf(r)
    f_below = dist.cdf(r - 1)
    alpha = (f_r - p) / (f_r - f_below)
    out: np.ndarray = (r - alpha) / n
    return out


def _normal_limit(p: float, n: np.ndarray, baseline: float) -> np.ndarray:
    out: np.ndarray = baseline + stats.norm.ppf(p) * np.sqrt(baseline * (1 - baseline) / n)
    return out


def limits(n: pd.Series | np.ndarray | list[float], baseline: float, *, method: Method = "wilson",
           levels: tuple[float, ...] = LEVELS) -> pd.DataFrame:
    """Funnel control limits (as proportions, 0-1) at each denominator ``n`` around ``baseline``.

    Parameters
    ----------
    n : denominators (e.g. plans issued) at which to compute the limits; must be > 0.
    baseline : the target proportion θ₀ (0-1), usually :func:`pooled_proportion` or the England value.
    method : ``"wilson"`` (PHE Fingertips), ``"exact"`` (binomial, Spiegelhalter) or ``"normal"``.
    levels : two-sided coverage levels; columns are named ``lower_95``, ``upper_95``, ``lower_998`` ...

    Returns
    -------
    DataFrame with ``n``, ``baseline`` and a lower/upper column per level, truncated to [0, 1] as
    PHEindicatormethods does (``max(0, ...)``, ``min(100, ...)``).
    """
    if not 0 < baseline < 1:
        raise ValueError(f"baseline must be a proportion strictly between 0 and 1, got {baseline}")
    size = np.asarray(n, dtype=float)
    if np.any(size <= 0) or np.any(np.isnan(size)):
        raise ValueError("funnel limits need denominators greater than zero")
    out = pd.DataFrame({"n": size, "baseline": baseline})
    for level in levels:
        hi_p = _upper_p(level)
        if method == "wilson":
            lower = _wilson_limit(hi_p, size, baseline, -1)
            upper = _wilson_limit(hi_p, size, baseline, +1)
        elif method == "exact":
            lower = _exact_limit(1 - hi_p, size, baseline)
            upper = _exact_limit(hi_p, size, baseline)
        elif method == "normal":
            lower = _normal_limit(1 - hi_p, size, baseline)
            upper = _normal_limit(hi_p, size, baseline)
        else:
            raise ValueError(f"unknown funnel method {method!r}; use 'wilson', 'exact' or 'normal'")
        out[f"lower_{_suffix(level)}"] = np.clip(lower, 0, 1)
        out[f"upper_{_suffix(level)}"] = np.clip(upper, 0, 1)
    return out


def axis_populations(denominators: pd.Series | np.ndarray, points: int = 100) -> np.ndarray:
    """The denominators at which to draw smooth funnel lines: PHEindicatormethods ``phe_funnels``' x axis.

    Geometric steps from max(1, axis minimum) to a rounded-up axis maximum (1.05 × the largest denominator,
    rounded up to two significant figures); the axis starts at 0 unless the largest denominator is at most twice
    the smallest, when it starts at 0.95 × the smallest rounded down to one significant figure.
    """
    den = np.asarray(denominators, dtype=float)
    den = den[~np.isnan(den)]
    lo, hi = float(den.min()), float(den.max())

    def floor_sig(x: float) -> float:
        digits = len(str(int(np.floor(x * 0.95)))) - 1
        return 0.0 if x == 0 else np.floor(x * 0.95 / 10**digits) * 10**digits

    def ceil_sig(x: float) -> float:
        digits = len(str(int(np.ceil(x * 1.05)))) - 2
        return 0.0 if x == 0 else np.ceil(x * 1.05 / 10**digits) * 10**digits

    axis_min = 0.0 if hi > 2 * lo else floor_sig(lo)
    axis_max = ceil_sig(hi)
    out = [max(1.0, axis_min)]
    for j in range(2, points + 1):
        step = (axis_max / out[-1]) ** (1 / (points + 1 - j)) * out[-1]
        out.append(max(float(np.round(step)), out[-1] + 1))
    return np.asarray(out)


def label(proportion: pd.Series | np.ndarray, bounds: pd.DataFrame) -> pd.Series:
    """PHEindicatormethods significance label for each area, given its limits (row-aligned).

    Tested in PHE's order: below the 99.8% lower limit -> "Low (0.001)", below the 95% lower limit ->
    "Low (0.025)", above the 99.8% upper limit -> "High (0.001)", above the 95% upper limit -> "High (0.025)",
    otherwise "Not significant" (strict inequalities, R/Funnels.R ``phe_funnel_significance``). A missing
    proportion gets a missing label.
    """
    prop = np.asarray(proportion, dtype=float)
    choices = [prop < bounds["lower_998"].to_numpy(), prop < bounds["lower_95"].to_numpy(),
               prop > bounds["upper_998"].to_numpy(), prop > bounds["upper_95"].to_numpy()]
    labels = np.select(choices, LABELS[:4], default=LABELS[4]).astype(object)
    labels[np.isnan(prop)] = None
    index = proportion.index if isinstance(proportion, pd.Series) else None
    return pd.Series(labels, index=index, name="significance", dtype="object")


def significance(numerator: pd.Series | np.ndarray, denominator: pd.Series | np.ndarray, *,
                 baseline: float | None = None, method: Method = "wilson") -> pd.Series:
    """Significance label per area against ``baseline`` (default: the pooled proportion of these areas).

    Areas with a missing numerator or denominator (DfE ``x``) get a missing label and are left out of the
    pooled baseline.
    """
    x = pd.Series(np.asarray(numerator, dtype=float),
                  index=numerator.index if isinstance(numerator, pd.Series) else None)
    n = pd.Series(np.asarray(denominator, dtype=float), index=x.index)
    if baseline is None:
        baseline = pooled_proportion(x, n)
    known = x.notna() & n.notna() & (n > 0)
    out = pd.Series(None, index=x.index, name="significance", dtype="object")
    if known.any():
        bounds = limits(n[known], baseline, method=method)
        bounds.index = n[known].index
        out[known] = label(x[known] / n[known], bounds)
    return out


@dataclass(frozen=True)
class Overdispersion:
    """Overdispersion estimates for a set of areas (arcsine scale, FunnelPlotR data type "PR").

    Attributes
    ----------
    phi : the multiplicative overdispersion factor φ̂ (1 = no more spread than chance).
    tau2 : the additive between-area variance τ̂² on the arcsine scale (0 = none).
    areas : number of areas used (I).
    baseline : the target proportion θ₀.
    trim : the winsorising fraction at each end.
    scale : ``"arcsine"`` (FunnelPlotR "PR") or ``"logit"``: the scale of the z-scores and of τ̂².
    """

    phi: float
    tau2: float
    areas: int
    baseline: float
    trim: float
    scale: Scale = "arcsine"

    @property
    def present(self) -> bool:
        """True when φ̂ > 1: FunnelPlotR draws adjusted limits only then."""
        return self.phi > 1


def _scale_sd(n: np.ndarray, baseline: float, scale: Scale) -> np.ndarray:
    """Standard error of one area's transformed proportion under the baseline: 1/(2√n) on the arcsine scale,
    1/√(n·θ₀(1−θ₀)) on the logit scale (delta method)."""
    if scale == "arcsine":
        out: np.ndarray = 1 / (2 * np.sqrt(n))
        return out
    if scale == "logit":
        return 1 / np.sqrt(n * baseline * (1 - baseline))
    raise ValueError(f"unknown scale {scale!r}; use 'arcsine' or 'logit'")


def _transform(x: np.ndarray, n: np.ndarray, baseline: float, scale: Scale) -> tuple[np.ndarray, float]:
    """Each area's transformed proportion and the transformed baseline. On the logit scale the empirical logit
    log((x + ½)/(n − x + ½)) keeps areas at 0% or 100% finite."""
    if scale == "arcsine":
        return np.arcsin(np.sqrt(x / n)), float(np.arcsin(np.sqrt(baseline)))
    return np.log((x + 0.5) / (n - x + 0.5)), float(np.log(baseline / (1 - baseline)))


def overdispersion(numerator: pd.Series | np.ndarray, denominator: pd.Series | np.ndarray, *,
                   baseline: float | None = None, trim: float = 0.1, scale: Scale = "arcsine") -> Overdispersion:
    """Estimate φ̂ and τ̂² from the areas' winsorised z-scores (Spiegelhalter 2005; FunnelPlotR defaults).

    1. Y_i = the transformed proportion (``"arcsine"``: asin√(x_i/n_i), s_i = 1/(2√n_i); ``"logit"``: the
       empirical logit, s_i = 1/√(n_i·θ₀(1−θ₀))); z_i = (Y_i − target)/s_i.
    2. Winsorise: z below the ``trim`` quantile (R type 7, numpy's default) or above the 1−``trim`` quantile is
       replaced by that quantile.
    3. φ̂ = Σ z_w² / I.
    4. τ̂² = max(0, (I·φ̂ − (I − 1)) / (Σw − Σw²/Σw)) with w = 1/s², and 0 when I·φ̂ < I − 1 (DerSimonian-Laird,
       FunnelPlotR ``tau_func``).
    Areas with missing values (DfE ``x``) are left out.
    """
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    ok = ~(np.isnan(x) | np.isnan(n)) & (n > 0)
    x, n = x[ok], n[ok]
    if baseline is None:
        baseline = float(x.sum() / n.sum())
    s = _scale_sd(n, baseline, scale)
    y, centre = _transform(x, n, baseline, scale)
    z = (y - centre) / s
    lo, hi = np.quantile(z, [trim, 1 - trim])
    zw = np.clip(z, lo, hi)
    areas = len(z)
    phi = float(np.sum(zw**2) / areas)
    w = 1 / s**2
    if areas * phi < areas - 1:
        tau2 = 0.0
    else:
        tau2 = max(0.0, float((areas * phi - (areas - 1)) / (w.sum() - (w**2).sum() / w.sum())))
    return Overdispersion(phi=phi, tau2=tau2, areas=areas, baseline=float(baseline), trim=trim, scale=scale)


def adjusted_limits(n: pd.Series | np.ndarray | list[float], od: Overdispersion, *,
                    kind: Adjustment = "additive", levels: tuple[float, ...] = LEVELS) -> pd.DataFrame:
    """Overdispersion-adjusted limits (proportions, 0-1), same columns as :func:`limits`, on ``od.scale``.

    Arcsine scale, s = 1/(2√n) (FunnelPlotR ``calculate_limits.R``, "PR"): ``"additive"`` (random effects,
    recommended by Spiegelhalter 2005): sin²(asin√θ₀ ± z·√(s² + τ̂²)); ``"multiplicative"``: sin²(asin√θ₀ ± z·√φ̂·s).
    Where the angle would pass 0 or π/2 the limit is held at 0 or 1, so that the lines stay monotone instead of
    folding back. Logit scale, s = 1/√(n·θ₀(1−θ₀)): expit(logit θ₀ ± z·√(s² + τ̂²)) (or ± z·√φ̂·s), always
    strictly between 0 and 1.
    """
    size = np.asarray(n, dtype=float)
    s = _scale_sd(size, od.baseline, od.scale)
    if kind == "additive":
        spread = np.sqrt(s**2 + od.tau2)
    elif kind == "multiplicative":
        spread = np.sqrt(od.phi) * s
    else:
        raise ValueError(f"unknown adjustment {kind!r}; use 'additive' or 'multiplicative'")
    out = pd.DataFrame({"n": size, "baseline": od.baseline})
    for level in levels:
        z = stats.norm.ppf(_upper_p(level))
        if od.scale == "logit":
            centre = np.log(od.baseline / (1 - od.baseline))
            out[f"lower_{_suffix(level)}"] = expit(centre - z * spread)
            out[f"upper_{_suffix(level)}"] = expit(centre + z * spread)
        else:
            centre = np.arcsin(np.sqrt(od.baseline))
            out[f"lower_{_suffix(level)}"] = np.sin(np.clip(centre - z * spread, 0, np.pi / 2)) ** 2
            out[f"upper_{_suffix(level)}"] = np.sin(np.clip(centre + z * spread, 0, np.pi / 2)) ** 2
    return out
