"""Time helpers.analysis.simulate against Ciw on the same EP-advice scenario and print the speed ratio.

Run: ``.venv/bin/python benchmarks/bench_simulate.py [our replications] [Ciw replications]``.
The scenario is the size of the notebook's projection: three years in weekly periods, 400 children already
waiting, 12 new requests a week, EP time rising from 20 to 48 cases in progress when locums join at week 13 and a
recruit at week 52, exponential service with a mean of 3.3 weeks. Ciw (a test/benchmark dependency only) runs its
replications one after another, as it has to; ours runs them together. Times are per replication.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from helpers.analysis import simulate
from helpers.analysis.workforce_projection import PROJECTION_WEEKS

WEEKS = PROJECTION_WEEKS
RATE = np.full(WEEKS, 12.0)
SERVERS = np.where(np.arange(WEEKS) < 13, 20, np.where(np.arange(WEEKS) < 52, 44, 48))
SERVICE_MEAN = 3.3
BACKLOG = 400


def run_ours(replications: int) -> float:
    start = time.perf_counter()
    simulate.simulate(RATE, SERVERS, service_weeks_mean=SERVICE_MEAN, backlog_waited_weeks=np.zeros(BACKLOG),
                      replications=replications, seed=1)
    return (time.perf_counter() - start) / replications


def run_ciw(replications: int) -> float:
    import ciw

    changes = np.flatnonzero(np.diff(SERVERS)) + 1
    ends = [float(x) for x in changes] + [1e7]
    levels = [int(SERVERS[0])] + [int(SERVERS[i]) for i in changes]
    start = time.perf_counter()
    for seed in range(replications):
        ciw.seed(seed)
        service = ciw.dists.Exponential(1 / SERVICE_MEAN)
        network = ciw.create_network(
            arrival_distributions={
                "new": [ciw.dists.PoissonIntervals(rates=[12.0], endpoints=[float(WEEKS)], max_sample_date=WEEKS)],
                "backlog": [ciw.dists.Sequential([1e-9, 1e12])]},
            service_distributions={"new": [service], "backlog": [service]},
            batching_distributions={"new": [ciw.dists.Deterministic(1)],
                                    "backlog": [ciw.dists.Deterministic(BACKLOG)]},
            number_of_servers=[ciw.Schedule(numbers_of_servers=levels, shift_end_dates=ends, preemption="resume")],
        )
        sim = ciw.Simulation(network)
        sim.simulate_until_max_time(WEEKS + 100)
    return (time.perf_counter() - start) / replications


def main() -> None:
    ours_reps = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    ciw_reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    ours = run_ours(ours_reps)
    theirs = run_ciw(ciw_reps)
    print(f"helpers.analysis.simulate: {ours * 1000:.2f} ms per replication ({ours_reps} replications together)")
    print(f"ciw:              {theirs * 1000:.2f} ms per replication ({ciw_reps} replications)")
    print(f"speed ratio (ciw / ours): {theirs / ours:.0f}x")


if __name__ == "__main__":
    main()
