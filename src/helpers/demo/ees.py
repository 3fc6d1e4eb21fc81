"""A small synthetic DfE "Education, health and care plans" release for the demo pack.

Same layout as the real 2025 all-data zip, unzipped (``data/requests.csv`` ... ``data/ceased_plans.csv``, UTF-8
with a byte-order mark, ``x`` where the real release has no data, academic-year codes such as ``202425`` in
``caseload.csv``), but only the headline "All ..." rows and only the columns the reader uses. Geographies:
England, the 9 regions and every real LA of ``data/reference/la_codes.csv`` (real names and codes, **synthetic
numbers**), plus the fictional demo LA "Northby" (old code ``999``, ``E06000999``, North West).

How the numbers are made (all seeded, so a seed gives byte-identical files):

* England's published totals per year (:data:`ENGLAND`, from ``reference/ees_statistics.md`` §2.1) are shared
  out to LAs with random sizes that drift a little each year; each LA's counts are Poisson draws around its
  share, so England's synthetic totals land within about 1% of the published ones;
* counts that are parts of another count are binomial draws from it (plans within 20 weeks out of plans issued,
  plans excluding exceptions out of all plans ...), so every part is at most its whole;
* each LA has its own persistent timeliness level (logit-normal around England's rate) plus year-to-year noise,
  because real LAs range from about 10% to 100% within 20 weeks;
* regions and England are the sums of their LAs, so LA sums = region sums = England exactly;
* ``demo_la_totals`` (Northby's annual totals computed from the synthetic SEN2 file) replaces Northby's values
  for the years and measures it gives, and activity counts drawn from them (decisions, plans within 20 weeks
  ...) are drawn from the replaced values, so the two demo sources agree and parts never exceed their wholes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.areas import ENGLAND_CODE
from helpers.demo import ees_breakdowns  # h-plans (issue 15): breakdowns of plans in place
from helpers.config import project_root

FIRST_YEAR, LAST_YEAR = 2014, 2024
"""Calendar years of activity; plans-in-place censuses run from January FIRST_YEAR to January LAST_YEAR + 1."""
DETAIL_FROM = 2022
"""Activity detail (decisions by type and speed, mediation, assessments completed, weeks 20-52 and over 52) is
``x`` before this year, as in the real release, where it starts in 2022-2023."""
REVIEWS_YEARS = (2024,)
"""Annual reviews are published for calendar year 2024 only in the 2025 release."""

NORTHBY: dict[str, str] = {"old_code": "999", "code": "E06000999", "name": "Northby",
                           "region_code": "E12000002", "region_name": "North West"}
NORTHBY_SHARE = 0.0055
"""Northby's share of England's activity: about the size of its synthetic SEN2 return (~800 requests a year)."""
LA_CODES = project_root(Path(__file__).parent) / "data" / "reference" / "la_codes.csv"

#: Published England figures by calendar year (ees_statistics.md §2.1; plans in place = January census of the
#: *next* year, statements included until 2018). Requests 2014-2015 are not published in the files read; they are
#: derived as (new plans + refusals) x 1.085, the 2016 ratio.
ENGLAND = pd.DataFrame({
    "year": range(2014, 2025),
    "requests": [3_777, 38_614, 55_235, 64_555, 72_423, 82_329, 75_951, 93_302, 114_482, 138_242, 154_489],
    "refusals": [2_122, 10_935, 14_795, 14_586, 17_890, 18_755, 16_406, 20_830, 25_255, 33_141, 38_889],
    "new_plans": [1_359, 24_654, 36_094, 42_162, 48_907, 53_899, 60_097, 62_180, 66_706, 84_428, 97_747],
    "pct_ex": [64.3, 59.2, 58.6, 64.9, 60.1, 60.4, 58.0, 59.9, 49.2, 50.3, 46.4],
    "pct_inc": [61.5, 54.6, 55.7, 61.3, 58.0, 58.7, 55.6, 57.9, 47.7, 49.1, 45.9],
    "plans_in_place_next_jan": [240_183, 256_315, 287_290, 319_819, 353_995, 390_109, 430_697, 473_255,
                                517_048, 576_474, 638_745],
}).set_index("year")
ENGLAND_PLANS_IN_PLACE_2014 = 237_111
"""January 2014 census (statements), the first census of the series."""

# Published ratios used for the parts (ees_statistics.md §2.1, 2023-2024): share of requests decided to assess,
# withdrawn; decisions within 6 weeks; plans issued per new plan; plans excluding exceptions; assessed without a
# plan; share of late plans over 52 weeks; reviews expected per plan; review decisions made, within 4 weeks;
# plans ceased per plan in place.
RATES: dict[str, float] = {
    "assess": 0.66, "withdrawn": 0.015, "within_6_weeks": 0.848, "mediation": 0.055, "tribunal": 0.026,
    "issued_per_new_plan": 0.93, "excluding_exceptions": 0.936, "not_issued": 0.066, "other_assessments": 0.011,
    "over_52_of_late": 0.13, "reviews_expected": 0.82, "review_decided": 0.665, "review_within_4_weeks": 0.444,
    "ceased": 0.065,
}

#: file -> (headline label, time identifier, {measure: column name as in the real release}).
FILES: dict[str, tuple[str, str, dict[str, str]]] = {
    "requests.csv": ("All requests for EHC needs assessments", "Calendar year", {
        "requests_received": "requests_received_in_year",
        "requests_decided_to_assess": "requests_decided_to_assess",
        "requests_decided_not_to_assess": "requests_decided_not_to_assess",
        "requests_decision_not_made": "requests_decision_not_made",
        "requests_withdrawn": "requests_withdrawn",
        "requests_decided_within_6_weeks": "request_outcome_six_weeks",
        "requests_decided_over_6_weeks": "request_outcome_over_6_weeks",
        "requests_mediation_related": "mediation_related_request",
        "requests_tribunal_related": "tribunal_related_request",
    }),
    "assessments.csv": ("All EHC needs assessments", "Calendar year", {
        "assessments_completed": "assess_in_year",
        "assessments_plan_issued": "assess_issued",
        "assessments_plan_not_issued": "assess_not_issued",
    }),
    "newplans.csv": ("New EHC plans", "Calendar year", {"new_plans": "new_ehc_plans"}),
    "timeliness_20_week.csv": ("All EHC plans issued", "Calendar year", {
        "plans_issued": "plans_issued_den",
        "plans_issued_ex": "plans_issued_den_ex",
        "plans_issued_within_20_weeks": "plans_issued_within_20_weeks",
        "plans_issued_within_20_weeks_ex": "plans_issued_20_weeks_ex",
        "plans_issued_20_to_52_weeks": "plans_issued_gt20weeks_ltYear",
        "plans_issued_20_to_52_weeks_ex": "plans_issued_gt20weeks_ltYear_ex",
        "plans_issued_over_52_weeks": "plans_issued_gt_1_year",
        "plans_issued_over_52_weeks_ex": "plans_issued_gt_1_year_ex",
    }),
    "caseload.csv": ("All EHC plans", "Academic year", {"plans_in_place": "ehcplans"}),
    "annual_reviews.csv": ("All annual reviews", "Calendar year", {
        "reviews_expected": "review_expected",
        "reviews_decision_within_4_weeks": "number_decsion_4weeks",
        "reviews_decision_over_4_weeks": "number_decision_gt_4weeks",
    }),
    "ceased_plans.csv": ("All ceased EHC plans", "Calendar year", {"plans_ceased": "total_ceased"}),
}
_DETAIL = {"requests_decided_to_assess", "requests_decision_not_made", "requests_withdrawn",
           "requests_decided_within_6_weeks", "requests_decided_over_6_weeks", "requests_mediation_related",
           "requests_tribunal_related", "assessments_completed", "plans_issued_20_to_52_weeks",
           "plans_issued_20_to_52_weeks_ex", "plans_issued_over_52_weeks", "plans_issued_over_52_weeks_ex"}
_LEAD = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
         "region_name", "new_la_code", "old_la_code", "la_name", "breakdown_topic", "breakdown")


def la_list(path: Path = LA_CODES) -> pd.DataFrame:
    """The real LAs (``data/reference/la_codes.csv``) plus Northby, sorted by old code."""
    las = pd.read_csv(path, dtype=str, keep_default_na=False)
    northby = pd.DataFrame([{**NORTHBY, "former_codes": ""}])
    return pd.concat([las, northby], ignore_index=True).sort_values("old_code", ignore_index=True)


def write_release(out_dir: Path, seed: int, demo_la_totals: pd.DataFrame | None = None) -> Path:
    """Write the synthetic release into ``out_dir/data/*.csv`` and return ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder to write (``data/demo/ees`` in the repo); read it back with ``helpers.sources.ees.read_release``.
    seed
        Seed of the random generator: the same seed writes byte-identical files.
    demo_la_totals
        Optional Northby totals: one row per calendar year with a ``year`` column and any of the ``ees``
        measure columns; they replace Northby's synthetic values for those years and measures.
    """
    las = la_list()
    overrides = _overrides(demo_la_totals)
    la_values = _la_values(seed, las, overrides)
    frames = _with_totals(la_values, las)
    data = Path(out_dir) / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, (label, identifier, columns) in FILES.items():
        (data / name).write_bytes(_csv(frames, label, identifier, columns).encode("utf-8-sig"))
    ees_breakdowns.write(data, seed)  # h-plans (issue 15): placement, age and need breakdowns
    return Path(out_dir)


def _overrides(totals: pd.DataFrame | None) -> dict[int, dict[str, float]]:
    if totals is None:
        return {}
    known = {m for _, _, cols in FILES.values() for m in cols}
    unknown = set(totals.columns) - known - {"year"}
    if unknown:
        raise ValueError(f"demo_la_totals has columns the demo release does not write: {sorted(unknown)}")
    return {int(row["year"]): {k: float(v) for k, v in row.items() if k != "year" and pd.notna(v)}
            for row in totals.to_dict("records")}


def _la_values(seed: int, las: pd.DataFrame, overrides: dict[int, dict[str, float]]) -> pd.DataFrame:
    """One row per LA and year (calendar years, plus the extra January census) with every measure.

    Each LA draws from its own random stream (seeded by ``seed`` and its old code), so Northby's overrides or a
    change to the LA list leave the other LAs' numbers unchanged.
    """
    rng = np.random.default_rng(seed)
    n = len(las)
    streams = [np.random.default_rng([seed, int(code)]) for code in las["old_code"]]
    is_northby = (las["old_code"] == NORTHBY["old_code"]).to_numpy()
    size = rng.lognormal(0.0, 0.6, n)
    size[is_northby] = 0.0
    size = size / size.sum() * (1 - NORTHBY_SHARE)
    size[is_northby] = NORTHBY_SHARE
    drift = rng.normal(0.0, 0.03, n)
    drift[is_northby] = 0.0
    level = rng.normal(0.0, 0.8, n)  # persistent timeliness (logit scale)
    rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 2):
        share = size * np.exp(drift * (year - 2019))
        share = share / share.sum()
        census = year - 1 if year > FIRST_YEAR else None  # the January census of `year` closes year - 1
        for i in range(n):
            fixed = overrides.get(year, {}) if is_northby[i] else {}
            row = {"old_code": las["old_code"].iloc[i], "year": year}
            if year <= LAST_YEAR:
                row.update(_activity(streams[i], year, share[i], level[i], fixed))
            jan = ENGLAND_PLANS_IN_PLACE_2014 if census is None else ENGLAND.loc[census, "plans_in_place_next_jan"]
            row["plans_in_place"] = float(streams[i].poisson(jan * share[i]))
            rows.append(row)
    frame = pd.DataFrame(rows)
    nxt = frame.groupby("old_code")["plans_in_place"].shift(-1)  # plans in place next January
    frame["plans_ceased"] = rng.binomial(frame["plans_in_place"].astype(int), RATES["ceased"]).astype(float)
    reviews = frame["year"].isin(REVIEWS_YEARS)
    expected = rng.binomial(nxt.fillna(0).astype(int), RATES["reviews_expected"])
    decided = rng.binomial(expected, RATES["review_decided"])
    within = rng.binomial(decided, RATES["review_within_4_weeks"])
    frame["reviews_expected"] = np.where(reviews, expected, np.nan)
    frame["reviews_decision_within_4_weeks"] = np.where(reviews, within, np.nan)
    frame["reviews_decision_over_4_weeks"] = np.where(reviews, decided - within, np.nan)
    for year, values in overrides.items():
        at = (frame["year"] == year) & (frame["old_code"] == NORTHBY["old_code"])
        for measure, value in values.items():
            frame.loc[at, measure] = value
    frame.loc[frame["year"] > LAST_YEAR, ["plans_ceased", "reviews_expected"]] = np.nan
    return frame


def _activity(rng: np.random.Generator, year: int, share: float, level: float,
              fixed: dict[str, float]) -> dict[str, float]:
    """One LA's activity in one calendar year; a part is drawn from its (possibly fixed) whole."""
    e = ENGLAND.loc[year]
    out: dict[str, float] = {}

    def put(measure: str, draw: float, at_least: float = 0) -> int:
        """The fixed value if given, else the draw raised to ``at_least`` (the fixed parts of this whole)."""
        out[measure] = float(fixed.get(measure, max(draw, at_least)))
        return int(out[measure])

    def fixed_sum(*measures: str) -> float:
        return sum(fixed.get(m, 0.0) for m in measures)

    requests = put("requests_received", rng.poisson(e["requests"] * share),
                   fixed_sum("requests_decided_to_assess", "requests_decided_not_to_assess", "requests_withdrawn"))
    refusal = e["refusals"] / e["requests"]
    assess = put("requests_decided_to_assess", rng.binomial(requests, min(RATES["assess"], 1 - refusal)))
    refused = put("requests_decided_not_to_assess", rng.binomial(max(requests - assess, 0),
                                                                  min(1.0, refusal / (1 - RATES["assess"]))))
    undecided = max(requests - assess - refused, 0)
    p_withdrawn = min(1.0, RATES["withdrawn"] / max(1 - RATES["assess"] - refusal, RATES["withdrawn"]))
    withdrawn = put("requests_withdrawn", rng.binomial(undecided, p_withdrawn))
    put("requests_decision_not_made", max(requests - assess - refused - withdrawn, 0))
    decided = assess + refused
    quick = put("requests_decided_within_6_weeks", rng.binomial(decided, RATES["within_6_weeks"]))
    put("requests_decided_over_6_weeks", decided - quick)
    put("requests_mediation_related", rng.binomial(requests, RATES["mediation"]))
    put("requests_tribunal_related", rng.binomial(requests, RATES["tribunal"]))

    new = put("new_plans", rng.poisson(e["new_plans"] * share))
    put("assessments_plan_issued", new)
    not_issued = put("assessments_plan_not_issued", rng.poisson(new * RATES["not_issued"]))
    put("assessments_completed", new + not_issued + rng.binomial(new, RATES["other_assessments"]))

    issued = put("plans_issued", rng.binomial(new, RATES["issued_per_new_plan"]),
                 max(fixed_sum("plans_issued_ex"), fixed_sum("plans_issued_within_20_weeks")))
    issued_ex = put("plans_issued_ex", rng.binomial(issued, RATES["excluding_exceptions"]),
                    fixed_sum("plans_issued_within_20_weeks_ex"))
    p_ex = _expit(_logit(e["pct_ex"] / 100) + level + rng.normal(0.0, 0.4))
    within_ex = put("plans_issued_within_20_weeks_ex", rng.binomial(issued_ex, p_ex))
    p_exceptions = np.clip((e["pct_inc"] - e["pct_ex"] * RATES["excluding_exceptions"])
                           / (100 * (1 - RATES["excluding_exceptions"])), 0.05, 0.95)
    within = put("plans_issued_within_20_weeks",
                 within_ex + rng.binomial(max(issued - issued_ex, 0), _expit(_logit(p_exceptions) + level)))
    late_ex = max(issued_ex - within_ex, 0)
    over_ex = put("plans_issued_over_52_weeks_ex", rng.binomial(late_ex, RATES["over_52_of_late"]))
    put("plans_issued_20_to_52_weeks_ex", late_ex - over_ex)
    late_exceptions = max((issued - within) - late_ex, 0)
    over = put("plans_issued_over_52_weeks", over_ex + rng.binomial(late_exceptions, RATES["over_52_of_late"]))
    put("plans_issued_20_to_52_weeks", max(issued - within - over, 0))
    return out


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _expit(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def _with_totals(la_values: pd.DataFrame, las: pd.DataFrame) -> pd.DataFrame:
    """LA rows plus region and England rows that are the exact sums of their LAs."""
    info = las.set_index("old_code")
    la = la_values.join(info, on="old_code")
    la["geographic_level"] = "Local authority"
    measures = [m for _, _, cols in FILES.values() for m in cols]
    regions = la.groupby(["year", "region_code", "region_name"])[measures].sum(min_count=1).reset_index()
    regions["geographic_level"] = "Regional"
    england = la.groupby("year")[measures].sum(min_count=1).reset_index()
    england["geographic_level"] = "National"
    out = pd.concat([england, regions, la], ignore_index=True)
    detail = out["year"] < DETAIL_FROM
    for m in _DETAIL:
        out.loc[detail, m] = np.nan
    order = {"National": 0, "Regional": 1, "Local authority": 2}
    return out.assign(_o=out["geographic_level"].map(order)).sort_values(
        ["year", "_o", "region_code", "old_code"], na_position="first", kind="stable").drop(columns="_o")


def _csv(frames: pd.DataFrame, label: str, identifier: str, columns: dict[str, str]) -> str:
    """One file in the EES layout: the 12 leading columns, then the indicator columns; x for missing."""
    data = frames.dropna(subset=list(columns), how="all")
    if identifier == "Academic year":
        period = (data["year"] - 1).astype(str) + (data["year"] % 100).map("{:02d}".format)
    else:
        data = data[data["year"] <= LAST_YEAR]
        period = data["year"].astype(str)
    national = data["geographic_level"] == "National"
    la = data["geographic_level"] == "Local authority"
    lead = pd.DataFrame({
        "time_period": period,
        "time_identifier": identifier,
        "geographic_level": data["geographic_level"],
        "country_code": ENGLAND_CODE,
        "country_name": "England",
        "region_code": data["region_code"].where(~national, ""),
        "region_name": data["region_name"].where(~national, ""),
        "new_la_code": data["code"].where(la, ""),
        "old_la_code": data["old_code"].where(la, ""),
        "la_name": data["name"].where(la, ""),
        "breakdown_topic": label,
        "breakdown": label,
    })
    values = {col: data[m].map(lambda v: "x" if pd.isna(v) else f"{v:.0f}") for m, col in columns.items()}
    text: str = pd.concat([lead, pd.DataFrame(values)], axis=1).to_csv(index=False, lineterminator="\n")
    return text
