"""The guidance-implied SEN2 rules (``../shared/reference/sen2_person_level.md`` §4), reported, not fatal.

Real returns break them, DfE's COLLECT raises them as queries rather than rejecting the file, and the analyst
needs the rest of the data meanwhile; so each failure is counted with up to three element paths or CSV lines
(positions in the file, never personal details).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from helpers.sources.sen2_items import COLUMNS
from helpers.sources.sen2_rows import Rows

RULES: dict[str, str] = {
    "dates_out_of_order": "A date comes before the date it follows (request received, decision, plan issued; "
                          "plan start and cease; placement entry and leaving)",
    "outcome_date_missing": "A decision (Y or N) has no outcome date",
    "outcome_date_unexpected": "An outcome date is given although the decision is not yet made (A)",
    "assessment_not_agreed": "An assessment is recorded for a request the LA did not agree to assess",
    "plan_not_agreed": "A named plan is recorded for a refused request or an assessment that did not decide to "
                       "issue a plan",
    "date_after_reference_date": "A date is after the reference (census or extract) date",
    "duplicate_person": "The same UPN or ULN appears on more than one person record",
    "no_identifier": "A person has none of UPN, ULN or 'UPN unknown' reason",
    "week20_missing": "A plan was issued but the 20-week exception flag (Week20) is blank",
    "received_date_missing": "A request (other than historical) has no date received",
}
"""Guidance-implied rules reported in :attr:`Sen2Tables.issues` (id → plain-English description)."""


class _Issues:
    """Collects rule failures: count and up to three places per rule."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[int, list[str]]] = {}

    def add(self, rule: str, mask: pd.Series, where: pd.Series) -> None:
        mask = mask.fillna(False).astype(bool)
        n = int(mask.sum())
        if n:
            count, examples = self.found.get(rule, (0, []))
            examples = examples + [w for w in where[mask].head(3) if w not in examples]
            self.found[rule] = (count + n, examples[:3])

    def frame(self) -> pd.DataFrame:
        rows = [{"rule": rule, "description": RULES[rule], "count": count, "examples": "; ".join(examples)}
                for rule, (count, examples) in sorted(self.found.items())]
        return pd.DataFrame(rows, columns=["rule", "description", "count", "examples"]).astype(
            {"count": "int64"})


def check_rules(t: dict[str, pd.DataFrame], rows: Rows, reference_date: dt.date | None) -> pd.DataFrame:
    """Evaluate the guidance-implied rules (module docstring) on the typed tables."""
    issues = _Issues()
    req = t["requests"].copy()
    req["where"] = rows.request_where
    where_of = req.set_index("request_id")["where"]
    a = t["assessments"].merge(req[["request_id", "received_date", "request_outcome", "request_outcome_date"]],
                               on="request_id", how="left")
    a_where = a["request_id"].map(where_of)
    plans = t["plans"].merge(t["assessments"][["request_id", "assessment_outcome"]], on="request_id", how="left")
    plans = plans.merge(req[["request_id", "request_outcome"]], on="request_id", how="left")
    p_where = plans["request_id"].map(where_of)
    places = t["placements"]
    pl_where = places["request_id"].map(where_of)

    issues.add("received_date_missing", req["received_date"].isna() & (req["request_outcome"] != "H"),
               req["where"])
    issues.add("dates_out_of_order", req["request_outcome_date"] < req["received_date"], req["where"])
    issues.add("dates_out_of_order", (a["assessment_outcome_date"] < a["request_outcome_date"])
               | (a["assessment_outcome_date"] < a["received_date"]), a_where)
    issues.add("dates_out_of_order", plans["cease_date"] < plans["start_date"], p_where)
    issues.add("dates_out_of_order", places["leaving_date"] < places["entry_date"], pl_where)
    issues.add("outcome_date_missing", req["request_outcome"].isin(["Y", "N"]) & req["request_outcome_date"].isna(),
               req["where"])
    issues.add("outcome_date_missing", (a["assessment_outcome"] == "N") & a["assessment_outcome_date"].isna(),
               a_where)
    issues.add("outcome_date_unexpected", (req["request_outcome"] == "A") & req["request_outcome_date"].notna(),
               req["where"])
    issues.add("outcome_date_unexpected", (a["assessment_outcome"] == "A") & a["assessment_outcome_date"].notna(),
               a_where)
    issues.add("assessment_not_agreed", a["request_outcome"].isin(["N", "A", "W"]), a_where)
    issues.add("plan_not_agreed", plans["named"] & (plans["request_outcome"].isin(["N", "A", "W"])
                                                    | plans["assessment_outcome"].isin(["N", "A", "W"])), p_where)
    issues.add("week20_missing", (a["assessment_outcome"] == "Y") & a["assessment_outcome_date"].notna()
               & a["week20"].isna(), a_where)

    persons = t["persons"]
    person_where = pd.Series(rows.person_where, index=persons.index)
    for column in ("upn", "uln"):
        issues.add("duplicate_person", persons[column].notna() & persons[column].duplicated(keep="first"),
                   person_where)
    issues.add("no_identifier", persons[["upn", "uln", "upn_unknown"]].isna().all(axis=1), person_where)

    if reference_date is not None:
        limit = pd.Timestamp(reference_date)
        for name, where in (("requests", req["where"]), ("assessments", a_where), ("plans", p_where),
                            ("placements", pl_where)):
            dates = [c for c, kind in COLUMNS[name].items() if kind == "date"]
            issues.add("date_after_reference_date", (t[name][dates] > limit).any(axis=1),
                       where.set_axis(t[name].index))
    return issues.frame()

