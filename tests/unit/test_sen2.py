"""SEN2 reader: layouts, the flat CSV, rules reported in ``issues``, streaming.

Fixtures in tests/fixtures/sen2/ are hand-built; ``la_2025.xml`` holds ten invented people whose expected
derived measures are worked out in tests/unit/test_cases.py, and ``la_2025.csv`` is the same data as a flat CSV.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pandas as pd
import pytest

from helpers.sources import sen2, sen2_rows, sen2_xml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sen2"
TABLES = ("persons", "requests", "assessments", "plans", "placements", "needs")


@pytest.fixture(scope="module")
def la_2025() -> sen2.Sen2Tables:
    return sen2.read(FIXTURES / "la_2025.xml")


def test_2025_layout_header_and_table_sizes(la_2025: sen2.Sen2Tables) -> None:
    """10 Person elements, 11 Requests (person 4 has two), 8 Assessments (persons 1-3, 6-10), 5 NamedPlans
    (persons 1, 2, 3, 8, 9) each with one PlanDetail and one PlacementDetail, two SENneed each."""
    t = la_2025
    assert (t.layout, t.reference_date, t.lea) == (2025, dt.date(2025, 1, 16), "999")
    assert [len(getattr(t, name)) for name in TABLES] == [10, 11, 8, 5, 10, 10]
    assert t.requests["request_id"].tolist()[3:5] == ["4-1", "4-2"]
    assert t.requests.loc[t.requests["request_id"] == "4-2", "request_outcome"].item() == "A"
    assert t.requests["request_source"].eq(1).all()
    assert t.assessments.set_index("request_id").loc["3-1", "week20"]
    assert t.placements["kind"].value_counts().to_dict() == {"named": 5, "attended": 5}
    assert t.needs.groupby("rank")["sen_type"].first().to_dict() == {1: "ASD", 2: "SLCN"}
    assert t.issues.empty


def test_flat_csv_gives_the_same_tables_as_the_xml(la_2025: sen2.Sen2Tables) -> None:
    csv = sen2.read(FIXTURES / "la_2025.csv")
    assert csv.layout == "csv" and csv.reference_date is None
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(la_2025, name), getattr(csv, name), obj=name)


def test_csv_with_bom_and_uk_dates_reads_the_same(tmp_path: Path, la_2025: sen2.Sen2Tables) -> None:
    """Excel's 'CSV UTF-8' writes a byte-order mark and shows UK dates as DD/MM/YYYY."""
    text = (FIXTURES / "la_2025.csv").read_text(encoding="utf-8")
    text = text.replace("2024-01-01", "01/01/2024").replace("2016-01-01", "1/1/2016")
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    got = sen2.read(path, reference_date=dt.date(2025, 1, 16))
    pd.testing.assert_frame_equal(got.requests, la_2025.requests)
    pd.testing.assert_frame_equal(got.persons, la_2025.persons)
    assert got.reference_date == dt.date(2025, 1, 16)


def test_2023_layout_gender_res_and_attendance_pattern() -> None:
    """2023: GenderCurrent 2 (female) is read as Sex F; Res on ActivePlans describes the attended placement;
    AttendancePattern is accepted; SENsetting (lower-case s) spelling accepted."""
    t = sen2.read(FIXTURES / "la_2023.xml")
    assert t.layout == 2023 and t.reference_date == dt.date(2023, 1, 19)
    assert t.persons["sex"].tolist() == ["F"] and t.persons["uln"].tolist() == ["1234567890"]
    named = t.placements[t.placements["kind"] == "named"].iloc[0]
    attended = t.placements[t.placements["kind"] == "attended"].iloc[0]
    assert named["sen_setting"] == "OLA" and pd.isna(named["res"])
    assert attended["res"] == "A" and attended["ukprn"] == "10000001" and bool(attended["sen_unit"])
    assert t.plans["last_review"].tolist() == [pd.Timestamp("2022-12-01")]


def test_2024_layout_sex_reviews_and_oth_setting() -> None:
    t = sen2.read(FIXTURES / "la_2024.xml")
    assert t.layout == 2024
    assert t.persons["sex"].tolist() == ["F"]
    plan = t.plans.iloc[0]
    assert (plan["review_meeting"], plan["review_outcome"]) == (pd.Timestamp("2022-11-20"), "A")
    named = t.placements[t.placements["kind"] == "named"].iloc[0]
    assert (named["sen_setting"], named["sen_setting_other"]) == ("OTH", "Special school, to be named")
    assert t.placements.loc[t.placements["kind"] == "attended", "res"].tolist() == ["A"]


def test_2026_return_reads_with_the_2025_layout(tmp_path: Path) -> None:
    path = tmp_path / "sen2_2026.xml"
    path.write_text((FIXTURES / "la_2025.xml").read_text().replace("<Year>2025</Year>", "<Year>2026</Year>"))
    assert sen2.read(path).layout == 2025


def test_gzipped_xml_is_read(tmp_path: Path, la_2025: sen2.Sen2Tables) -> None:
    path = tmp_path / "sen2.xml.gz"
    path.write_bytes(gzip.compress((FIXTURES / "la_2025.xml").read_bytes()))
    pd.testing.assert_frame_equal(sen2.read(path).requests, la_2025.requests)


def _variant(tmp_path: Path, replacements: list[tuple[str, str]], name: str = "variant.xml") -> Path:
    text = (FIXTURES / "la_2025.xml").read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text)
    return path


