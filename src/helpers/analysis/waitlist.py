"""Waiting-list formulas of Fong et al. (2022), as the NHS-R Community package NHSRwaitinglist implements them.

Fong K, Mushtaq Y, House T, Gordon D, Chen Y, Griffiths D, Ahmad S, Walton N. *Understanding waiting lists
pressures*. medRxiv 2022, doi:10.1101/2022.08.23.22279117. Reference implementation: R package
``NHSRwaitinglist`` (``R/calc_*.R``), whose test values the unit tests reproduce (``modelling_methods.md`` §1.3,
§9.1).

Units are explicit in every name: rates are *per week* and times are *in weeks*. The package only warns that units
must match, and its ``wl_stats`` computes the mean wait in days but divides it by a target in weeks; this module
keeps every quantity in weeks and so does not repeat that error.

The formulas describe a single first-come-first-served list in steady state (constant demand and capacity). They
are used here for the Educational Psychologist (EP) statutory-advice queue, one stage of the Education, Health and
Care (EHC) needs assessment, whose statutory deadline is 6 weeks (SEND Regulations 2014, reg. 8). All functions
take scalars or numpy arrays (element-wise) and return the same shape.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: The package's default divisor of the target wait: a mean wait of a quarter of the target (Fong et al. Fact 4).
DEFAULT_FACTOR = 4.0
#: The package's default time to bring an over-long list back to its target size (weeks).
DEFAULT_WEEKS_TO_TARGET = 26.0


def _out(value: np.ndarray) -> np.ndarray | float:
    """A 0-d result as a float; arrays unchanged."""
    return float(value) if np.ndim(value) == 0 else value


def queue_load(demand_per_week: ArrayLike, capacity_per_week: ArrayLike) -> np.ndarray | float:
    """Load ρ = demand / capacity (``calc_queue_load``).

    At ρ ≥ 1 the list grows without limit; below 1 it is stable and ρ is the share of time it is non-empty
    (Fong et al. Facts 1–2).
    """
    return _out(np.asarray(demand_per_week, float) / np.asarray(capacity_per_week, float))


def factor_for_share_on_time(share_on_time: ArrayLike) -> np.ndarray | float:
    """The divisor F such that a share ``q`` of a stable list waits no longer than the target: F = −ln(1 − q).

    In a stable list the chance of waiting longer than t is about exp(−t / mean wait) (Fong et al. Fact 3), so a
    mean wait of T / F misses the target T with probability e^−F (``modelling_methods.md`` §1.3, derived):
    F = 4 gives 98.2% on time, q = 0.95 gives F ≈ 3.0. Use the result as ``factor`` in the functions below.
    """
    q = np.asarray(share_on_time, float)
    if np.any((q <= 0) | (q >= 1)):
        raise ValueError(f"share on time must be strictly between 0 and 1, got {share_on_time!r}")
    return _out(-np.log1p(-q))


def target_mean_wait_weeks(target_wait_weeks: ArrayLike, factor: ArrayLike = DEFAULT_FACTOR) -> np.ndarray | float:
    """Mean wait that keeps almost everyone within the target: T / F (``calc_target_mean_wait``; Fact 4)."""
    return _out(np.asarray(target_wait_weeks, float) / np.asarray(factor, float))


def target_queue_size(demand_per_week: ArrayLike, target_wait_weeks: ArrayLike,
                      factor: ArrayLike = DEFAULT_FACTOR) -> np.ndarray | float:
    """Number waiting that goes with the target mean wait, by Little's law: λ · T / F (``calc_target_queue_size``).

    Little's law (L = λ · W̄, Fact 5) holds for long-run averages in a stable list, so the target size only applies
    when capacity exceeds demand (Fact 6). ``factor`` sets the share on time (see
    :func:`factor_for_share_on_time`).
    """
    return _out(np.asarray(demand_per_week, float) * np.asarray(target_mean_wait_weeks(target_wait_weeks, factor)))


def relief_capacity_per_week(demand_per_week: ArrayLike, queue_size: ArrayLike, target_queue_size: ArrayLike,
                             weeks_to_target: ArrayLike = DEFAULT_WEEKS_TO_TARGET, *, referrals_observed: int = 0,
                             cv_demand: float = 0.0) -> np.ndarray | float:
    """Removals per week that bring the list down to its target size in ``weeks_to_target`` weeks.

    μ_relief = λ + (L − L*) / Δt (``calc_relief_capacity``; Fact 7, needed when L > 2 · L*). It is the fluid
    balance L(t + Δt) = L + (λ − μ) · Δt solved for μ.

    When demand is an estimate from ``referrals_observed`` referrals with coefficient of variation ``cv_demand``,
    the package adds a margin: if 2 · λ · cv / √n < 1 then λ ← λ / (1 − 2 · λ · cv / √n). Both default to off, as
    in the package.
    """
    demand = np.asarray(demand_per_week, float)
    if referrals_observed > 0:
        margin = 2.0 * demand * cv_demand / np.sqrt(referrals_observed)
        demand = demand / np.where(margin < 1.0, 1.0 - margin, 1.0)
    excess = np.asarray(queue_size, float) - np.asarray(target_queue_size, float)
    return _out(demand + excess / np.asarray(weeks_to_target, float))


def target_capacity_per_week(demand_per_week: ArrayLike, target_wait_weeks: ArrayLike,
                             factor: ArrayLike = DEFAULT_FACTOR, cv_arrivals: ArrayLike = 1.0,
                             cv_service: ArrayLike = 1.0) -> np.ndarray | float:
    """Removals per week that sustain the target mean wait: λ + ((c_a² + c_s²) / 2) · (F / T).

    ``calc_target_capacity`` ("Kingman/Marchal's formula"; Fact 8). Kingman's G/G/1 approximation
    W_q ≈ ((c_a² + c_s²) / 2) / (μ − λ) near full load, with W_q set to T / F and solved for μ. The defaults
    c_a = c_s = 1 are Poisson arrivals and exponential service times, giving λ + F / T.
    """
    variability = (np.asarray(cv_arrivals, float) ** 2 + np.asarray(cv_service, float) ** 2) / 2.0
    return _out(np.asarray(demand_per_week, float)
                + variability * np.asarray(factor, float) / np.asarray(target_wait_weeks, float))


def waiting_list_pressure(mean_wait_weeks: ArrayLike, target_wait_weeks: ArrayLike) -> np.ndarray | float:
    """Pressure P = 2 · W̄ / T (``calc_waiting_list_pressure``); above 1 the list is likely to miss its target.

    Both arguments in weeks (the package's ``wl_stats`` passes a mean wait in days here; we do not).
    """
    return _out(2.0 * np.asarray(mean_wait_weeks, float) / np.asarray(target_wait_weeks, float))


def expected_wait_weeks(queue_size: ArrayLike, throughput_per_week: ArrayLike) -> np.ndarray | float:
    """Wait for a new arrival at the back of a first-come-first-served list: L / throughput.

    Everyone ahead must be served first at the current rate (``modelling_methods.md`` §1.5: 400 waiting at 10 a
    week is a 40-week wait). This is a snapshot, not a steady-state mean, so it also holds while the list grows.
    """
    return _out(np.asarray(queue_size, float) / np.asarray(throughput_per_week, float))


def weeks_to_clear(excess: ArrayLike, demand_per_week: ArrayLike, capacity_per_week: ArrayLike) -> np.ndarray | float:
    """Weeks to remove an ``excess`` of waiters with spare capacity s = μ − λ: excess / s (infinite if s ≤ 0).

    The fluid balance L(t + 1) = max(0, L(t) + λ − μ) (``modelling_methods.md`` §1.4); relief capacity is the same
    relation solved for μ.
    """
    spare = np.asarray(capacity_per_week, float) - np.asarray(demand_per_week, float)
    ex = np.asarray(excess, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        weeks = np.where(ex <= 0, 0.0, np.where(spare > 0, ex / np.where(spare > 0, spare, 1.0), np.inf))
    return _out(weeks)
