"""Synthetic improvement evidence for the demo LA "Northby": therapies commissioning and outcomes tracking.

Everything here is invented: no real provider, child or price. The story the data tell, for the demo pack:

* **Therapies** (April 2019 to March 2025, one row per provider, therapy type and month). Northby buys therapies
  for children with EHC plans from about fifty providers, mostly as spot purchases. Spend is £381,707 in 2019-20 and
  £428,917 in 2020-21 (the figures of the council decision in issue 16, so the demo tells that story), when the
  council opens a Qualified Provider List (QPL) in April 2021. Providers join the list over the next three years at
  agreed rates about 8% below their spot prices; spot purchases fall away and the number of providers paid falls,
  so spend becomes mostly compliant and somewhat more concentrated. Spend keeps growing with the number of plans.
* **Outcomes** (reviews from 2022 to September 2025, one row per child, outcome area and review). About 700
  children are scored on the council's five-point scale in two to five outcome areas at each annual review. Most
  move up a point or stay level between reviews; social, emotional and mental health (SEMH) improves least and
  declines most, and secondary-age children improve less often than younger ones.

:func:`write_demo` is deterministic: the same seed writes byte-identical files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.sources.outcomes import AREAS

THERAPIES_FILE = "therapies_northby.csv"
OUTCOMES_FILE = "outcomes_northby.csv"
FIRST_YEAR, LAST_YEAR = 2019, 2024
"""Financial years covered (2019 = April 2019 to March 2020)."""
CALIBRATED: dict[int, int] = {2019: 381_707, 2020: 428_917}
"""Spend in the first two years, set to the council decision's figures (issue 16)."""
YEAR_GROWTH: dict[int, float] = {2021: 0.085, 2022: 0.095, 2023: 0.08, 2024: 0.075}
QPL_START = 2021
QPL_DISCOUNT = 0.92

#: Therapy type → (share of providers, hourly spot price in 2019-20 £, hours a child a month).
TYPES: dict[str, tuple[float, float, float]] = {
    "speech and language therapy": (0.34, 72.0, 3.0), "occupational therapy": (0.22, 76.0, 3.0),
    "CBT": (0.12, 85.0, 4.0), "physiotherapy": (0.08, 66.0, 3.0), "hydrotherapy": (0.08, 52.0, 4.0),
    "play therapy": (0.10, 58.0, 4.0), "music therapy": (0.06, 55.0, 3.0)}
_PLACES = ("Brackwater", "Fellside", "Harrowmere", "Ketterby", "Lowfold", "Marrick", "Oakenby", "Pendlow",
           "Quarnby", "Rilston", "Skelby", "Thornwick", "Ulverby", "Wharfdale", "Yarrowby", "Ashgill", "Birkholme",
           "Caldermoor", "Dunsop", "Elmstead", "Farnby", "Gillerton", "Hobthwaite", "Ingleby Marsh", "Jorvale",
           "Kirkbeck", "Langstrath", "Mossbeck", "Netherfold", "Otterburn Vale", "Pikestone", "Ravenholt",
           "Sedbergh Cross", "Tarnside", "Underfell", "Voxley", "Whinmoor", "Yewbarrow", "Aldercombe", "Blea Tarn",
           "Coldkeld", "Dentdale", "Esthwaite", "Foxghyll", "Greyrigg", "Haverbrack", "Ickornshaw", "Jennet Howe",
           "Kelderby", "Lunesdale", "Mardale")
_SUFFIXES = ("Therapy Services Ltd", "Children's Therapies", "Therapy Practice", "Therapies CIC", "Clinic Ltd")


def _providers(rng: np.random.Generator) -> pd.DataFrame:
    """About fifty fictional providers: type, size, pre-QPL arrangement and the year each joins or leaves."""
    names = [f"{place} {_SUFFIXES[i % len(_SUFFIXES)]}" for i, place in enumerate(_PLACES)]
    kinds = list(TYPES)
    weights = np.array([TYPES[k][0] for k in kinds])
    kind = rng.choice(kinds, size=len(names), p=weights / weights.sum())
    size = rng.lognormal(0.0, 0.9, len(names))
    before = rng.choice(["non-preferred", "preferred", "personalised"], size=len(names), p=[0.72, 0.18, 0.10])
    joins = np.where(before == "personalised", 0, rng.choice([0, 2021, 2022, 2023], size=len(names),
                                                             p=[0.3, 0.35, 0.2, 0.15]))
    # spot providers that never join the list stop being used over the QPL's first years (the smaller ones first)
    leaves = np.where((joins == 0) & (before == "non-preferred"),
                      rng.choice([2021, 2022, 2023, 9999], size=len(names), p=[0.3, 0.3, 0.25, 0.15]), 9999)
    return pd.DataFrame({"provider": names, "therapy_type": kind, "size": size, "before": before,
                         "joins": joins, "leaves": leaves})


