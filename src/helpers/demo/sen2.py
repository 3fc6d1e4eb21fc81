"""Synthetic demo LA "Northby" (LEA 999): a SEN2 person-level XML and a matching EP workforce CSV.

Everything here is invented: no real child, school or council. The story the data tell, for the demo pack:

* requests for EHC needs assessment grow about 10% a year from October 2021 to September 2025, with fewer in
  August (schools closed) and December;
* the educational psychology (EP) service loses staff from mid-2022, is at its weakest in early 2024 (7 FTE
  in post against 13 funded, partly covered by locums) and recovers through 2025; while demand outruns the
  EPs' capacity a queue for statutory EP advice builds up (a few hundred requests at the end of 2024), advice
  within 6 weeks falls to a small share, and the queue is still being worked down at the period end;
* plans take longer to issue when EP advice is late (the median from about 17 weeks to about 22 at the
  worst), so the share issued within 20 weeks falls from about 80% in 2022 to about 40% in 2024 and recovers
  in 2025;
* about a quarter of requests are refused, a few are withdrawn, about 6% of plans have a 20-week exception,
  and requests still in progress at the period end (30 September 2025) are open cases;
* a handful of records break guidance rules (missing outcome dates, a blank Week20) so the data-quality page
  has something to report.

:func:`write_demo` is deterministic: the same seed gives byte-identical files (fixed header time stamp; gzip
written with no file name and mtime 0). One synthetic person carries the :data:`CANARIES` values so a privacy
test can prove no child-level detail reaches the pack (the XML is written by :mod:`helpers.demo.sen2_xml`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from helpers.analysis import cases as cases_module
from helpers.demo.sen2_xml import CANARIES, LA_NAME, LEA, return_xml
from helpers.sources import sen2

__all__ = ["CANARIES", "FULL_YEARS", "LA_NAME", "LEA", "PERIOD_END", "START", "write_demo"]

START = dt.date(2021, 10, 1)
PERIOD_END = dt.date(2025, 9, 30)
FULL_YEARS: tuple[int, ...] = (2022, 2023, 2024)
"""Calendar years fully covered by the synthetic data (for the DfE-style annual totals)."""
GZIP_OVER_BYTES = 2_000_000
"""The XML is written gzip-compressed (``.xml.gz``) when larger than this."""

_SEASON = {1: 1.05, 2: 1.05, 3: 1.15, 4: 0.95, 5: 1.10, 6: 1.15, 7: 1.10, 8: 0.45, 9: 1.00, 10: 1.10,
           11: 1.10, 12: 0.80}
"""Relative monthly request volumes: fewer in August (schools closed) and December."""


def _months() -> pd.DatetimeIndex:
    return pd.date_range(START, PERIOD_END, freq="MS")


def _capacity_story(months: pd.DatetimeIndex) -> pd.DataFrame:
    """Monthly EP staffing: establishment, in post (falls to 7 FTE in Feb 2024, then recovers), locums."""
    t = np.arange(len(months), dtype=float)  # 0 = Oct 2021
    establishment = np.where(months < pd.Timestamp("2023-04-01"), 12.0, 13.0)
    # in post: 11 FTE, losing staff from mid-2022 to a low of 7 in Feb 2024 (month 28), back to ~12.4
    dip = np.clip((t - 8) / 20, 0, 1) * 4.0
    recovery = np.clip((t - 28) / 19, 0, 1) * 5.4
    in_post = np.round(11.0 - dip + recovery, 1)
    locum = np.where((t >= 18) & (t <= 41), 2.0, np.where(t > 41, 1.0, 0.5))
    return pd.DataFrame({"month": months, "establishment_fte": establishment, "eps_in_post_fte": in_post,
                         "locum_fte": locum})


ADVICE_PER_FTE_MONTH = 4.9
"""Statutory EP advices one full-time EP writes in a month, on average (synthetic). The plan timings in the SEN2
file follow the advice queue at this steady pace (:func:`_advice`)."""
FULL_TEAM_ADVICE_PER_FTE_MONTH = 6.0
"""Statutory EP advices one full-time EP writes in a month in a fully staffed team (synthetic; staffing file)."""
VACANCY_DRAG = 1.15
"""Output per FTE lost per unit of vacant share of the establishment (synthetic; staffing file): a short-staffed
team also covers supervision, recruitment and urgent casework, so with 46% of posts vacant (February 2024) each EP
writes about half the advices of a fully staffed team."""
ADVICE_WRITING_WEEKS = 3.0
"""Median weeks from starting a case to sending the advice when nobody is queueing (synthetic; staffing file)."""
ADVICE_WAIT_SPREAD = 0.5
"""Log-scale standard deviation of the wait for advice around its median (synthetic; staffing file)."""
ADVICE_PRIORITY_SHARE = 0.1
"""Share of advice written first, whatever the queue (children in care, say; synthetic; staffing file)."""
STAFFING_STREAM = 1
"""Spawn key of the random stream for the staffing file, apart from the SEN2 stream so neither shifts the other."""


def _requests(rng: np.random.Generator, staffing: pd.DataFrame) -> pd.DataFrame:
    """Synthetic requests and the decision whether to assess (one row each), as at :data:`PERIOD_END`."""
    end = pd.Timestamp(PERIOD_END)
    rows = []
    for i, month in enumerate(staffing["month"]):
        expected = 56.0 * 1.10 ** (i / 12) * _SEASON[month.month]
        days_in_month = month.days_in_month
        for _ in range(int(round(expected * (1 + rng.normal(0, 0.04))))):
            received = month + pd.Timedelta(days=int(rng.integers(0, days_in_month)))
            rows.append({"received": received})
    reqs = pd.DataFrame(rows).sort_values("received", kind="stable").reset_index(drop=True)
    n = len(reqs)
    u = rng.random(n)
    outcome = np.where(u < 0.04, "W", np.where(u < 0.29, "N", "Y"))
    decision_days = np.clip(rng.normal(36, 7, n), 12, 70).round().astype(int)
    reqs["request_outcome"] = outcome
    reqs["decision"] = reqs["received"] + pd.to_timedelta(decision_days, unit="D")
    reqs.loc[outcome == "W", "decision"] = pd.NaT
    pending = (outcome != "W") & (reqs["decision"] > end)
    reqs.loc[pending, "request_outcome"] = "A"
    reqs.loc[pending, "decision"] = pd.NaT
    reqs["age"] = np.clip(np.round(rng.gamma(4.0, 2.1, n)), 1, 19).astype(int)
    return reqs


def _advice(staffing: pd.DataFrame, reqs: pd.DataFrame, capacity: np.ndarray) -> pd.DataFrame:
    """Monthly statutory EP advice: requested when an assessment is agreed, written as capacity allows.

    Each month the team writes up to ``capacity`` advices, oldest first; the rest wait. ``queue_weeks`` is how
    long an advice requested that month waits behind the queue. The advice completed in a month waited about
    the queue at the month's start ÷ capacity, plus :data:`ADVICE_WRITING_WEEKS`; ``within_6_weeks`` is the
    share of a lognormal wait with that median (spread :data:`ADVICE_WAIT_SPREAD`) within 6 weeks, after the
    :data:`ADVICE_PRIORITY_SHARE` written first.
    """
    agreed = reqs.loc[reqs["request_outcome"] == "Y", "decision"].dt.to_period("M").dt.start_time
    received = agreed.value_counts().reindex(staffing["month"], fill_value=0).to_numpy().copy()
    # the first month is mostly advice for requests made before the data start: use the average of the next two
    received[0] = round(received[1:3].mean())
    completed = np.zeros(len(received), dtype=int)
    queue_weeks = np.zeros(len(received))
    wait_weeks = np.zeros(len(received))
    waiting = 0
    for i, (new, can) in enumerate(zip(received, capacity, strict=True)):
        queue_weeks[i] = (waiting + new) / can * 52 / 12
        wait_weeks[i] = ADVICE_WRITING_WEEKS + waiting / can * 52 / 12
        completed[i] = min(waiting + new, int(can))
        waiting += new - completed[i]
    on_time = ADVICE_PRIORITY_SHARE + (1 - ADVICE_PRIORITY_SHARE) * stats.lognorm.cdf(
        6.0, ADVICE_WAIT_SPREAD, scale=wait_weeks)
    within = np.round(completed * on_time).astype(int)
    return pd.DataFrame({"month": staffing["month"], "received": received, "completed": completed,
                         "within_6_weeks": within, "queue_weeks": queue_weeks})


def _steady_capacity(staffing: pd.DataFrame) -> np.ndarray:
    """Advices a month at the steady :data:`ADVICE_PER_FTE_MONTH` per EP or locum FTE (the SEN2 plan timings)."""
    advices: np.ndarray = np.floor((staffing["eps_in_post_fte"] + staffing["locum_fte"]).to_numpy()
                                   * ADVICE_PER_FTE_MONTH)
    return advices


def _stretched_capacity(rng: np.random.Generator, staffing: pd.DataFrame) -> np.ndarray:
    """Advices a month for the staffing file: output per FTE falls with the vacant share (:data:`VACANCY_DRAG`).

    :data:`FULL_TEAM_ADVICE_PER_FTE_MONTH` × (1 − drag × vacant share) × (in post + locum FTE), give or take 5%
    from month to month (sickness, leave). Unlike the steady pace this lets the queue grow to a few hundred while
    half the posts are empty and shrink once they are filled.
    """
    fte = (staffing["eps_in_post_fte"] + staffing["locum_fte"]).to_numpy()
    vacant = np.clip(1 - staffing["eps_in_post_fte"] / staffing["establishment_fte"], 0, None).to_numpy()
    per_fte = FULL_TEAM_ADVICE_PER_FTE_MONTH * (1 - VACANCY_DRAG * vacant)
    advices: np.ndarray = np.floor(per_fte * fte * (1 + rng.normal(0, 0.05, len(fte))))
    return advices


def _assessments(rng: np.random.Generator, reqs: pd.DataFrame, advice: pd.DataFrame) -> pd.DataFrame:
    """Assessment outcomes for agreed requests: plan 90%, no plan 7%, withdrawn 3%; plans take longer when the
    EP advice queue is long (each week of queue beyond 3 adds a week), as at :data:`PERIOD_END`."""
    end = pd.Timestamp(PERIOD_END)
    reqs = reqs.copy()
    n = len(reqs)
    queue = dict(zip(advice["month"], advice["queue_weeks"], strict=True))
    wait = reqs["decision"].dt.to_period("M").dt.start_time.map(queue).to_numpy(dtype=float)
    median_days = 116 + 7 * np.clip(np.nan_to_num(wait) - 3, 0, None)
    exception = rng.random(n) < 0.06
    stuck = rng.random(n) < 0.04  # complex cases that wait months longer (they make up most overdue cases)
    issue_days = np.round(np.exp(rng.normal(np.log(median_days), 0.17)) + 30 * exception
                          + stuck * rng.integers(60, 220, n))
    a = rng.random(n)
    assessed = reqs["request_outcome"] == "Y"
    reqs["assessment_outcome"] = np.where(~assessed, "", np.where(a < 0.03, "W", np.where(a < 0.10, "N", "Y")))
    reqs["assessment_date"] = reqs["received"] + pd.to_timedelta(
        np.where(reqs["assessment_outcome"] == "N", np.round(rng.normal(100, 8, n)), issue_days), unit="D")
    reqs.loc[reqs["assessment_outcome"].isin(["W", ""]), "assessment_date"] = pd.NaT
    later = assessed & reqs["assessment_date"].notna() & (reqs["assessment_date"] > end)
    # still in progress at the period end: a decision to issue may be made without the plan yet issued
    decided_to_issue = later & (reqs["assessment_outcome"] == "Y") & (
        reqs["assessment_date"] - end <= pd.Timedelta(days=21))
    reqs.loc[later & ~decided_to_issue, "assessment_outcome"] = "A"
    reqs.loc[later, "assessment_date"] = pd.NaT
    reqs["week20"] = exception & (reqs["assessment_outcome"] == "Y")
    return reqs


def _workforce(rng: np.random.Generator, staffing: pd.DataFrame, reqs: pd.DataFrame) -> pd.DataFrame:
    """Monthly EP workforce rows: the capacity story and the advice flows of :func:`_advice` at the stretched
    capacity (:func:`_stretched_capacity`); ``rng`` is the staffing file's own stream."""
    advice = _advice(staffing, reqs, _stretched_capacity(rng, staffing))
    change = np.diff(staffing["eps_in_post_fte"].to_numpy(), prepend=staffing["eps_in_post_fte"].iloc[0])
    turnover = (rng.random(len(staffing)) < 0.15).astype(float)
    joiners = np.round(np.clip(change, 0, None) + turnover, 1)
    leavers = np.round(np.clip(-change, 0, None) + turnover, 1)
    locum_spend = np.round(staffing["locum_fte"].to_numpy() * 21 * 650)
    return pd.DataFrame({
        "period_end": (staffing["month"] + pd.offsets.MonthEnd(0)).dt.strftime("%Y-%m-%d"),
        "establishment_fte": staffing["establishment_fte"],
        "eps_in_post_fte": staffing["eps_in_post_fte"],
        "locum_fte": staffing["locum_fte"],
        "vacancies_fte": np.round(np.clip(staffing["establishment_fte"] - staffing["eps_in_post_fte"], 0, None), 1),
        "joiners_fte": joiners,
        "leavers_fte": leavers,
        "trainees": np.where(staffing["month"] >= pd.Timestamp("2023-09-01"), 4, 3),
        "advice_requests_received": advice["received"],
        "advice_completed": advice["completed"],
        "advice_completed_within_6_weeks": advice["within_6_weeks"],
        "locum_spend_gbp": locum_spend.astype(int),
    })


