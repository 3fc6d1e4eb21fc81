"""Synthetic early-support pilot for the demo LA "Northby": the pilot schools and requests by school and month.

The story, for the demo pack's pilot page: Northby has 240 schools (invented URNs 990001-990240, which no real
school has). From September 2023 the 80 schools with the most requests get early multi-agency support. Requests
for EHC needs assessment grow about 8% a year everywhere, with fewer in August and December; pilot schools start
higher (about 20 a year per 1,000 pupils against 15) and move in parallel with the others until the pilot, whose
effect builds up over a term to about a quarter fewer requests than they would otherwise have made. The file is
not connected to the SEN2 demo file: its requests are a separate synthetic count.

:func:`write_demo` is deterministic: the same seed gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SCHOOLS = 240
PILOT_SCHOOLS = 80
FIRST_URN = 990001
START = pd.Timestamp("2023-09-01")
MONTHS = pd.date_range("2021-09-01", "2025-09-01", freq="MS")
BASE_RATE = {1: 20.0, 0: 15.0}
"""Requests a year per 1,000 pupils in September 2021, for pilot (1) and other (0) schools."""
GROWTH_PER_YEAR = 0.08
EFFECT = -0.25
"""The pilot's full effect on pilot schools' requests (a quarter fewer), reached a term after the start."""
SEASON = np.array([1.05, 1.05, 1.15, 0.95, 1.10, 1.15, 1.10, 0.45, 1.00, 1.10, 1.10, 0.80])
"""Relative request volumes January-December (as the SEN2 demo): few in August, when schools are closed."""


def _schools(rng: np.random.Generator) -> pd.DataFrame:
    """URN, pupils in September 2021 (two in three primary-sized) and whether the school joins the pilot."""
    secondary = rng.random(SCHOOLS) < 1 / 3
    pupils = np.where(secondary, rng.normal(1000, 200, SCHOOLS), rng.lognormal(np.log(280), 0.35, SCHOOLS))
    need = rng.normal(0, 1, SCHOOLS)  # the pilot takes the schools with the most need
    pilot = np.zeros(SCHOOLS, int)
    pilot[np.argsort(-need)[:PILOT_SCHOOLS]] = 1
    return pd.DataFrame({"urn": FIRST_URN + np.arange(SCHOOLS), "pupils": np.maximum(pupils, 60).round(),
                         "pilot": pilot})


def requests_table(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pilot schools (``urn``, ``start_date``) and requests by school and month (``urn``, ``month``,
    ``requests``, ``pupils``), as the templates hold them."""
    rng = np.random.default_rng(seed)
    schools = _schools(rng)
    years = np.arange(len(MONTHS)) / 12
    months_in = np.clip((np.arange(len(MONTHS)) - MONTHS.get_loc(START)) / 3 + 1, 0, 1)  # a term to full effect
    rows = []
    for school in schools.itertuples():
        roll = school.pupils * (1 + rng.normal(0, 0.03, 5)).cumprod()  # the roll changes each school year
        pupils = roll[(MONTHS.year - 2021) - (MONTHS.month < 9)].round().astype(int)
        rate = BASE_RATE[school.pilot] * (1 + GROWTH_PER_YEAR) ** years * SEASON[MONTHS.month - 1]
        rate = rate * (1 + EFFECT * months_in * school.pilot) * rng.lognormal(0, 0.15)
        counts = rng.poisson(rate / 12 / 1000 * pupils)
        rows.append(pd.DataFrame({"urn": school.urn, "month": MONTHS.strftime("%Y-%m"), "requests": counts,
                                  "pupils": pupils}))
    pilot = schools.loc[schools["pilot"] == 1, ["urn"]].assign(start_date=START.strftime("%Y-%m-%d"))
    return pilot.reset_index(drop=True), pd.concat(rows, ignore_index=True)


def write_demo(out_dir: Path, seed: int) -> tuple[Path, Path]:
    """Write ``pilot_schools_northby.csv`` and ``pilot_requests_northby.csv``; returns their paths."""
    schools, requests = requests_table(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = out_dir / "pilot_schools_northby.csv", out_dir / "pilot_requests_northby.csv"
    for frame, path in zip((schools, requests), paths, strict=True):
        path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return paths
