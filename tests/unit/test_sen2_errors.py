"""Bad SEN2 inputs: each stops with one InputError naming the file, the place (element path or CSV line), the
field and what was expected. (The CLI turns InputError into exit code 2 and writes nothing.)"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from helpers.errors import InputError
from helpers.sources import sen2

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sen2"


def _xml(tmp_path: Path, replacements: list[tuple[str, str]], fixture: str = "la_2025.xml") -> Path:
    text = (FIXTURES / fixture).read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "bad_sen2.xml"
    path.write_text(text)
    return path


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        sen2.read(path)
    err = info.value
    assert err.message.startswith(str(path)), err.message
    assert "\n" not in err.message and "Traceback" not in err.message
    return err


def test_wrong_root_element(tmp_path: Path) -> None:
    path = _xml(tmp_path, [("<Message>", "<CINCensus>"), ("</Message>", "</CINCensus>")])
    err = _error(path)
    assert "wrong root element" in err.problem and err.expected == "Message" and err.where == "CINCensus"


def test_wrong_namespace(tmp_path: Path) -> None:
    path = _xml(tmp_path, [("<Message>", '<Message xmlns="http://www.example.org/sen2">')])
    err = _error(path)
    assert "namespace" in err.problem and "http://www.example.org/sen2" in str(err.found)


@pytest.mark.parametrize("year", ["2022", "2030", "twenty"])
def test_unknown_year_layout(tmp_path: Path, year: str) -> None:
    err = _error(_xml(tmp_path, [("<Year>2025</Year>", f"<Year>{year}</Year>")]))
    assert err.where == "Message/Header/CollectionDetails/Year" and err.found == year
    assert "2023, 2024, 2025" in str(err.expected)


def test_element_from_another_year_layout(tmp_path: Path) -> None:
    """The 2023 GenderCurrent in a 2025 file (a header Year that does not match the content)."""
    err = _error(_xml(tmp_path, [("<Sex>M</Sex>", "<GenderCurrent>1</GenderCurrent>")]))
    assert err.where == "Message/Persons/Person[1]/GenderCurrent"
    assert "2025 SEN2 layout" in err.problem and "2023" in str(err.expected)


def test_2025_code_in_a_2024_file(tmp_path: Path) -> None:
    """SENtype DS (Down syndrome) arrived in 2025."""
    path = _xml(tmp_path, [("<SENtype>SEMH</SENtype>", "<SENtype>DS</SENtype>")], fixture="la_2024.xml")
    err = _error(path)
    assert err.where == "Message/Persons/Person[1]/Requests[1]/ActivePlans[1]/SENneed[1]/SENtype"
    assert err.problem == "unknown code" and err.found == "DS"


def test_truncated_xml(tmp_path: Path) -> None:
    text = (FIXTURES / "la_2025.xml").read_text()
    path = tmp_path / "truncated.xml"
    path.write_text(text[: len(text) // 2])
    err = _error(path)
    assert "truncated" in err.problem and err.where and err.where.startswith("line ")


def test_truncated_gzip(tmp_path: Path) -> None:
    packed = gzip.compress((FIXTURES / "la_2025.xml").read_bytes())
    path = tmp_path / "sen2.xml.gz"
    path.write_bytes(packed[: len(packed) // 2])
    assert "truncated" in _error(path).problem


def test_impossible_date_names_the_element_path(tmp_path: Path) -> None:
    """Person 4's second request (the fixture's only Person with two Requests)."""
    err = _error(_xml(tmp_path, [("<ReceivedDate>2024-09-02</ReceivedDate>",
                                  "<ReceivedDate>2024-02-30</ReceivedDate>")]))
    assert err.where == "Message/Persons/Person[4]/Requests[2]/ReceivedDate"
    assert err.field == "ReceivedDate" and err.found == "2024-02-30" and err.problem == "no such date"
    assert "Message/Persons/Person[4]/Requests[2]/ReceivedDate" in err.message


def test_date_in_the_wrong_format(tmp_path: Path) -> None:
    err = _error(_xml(tmp_path, [("<PersonBirthDate>2016-01-01", "<PersonBirthDate>01/01/2016")]))
    assert err.where == "Message/Persons/Person[1]/PersonBirthDate" and "YYYY-MM-DD" in str(err.expected)


@pytest.mark.parametrize(("old", "new", "where", "found"), [
    ("<RequestOutcome>W</RequestOutcome>", "<RequestOutcome>X</RequestOutcome>",
     "Message/Persons/Person[5]/Requests[1]/RequestOutcome", "X"),
    ("<Ethnicity>WBRI</Ethnicity>", "<Ethnicity>WENG</Ethnicity>", "Message/Persons/Person[1]/Ethnicity", "WENG"),
    ("<Week20>1</Week20>", "<Week20>Y</Week20>", "Message/Persons/Person[3]/Requests[1]/Assessment[1]/Week20", "Y"),
    ("<UPN>A100000000001</UPN>", "<UPN>A1000000001</UPN>", "Message/Persons/Person[1]/UPN", "A1000000001"),
    ("<URN>123456</URN>", "<URN>12345</URN>",
     "Message/Persons/Person[1]/Requests[1]/Assessment[1]/NamedPlan[1]/PlanDetail[1]/URN", "12345"),
])
def test_unknown_codes_and_formats(tmp_path: Path, old: str, new: str, where: str, found: str) -> None:
    err = _error(_xml(tmp_path, [(old, new)]))
    assert (err.where, err.found) == (where, found)
    assert err.expected


def test_two_assessments_under_one_request(tmp_path: Path) -> None:
    one = "<Assessment>\n          <AssessmentOutcome>A</AssessmentOutcome>\n        </Assessment>"
    err = _error(_xml(tmp_path, [(one,
                                  "<Assessment><AssessmentOutcome>A</AssessmentOutcome></Assessment>"
                                  "<Assessment><AssessmentOutcome>W</AssessmentOutcome></Assessment>")]))
    assert err.where == "Message/Persons/Person[6]/Requests[1]/Assessment[2]"
    assert "at most 1 Assessment" in str(err.expected)


def test_missing_required_element(tmp_path: Path) -> None:
    err = _error(_xml(tmp_path, [("<AssessmentOutcome>N</AssessmentOutcome>", "")]))
    assert err.where == "Message/Persons/Person[7]/Requests[1]/Assessment[1]/AssessmentOutcome"
    assert err.field == "AssessmentOutcome"


def test_misspelt_element_gets_a_suggestion(tmp_path: Path) -> None:
    err = _error(_xml(tmp_path, [("<ReceivedDate>2024-01-01</ReceivedDate>",
                                  "<RecievedDate>2024-01-01</RecievedDate>")]))
    assert err.where == "Message/Persons/Person[1]/Requests[1]/RecievedDate"
    assert "did you mean ReceivedDate" in err.problem


def test_header_without_year(tmp_path: Path) -> None:
    err = _error(_xml(tmp_path, [("<Year>2025</Year>", "")]))
    assert err.where == "Message/Header/CollectionDetails/Year" and "layout" in err.problem


def test_malformed_xml(tmp_path: Path) -> None:
    err = _error(_xml(tmp_path, [("<Surname>Testperson1</Surname>", "<Surname>Testperson1</Surnme>")]))
    assert "not well formed" in err.problem and err.where and err.where.startswith("line ")


def test_excel_workbook_saved_by_mistake(tmp_path: Path) -> None:
    path = tmp_path / "sen2.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
    err = _error(path)
    assert "Excel workbook" in err.problem and "CSV UTF-8" in err.problem


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n\n")
    assert "empty" in _error(path).problem


def test_missing_file(tmp_path: Path) -> None:
    assert "not found" in _error(tmp_path / "nowhere.xml").problem


# --- flat CSV -------------------------------------------------------------------------------------------------


def _csv(tmp_path: Path, edit: callable) -> Path:  # type: ignore[valid-type]
    text = (FIXTURES / "la_2025.csv").read_text(encoding="utf-8")
    path = tmp_path / "bad_sen2.csv"
    path.write_text(edit(text), encoding="utf-8")
    return path


def test_csv_from_excel_in_windows_1252_is_rejected(tmp_path: Path) -> None:
    """'Zoë' saved as plain Excel 'CSV' is byte 0xEB (cp1252), invalid as UTF-8: line 3 (person 2's row)."""
    text = (FIXTURES / "la_2025.csv").read_text(encoding="utf-8").replace("Testperson2", "Zoë")
    path = tmp_path / "excel_ansi.csv"
    path.write_bytes(text.encode("cp1252"))
    err = _error(path)
    assert err.where == "line 3" and err.found == "byte 0xeb"
    assert "not UTF-8" in err.problem and "CSV UTF-8" in err.problem


def test_csv_missing_required_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path, lambda t: t.replace("Week20", "Weeks20", 1))
    err = _error(path)
    assert err.where == "line 1" and err.field == "Week20" and "missing" in err.problem


