"""helpers.analysis.simulate against queueing theory (Erlang C), against Ciw, hand-worked schedules and conservation.

Statistical checks use many replications and a z-test on the replication means: |estimate − reference| is compared
with 4 standard errors (a two-sided chance of about 6 in 100,000 of failing when the simulation is right), and the
seeds are fixed so the suite is repeatable. Reference values: ``modelling_methods.md`` §2.3 and §9.2.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import simulate

Z_TOLERANCE = 4.0


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> tuple[float, float]:
    """Probability of waiting C(c, a) and mean wait W_q for M/M/c (§2.3), written out from the formula:
    C = [a^c/c! · 1/(1−ρ)] / [Σ_{k<c} a^k/k! + a^c/c! · 1/(1−ρ)], W_q = C / (cμ − λ), a = λ/μ, ρ = a/c."""
    a = arrival_rate / service_rate
    rho = a / servers
    top = a**servers / math.factorial(servers) / (1 - rho)
    c = top / (sum(a**k / math.factorial(k) for k in range(servers)) + top)
    return c, c / (servers * service_rate - arrival_rate)


def test_erlang_c_reference_values():
    """Published values (§2.3): M/M/1 λ=5, μ=8 → W_q 0.2083; M/M/3 λ=0.2, μ=0.1 → C 0.4444, W_q 4.444,
    P(W_q > 10) = C·e^{−(cμ−λ)·10} = 0.1635."""
    assert erlang_c(5, 8, 1)[1] == pytest.approx(0.2083, abs=5e-5)
    c, wq = erlang_c(0.2, 0.1, 3)
    assert c == pytest.approx(0.4444, abs=5e-5)
    assert wq == pytest.approx(4.444, abs=5e-4)
    assert c * math.exp(-(3 * 0.1 - 0.2) * 10) == pytest.approx(0.1635, abs=5e-5)


def _waits_after_warmup(run: simulate.QueueRun, warmup: float) -> list[np.ndarray]:
    keep = np.isfinite(run.arrival_weeks) & (run.arrival_weeks > warmup)
    waits = run.start_weeks - np.where(keep, run.arrival_weeks, 0.0)
    return [w[k] for w, k in zip(waits, keep, strict=True)]


def _z(samples: np.ndarray, reference: float) -> float:
    return abs(samples.mean() - reference) / (samples.std(ddof=1) / math.sqrt(len(samples)))


@pytest.mark.parametrize("lam, mu, c, horizon", [(5.0, 8.0, 1, 200.0), (0.2, 0.1, 3, 3000.0)])
def test_simulation_agrees_with_erlang_c(lam, mu, c, horizon):
    """Steady-state M/M/c: mean wait, P(wait > 0) and P(wait > 1/μ) from 300 replications, 10% warm-up discarded,
    each within 4 standard errors of Erlang C (P(W_q > t) = C·e^{−(cμ−λ)t})."""
    run = simulate.simulate([lam], [c], service_weeks_mean=1 / mu, period_weeks=horizon, replications=300, seed=2)
    waits = _waits_after_warmup(run, 0.1 * horizon)
    prob_wait, mean_wait = erlang_c(lam, mu, c)
    t = 1 / mu
    assert _z(np.array([w.mean() for w in waits]), mean_wait) < Z_TOLERANCE
    assert _z(np.array([(w > 0).mean() for w in waits]), prob_wait) < Z_TOLERANCE
    assert _z(np.array([(w > t).mean() for w in waits]), prob_wait * math.exp(-(c * mu - lam) * t)) < Z_TOLERANCE


def test_fcfs_hand_worked_staffing_fall():
    """Servers [2, 1] in 4-week periods; arrivals 0, 0, 1, 5; services 5, 3, 2, 1.
    #1 lane 0 at 0 → 5. #2 lane 1 at 0 → 3. #3 lane 1 frees at 3 (still on duty) → 3 → 5, finishing in overtime
    after lane 1 goes off duty at week 4. #4 arrives at 5: lane 0 free at 5; lane 1 never on duty again → 5 → 6."""
    start, end = simulate.fcfs(np.array([[0.0, 0.0, 1.0, 5.0]]), np.array([[5.0, 3.0, 2.0, 1.0]]), [2, 1], 4.0)
    np.testing.assert_allclose(start, [[0, 0, 3, 5]])
    np.testing.assert_allclose(end, [[5, 3, 5, 6]])


