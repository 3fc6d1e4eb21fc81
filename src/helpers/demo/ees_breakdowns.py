"""Synthetic breakdowns of plans in place for the demo DfE release, in the real 2025 layout, so the demo pack
shows the "Plans in place and annual reviews" page.

:func:`write` runs after :func:`helpers.demo.ees.write_release` has written ``caseload.csv`` (hook line in that
function). It adds to ``caseload.csv`` the placement columns of the "All EHC plans" rows (every census) and the
"Child or young persons age" rows (the last census; the real release has two), and writes
``sen_needs_all_plans.csv`` (primary need, last census only); to ``ceased_plans.csv`` it adds the reasons of the
"All ceased EHC plans" rows and the "Age plan ceased" rows (last year). Every council's count is shared out
by a multinomial draw around England's published composition (``../shared`` 2025 release, England rows, rounded),
with a council-level tilt drawn once; regions and England are the sums of their councils. Seeded: the same
seed writes byte-identical files, and running it twice gives the same files (it first removes what it added).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.sources.ees_breakdowns_layouts import ALL, CEASED

#: England's placement mix (% of plans) in January 2019 and January 2025, by 2025 column (DfE 2025 release,
#: caseload.csv England rows, rounded; the last column takes what is left). Years between are interpolated.
PLACEMENT_MIX: dict[str, tuple[float, float]] = {
    "mainstream_la_maintained": (18.2, 15.0), "mainstream_academy": (14.5, 22.2),
    "mainstream_la_maintained_resourced_provision": (1.8, 1.1), "mainstream_academy_senunit": (0.8, 0.9),
    "special_la_maintained": (23.7, 13.5), "special_academy_free": (9.9, 11.6),
    "special_independent": (3.9, 4.6), "special_non_maintained": (1.1, 0.7), "ap_pru_la_maintained": (0.5, 0.4),
    "general_fe_tertiary_colleges": (14.8, 11.1), "specialist_post_16_institutions": (1.4, 1.5),
    "neet": (1.7, 2.8), "elective_home_education": (0.6, 1.1), "other_arrangements_la": (0.8, 1.8),
    "nm_early_years": (0.5, 0.7), "placement_unknown": (6.6, 11.0),
}
#: England's primary-need mix (% of plans), January 2025 (sen_needs_all_plans.csv, England row, rounded).
NEED_MIX: dict[str, float] = {
    "number_asd": 31.5, "number_slcn": 21.3, "number_semh": 20.7, "number_mld": 10.6, "number_sld": 4.0,
    "number_pd": 3.9, "number_spld": 2.3, "number_hi": 1.4, "number_pmld": 1.3, "number_oth": 1.2,
    "number_vi": 0.8, "number_need_unknown": 0.8, "number_msi": 0.3,
}
#: Share of plans at each single year of age (under 3, 3, ..., 25), England 2025 shape (rounded).
AGE_MIX: tuple[float, ...] = (0.3, 1.2, 2.8, 4.3, 5.3, 5.8, 6.1, 6.3, 6.5, 7.3, 7.6, 7.4, 7.1, 7.0, 6.7, 5.9, 4.6,
                              3.7, 1.9, 1.2, 0.8, 0.5, 0.3, 0.2)
AGE_LABELS: tuple[str, ...] = ("under 3", *(f"age {n}" for n in range(3, 26)))
AGE_TOPIC = "Child or young persons age"
#: The file this module adds to the demo release (the others are written by :mod:`helpers.demo.ees`).
NEEDS_FILE = "sen_needs_all_plans.csv"
#: England's plans ceased in 2024 by reason (DfE 2025 release, ceased_plans.csv England row; not_rec is 0).
CEASED_MIX: dict[str, float] = {
    "max_age": 1990, "needs_met": 3955, "he": 2579, "employ": 4053, "transfer": 13953, "no_engage": 16091,
    "moved_outside_eng": 928, "deceased": 475, "other": 837,
}
CEASED_AGE_TOPIC = "Age plan ceased"
CEASED_AGE_LABELS: tuple[str, ...] = ("age 2 and under", *(f"age {n}" for n in range(3, 20)), "age 20 and over")
#: Share of plans ceased at each age (2 and under, 3, ..., 19, 20 and over), England 2024 shape (rounded).
CEASED_AGE_MIX: tuple[float, ...] = (0.5, 0.3, 0.3, *([1.9] * 6), *([2.5] * 5), 6.0, 7.0, 9.0, 11.0, 41.4)
_KEY = ["time_period", "geographic_level", "region_code", "old_la_code"]
_LEAD = 12


def _mix(year: int) -> np.ndarray:
    t = min(max((year - 2019) / 6, 0.0), 1.0)
    p = np.array([a + (b - a) * t for a, b in PLACEMENT_MIX.values()])
    out: np.ndarray = p / p.sum()
    return out


def _draw(las: pd.DataFrame, seed: int, tag: int, columns: list[str], probs: dict[str, np.ndarray],
          tilt: float, total: str = "ehcplans") -> pd.DataFrame:
    """Each council row's count (``total``) shared out over ``columns`` with its year's probabilities, tilted
    by a council's own lognormal factors (``tilt``: their spread on the log scale)."""
    out = np.zeros((len(las), len(columns)), dtype=np.int64)
    tilts: dict[str, np.ndarray] = {}
    for i, (period, code, count) in enumerate(zip(las["time_period"], las["old_la_code"], las[total], strict=True)):
        if code not in tilts:
            tilts[code] = np.random.default_rng([seed, tag, int(code)]).lognormal(0.0, tilt, len(columns))
        p = probs[period] * tilts[code]
        stream = np.random.default_rng([seed, tag, int(code), int(period)])
        out[i] = stream.multinomial(int(count) if count.isdigit() else 0, p / p.sum())
    return pd.DataFrame(out, columns=columns, index=las.index)


