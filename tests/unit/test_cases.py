"""Derived case table, period aggregates, open-case summaries and DfE headlines, checked by hand.

The fixture tests/fixtures/sen2/la_2025.xml (ten invented people; period end 31 Dec 2024 unless stated):

====  ===========  ===============================  ===================================  =======================
req   received     decision (days)                  assessment / plan (days from request) stage at 2024-12-31
====  ===========  ===============================  ===================================  =======================
1-1   2024-01-01   Y 2024-02-05 (35: ≤ 42)          plan 2024-05-20 (140: within)        plan issued
2-1   2024-01-01   Y 2024-02-13 (43: > 42)          plan 2024-05-21 (141: not within)    plan issued
3-1   2024-01-10   Y 2024-02-01 (22)                plan 2024-08-01 (204), Week20 = 1    plan issued, exception
4-1   2024-03-01   N 2024-04-05 (35)                —                                    refused
4-2   2024-09-02   A (not yet decided)              —                                    awaiting decision
5-1   2024-02-01   W (withdrawn)                    —                                    withdrawn
6-1   2024-05-01   Y 2024-06-10 (40)                A (no decision yet)                  being assessed
7-1   2024-04-01   Y 2024-05-01 (30)                N 2024-07-15                         assessed, no plan
8-1   (none)       H (historical)                   H, plan started 2024-03-01           not a case
9-1   2023-11-01   Y 2023-12-10 (39)                plan 2024-03-01 (121: within)        plan issued
10-1  2024-10-01   Y 2024-11-05 (35)                Y, plan not yet issued               being assessed
====  ===========  ===============================  ===================================  =======================

Day counts: 1 Jan → 20 May 2024 = 30 (rest of Jan) + 29 + 31 + 30 + 20 = 140; → 21 May = 141;
10 Jan → 1 Aug = 21 + 29 + 31 + 30 + 31 + 30 + 31 + 1 = 204; 1 Nov 2023 → 1 Mar 2024 = 29 + 31 + 31 + 29 + 1 = 121.
Open at 31 Dec 2024: 4-2 (2 Sep → 31 Dec = 28 + 31 + 30 + 31 = 120 days = 17.14 weeks, not overdue);
6-1 (1 May → 31 Dec = 30 + 30 + 31 + 31 + 30 + 31 + 30 + 31 = 244 days = 34.857 weeks, 14.857 overdue);
10-1 (1 Oct → 31 Dec = 91 days = 13 weeks, not overdue).
"""

from __future__ import annotations

import datetime as dt
import gzip
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lxml import etree

from helpers.analysis import cases, workforce
from helpers.demo import sen2 as demo
from helpers.sources import sen2
from helpers.sources import workforce as workforce_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sen2"
END = dt.date(2024, 12, 31)


@pytest.fixture(scope="module")
def tables() -> sen2.Sen2Tables:
    return sen2.read(FIXTURES / "la_2025.xml")


@pytest.fixture(scope="module")
def derived(tables: sen2.Sen2Tables) -> pd.DataFrame:
    return cases.derive(tables, END).set_index("request_id")


def test_columns_are_the_architecture_contract(tables: sen2.Sen2Tables) -> None:
    assert tuple(cases.derive(tables, END).columns) == cases.CASE_COLUMNS


def test_historical_request_is_not_a_case(derived: pd.DataFrame) -> None:
    assert "8-1" not in derived.index and len(derived) == 10


def test_140_day_boundary(derived: pd.DataFrame) -> None:
    """Day 140 is within 20 weeks, day 141 is not (SEND Regulations 2014 reg. 13(2))."""
    assert derived.loc["1-1", "weeks_to_issue"] == 20.0
    assert bool(derived.loc["1-1", "within_20_weeks"])
    assert derived.loc["2-1", "weeks_to_issue"] == pytest.approx(141 / 7)
    assert not bool(derived.loc["2-1", "within_20_weeks"])
    assert bool(derived.loc["9-1", "within_20_weeks"])
    assert derived.loc["9-1", "weeks_to_issue"] == pytest.approx(121 / 7)