def test_fcfs_hand_worked_gap_in_staffing():
    """Servers [1, 0, 2] in 2-week periods; arrivals 0, 0.5, 1; services 3, 1, 1.
    #1 starts at 0 and finishes at 3 (overtime into the unstaffed period). #2 and #3 wait for week 4, when two
    lanes come on duty: both start at 4 and finish at 5."""
    start, end = simulate.fcfs(np.array([[0.0, 0.5, 1.0]]), np.array([[3.0, 1.0, 1.0]]), [1, 0, 2], 2.0)
    np.testing.assert_allclose(start, [[0, 4, 4]])
    np.testing.assert_allclose(end, [[3, 5, 5]])


def test_backlog_served_longest_waiting_first():
    """No new arrivals, one server, fixed 1-week service: children who have waited 3, 1 and 0 weeks start at
    weeks 0, 1 and 2."""
    run = simulate.simulate([0.0, 0.0, 0.0], [1, 1, 1], service_weeks_mean=1.0, service_cv=0.0,
                            backlog_waited_weeks=[0, 3, 1], replications=2)
    np.testing.assert_allclose(run.arrival_weeks, [[-3, -1, 0]] * 2)
    np.testing.assert_allclose(run.start_weeks, [[0, 1, 2]] * 2)


def _scenario(replications: int, seed: int) -> simulate.QueueRun:
    return simulate.simulate(RATES, SERVERS, service_weeks_mean=SERVICE_MEAN, period_weeks=PERIOD,
                             backlog_waited_weeks=np.zeros(BACKLOG), replications=replications, seed=seed)


# A year in 4-week periods: demand rising then falling, staff rising (locums join, then a recruit), 40 waiting.
PERIOD = 4.0
RATES = np.array([4, 4.5, 5, 5.5, 6, 6, 6, 5.5, 5, 5, 5, 5, 5.0])
SERVERS = np.array([3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 6])
SERVICE_MEAN = 0.6
BACKLOG = 40