def write_demo(out_dir: Path, seed: int) -> pd.DataFrame:
    """Write ``sen2_northby.xml`` (``.xml.gz`` when over :data:`GZIP_OVER_BYTES`) and ``ep_workforce_northby.csv``.

    Returns the DfE-style annual totals for the fully covered calendar years :data:`FULL_YEARS` (columns
    ``year`` and :data:`helpers.analysis.cases.HEADLINE_KEYS`), computed by reading the written XML back with
    :func:`helpers.sources.sen2.read` and applying :func:`helpers.analysis.cases.dfe_headlines`, so the synthetic DfE
    release and the synthetic SEN2 file agree by construction.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    staffing = _capacity_story(_months())
    reqs = _requests(rng, staffing)
    reqs = _assessments(rng, reqs, _advice(staffing, reqs, _steady_capacity(staffing)))
    xml = return_xml(rng, reqs, PERIOD_END)
    plain, packed = out_dir / "sen2_northby.xml", out_dir / "sen2_northby.xml.gz"
    if len(xml) > GZIP_OVER_BYTES:
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
            gz.write(xml)
        packed.write_bytes(buffer.getvalue())
        plain.unlink(missing_ok=True)
        sen2_path = packed
    else:
        plain.write_bytes(xml)
        packed.unlink(missing_ok=True)
        sen2_path = plain
    staffing_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STAFFING_STREAM,)))
    workforce = _workforce(staffing_rng, staffing, reqs)
    (out_dir / "ep_workforce_northby.csv").write_bytes(workforce.to_csv(index=False, lineterminator="\n")
                                                        .encode("utf-8"))
    tables = sen2.read(sen2_path)
    totals = [cases_module.dfe_headlines(tables, year) for year in FULL_YEARS]
    return pd.DataFrame(totals, columns=["year", *cases_module.HEADLINE_KEYS])