def test_six_week_decision_boundary(derived: pd.DataFrame) -> None:
    """35 days (5 weeks) is within 6 weeks; 43 days is not."""
    assert derived.loc["1-1", "weeks_to_decision"] == 5.0 and bool(derived.loc["1-1", "decided_within_6_weeks"])
    assert not bool(derived.loc["2-1", "decided_within_6_weeks"])
    assert pd.isna(derived.loc["5-1", "decided_within_6_weeks"])  # withdrawn: no decision


def test_exception_flag(derived: pd.DataFrame) -> None:
    assert derived["exception"].tolist() == [False, False, True] + [False] * 7
    assert derived.loc["3-1", "weeks_to_issue"] == pytest.approx(204 / 7)
    assert not bool(derived.loc["3-1", "within_20_weeks"])


def test_decisions_outcomes_and_stages(derived: pd.DataFrame) -> None:
    assert derived["decision"].to_dict() == {
        "1-1": "assess", "2-1": "assess", "3-1": "assess", "4-1": "not_assess", "4-2": "pending",
        "5-1": "withdrawn", "6-1": "assess", "7-1": "assess", "9-1": "assess", "10-1": "assess"}
    assert derived["assessment_outcome"].dropna().to_dict() == {
        "1-1": "plan", "2-1": "plan", "3-1": "plan", "6-1": "ongoing", "7-1": "no_plan", "9-1": "plan",
        "10-1": "ongoing"}
    assert derived["stage"].to_dict() == {
        "1-1": "plan issued", "2-1": "plan issued", "3-1": "plan issued", "4-1": "refused",
        "4-2": "awaiting decision", "5-1": "withdrawn", "6-1": "being assessed", "7-1": "assessed, no plan",
        "9-1": "plan issued", "10-1": "being assessed"}
    assert derived.loc["7-1", "plan_issue_date"] is pd.NaT


def test_open_cases_elapsed_and_overdue(derived: pd.DataFrame) -> None:
    open_ = derived[derived["open"]]
    assert open_.index.tolist() == ["4-2", "6-1", "10-1"]
    assert open_["weeks_elapsed"].tolist() == pytest.approx([120 / 7, 244 / 7, 13.0])
    assert open_["weeks_overdue"].tolist() == pytest.approx([0.0, 244 / 7 - 20, 0.0])
    assert derived.loc[~derived["open"], ["weeks_elapsed", "weeks_overdue"]].isna().all().all()


def test_age_at_request(derived: pd.DataFrame) -> None:
    """Born 2011-04-02, request 2024-04-01: the day before the 13th birthday → 12. Born 2012-01-10, request on
    the 12th birthday → 12."""
    assert derived.loc["7-1", "age_at_request"] == 12 and derived.loc["3-1", "age_at_request"] == 12
    assert derived.loc["4-1", "age_at_request"] == 5 and derived.loc["4-2", "age_at_request"] == 6


def test_case_as_at_an_earlier_period_end(tables: sen2.Sen2Tables) -> None:
    """At 2024-05-20: 1-1's plan (issued that day) counts; 2-1's (21 May) is not yet issued, so 2-1 is open
    at 140 days = exactly 20 weeks, not overdue; requests received later (4-2, 10-1) are not yet cases; 7-1
    (no-plan decision 15 July) is still being assessed; 6-1 (decided 10 June) is still awaiting decision."""
    c = cases.derive(tables, dt.date(2024, 5, 20)).set_index("request_id")
    assert "4-2" not in c.index and "10-1" not in c.index
    assert c.loc["1-1", "stage"] == "plan issued"
    assert c.loc["2-1", "stage"] == "being assessed" and c.loc["2-1", "weeks_elapsed"] == 20.0
    assert c.loc["2-1", "weeks_overdue"] == 0.0 and pd.isna(c.loc["2-1", "within_20_weeks"])
    assert c.loc["7-1", "stage"] == "being assessed"
    assert c.loc["6-1", "stage"] == "awaiting decision" and c.loc["6-1", "decision_date"] is pd.NaT