def test_csv_unknown_column_gets_a_suggestion(tmp_path: Path) -> None:
    path = _csv(tmp_path, lambda t: t.replace("PostCode", "Postcode", 1))
    err = _error(path)
    assert err.field == "Postcode" and "did you mean PostCode" in err.problem


def test_csv_impossible_date_names_line_and_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, lambda t: t.replace("2024-09-02", "2024-02-30"))
    err = _error(path)
    assert (err.where, err.field, err.found) == ("line 6", "ReceivedDate", "2024-02-30")


def test_csv_unknown_code(tmp_path: Path) -> None:
    path = _csv(tmp_path, lambda t: t.replace(",ASD,SLCN", ",AUT,SLCN", 1))
    err = _error(path)
    assert (err.where, err.field, err.found) == ("line 2", "SENtype1", "AUT")


def test_csv_person_with_two_birth_dates(tmp_path: Path) -> None:
    """Person 4 has two rows (lines 5 and 6); the second gives another date of birth."""
    path = _csv(tmp_path, lambda t: t.replace("4,Testperson4,Fixture,2018-09-01", "4,Testperson4,Fixture,2018-09-02")
                .replace("4,Testperson4,Fixture,2018-09-02", "4,Testperson4,Fixture,2018-09-01", 1))
    err = _error(path)
    assert (err.where, err.field) == ("line 6", "birth_date") and "PersonID 4" in err.problem


def test_csv_row_with_wrong_number_of_cells(tmp_path: Path) -> None:
    path = _csv(tmp_path, lambda t: t.replace(",ASD,SLCN\n", ",ASD\n", 1))
    err = _error(path)
    assert err.where == "line 2" and "cells" in str(err.expected)


def test_return_without_persons(tmp_path: Path) -> None:
    text = (FIXTURES / "la_2025.xml").read_text()
    path = tmp_path / "no_persons.xml"
    path.write_text(text[: text.index("    <Person>")] + text[text.index("  </Persons>"):])
    err = _error(path)
    assert err.where == "Message/Persons" and "no Person" in err.problem


def test_persons_before_the_header(tmp_path: Path) -> None:
    text = (FIXTURES / "la_2025.xml").read_text()
    header = text[text.index("  <Header>"): text.index("  <Persons>")]
    path = tmp_path / "header_last.xml"
    path.write_text(text.replace(header, "").replace("</Message>", header + "</Message>"))
    err = _error(path)
    assert "before the Header" in err.problem
