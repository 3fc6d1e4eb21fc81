"""Counts over the inspection lists and the reproducible deep-dive sample (pure: frames in and out).

Sample rule (:func:`deep_dive_sample`): the children and young people of List 1 are put in strata by primary
need and placement type. Every stratum gets one case; the rest of the requested size is shared
between strata in proportion to their size (largest remainder, ties to the larger stratum, then by name), never
more than a stratum holds. When there are more strata than the requested size, the sample has one case per
stratum. Within a stratum, cases are drawn at random without replacement with NumPy's PCG64 generator
seeded with ``seed``, from the stratum's rows sorted by ``person_id`` (as text), so the same list and seed give
the same sample.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from helpers.analysis.inspection import REVIEW_DAYS

SAMPLE_STRATA: tuple[str, ...] = ("primary_need", "placement_type")
"""List 1 columns that define the deep-dive strata."""
DEFAULT_SAMPLE_SIZE = 30
"""Cases drawn for the deep dive when no size is given (raised to the number of strata when there are more)."""
REVIEW_BANDS: tuple[str, ...] = ("Within 12 months", "Over 12 and up to 18 months", "Over 18 and up to 24 months",
                                 "Over 24 months")
"""Time since the last annual review (or the plan's start, never reviewed): 0–365, 366–547, 548–730, 731+ days."""
_REVIEW_EDGES = [-np.inf, REVIEW_DAYS, 547, 730, np.inf]
WAIT_BANDS: tuple[str, ...] = ("Under 20 weeks", "20 to under 30 weeks", "30 to under 40 weeks",
                               "40 to under 52 weeks", "52 weeks or more")
"""Weeks an open request has waited since it was received."""
_WAIT_EDGES = [-np.inf, 20, 30, 40, 52, np.inf]
MISSING = "Not recorded"


def sample_seed(period_end: dt.date) -> int:
    """The deep-dive seed for a pack: its period end as a number (2025-09-30 → 20250930), so it is stated once
    and the same for every build of the period."""
    return int(period_end.strftime("%Y%m%d"))


def counts_by(frame: pd.DataFrame, column: str, order: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Rows of ``frame`` by ``column``: ``group``, ``count``, ``share`` (% of all rows). Missing values are
    counted as :data:`MISSING`; ``order`` fixes the groups (all shown, zeros included), else largest first."""
    values = frame[column].astype("object").where(frame[column].notna(), MISSING).astype("str")
    counts = values.value_counts()
    if order is not None:
        groups = list(order) + sorted(set(counts.index) - set(order))
        counts = counts.reindex(groups, fill_value=0)
    else:
        counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    total = int(counts.sum())
    share = 100 * counts / total if total else counts * np.nan
    return pd.DataFrame({"group": counts.index.astype("str"), "count": counts.to_numpy().astype("int64"),
                         "share": share.to_numpy().astype("float64")})


def _banded(values: pd.Series, edges: list[float], bands: tuple[str, ...]) -> pd.DataFrame:
    cut = pd.cut(values.astype("float64"), bins=edges, labels=list(bands), right=True)
    counts = cut.value_counts().reindex(list(bands), fill_value=0)
    return pd.DataFrame({"band": list(bands), "count": counts.to_numpy().astype("int64")})


def reviews_by_band(list_one: pd.DataFrame) -> pd.DataFrame:
    """Plans by time since the last annual review (:data:`REVIEW_BANDS`): ``band``, ``count``,
    ``never_reviewed`` (of them, plans with no review recorded, timed from the plan's start)."""
    out = _banded(list_one["days_since_review"], _REVIEW_EDGES, REVIEW_BANDS)
    never = list_one[list_one["last_review"].isna()]
    out["never_reviewed"] = _banded(never["days_since_review"], _REVIEW_EDGES, REVIEW_BANDS)["count"].to_numpy()
    return out


def waits_by_band(open_requests: pd.DataFrame) -> pd.DataFrame:
    """Open requests by weeks since the request was received (:data:`WAIT_BANDS`): ``band``, ``count``."""
    return _banded(open_requests["weeks_open"], _WAIT_EDGES, WAIT_BANDS)


def strata(list_one: pd.DataFrame) -> pd.Series:
    """Each row's stratum label, ``"<primary need> | <placement type>"`` (missing values as :data:`MISSING`)."""
    parts = [list_one[c].astype("object").where(list_one[c].notna(), MISSING).astype("str") for c in SAMPLE_STRATA]
    return parts[0].str.cat(parts[1:], sep=" | ")


def allocation(sizes: pd.Series, total: int) -> pd.Series:
    """Cases per stratum (index: stratum, values: its size): one each, the rest of ``total`` in proportion to
    size by largest remainder (Hamilton's method), capped at the stratum's size; what a cap frees is shared again
    the same way among the strata with room (module rule)."""
    sizes = sizes.sort_index().astype("int64")
    take = pd.Series(1, index=sizes.index, dtype="int64").clip(upper=sizes)
    spare = max(0, min(total, int(sizes.sum())) - int(take.sum()))
    while spare > 0:
        room = sizes - take
        weights = sizes.where(room > 0, 0)
        quota = spare * weights / weights.sum()
        whole = np.floor(quota).astype("int64")
        order = pd.DataFrame({"rem": quota - whole, "size": weights, "name": sizes.index})[room > whole]
        order = order.sort_values(["rem", "size", "name"], ascending=[False, False, True])
        whole[order.index[: spare - int(whole.sum())]] += 1
        whole = np.minimum(whole, room)
        take += whole
        spare -= int(whole.sum())
    return take


def deep_dive_sample(list_one: pd.DataFrame, seed: int, size: int = DEFAULT_SAMPLE_SIZE) -> pd.DataFrame:
    """The deep-dive sample (module rule): List 1's rows drawn, with ``stratum`` and ``sample_number`` (1, 2,
    ... in stratum then draw order) first."""
    if list_one.empty:
        return list_one.assign(sample_number=pd.Series(dtype="int64"), stratum=pd.Series(dtype="str"))
    rows = list_one.assign(stratum=strata(list_one)).sort_values(["stratum", "person_id"], kind="stable")
    take = allocation(rows["stratum"].value_counts(), size)
    rng = np.random.default_rng(seed)
    picked = []
    for name in sorted(take.index):
        group = rows[rows["stratum"] == name]
        chosen = rng.choice(len(group), size=int(take[name]), replace=False)
        picked.append(group.iloc[np.sort(chosen)])
    sample = pd.concat(picked, ignore_index=True)
    sample.insert(0, "sample_number", np.arange(1, len(sample) + 1, dtype="int64"))
    sample.insert(1, "stratum", sample.pop("stratum"))
    return sample


def strata_table(list_one: pd.DataFrame, sample: pd.DataFrame) -> pd.DataFrame:
    """Per stratum: ``stratum``, ``on_list`` (List 1 rows), ``sampled`` (deep-dive cases)."""
    on_list = strata(list_one).value_counts()
    sampled = sample["stratum"].value_counts().reindex(on_list.index, fill_value=0)
    out = pd.DataFrame({"stratum": on_list.index.astype("str"), "on_list": on_list.to_numpy().astype("int64"),
                        "sampled": sampled.to_numpy().astype("int64")})
    return out.sort_values(["on_list", "stratum"], ascending=[False, True]).reset_index(drop=True)