def _with_sums(rows: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Council values plus region and England rows that are their sums, aligned to ``rows``."""
    la = rows["geographic_level"] == "Local authority"
    keyed = pd.concat([rows.loc[la, ["time_period", "region_code"]], values.loc[la]], axis=1)
    region = keyed.groupby(["time_period", "region_code"]).sum()
    england = keyed.drop(columns="region_code").groupby("time_period").sum()
    out = values.copy()
    for i in rows.index[~la]:
        r = rows.loc[i]
        src = england.loc[r["time_period"]] if r["geographic_level"] == "National" else region.loc[
            (r["time_period"], r["region_code"])]
        out.loc[i] = src.to_numpy()
    return out


def _wide(head: pd.DataFrame, seed: int, tag: int, probs: dict[str, np.ndarray], columns: list[str],
          tilt: float, total: str) -> pd.DataFrame:
    """The breakdown columns of the headline rows: councils drawn, regions and England summed."""
    la = head[head["geographic_level"] == "Local authority"]
    drawn = _draw(la, seed, tag, columns, probs, tilt, total).reindex(head.index, fill_value=0)
    return _with_sums(head, drawn).astype(str)


def _ages(head: pd.DataFrame, seed: int, tag: int, spec: tuple[str, tuple[str, ...], tuple[float, ...]],
          total: str, blank: list[str]) -> pd.DataFrame:
    """Age rows (``spec``: topic, labels, mix) for the latest year only (the page uses no more; the real release
    has two), ``blank`` columns written as x."""
    topic, labels, mix = spec
    periods = sorted(head["time_period"].unique())[-1:]
    rows = head[head["time_period"].isin(periods)]
    p = np.array(mix) / sum(mix)
    drawn = _wide(rows, seed, tag, {q: p for q in periods}, list(labels), 0.1, total)
    parts = []
    for label in labels:
        part = rows.copy()
        part["breakdown_topic"], part["breakdown"] = topic, label
        part[total] = drawn[label]
        part[blank] = "x"
        parts.append(part)
    return pd.concat(parts).sort_index(kind="stable")


def _augment(path: Path, headline: str, total: str, wide: pd.DataFrame, ages: pd.DataFrame) -> None:
    """Rewrite ``path`` as its headline rows with the ``wide`` columns beside them, then the age rows."""
    head = _headline(path, headline)
    full = pd.concat([pd.concat([head, wide], axis=1), ages], ignore_index=True)
    order = {level: i for i, level in enumerate(("National", "Regional", "Local authority"))}
    full = full.assign(_o=full["geographic_level"].map(order), _b=full["breakdown_topic"] != headline).sort_values(
        ["time_period", "_o", "region_code", "old_la_code", "_b"], kind="stable").drop(columns=["_o", "_b"])
    path.write_bytes(full.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))


def _headline(path: Path, headline: str) -> pd.DataFrame:
    """The file's headline rows and columns as :mod:`helpers.demo.ees` wrote them (what this module added is
    dropped, so writing twice gives the same file)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return table[table["breakdown_topic"] == headline].iloc[:, : _LEAD + 1].reset_index(drop=True)


def _needs(head: pd.DataFrame, seed: int) -> pd.DataFrame:
    last = head[head["time_period"] == head["time_period"].max()].reset_index(drop=True)
    p = np.array(list(NEED_MIX.values()))
    values = _wide(last, seed, 153, {last["time_period"].iloc[0]: p / p.sum()}, list(NEED_MIX), 0.2, "ehcplans")
    lead = last.iloc[:, :_LEAD]
    return pd.concat([lead, last[["ehcplans"]].rename(columns={"ehcplans": "ehc_plans"}), values], axis=1)


def write(data: Path, seed: int) -> None:
    """Add the placement and age breakdowns to ``caseload.csv`` and the reasons and ages to ``ceased_plans.csv``
    in ``data``, and write ``sen_needs_all_plans.csv``."""
    caseload = Path(data) / "caseload.csv"
    head = _headline(caseload, ALL)
    probs = {q: _mix(int(q[:4]) + 1) for q in head["time_period"].unique()}
    placements = _wide(head, seed, 151, probs, list(PLACEMENT_MIX), 0.3, "ehcplans")
    ages = _ages(head, seed, 152, (AGE_TOPIC, AGE_LABELS, AGE_MIX), "ehcplans", list(PLACEMENT_MIX))
    _augment(caseload, ALL, "ehcplans", placements, ages)
    (Path(data) / NEEDS_FILE).write_bytes(_needs(head, seed).to_csv(index=False, lineterminator="\n")
                                          .encode("utf-8-sig"))
    ceased = Path(data) / "ceased_plans.csv"
    head = _headline(ceased, CEASED)
    mix = np.array(list(CEASED_MIX.values())) / sum(CEASED_MIX.values())
    reasons = _wide(head, seed, 154, {q: mix for q in head["time_period"].unique()}, list(CEASED_MIX), 0.3,
                    "total_ceased")
    ages = _ages(head, seed, 155, (CEASED_AGE_TOPIC, CEASED_AGE_LABELS, CEASED_AGE_MIX), "total_ceased",
                 list(CEASED_MIX))
    _augment(ceased, CEASED, "total_ceased", reasons, ages)
