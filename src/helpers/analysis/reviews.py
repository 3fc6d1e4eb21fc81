"""Annual reviews of EHC plans: how many were due, how many were completed, how many decisions were sent
within 4 weeks of the meeting (SEND Regulations 2014, reg. 20), and the officer time the shortfall represents.

Pure functions over the ``ees`` table. "Completed" is DfE's ``reviews_completed`` where the release has it
(2026 layout onward); in earlier releases it is the number of review decisions made (within + over 4 weeks),
the nearest published figure. Percentages are recomputed from counts.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: A full-time officer's working week, used to turn hours into weeks of officer time.
HOURS_PER_WEEK = 37.0


def review_table(ees: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """An area's reviews by calendar year: ``year, expected, completed, completed_basis, within_4_weeks,
    over_4_weeks, pct_within_4_weeks, pct_completed, gap`` (only years with reviews due)."""
    own = ees[ees["area_code"] == area_code].sort_values("year")
    within = own["reviews_decision_within_4_weeks"].to_numpy(float)
    over = own["reviews_decision_over_4_weeks"].to_numpy(float)
    decided = within + over
    published = own["reviews_completed"].to_numpy(float)
    completed = np.where(np.isfinite(published), published, decided)
    out = pd.DataFrame({
        "year": own["year"].to_numpy(int), "expected": own["reviews_expected"].to_numpy(float),
        "completed": completed,
        "completed_basis": np.where(np.isfinite(published), "reviews completed", "review decisions made"),
        "within_4_weeks": within, "over_4_weeks": over,
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        out["pct_within_4_weeks"] = np.where(decided > 0, within / decided * 100, np.nan)
        out["pct_completed"] = np.where(out["expected"] > 0, out["completed"] / out["expected"] * 100, np.nan)
    out["gap"] = (out["expected"] - out["completed"]).clip(lower=0)
    return out.dropna(subset=["expected"]).reset_index(drop=True)


def comparison(ees: pd.DataFrame, areas: Mapping[str, str | tuple[str, ...]]) -> pd.DataFrame:
    """Latest-year review figures for named areas: a published code, or a tuple of council codes (summed over
    the councils with every part published)."""
    rows = []
    for name, code in areas.items():
        codes = (code,) if isinstance(code, str) else code
        parts = [review_table(ees, c) for c in codes]
        parts = [p for p in parts if len(p)]
        if not parts:
            continue
        year = max(int(p["year"].max()) for p in parts)
        latest = pd.concat([p[p["year"] == year] for p in parts])
        if len(codes) > 1:  # a group's sum counts only councils that publish every part
            latest = latest.dropna(subset=["expected", "within_4_weeks", "over_4_weeks"])
        sums = latest[["expected", "completed", "within_4_weeks", "over_4_weeks", "gap"]].sum(min_count=1)
        decided = sums["within_4_weeks"] + sums["over_4_weeks"]
        rows.append({"area": name, "year": year, **sums.to_dict(),
                     "pct_within_4_weeks": sums["within_4_weeks"] / decided * 100 if decided > 0 else np.nan,
                     "pct_completed": sums["completed"] / sums["expected"] * 100 if sums["expected"] > 0 else np.nan})
    return pd.DataFrame(rows)


def officer_time(gap: float, hours_per_review: float, hours_per_week: float = HOURS_PER_WEEK) -> dict[str, float]:
    """Hours and full-time weeks of officer time to complete ``gap`` reviews at ``hours_per_review`` each."""
    hours = float(gap) * float(hours_per_review)
    return {"reviews": float(gap), "hours": hours, "weeks": hours / hours_per_week,
            "fte_years": hours / hours_per_week / 52.0}
