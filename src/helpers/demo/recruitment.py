"""Synthetic EP recruitment for the demo LA "Northby": campaigns, applications, appointments and independent reports.

The story, beside the demo staffing return (:mod:`helpers.demo.sen2`): from 2022 Northby advertises EP posts
again and again, with few applicants and fewer appointments (one post advertised for £2,800 in March 2022; agency
campaigns of £10,000-£15,000 from 2023). A national campaign in January 2024, when the service is at its weakest,
fills four posts. From October 2024 the council accepts EP advice from independent (privately commissioned)
reports for a year, about eight a month. Campaigns are written out below; applications arrive over the advert's
month and the next two (seeded), so :func:`write_demo` is deterministic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

MONTHS = pd.date_range("2021-10-01", "2025-09-01", freq="MS")
#: Campaigns: advert month → (posts advertised, cost £, applications, months from the advert of each appointment).
CAMPAIGNS: dict[str, tuple[int, float, int, tuple[int, ...]]] = {
    "2022-03": (1, 2800.0, 2, (2,)),
    "2022-10": (2, 4500.0, 1, ()),
    "2023-03": (3, 11000.0, 4, (2,)),
    "2023-09": (4, 12500.0, 3, (2,)),
    "2024-01": (5, 14800.0, 9, (2, 3, 4, 6)),
    "2024-09": (3, 10200.0, 6, (1, 2, 4)),
    "2025-03": (2, 6000.0, 5, (2, 4)),
}
#: Independent reports accepted each month, October 2024 to September 2025 (the year the route is open).
INDEPENDENT_REPORTS = (5, 7, 8, 6, 9, 8, 10, 9, 7, 8, 9, 6)


def recruitment_table(seed: int) -> pd.DataFrame:
    """The template's rows: one per month from October 2021 to September 2025."""
    rng = np.random.default_rng(seed)
    months = list(MONTHS.strftime("%Y-%m"))
    out = pd.DataFrame(0, index=months, columns=["posts_advertised", "applications", "appointments",
                                                 "independent_reports"])
    cost = pd.Series(0.0, index=months)
    for advert, (posts, spend, applications, appointed) in CAMPAIGNS.items():
        at = months.index(advert)
        out.iloc[at, 0] += posts
        cost.iloc[at] += spend
        out.iloc[at:at + 3, 1] += rng.multinomial(applications, [0.5, 0.3, 0.2])
        for lag in appointed:
            out.iloc[at + lag, 2] += 1
    out.iloc[-len(INDEPENDENT_REPORTS):, 3] = INDEPENDENT_REPORTS
    out.insert(3, "campaign_cost_gbp", cost.round(2))
    return out.rename_axis("month").reset_index()


def write_demo(out_dir: Path, seed: int) -> Path:
    """Write ``ep_recruitment_northby.csv``; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "ep_recruitment_northby.csv"
    path.write_bytes(recruitment_table(seed).to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return path