def test_guidance_rules_are_reported_not_fatal(tmp_path: Path) -> None:
    """Each edit below breaks one guidance rule once; each is counted, with the element path as example."""
    path = _variant(tmp_path, [
        # person 1: decision date before the request
        ("<RequestOutcomeDate>2024-02-05</RequestOutcomeDate>", "<RequestOutcomeDate>2023-12-05</RequestOutcomeDate>"),
        # person 4, first request: refused with no date
        ("<RequestOutcomeDate>2024-04-05</RequestOutcomeDate>\n", ""),
        # person 3: plan issued without the Week20 flag
        ("<Week20>1</Week20>", ""),
        # person 5: same UPN as person 1
        ("<UPN>A100000000005</UPN>", "<UPN>A100000000001</UPN>"),
        # person 6: no identifier at all
        ("<UPN>A100000000006</UPN>", ""),
        # person 6: decision dated after the reference date (2025-01-16)
        ("<RequestOutcomeDate>2024-06-10</RequestOutcomeDate>", "<RequestOutcomeDate>2025-02-01</RequestOutcomeDate>"),
        # person 7: received date missing
        ("<ReceivedDate>2024-04-01</ReceivedDate>\n", ""),
    ])
    issues = sen2.read(path).issues.set_index("rule")
    assert issues["count"].to_dict() == {
        "date_after_reference_date": 1, "dates_out_of_order": 1, "duplicate_person": 1, "no_identifier": 1,
        "outcome_date_missing": 1, "received_date_missing": 1, "week20_missing": 1}
    assert issues.loc["dates_out_of_order", "examples"] == "Message/Persons/Person[1]/Requests[1]"
    assert issues.loc["outcome_date_missing", "examples"] == "Message/Persons/Person[4]/Requests[1]"
    assert issues.loc["duplicate_person", "examples"] == "Message/Persons/Person[5]"
    assert issues.loc["date_after_reference_date", "examples"] == "Message/Persons/Person[6]/Requests[1]"
    assert set(issues["description"]) <= set(sen2.RULES.values())
    text = " ".join(issues["examples"])
    assert "A1000" not in text and "Testperson" not in text  # places only, never personal details


def test_assessment_and_plan_for_a_refused_request_are_reported(tmp_path: Path) -> None:
    """Person 2's request refused (N) while an assessment and plan are recorded under it."""
    path = _variant(tmp_path, [("<RequestOutcomeDate>2024-02-13</RequestOutcomeDate>\n        <RequestOutcome>Y",
                                "<RequestOutcomeDate>2024-02-13</RequestOutcomeDate>\n        <RequestOutcome>N")])
    issues = sen2.read(path).issues.set_index("rule")["count"].to_dict()
    assert issues == {"assessment_not_agreed": 1, "plan_not_agreed": 1}


def test_reference_date_argument_overrides_the_header(tmp_path: Path) -> None:
    """With the reference date moved back to 2024-06-30 the fixture's later dates are reported, once per record:
    requests 4-2 (received Sep) and 10-1 (Oct); assessments 3-1 (plan issued 2024-08-01) and 7-1 (no plan,
    2024-07-15); plan 3-1 (start 2024-08-01); the placement attended under 3-1 (entry 2024-08-01); the named
    setting carries no date. 2 + 2 + 1 + 1 = 6."""
    t = sen2.read(FIXTURES / "la_2025.xml", reference_date=dt.date(2024, 6, 30))
    assert t.reference_date == dt.date(2024, 6, 30)
    assert t.issues.set_index("rule").loc["date_after_reference_date", "count"] == 6


def test_streaming_reader_clears_each_person(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Bounded memory: when each Person is read, the Person elements before it have been removed from the tree
    (only its cleared predecessor remains), and the parser's read-ahead holds a bounded number of later ones,
    however many persons the file has."""
    body = (FIXTURES / "la_2025.xml").read_text()
    start, end = body.index("    <Person>"), body.index("  </Persons>")
    path = tmp_path / "big.xml"
    path.write_text(body[:start] + body[start:end] * 50 + body[end:])
    held: list[tuple[int, int]] = []
    original = sen2_xml.XmlReader.person

    def spy(self: sen2_xml.XmlReader, el: object, number: int) -> None:
        earlier = len(list(el.itersiblings(preceding=True)))  # type: ignore[attr-defined]
        held.append((earlier, len(el.getparent())))  # type: ignore[attr-defined]
        original(self, el, number)

    monkeypatch.setattr(sen2_xml.XmlReader, "person", spy)
    t = sen2.read(path)
    assert len(t.persons) == 500 and len(held) == 500
    assert max(earlier for earlier, _ in held) <= 1
    assert max(in_tree for _, in_tree in held) < 100  # read-ahead, not the 500 persons of the file
    assert t.issues.set_index("rule").loc["duplicate_person", "count"] == 9 * 49  # 9 UPNs repeated 49 times


def test_rows_are_converted_in_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Rows become typed frames every _CHUNK requests; the concatenated result equals the one-pass result."""
    monkeypatch.setattr(sen2_rows, "_CHUNK", 3)
    chunked = sen2.read(FIXTURES / "la_2025.xml")
    monkeypatch.setattr(sen2_rows, "_CHUNK", 10_000)
    whole = sen2.read(FIXTURES / "la_2025.xml")
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(chunked, name), getattr(whole, name), obj=name)