def test_quarterly_aggregates(derived: pd.DataFrame) -> None:
    """Quarters from Q4 2023 (9-1 received Nov 2023) to Q4 2024.
    Q1 2024: received 1-1, 2-1, 3-1, 5-1, 4-1 (1 Mar) = 5; decided 1-1, 2-1, 3-1 = 3, of which 1-1 (35 d) and
    3-1 (22 d) within 6 weeks; plans 9-1 (1 Mar, within) = 1 → 100%.
    Q2: received 6-1, 7-1 = 2; decisions 4-1 (refusal), 6-1, 7-1 = 3; plans 1-1 (within), 2-1 (not) → 50%.
    Q3: received 4-2; plan 3-1 (exception, not within) → 0% incl., no plans excl. exceptions (NaN)."""
    q = cases.by_period(derived.reset_index(), "Q").set_index("period")
    assert tuple(q.reset_index().columns) == cases.PERIOD_COLUMNS
    assert q.index.tolist() == [pd.Timestamp(d) for d in ("2023-10-01", "2024-01-01", "2024-04-01", "2024-07-01",
                                                           "2024-10-01")]
    assert q["requests_received"].tolist() == [1, 5, 2, 1, 1]
    assert q["decisions"].tolist() == [1, 3, 3, 0, 1]
    assert q["decisions_within_6_weeks"].tolist() == [1, 2, 3, 0, 1]
    assert q["refusals"].tolist() == [0, 0, 1, 0, 0]
    assert q["plans_issued"].tolist() == [0, 1, 2, 1, 0]
    assert q["plans_issued_within_20_weeks"].tolist() == [0, 1, 1, 0, 0]
    assert q["plans_issued_ex"].tolist() == [0, 1, 2, 0, 0]
    np.testing.assert_allclose(q["pct_within_20_weeks"], [np.nan, 100.0, 50.0, 0.0, np.nan])
    np.testing.assert_allclose(q["pct_within_20_weeks_ex"], [np.nan, 100.0, 50.0, np.nan, np.nan])


def test_monthly_aggregates_cover_every_month(derived: pd.DataFrame) -> None:
    m = cases.by_period(derived.reset_index(), "M").set_index("period")
    assert len(m) == 13  # Nov 2023 (9-1 received) to Nov 2024 (10-1 decided): the span of the events
    assert m.loc["2024-01-01", "requests_received"] == 3 and m.loc["2024-05-01", "plans_issued"] == 2
    assert m["requests_received"].sum() == 10 and m["plans_issued"].sum() == 4


def test_open_case_summaries(derived: pd.DataFrame) -> None:
    stage = cases.open_by_stage(derived.reset_index())
    assert stage.to_dict("list") == {"stage": ["awaiting decision", "being assessed"], "open_cases": [1, 2],
                                     "overdue": [0, 1]}
    bands = cases.open_by_weeks_overdue(derived.reset_index())
    assert bands["band"].astype(str).tolist() == list(cases.OVERDUE_BANDS)
    assert bands["open_cases"].tolist() == [2, 0, 0, 1, 0]  # 6-1 is 14.9 weeks overdue


def test_census_dates_match_the_dfe_calendar() -> None:
    """Third Thursday of January (reference §1.0: 2023-01-19, 2024-01-18, 2025-01-16, 2026-01-15, 2027-01-21)."""
    got = [cases.census_date(y) for y in range(2023, 2028)]
    assert got == [dt.date(2023, 1, 19), dt.date(2024, 1, 18), dt.date(2025, 1, 16), dt.date(2026, 1, 15),
                   dt.date(2027, 1, 21)]


