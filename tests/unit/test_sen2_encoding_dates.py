"""SEN2 XML in UTF-16, encodings that contradict their declaration, DTDs and entities, and impossible dates.

The fixture is tests/fixtures/sen2/la_2025.xml (hand-built; person 1 asked on 2024-01-01, decided 2024-02-05,
plan issued 2024-05-20: 140 days, within 20 weeks).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers.pages.timeliness import impossible_dates_sentence
from helpers.analysis import cases as case_table
from helpers.errors import InputError
from helpers.pages import data_quality
from helpers.sources import sen2

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sen2" / "la_2025.xml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def write(tmp_path: Path, data: bytes, name: str = "return.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def error(path: Path) -> InputError:
    with pytest.raises(InputError) as err:
        sen2.read(path)
    return err.value


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_matching_declaration_reads_the_same(tmp_path: Path, codec: str) -> None:
    """UTF-16 (with or without a byte-order mark) declared as UTF-16 is valid XML: same tables as UTF-8."""
    utf16 = TEXT.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    got = sen2.read(write(tmp_path, utf16.encode(codec)))
    want = sen2.read(FIXTURE)
    assert got.layout == 2025 and got.requests.equals(want.requests) and got.persons.equals(want.persons)


def test_utf16_declared_as_utf8_is_an_xml_message_not_csv_advice(tmp_path: Path) -> None:
    err = error(write(tmp_path, TEXT.encode("utf-16")))
    assert "XML declaration" in err.problem and err.field == "encoding" and err.found == "UTF-8"
    assert "Excel" not in str(err) and "CSV" not in str(err)


def test_utf8_bytes_declared_as_utf16(tmp_path: Path) -> None:
    err = error(write(tmp_path, TEXT.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-8")))
    assert "XML declaration" in err.problem and err.found == "UTF-16"


def test_entity_that_blanks_a_code_is_refused(tmp_path: Path) -> None:
    """``<Sex>&blank;</Sex>`` with ``<!ENTITY blank "">`` used to read as a blank Sex and skip its code check."""
    attack = TEXT.replace("<Message>", '<!DOCTYPE Message [<!ENTITY blank "">]>\n<Message>', 1).replace(
        "<Sex>M</Sex>", "<Sex>&blank;</Sex>", 1)
    err = error(write(tmp_path, attack.encode("utf-8")))
    assert "DTD" in err.problem and err.field == "DOCTYPE"


def test_undeclared_entity_is_malformed_xml(tmp_path: Path) -> None:
    err = error(write(tmp_path, TEXT.replace("<Sex>M</Sex>", "<Sex>&blank;</Sex>", 1).encode("utf-8")))
    assert "not well formed" in err.problem


def _with_dates(tmp_path: Path, decision: str, issued: str) -> sen2.Sen2Tables:
    text = TEXT.replace("<RequestOutcomeDate>2024-02-05</RequestOutcomeDate>",
                        f"<RequestOutcomeDate>{decision}</RequestOutcomeDate>", 1).replace(
        "<AssessmentOutcomeDate>2024-05-20</AssessmentOutcomeDate>",
        f"<AssessmentOutcomeDate>{issued}</AssessmentOutcomeDate>", 1)
    return sen2.read(write(tmp_path, text.encode("utf-8")))


def test_impossible_dates_counted_with_paths_and_left_out_of_timeliness(tmp_path: Path) -> None:
    """Person 1's plan dated 2023-12-20, before the request (2024-01-01) and the decision (2024-02-05)."""
    good = sen2.read(FIXTURE)
    bad = _with_dates(tmp_path, "2024-02-05", "2023-12-20")
    issues = bad.issues.set_index("rule")
    assert issues.loc["dates_out_of_order", "count"] >= 1
    assert "Message/Persons/Person[1]/Requests[1]" in issues.loc["dates_out_of_order", "examples"]
    table = data_quality.rule_failures(bad).data
    assert "Message/Persons/Person[1]/Requests[1]" in " ".join(table.iloc[:, 2])
    public = data_quality.rule_failures(bad, hide_below=5).data  # paths would reveal a suppressed count
    assert "Person[" not in " ".join(public.iloc[:, 2]) and "fewer than 5" in " ".join(public.iloc[:, 2])

    end = dt.date(2025, 1, 16)
    c_good, c_bad = case_table.derive(good, end), case_table.derive(bad, end)
    assert case_table.impossible_dates(c_good) == 0 and case_table.impossible_dates(c_bad) == 1
    assert len(c_bad) == len(c_good)  # still a request received
    row = c_bad[c_bad["request_id"] == "1-1"].iloc[0]
    assert row["dates_impossible"] and row["within_20_weeks"] is pd.NA
    assert case_table.by_period(c_bad, "Q")["plans_issued"].sum() == case_table.by_period(c_good, "Q")[
        "plans_issued"].sum() - 1
    head_good, head_bad = case_table.dfe_headlines(good, 2024), case_table.dfe_headlines(bad, 2024)
    assert head_bad["plans_issued"] == head_good["plans_issued"] - 1
    assert head_bad["requests_received"] == head_good["requests_received"]
    assert impossible_dates_sentence(c_bad).startswith("1 request in the local extract has impossible")


def test_decision_before_request_is_impossible(tmp_path: Path) -> None:
    bad = _with_dates(tmp_path, "2023-12-01", "2024-05-20")
    cases = case_table.derive(bad, dt.date(2025, 1, 16))
    row = cases[cases["request_id"] == "1-1"].iloc[0]
    assert row["dates_impossible"] and row["weeks_to_decision"] != row["weeks_to_decision"]  # NaN
    assert case_table.impossible_dates(cases) == 1


def test_dev_zero_is_one_message() -> None:
    err = error(Path("/dev/zero"))
    assert "not a regular file" in err.problem