def _year_rows(rng: np.random.Generator, providers: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per active provider and month of financial ``year``; spend scaled later."""
    active = providers[providers["leaves"] > year]
    rows = []
    for p in active.itertuples(index=False):
        share, price, hours_each = TYPES[p.therapy_type]
        on_list = 0 < p.joins <= year
        status = "QPL" if on_list else p.before
        rate = price * 1.03 ** (year - FIRST_YEAR) * (QPL_DISCOUNT if on_list else 1.0)
        growth = 1.35 if on_list and year > QPL_START else 1.0  # work moves to providers on the list
        for offset in range(12):
            month = pd.Timestamp(year, 4, 1) + pd.DateOffset(months=offset)
            hours = max(1.0, round(p.size * growth * rng.gamma(8, 1 / 8) * 14 * (0.5 if month.month == 8 else 1)))
            children = max(1, int(round(hours / hours_each)))
            rows.append({"month": month.strftime("%Y-%m"), "provider": p.provider, "therapy_type": p.therapy_type,
                         "framework_status": status, "children": children, "hours": hours,
                         "spend_gbp": hours * rate})
    return pd.DataFrame(rows)


def therapies(rng: np.random.Generator) -> pd.DataFrame:
    """The therapies file: rows for each year, scaled to :data:`CALIBRATED` then :data:`YEAR_GROWTH`."""
    providers = _providers(rng)
    years, total = [], 0.0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        rows = _year_rows(rng, providers, year)
        total = CALIBRATED.get(year, round(total * (1 + YEAR_GROWTH.get(year, 0.0))))
        rows["spend_gbp"] = (rows["spend_gbp"] * total / rows["spend_gbp"].sum()).round()
        biggest = rows["spend_gbp"].idxmax()
        rows.loc[biggest, "spend_gbp"] += total - rows["spend_gbp"].sum()  # whole pounds adding up exactly
        rows["spend_gbp"] = rows["spend_gbp"].astype(int)
        rows["hours"] = rows["hours"].astype(int)
        years.append(rows)
    return pd.concat(years, ignore_index=True)


#: Outcome area → (chance of moving up a point, chance of moving down) between reviews.
AREA_MOVES: dict[str, tuple[float, float]] = {
    "communication and interaction": (0.46, 0.10), "cognition and learning": (0.42, 0.09),
    "social, emotional and mental health": (0.30, 0.19), "sensory and physical": (0.40, 0.08),
    "preparing for adulthood": (0.44, 0.08)}
CHILDREN = 700
FIRST_REVIEW, PERIOD_END = dt.date(2022, 1, 10), dt.date(2025, 9, 30)


def _child_reviews(rng: np.random.Generator, child: int) -> list[dict[str, object]]:
    """One child's reviews: annual from a first review date, in two to five areas, scores moving as above."""
    age = int(rng.integers(2, 19))
    areas = [a for a in AREAS if a != "preparing for adulthood" or age >= 13]
    chosen = rng.choice(areas, size=min(len(areas), int(rng.integers(2, 6))), replace=False)
    first = FIRST_REVIEW + dt.timedelta(days=int(rng.integers(0, 900)))
    rows: list[dict[str, object]] = []
    for area in (a for a in AREAS if a in set(chosen)):
        up, down = AREA_MOVES[area]
        up *= 0.8 if age >= 11 else 1.0  # secondary-age children improve less often
        score = int(rng.choice([1, 2, 3, 4], p=[0.3, 0.35, 0.25, 0.1]))
        review = first
        while review <= PERIOD_END and age + (review - first).days // 365 <= 25:
            rows.append({"child_id": f"NB-{child:05d}", "outcome_area": area, "review_date": review.isoformat(),
                         "age_at_review": age + (review - first).days // 365, "score": score})
            step = rng.random()
            score = min(5, score + 1) if step < up else max(1, score - 1) if step > 1 - down else score
            review += dt.timedelta(days=int(rng.integers(340, 390)))
    return rows


def outcomes(rng: np.random.Generator) -> pd.DataFrame:
    """The outcomes file: every child's reviews, by child, area and date."""
    rows = [r for child in range(1, CHILDREN + 1) for r in _child_reviews(rng, child)]
    return pd.DataFrame(rows)


def write_demo(out_dir: Path, seed: int) -> list[Path]:
    """Write :data:`THERAPIES_FILE` and :data:`OUTCOMES_FILE` into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 16])
    paths = []
    for name, frame in ((THERAPIES_FILE, therapies(rng)), (OUTCOMES_FILE, outcomes(rng))):
        path = out_dir / name
        path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        paths.append(path)
    return paths