def test_dfe_headlines_for_2024(tables: sen2.Sen2Tables) -> None:
    """Received in 2024: all but 9-1 (2023) and 8-1 (historical) = 9; to assess 1-1, 2-1, 3-1, 6-1, 7-1, 10-1 = 6;
    refused 4-1; withdrawn 5-1. Plans issued in 2024: 1-1, 2-1, 3-1, 9-1 = 4, within 20 weeks 1-1 and 9-1 = 2;
    excluding the exception 3-1: 3 plans, 2 within. New plans: starts in 2024 after an assessment here = 4
    (8-1's transferred-in historical plan, also starting in 2024, is left out)."""
    assert cases.dfe_headlines(tables, 2024) == {
        "year": 2024, "requests_received": 9, "requests_decided_to_assess": 6, "requests_decided_not_to_assess": 1,
        "requests_withdrawn": 1, "plans_issued": 4, "plans_issued_within_20_weeks": 2, "plans_issued_ex": 3,
        "plans_issued_within_20_weeks_ex": 2, "new_plans": 4}


def test_dfe_headlines_from_cases_has_no_new_plans(derived: pd.DataFrame) -> None:
    got = cases.dfe_headlines(derived.reset_index(), 2023)
    assert got["requests_received"] == 1 and got["requests_decided_to_assess"] == 1 and got["plans_issued"] == 0
    assert math.isnan(got["new_plans"])


def test_dfe_headlines_use_outcomes_as_at_the_january_census(tmp_path: Path) -> None:
    """A request received 2024-12-01 and agreed on 2025-01-10 (before the 16 Jan 2025 census) counts as
    'decided to assess' for 2024 (6, as in the fixture, where 10-1 was agreed in November); agreed on 2025-01-20
    (after the census) it was still undecided in the return (5)."""
    text = (FIXTURES / "la_2025.xml").read_text()
    for decided, expected in (("2025-01-10", 6), ("2025-01-20", 5)):
        path = tmp_path / f"sen2_{decided}.xml"
        path.write_text(text.replace("<ReceivedDate>2024-10-01</ReceivedDate>",
                                     "<ReceivedDate>2024-12-01</ReceivedDate>").replace(
            "<RequestOutcomeDate>2024-11-05</RequestOutcomeDate>",
            f"<RequestOutcomeDate>{decided}</RequestOutcomeDate>"))
        got = cases.dfe_headlines(sen2.read(path, reference_date=dt.date(2025, 9, 30)), 2024)
        assert got["requests_decided_to_assess"] == expected


# --- the synthetic demo LA ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    out = tmp_path_factory.mktemp("demo")
    return out, demo.write_demo(out, seed=2025)


def _demo_xml(out: Path) -> bytes:
    path = out / "sen2_northby.xml.gz"
    return gzip.decompress(path.read_bytes()) if path.exists() else (out / "sen2_northby.xml").read_bytes()


def test_demo_totals_reconcile_with_dfe_headlines(demo_files: tuple[Path, pd.DataFrame]) -> None:
    out, totals = demo_files
    assert totals["year"].tolist() == list(demo.FULL_YEARS)
    assert list(totals.columns) == ["year", *cases.HEADLINE_KEYS]
    path = next(out.glob("sen2_northby.xml*"))
    tables = sen2.read(path)
    for row in totals.to_dict("records"):
        assert cases.dfe_headlines(tables, int(row["year"])) == row


