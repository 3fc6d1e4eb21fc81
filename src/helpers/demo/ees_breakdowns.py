"""Synthetic breakdowns of plans in place for the demo DfE release, in the real 2025 layout, so the demo pack
shows the "Plans in place and annual reviews" page.

:func:`write` runs after :func:`helpers.demo.ees.write_release` has written ``caseload.csv`` (hook line in that
function). It adds to ``caseload.csv`` the placement columns of the "All EHC plans" rows (every census) and the
"Child or young persons age" rows (the last two censuses, as in the real release), and writes
``sen_needs_all_plans.csv`` (primary need, last census only). Every council's plans in place are shared out by
a multinomial draw around England's published composition (``../shared`` 2025 release, England rows, rounded),
with a council-level tilt drawn once; regions and England are the sums of their councils. Seeded: the same
seed writes byte-identical files, and running it twice gives the same files (it first removes what it added).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.sources.ees_breakdowns_layouts import ALL

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
_KEY = ["time_period", "geographic_level", "region_code", "old_la_code"]
_LEAD = 12


def _mix(year: int) -> np.ndarray:
    t = min(max((year - 2019) / 6, 0.0), 1.0)
    p = np.array([a + (b - a) * t for a, b in PLACEMENT_MIX.values()])
    out: np.ndarray = p / p.sum()
    return out


def _draw(las: pd.DataFrame, seed: int, tag: int, columns: list[str], probs: dict[str, np.ndarray],
          tilt: float) -> pd.DataFrame:
    """Each council row's plans (``ehcplans``) shared out over ``columns`` with its year's probabilities, tilted
    by a council's own lognormal factors (``tilt``: their spread on the log scale)."""
    out = np.zeros((len(las), len(columns)), dtype=np.int64)
    tilts: dict[str, np.ndarray] = {}
    for i, (period, code, total) in enumerate(zip(las["time_period"], las["old_la_code"], las["ehcplans"],
                                                  strict=True)):
        if code not in tilts:
            tilts[code] = np.random.default_rng([seed, tag, int(code)]).lognormal(0.0, tilt, len(columns))
        p = probs[period] * tilts[code]
        stream = np.random.default_rng([seed, tag, int(code), int(period)])
        out[i] = stream.multinomial(int(total), p / p.sum())
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


def _placements(head: pd.DataFrame, seed: int) -> pd.DataFrame:
    columns = list(PLACEMENT_MIX)
    probs = {p: _mix(int(p[:4]) + 1) for p in head["time_period"].unique()}
    la = head[head["geographic_level"] == "Local authority"]
    drawn = _draw(la, seed, 151, columns, probs, 0.3).reindex(head.index, fill_value=0)
    return _with_sums(head, drawn).astype(str)


def _ages(head: pd.DataFrame, seed: int, columns: list[str]) -> pd.DataFrame:
    periods = sorted(head["time_period"].unique())[-2:]
    rows = head[head["time_period"].isin(periods)]
    probs = {p: np.array(AGE_MIX) for p in periods}
    la = rows[rows["geographic_level"] == "Local authority"]
    drawn = _with_sums(rows, _draw(la, seed, 152, list(AGE_LABELS), probs, 0.1).reindex(rows.index, fill_value=0))
    parts = []
    for label in AGE_LABELS:
        part = rows.copy()
        part["breakdown_topic"], part["breakdown"] = AGE_TOPIC, label
        part["ehcplans"] = drawn[label].astype(str)
        part[columns] = "x"
        parts.append(part)
    return pd.concat(parts).sort_index(kind="stable")


def _needs(head: pd.DataFrame, seed: int) -> pd.DataFrame:
    last = head[head["time_period"] == head["time_period"].max()]
    p = np.array(list(NEED_MIX.values()))
    la = last[last["geographic_level"] == "Local authority"]
    drawn = _draw(la, seed, 153, list(NEED_MIX), {last["time_period"].iloc[0]: p / p.sum()}, 0.2)
    values = _with_sums(last, drawn.reindex(last.index, fill_value=0)).astype(str)
    lead = last.iloc[:, :_LEAD]
    return pd.concat([lead, last[["ehcplans"]].rename(columns={"ehcplans": "ehc_plans"}), values], axis=1)


def write(data: Path, seed: int) -> None:
    """Add the placement and age breakdowns to ``data/caseload.csv`` and write ``data/sen_needs_all_plans.csv``."""
    path = Path(data) / "caseload.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    head = table[table["breakdown_topic"] == ALL].iloc[:, : _LEAD + 1].reset_index(drop=True)  # as written
    placements = _placements(head, seed)
    headline = pd.concat([head, placements], axis=1)
    ages = _ages(head, seed, list(PLACEMENT_MIX))
    full = pd.concat([headline, ages], ignore_index=True)
    order = {level: i for i, level in enumerate(("National", "Regional", "Local authority"))}
    full = full.assign(_o=full["geographic_level"].map(order), _b=full["breakdown_topic"] != ALL).sort_values(
        ["time_period", "_o", "region_code", "old_la_code", "_b"], kind="stable").drop(columns=["_o", "_b"])
    path.write_bytes(full.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
    needs = _needs(head, seed)
    (Path(data) / NEEDS_FILE).write_bytes(needs.to_csv(index=False, lineterminator="\n")
                                                          .encode("utf-8-sig"))
