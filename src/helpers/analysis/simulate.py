"""Queue simulation of statutory Educational Psychologist (EP) advice, many replications at once.

The model (``modelling_methods.md`` §2): requests for EP advice arrive as a Poisson process whose rate changes by
period (from a demand forecast or history); a number of *servers* works in each period (EP and locum time, see
:func:`helpers.analysis.workforce.service_lanes`); requests are served first come, first served; service times are gamma
distributed with a given mean and coefficient of variation (1 = exponential). Children already waiting at the start
join the front of the queue in order of how long they have waited.

Staffing changes at period boundaries follow *lane* semantics: server ``i`` is on duty in every period with more
than ``i`` servers; a server only *starts* work while on duty and finishes the case in hand even if its period of
duty ends (an EP who leaves, or a locum whose contract ends, completes the advice they are writing). When staffing
never falls this is exactly Ciw's schedule with ``preemption="resume"``, which the tests compare against. After the
last period staffing stays at the last period's level, so every child's advice date is defined.

Why hand-written rather than Ciw or SimPy: a scenario sweep in the notebook needs thousands of replications in
seconds. Under first come, first served each request's start time depends only on earlier requests, so the
simulation is a recursion over requests (Kiefer–Wolfowitz) that numpy runs for all replications at once; Ciw
simulates one replication at a time in pure Python (``benchmarks/bench_simulate.py`` gives the speed ratio). The
recursion is checked against Erlang C and against Ciw in ``tests/unit/test_simulate.py``.

Times are in weeks from the start of the projection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class QueueRun:
    """Every request's arrival, start and end of service (weeks), one row per replication.

    Rows are sorted by arrival; rows are padded with ``inf`` where a replication had fewer requests. The first
    ``n_backlog`` columns are the children already waiting at time 0 (arrival = minus the weeks already waited).
    """

    arrival_weeks: np.ndarray
    start_weeks: np.ndarray
    end_weeks: np.ndarray
    servers: np.ndarray
    period_weeks: float
    n_backlog: int

    @property
    def replications(self) -> int:
        return int(self.arrival_weeks.shape[0])

    @property
    def horizon_weeks(self) -> float:
        return len(self.servers) * self.period_weeks

    def counts_at(self, times_weeks: ArrayLike) -> dict[str, np.ndarray]:
        """Per replication and time (arrays ``(replications, len(times))``): ``arrived``, ``waiting`` (arrived, not
        started), ``in_service`` (started, not finished) and ``completed``; arrived = waiting + in service +
        completed at every time (the conservation identity the tests check)."""
        t = np.asarray(times_weeks, float)
        ends = np.sort(self.end_weeks, axis=1)
        arrived = _count_at_or_before(self.arrival_weeks, t)
        started = _count_at_or_before(self.start_weeks, t)
        completed = _count_at_or_before(ends, t)
        return {"arrived": arrived, "waiting": arrived - started, "in_service": started - completed,
                "completed": completed}


def _count_at_or_before(sorted_rows: np.ndarray, times: np.ndarray) -> np.ndarray:
    """For each row (sorted ascending), how many values are ≤ each time."""
    return np.stack([np.searchsorted(row, times, side="right") for row in sorted_rows])


def fcfs(arrival_weeks: np.ndarray, service_weeks: np.ndarray, servers: ArrayLike,
         period_weeks: float) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of service for first-come-first-served requests with a staffing level per period.

    ``arrival_weeks`` and ``service_weeks`` are ``(replications, requests)``, each row sorted by arrival and padded
    with ``inf``; ``servers[p]`` is the number of servers in period ``p`` = [p·w, (p+1)·w), w = ``period_weeks``.
    Each request takes the lane that can start it soonest (lowest lane on ties): not before it arrives, not before
    the lane is free, and only while the lane is on duty (lane semantics in the module docstring). Because start
    times never decrease in arrival order, processing requests in that order is exact first come, first served.
    """
    arrivals = np.asarray(arrival_weeks, float)
    service = np.asarray(service_weeks, float)
    c = np.asarray(servers, dtype=np.intp)
    if c.ndim != 1 or len(c) == 0 or np.any(c < 0):
        raise ValueError(f"servers must be a non-empty sequence of counts ≥ 0, got {servers!r}")
    if period_weeks <= 0:
        raise ValueError(f"period_weeks must be positive, got {period_weeks!r}")
    reps, n = arrivals.shape
    n_periods = len(c)
    lanes = max(int(c.max()), 1)
    # next_start[i, p]: when lane i is next on duty at or after period p (its start, or inf if never again). A
    # candidate time t in period p becomes max(t, next_start[i, p]): unchanged while the lane is on duty.
    on_duty = c[None, :] > np.arange(lanes)[:, None]
    first_on = np.where(on_duty, np.arange(n_periods)[None, :], n_periods)
    next_on = np.minimum.accumulate(first_on[:, ::-1], axis=1)[:, ::-1]
    next_start = np.r_[np.arange(n_periods) * period_weeks, np.inf][next_on].ravel()
    lane_offset = (np.arange(lanes) * n_periods)[None, :]
    last_start = (n_periods - 1) * period_weeks  # later times fall in the last period, whose staffing persists

    free = np.zeros((reps, lanes))
    start = np.empty((reps, n))
    rows = np.arange(reps)
    for k in range(n):
        candidate = np.maximum(free, arrivals[:, k, None])
        period = (np.minimum(candidate, last_start) // period_weeks).astype(np.intp)
        period += lane_offset
        np.maximum(candidate, np.take(next_start, period), out=candidate)
        lane = np.argmin(candidate, axis=1)
        begin = candidate[rows, lane]
        start[:, k] = begin
        free[rows, lane] = begin + service[:, k]
    return start, start + service


def _service_times(rng: np.random.Generator, mean_weeks: float, cv: float, size: tuple[int, int]) -> np.ndarray:
    """Gamma service times with the given mean and coefficient of variation (cv = 1 exponential, 0 fixed)."""
    if cv == 0:
        return np.full(size, mean_weeks)
    shape = 1.0 / cv**2
    return rng.gamma(shape, mean_weeks / shape, size=size)


def _poisson_arrivals(rng: np.random.Generator, rate_per_week: np.ndarray, period_weeks: float,
                      reps: int) -> list[np.ndarray]:
    """Piecewise-constant Poisson arrivals: a Poisson count per period, uniform times within it (as Ciw's
    ``PoissonIntervals``); one sorted array per replication."""
    counts = rng.poisson(rate_per_week * period_weeks, size=(reps, len(rate_per_week)))
    out = []
    for row in counts:
        period = np.repeat(np.arange(len(row)), row)
        out.append(np.sort((period + rng.random(len(period))) * period_weeks))
    return out


def simulate(arrivals_per_week: ArrayLike, servers: ArrayLike, *, service_weeks_mean: float,
             service_cv: float = 1.0, period_weeks: float = 1.0, backlog_waited_weeks: ArrayLike = (),
             replications: int = 200, seed: int = 0) -> QueueRun:
    """Simulate the advice queue over ``len(servers)`` periods, ``replications`` times.

    Parameters
    ----------
    arrivals_per_week
        Mean new requests per week in each period (the Poisson rate), same length as ``servers``.
    servers
        Whole number of servers (lanes) on duty in each period.
    service_weeks_mean, service_cv
        Mean elapsed weeks a server takes per request and its coefficient of variation (gamma distribution).
    period_weeks
        Length of each period in weeks.
    backlog_waited_weeks
        One entry per child already waiting at the start: weeks they have waited so far (0 if unknown).
    replications, seed
        Independent runs; the seed makes the result repeatable (``numpy.random.default_rng``).
    """
    rate = np.asarray(arrivals_per_week, float)
    c = np.asarray(servers)
    if rate.shape != c.shape or rate.ndim != 1:
        raise ValueError(f"arrivals_per_week and servers need one value per period; got {rate.shape} and {c.shape}")
    if np.any(rate < 0) or service_weeks_mean <= 0 or service_cv < 0 or replications < 1:
        raise ValueError("rates must be ≥ 0, the service mean > 0, its cv ≥ 0 and replications ≥ 1")
    backlog = -np.sort(np.asarray(backlog_waited_weeks, float))[::-1]
    rng = np.random.default_rng(seed)
    new = _poisson_arrivals(rng, rate, period_weeks, replications)
    n = len(backlog) + max(len(a) for a in new)
    arrivals = np.full((replications, n), np.inf)
    for r, a in enumerate(new):
        arrivals[r, :len(backlog)] = backlog
        arrivals[r, len(backlog):len(backlog) + len(a)] = a
    service = _service_times(rng, service_weeks_mean, service_cv, (replications, n))
    service[~np.isfinite(arrivals)] = np.inf
    start, end = fcfs(arrivals, service, c, period_weeks)
    return QueueRun(arrivals, start, end, c.astype(int), float(period_weeks), len(backlog))


def period_summary(run: QueueRun, deadlines_weeks: Sequence[float] = (6.0,)) -> pd.DataFrame:
    """One row per period: what happened on average across replications.

    Columns: ``period``, ``week`` (start of the period), ``servers``, ``arrivals`` and ``completed`` (mean per
    replication), ``waiting`` and ``in_service`` at the period's end (mean) with ``waiting_p10`` / ``waiting_p90``
    (10th and 90th percentiles across replications), ``mean_wait_weeks`` (request to start of work) and
    ``mean_weeks_to_advice`` (request to advice) for requests *arriving* in the period, and for each deadline d
    ``within_<d>_weeks_pct``: the percentage of those requests whose advice came within d weeks (pooled over
    replications; NaN for a period without arrivals).
    """
    n_periods = len(run.servers)
    edges = np.arange(n_periods + 1) * run.period_weeks
    counts = run.counts_at(edges[1:])
    completed = np.diff(np.c_[run.counts_at(edges[:1])["completed"], counts["completed"]], axis=1)
    new = run.arrival_weeks[:, run.n_backlog:]
    keep = np.isfinite(new)
    arrived = new[keep]
    idx = (arrived // run.period_weeks).astype(int)
    wait = run.start_weeks[:, run.n_backlog:][keep] - arrived
    to_advice = run.end_weeks[:, run.n_backlog:][keep] - arrived
    n_arr = np.bincount(idx, minlength=n_periods).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "period": np.arange(n_periods),
            "week": edges[:-1],
            "servers": run.servers,
            "arrivals": n_arr / run.replications,
            "completed": completed.mean(axis=0),
            "waiting": counts["waiting"].mean(axis=0),
            "waiting_p10": np.percentile(counts["waiting"], 10, axis=0),
            "waiting_p90": np.percentile(counts["waiting"], 90, axis=0),
            "in_service": counts["in_service"].mean(axis=0),
            "mean_wait_weeks": np.bincount(idx, wait, n_periods) / n_arr,
            "mean_weeks_to_advice": np.bincount(idx, to_advice, n_periods) / n_arr,
        })
        for d in deadlines_weeks:
            out[f"within_{d:g}_weeks_pct"] = 100.0 * np.bincount(idx, to_advice <= d, n_periods) / n_arr
    return out


def weeks_to_reach(summary: pd.DataFrame, column: str, threshold: float, *, higher_is_better: bool = True) -> float:
    """Start week of the first period from which ``column`` meets ``threshold`` in every later period.

    Periods without a value (no arrivals) are skipped. NaN when the threshold is not met and held by the end of
    the projection, so a chance one-period dip below the line does not count as success.
    """
    values = summary[["week", column]].dropna()
    ok = values[column] >= threshold if higher_is_better else values[column] <= threshold
    if ok.empty or not ok.iloc[-1]:
        return float("nan")
    failing = np.flatnonzero(~ok.to_numpy())
    first = failing[-1] + 1 if len(failing) else 0
    return float(values["week"].iloc[first])
