"""Action-plan baselines typed in the pack config, checked against the pack's own DfE figure for the same year.

A baseline labelled with a year (``"2022 (inspection)"``) of a measure the DfE release publishes is set beside the
release's figure for that year; a difference of more than :data:`BASELINE_TOLERANCE` is flagged on the
data-quality page and the scorecard row (wording in :mod:`helpers.pages.inspection_readiness_status`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from helpers.analysis import timeliness
from helpers.analysis.scorecard import Area

#: How far (in the metric's unit, percentage points here) a typed baseline may be from the pack's own figure before
#: it is flagged: half a point allows for a baseline written to whole numbers in an inspection report.
BASELINE_TOLERANCE = 0.5

@dataclass(frozen=True)
class BaselineCheck:
    """An action-plan baseline typed in the config beside the pack's own figure for the same year."""

    area_id: str
    title: str
    baseline: float
    baseline_label: str
    year: int
    pack_value: float | None
    unit: str

    @property
    def differs(self) -> bool:
        """True when the pack has a figure for the year and it is more than :data:`BASELINE_TOLERANCE` away."""
        return self.pack_value is not None and abs(self.pack_value - self.baseline) > BASELINE_TOLERANCE


def _published_series(ref: str, ees: pd.DataFrame, la_code: str, region_code: str | None) -> pd.Series | None:
    """The council's published yearly figure (year → value) for the metrics the DfE release holds, else None."""
    if ref == "02_timeliness.pct_within_20_weeks_ex":
        annual = timeliness.annual_series(ees, la_code, region_code)
        return annual[annual["level"] == "la"].set_index("year")["pct_within_20_weeks_ex"]
    shares = {"02_timeliness.decisions_within_6_weeks_pct": ("requests_decided_within_6_weeks",
                                                             "requests_decided_over_6_weeks"),
              "02_timeliness.reviews_within_4_weeks_pct": ("reviews_decision_within_4_weeks",
                                                           "reviews_decision_over_4_weeks")}
    if ref in shares:
        if not set(shares[ref]) <= set(ees.columns):
            return None
        share = timeliness.annual_share(ees, la_code, region_code, *shares[ref])
        return share[share["level"] == "la"].set_index("year")["pct"]
    return None


def baseline_checks(areas: list[Area], ees: pd.DataFrame, la_code: str,
                    region_code: str | None) -> list[BaselineCheck]:
    """Each action-plan baseline whose label starts with a year (e.g. ``"2022 (inspection)"``) and whose metric the
    DfE release publishes, beside the pack's own figure for that year. A label that starts with a month
    ("Sep 2024") or names no year is not checked: DfE's figures are for calendar years."""
    out = []
    for area in areas:
        if area.baseline is None or not area.metric or not area.baseline_label:
            continue
        found = re.match(r"\s*((?:19|20)\d{2})\b", area.baseline_label)
        if not found:
            continue
        series = _published_series(area.metric, ees, la_code, region_code)
        if series is None:
            continue
        year = int(found.group(1))
        value = series.get(year)
        known = value is not None and not pd.isna(value)
        out.append(BaselineCheck(area.id, area.title, float(area.baseline), area.baseline_label, year,
                                 float(value) if known else None, "%"))
    return out
