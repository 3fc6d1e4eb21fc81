"""The inspection lists against an independent count from the demo SEN2 XML, the overdue-review boundary, and
the deep-dive sample's reproducibility and stratum coverage (issue 17)."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from helpers.analysis import cases as case_table
from helpers.analysis import inspection, inspection_summary
from helpers.sources import sen2

END = dt.date(2025, 9, 30)  # the demo config's period end and the XML header's ReferenceDate


@pytest.fixture(scope="module")
def xml(root: Path) -> etree._Element:
    with gzip.open(root / "data" / "demo" / "sen2_northby.xml.gz") as f:
        return etree.parse(f).getroot()


@pytest.fixture(scope="module")
def tables(root: Path) -> sen2.Sen2Tables:
    return sen2.read(root / "data" / "demo" / "sen2_northby.xml.gz")


@pytest.fixture(scope="module")
def list_one(tables: sen2.Sen2Tables) -> pd.DataFrame:
    return inspection.list_one(tables, END)


def _date(el: etree._Element, path: str) -> dt.date | None:
    text = el.findtext(path)
    return dt.date.fromisoformat(text.strip()) if text and text.strip() else None


def _in_place(plan: etree._Element) -> bool:
    start, cease = _date(plan, "StartDate"), _date(plan, "CeaseDate")
    return start is not None and start <= END and (cease is None or cease > END)


def _is_open(request: etree._Element) -> bool:
    """Open at END, read straight from the XML: received, not historical, and no decision, or agreed with no
    plan issued, no 'no plan' decision and no withdrawal by END."""
    received, outcome = _date(request, "ReceivedDate"), request.findtext("RequestOutcome")
    if received is None or received > END or outcome == "H":
        return False
    decided = _date(request, "RequestOutcomeDate")
    if outcome == "A" or (outcome in ("Y", "N") and decided is not None and decided > END):
        return True
    if outcome != "Y":
        return False
    assessment = request.find("Assessment")
    if assessment is None:
        return True
    code, when = assessment.findtext("AssessmentOutcome"), _date(assessment, "AssessmentOutcomeDate")
    if code == "W" or (code == "Y" and when is not None and when <= END):
        return False
    return not (code == "N" and (when is None or when <= END))


def test_list_one_has_every_person_with_a_plan_in_place(xml: etree._Element, list_one: pd.DataFrame) -> None:
    persons = xml.findall("Persons/Person")
    expected = sum(any(_in_place(p) for p in person.iterfind("Requests/Assessment/NamedPlan")) for person in persons)
    assert expected > 1000
    assert len(list_one) == expected
    assert list_one["person_id"].is_unique
    upns = {person.findtext("UPN") for person in persons
            if any(_in_place(p) for p in person.iterfind("Requests/Assessment/NamedPlan"))}
    assert set(list_one["upn"].dropna()) == upns - {None}


def test_open_requests_match_the_xml(xml: etree._Element, tables: sen2.Sen2Tables) -> None:
    expected = sum(_is_open(r) for r in xml.iterfind("Persons/Person/Requests"))
    open_requests = inspection.open_requests(tables, case_table.derive(tables, END))
    assert expected > 100
    assert len(open_requests) == expected
    assert open_requests["request_id"].is_unique
    assert (open_requests["weeks_past_20"] == (open_requests["weeks_open"] - 20).clip(lower=0)).all()
    assert open_requests["weeks_open"].is_monotonic_decreasing


@pytest.mark.parametrize(("days", "overdue"), [(364, False), (365, False), (366, True), (400, True)])
def test_review_overdue_boundary(days: int, overdue: bool) -> None:
    end = pd.Timestamp(END)
    reviewed = pd.Series([end - pd.Timedelta(days=days), pd.NaT])
    started = pd.Series([end - pd.Timedelta(days=900), end - pd.Timedelta(days=days)])
    since, flag = inspection.review_overdue(reviewed, started, END)
    assert since.tolist() == [days, days]  # never reviewed: timed from the plan's start
    assert flag.tolist() == [overdue, overdue]


def test_list_one_review_flag_follows_the_rule(list_one: pd.DataFrame) -> None:
    assert (list_one["review_overdue"] == (list_one["days_since_review"] > inspection.REVIEW_DAYS)).all()
    assert list_one["review_overdue"].any() and not list_one["review_overdue"].all()
    assert (list_one["latest_plan"] >= list_one["first_plan_issued"]).all()
    assert set(list_one["age_phase"].dropna()) <= set(inspection.AGE_PHASES)


def test_sample_is_reproducible_and_covers_every_stratum(list_one: pd.DataFrame) -> None:
    seed = inspection_summary.sample_seed(END)
    assert seed == 20250930
    first = inspection_summary.deep_dive_sample(list_one, seed)
    again = inspection_summary.deep_dive_sample(list_one.sample(frac=1, random_state=1), seed)
    assert first["person_id"].tolist() == again["person_id"].tolist()  # row order of the list does not matter
    other = inspection_summary.deep_dive_sample(list_one, seed + 1)
    assert first["person_id"].tolist() != other["person_id"].tolist()
    strata = set(inspection_summary.strata(list_one))
    assert set(first["stratum"]) == strata
    assert len(first) == inspection_summary.DEFAULT_SAMPLE_SIZE and first["person_id"].is_unique
    assert first["sample_number"].tolist() == list(range(1, len(first) + 1))


def test_more_strata_than_the_sample_size_gives_one_case_each() -> None:
    frame = pd.DataFrame({"person_id": [str(i) for i in range(40)], "primary_need": [f"N{i % 8}" for i in range(40)],
                          "placement_type": [f"P{i % 5}" for i in range(40)]})
    sample = inspection_summary.deep_dive_sample(frame, seed=7, size=10)
    assert len(sample) == sample["stratum"].nunique() == 40  # 8 x 5 strata, one person each
    sizes = pd.Series({"a": 100, "b": 1, "c": 3, "d": 50})
    assert inspection_summary.allocation(sizes, 10).to_dict() == {"a": 5, "b": 1, "c": 1, "d": 3}
    assert inspection_summary.allocation(pd.Series({"a": 2, "b": 1}), 10).to_dict() == {"a": 2, "b": 1}


def test_counts_and_bands_add_up(list_one: pd.DataFrame, tables: sen2.Sen2Tables) -> None:
    for column in ("age_phase", "primary_need", "placement_type", "sex", "ethnicity"):
        counts = inspection_summary.counts_by(list_one, column)
        assert counts["count"].sum() == len(list_one)
        assert counts["share"].sum() == pytest.approx(100)
    reviews = inspection_summary.reviews_by_band(list_one)
    assert reviews["count"].sum() == len(list_one)
    assert reviews["count"].iloc[1:].sum() == list_one["review_overdue"].sum()
    open_requests = inspection.open_requests(tables, case_table.derive(tables, END))
    assert inspection_summary.waits_by_band(open_requests)["count"].sum() == len(open_requests)


def test_placement_type_uses_sen2_fields_only() -> None:
    setting = pd.Series(["EHE", None, None, None, None])
    urn = pd.Series([None, "123456", "123456", None, None])
    ukprn = pd.Series([None, None, None, "12345678", None])
    unit = pd.Series([False, True, False, False, False])
    kinds = inspection.placement_type(setting, urn, ukprn, unit, pd.Series([False] * 5)).tolist()
    assert kinds == ["Elective home education", "School or setting: SEN unit", "School or setting (URN)",
                     "Post-16 provider (UKPRN)", inspection.NOT_RECORDED]