def test_demo_totals_match_an_independent_count_of_the_xml(demo_files: tuple[Path, pd.DataFrame]) -> None:
    """Count straight from the XML with XPath (not through the reader): requests received per year, plans issued
    per year (AssessmentOutcome Y with a date), and within 20 weeks (issue − received ≤ 140 days)."""
    out, totals = demo_files
    root = etree.fromstring(_demo_xml(out))
    received = [r.findtext("ReceivedDate") for r in root.iter("Requests")]
    plans = [(r.findtext("ReceivedDate"), r.findtext("Assessment/AssessmentOutcomeDate"))
             for r in root.iter("Requests") if r.findtext("Assessment/AssessmentOutcome") == "Y"
             and r.findtext("Assessment/AssessmentOutcomeDate")]
    for row in totals.to_dict("records"):
        year = str(row["year"])
        assert row["requests_received"] == sum(d.startswith(year) for d in received)
        issued = [(a, b) for a, b in plans if b.startswith(year)]
        assert row["plans_issued"] == len(issued)
        within = sum((dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days <= 140 for a, b in issued)
        assert row["plans_issued_within_20_weeks"] == within


def test_demo_tells_the_story(demo_files: tuple[Path, pd.DataFrame]) -> None:
    """About 3,000 requests, growing; fewer in August; timeliness falls as EP capacity falls; open cases."""
    out, totals = demo_files
    tables = sen2.read(next(out.glob("sen2_northby.xml*")))
    c = cases.derive(tables, demo.PERIOD_END)
    assert 2700 <= len(c) <= 3600
    per_year = totals.set_index("year")
    assert per_year.loc[2024, "requests_received"] > per_year.loc[2022, "requests_received"]
    pct = per_year["plans_issued_within_20_weeks"] / per_year["plans_issued"]
    assert pct[2022] > pct[2023] > pct[2024]
    monthly = cases.by_period(c, "M").set_index("period")["requests_received"]
    august = monthly[monthly.index.month == 8].mean()
    assert august < 0.7 * monthly[monthly.index.month != 8].mean()
    assert c["open"].sum() > 50 and (c["weeks_overdue"] > 0).sum() > 0
    assert {"refused", "withdrawn", "assessed, no plan"} <= set(c["stage"])
    assert c["exception"].mean() == pytest.approx(0.035, abs=0.02)
    assert c["received_date"].min() >= pd.Timestamp(demo.START)
    assert c["received_date"].max() <= pd.Timestamp(demo.PERIOD_END)


def test_demo_workforce_file_tells_the_advice_queue_story(demo_files: tuple[Path, pd.DataFrame]) -> None:
    """The staffing file passes the template's rules and shows the EP advice queue: none to speak of in 2022
    (fewer than 20), a few hundred (200-450) at its peak between mid-2024 and early 2025, partly worked down to
    100-250 at 30 September 2025; about 9 in 10 advices within 6 weeks in the first year, fewer than 1 in 5 in
    the last."""
    out, _ = demo_files
    wf = workforce_source.read(out / "ep_workforce_northby.csv")
    waiting = workforce.waiting_list(wf)
    assert waiting[wf["period_end"] < pd.Timestamp("2023-01-01")].max() < 20
    peak = wf.loc[waiting.idxmax(), "period_end"]
    assert 200 <= waiting.max() <= 450 and pd.Timestamp("2024-06-01") <= peak <= pd.Timestamp("2025-03-31")
    assert 100 <= waiting.iloc[-1] <= 250 < waiting.max()

    def on_time(rows: pd.DataFrame) -> float:
        return rows["advice_completed_within_6_weeks"].sum() / rows["advice_completed"].sum()

    assert on_time(wf.head(12)) > 0.85 and on_time(wf.tail(12)) < 0.2


def test_demo_is_deterministic(demo_files: tuple[Path, pd.DataFrame], tmp_path: Path) -> None:
    out, totals = demo_files
    again = demo.write_demo(tmp_path, seed=2025)
    pd.testing.assert_frame_equal(totals, again)
    for name in ("sen2_northby.xml.gz", "ep_workforce_northby.csv"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_demo_carries_the_canaries_and_says_it_is_synthetic(demo_files: tuple[Path, pd.DataFrame]) -> None:
    out, _ = demo_files
    xml = _demo_xml(out).decode("utf-8")
    assert "SYNTHETIC DATA" in xml[:400] and "Northby" in xml[:400]
    for value in demo.CANARIES.values():
        assert xml.count(f">{value}<") == 1, value
    tables = sen2.read(next(out.glob("sen2_northby.xml*")))
    assert not any(value in " ".join(tables.issues["examples"]) for value in demo.CANARIES.values())
    assert tables.lea == "999" and tables.layout == 2025