def test_conservation_and_order():
    """Every arrival is completed, in service or still waiting at every time; nobody starts before arriving or
    before anyone who arrived earlier; no more cases in service than servers on duty (staffing never falls)."""
    run = _scenario(50, seed=3)
    times = np.linspace(0, 60, 241)
    counts = run.counts_at(times)
    np.testing.assert_array_equal(counts["arrived"], counts["waiting"] + counts["in_service"] + counts["completed"])
    assert (counts["waiting"] >= 0).all() and (counts["in_service"] >= 0).all()
    real = np.isfinite(run.arrival_weeks)
    assert (counts["arrived"][:, -1] == real.sum(axis=1)).all()  # everyone who arrived is accounted for
    assert (run.start_weeks[real] >= run.arrival_weeks[real]).all()
    assert (run.end_weeks[real] >= run.start_weeks[real]).all()
    assert all((np.diff(starts[keep]) >= 0).all() for starts, keep in zip(run.start_weeks, real, strict=True))
    on_duty = SERVERS[np.minimum(times // PERIOD, len(SERVERS) - 1).astype(int)]
    assert (counts["in_service"] <= on_duty).all()


def test_conservation_when_staff_run_out():
    """With no staff in the last period some children are never seen: they count as waiting at the end."""
    run = simulate.simulate([3.0, 3.0], [1, 0], service_weeks_mean=0.5, period_weeks=4.0, replications=20, seed=1)
    end = run.counts_at([1000.0])
    real = np.isfinite(run.arrival_weeks).sum(axis=1)
    assert (end["waiting"][:, 0] > 0).any()
    np.testing.assert_array_equal(end["waiting"][:, 0] + end["in_service"][:, 0] + end["completed"][:, 0], real)


def test_repeatable_with_seed():
    a, b, c = _scenario(5, seed=7), _scenario(5, seed=7), _scenario(5, seed=8)
    np.testing.assert_array_equal(a.end_weeks, b.end_weeks)
    assert not np.array_equal(a.arrival_weeks[:, BACKLOG:BACKLOG + 5], c.arrival_weeks[:, BACKLOG:BACKLOG + 5])


def _ciw_replication(ciw, seed: int) -> tuple[float, float, int]:
    """One Ciw run of the same scenario: piecewise Poisson arrivals (PoissonIntervals), a batch of BACKLOG at
    time 0, exponential service, the staffing Schedule with preemption='resume' (same as lane semantics when
    staffing never falls) whose last level lasts past the horizon."""
    ciw.seed(seed)
    ends = list(np.arange(1, len(RATES) + 1) * PERIOD)
    arrivals = ciw.dists.PoissonIntervals(rates=list(RATES), endpoints=ends, max_sample_date=ends[-1])
    service = ciw.dists.Exponential(1 / SERVICE_MEAN)
    network = ciw.create_network(
        arrival_distributions={"new": [arrivals], "backlog": [ciw.dists.Sequential([1e-9, 1e12])]},
        service_distributions={"new": [service], "backlog": [service]},
        batching_distributions={"new": [ciw.dists.Deterministic(1)], "backlog": [ciw.dists.Deterministic(BACKLOG)]},
        number_of_servers=[ciw.Schedule(numbers_of_servers=[int(s) for s in SERVERS] + [int(SERVERS[-1])],
                                        shift_end_dates=ends + [1e7], preemption="resume")],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(ends[-1] + 300)
    recs = [r for r in sim.get_all_records() if r.record_type == "service"]
    to_advice = np.array([r.exit_date - r.arrival_date for r in recs])
    new = np.array([r.customer_class == "new" for r in recs])
    return float(to_advice.mean()), float((to_advice[new] <= 6).mean()), len(recs)


def test_simulation_agrees_with_ciw():
    """Same scenario, 120 Ciw replications and 1,000 of ours: mean weeks from request to advice (everyone), the
    share of new requests advised within 6 weeks and the number of requests agree by a two-sample z-test
    (|difference| < 4 × √(SE₁² + SE₂²))."""
    ciw = pytest.importorskip("ciw")
    theirs = np.array([_ciw_replication(ciw, seed) for seed in range(120)])
    run = _scenario(1000, seed=11)
    real = np.isfinite(run.arrival_weeks)
    to_advice = np.where(real, run.end_weeks - np.where(real, run.arrival_weeks, 0), np.nan)
    ours = np.c_[np.nanmean(to_advice, axis=1),
                 (to_advice[:, BACKLOG:] <= 6).sum(axis=1) / real[:, BACKLOG:].sum(axis=1),
                 real.sum(axis=1)]
    for k in range(3):
        se = math.sqrt(theirs[:, k].var(ddof=1) / len(theirs) + ours[:, k].var(ddof=1) / len(ours))
        assert abs(theirs[:, k].mean() - ours[:, k].mean()) < Z_TOLERANCE * se, k


def test_period_summary_hand_worked():
    """The staffing-fall example as a run (periods of 4 weeks). Period 0: arrivals at 0, 0, 1 wait 0, 0, 2
    (mean 2/3) and get advice after 5, 3, 4 weeks (2 of 3 within 4 weeks; all within 6); at week 4 nobody is
    waiting, two are in service (ends 5 and 5), one completed (end 3). Period 1: the arrival at 5 waits 0, advice
    after 1 week; completions at 5, 5, 6."""
    arrival = np.array([[0.0, 0.0, 1.0, 5.0]])
    start, end = simulate.fcfs(arrival, np.array([[5.0, 3.0, 2.0, 1.0]]), [2, 1], 4.0)
    run = simulate.QueueRun(arrival, start, end, np.array([2, 1]), 4.0, 0)
    s = simulate.period_summary(run, deadlines_weeks=(4, 6))
    assert s["arrivals"].tolist() == [3, 1]
    assert s["completed"].tolist() == [1, 3]
    assert s["waiting"].tolist() == [0, 0] and s["in_service"].tolist() == [2, 0]
    np.testing.assert_allclose(s["mean_wait_weeks"], [2 / 3, 0])
    np.testing.assert_allclose(s["mean_weeks_to_advice"], [4, 1])
    np.testing.assert_allclose(s["within_4_weeks_pct"], [200 / 3, 100])
    np.testing.assert_allclose(s["within_6_weeks_pct"], [100, 100])


def test_weeks_to_reach_needs_the_level_held():
    s = pd.DataFrame({"week": [0, 1, 2, 3, 4, 5], "pct": [50, 85, 70, np.nan, 82, 90]})
    assert simulate.weeks_to_reach(s, "pct", 80) == 4          # the dip at week 2 resets; week 3 has no value
    assert math.isnan(simulate.weeks_to_reach(s, "pct", 95))
    assert math.isnan(simulate.weeks_to_reach(s, "pct", 60, higher_is_better=False))  # ends at 90 > 60
