"""The restricted inspection workbook: its sheets, frozen headers, the protective marking on every sheet, owner-only
permissions, and the personal-data record (issue 17)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import openpyxl
import pytest
from typing import Any

from helpers.config import load_pack
from helpers.pack import inspection as command
from helpers.present import inspection_workbook as workbook

SHEETS = ["Cover", "Contents", "List_1_EHC_plans", "Open_requests", "Deep_dive_sample"]


@pytest.fixture(scope="module")
def written(root: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    pack = tmp_path_factory.mktemp("pack") / "demo-restricted"
    record = command.write_lists(load_pack(root / "config" / "demo.yaml"), pack, "Northby")
    return pack, record


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_owner_only_permissions(written: tuple[Path, dict[str, Any]]) -> None:
    pack, record = written
    book = pack / "inspection" / workbook.WORKBOOK_NAME
    assert _mode(book) == 0o600
    assert _mode(book.parent) == 0o700
    assert _mode(pack / "inspection" / command.RECORD) == 0o600
    assert record["file"] == "inspection/inspection_lists.xlsx" and record["file_mode"] == "0o600"


def test_sheets_frozen_headers_and_marking(written: tuple[Path, dict[str, Any]]) -> None:
    pack, record = written
    book = openpyxl.load_workbook(pack / "inspection" / workbook.WORKBOOK_NAME)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        top = [c.value for row in sheet.iter_rows(max_row=4, max_col=1) for c in row]
        assert workbook.MARKING in top, sheet.title
        assert sheet.oddHeader.center.text == workbook.MARKING, sheet.title
    expected = {"List_1_EHC_plans": workbook.LIST_ONE, "Open_requests": workbook.OPEN}
    for name, columns in expected.items():
        sheet = book[name]
        assert sheet.freeze_panes is not None
        header_row = int(sheet.freeze_panes[1:]) - 1  # the last frozen row is the header
        headers = [c.value for c in sheet[header_row]]
        assert headers[: len(columns)] == [h for h, _ in columns]
        fills = workbook.COUNCIL_FILLS["list_one" if name.startswith("List") else "open"]
        assert headers[len(columns):] == list(fills)
        assert sheet.max_row - header_row == record["rows"][name]  # one row per child or request
    sample = book["Deep_dive_sample"]
    assert sample.max_row - (int(sample.freeze_panes[1:]) - 1) == record["rows"]["Deep_dive_sample"] == 30


def test_record_holds_no_personal_values(written: tuple[Path, dict[str, Any]]) -> None:
    pack, record = written
    text = json.dumps(record)
    assert record["personal_data_written"] is True and record["rows"]["List_1_EHC_plans"] == 1880
    assert record["rows"]["Open_requests"] == 258 and record["sample_seed"] == 20250930
    book = openpyxl.load_workbook(pack / "inspection" / workbook.WORKBOOK_NAME)
    sheet = book["List_1_EHC_plans"]
    first = int(sheet.freeze_panes[1:])
    upn, surname = sheet.cell(first, 2).value, sheet.cell(first, 5).value
    assert upn and surname and upn not in text and surname not in text


def test_text_is_never_a_formula() -> None:
    assert workbook.cell_text("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert workbook.cell_text(None) == workbook.NOT_RECORDED
    assert workbook.cell_text(True) == "Yes"


def test_record_goes_into_the_manifest_once(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"pack": "demo"}), encoding="utf-8")
    record = {"personal_data_written": True, "file": "inspection/inspection_lists.xlsx"}
    command.note_in_manifest(tmp_path, record)
    command.note_in_manifest(tmp_path, record)
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == {
        "pack": "demo", "personal_data": record}
