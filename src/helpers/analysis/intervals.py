"""Confidence intervals used across the pack: Wilson for proportions, Byar for counts.

One implementation of each, so every page's "95% interval" means the same thing.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

ArrayLike: TypeAlias = float | np.ndarray | pd.Series


def wilson_interval(successes: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``successes / n`` as proportions (0-1); NaN where ``n`` is 0 or missing.

    Wilson (1927) via ``statsmodels.stats.proportion.proportion_confint(method="wilson")``: it stays inside 0-1
    and keeps its coverage for small counts, unlike the normal approximation.
    """
    x = np.atleast_1d(np.asarray(successes, dtype=float))
    m = np.atleast_1d(np.asarray(n, dtype=float))
    ok = np.isfinite(x) & np.isfinite(m) & (m > 0)
    low = np.full(np.broadcast(x, m).shape, np.nan)
    high = np.full(low.shape, np.nan)
    if ok.any():
        lo, hi = proportion_confint(x[ok], m[ok], alpha=1 - level, method="wilson")
        low[ok], high[ok] = np.asarray(lo), np.asarray(hi)
    if np.ndim(successes) == 0 and np.ndim(n) == 0:
        return low.reshape(()), high.reshape(())
    return low, high


def byar_interval(count: ArrayLike, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's interval for a Poisson count (PHEindicatormethods R/utils.R ``byars_lower``/``byars_upper``).

    lower = O·(1 − 1/(9O) − z/(3√O))³; upper = (O+1)·(1 − 1/(9(O+1)) + z/(3√(O+1)))³; lower is 0 when O = 0.
    Hand-written because neither scipy nor statsmodels offers Byar's method; PHE uses it for counts and rates.
    """
    o = np.asarray(count, dtype=float)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(o > 0, o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3, 0.0)
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lower, upper
