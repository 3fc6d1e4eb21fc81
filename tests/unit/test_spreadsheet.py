"""The accessible workbook: gptables writes it, openpyxl (an independent reader) reads every sheet back."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest

from helpers.errors import InputError
from helpers.present.spreadsheet import write_workbook


@pytest.fixture()
def csvs(tmp_path: Path) -> list[Path]:
    a = tmp_path / "02_timeliness-monthly-rate.csv"
    a.write_text("month,plans,pct\nJan 2025,12,33.3\nFeb 2025,fewer than 5,not shown\n", encoding="utf-8")
    b = tmp_path / "05_benchmarks-neighbours.csv"
    b.write_text("la,pct\nNorthby,40.5\nSouthby,\n", encoding="utf-8")
    return [a, b]


def rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]


def test_workbook_sheets_and_tables_read_back(csvs: list[Path], tmp_path: Path):
    out = tmp_path / "downloads" / "pack.xlsx"
    with warnings.catch_warnings():
        # gptables warns on unreferenced notes or blank cells: neither may happen
        warnings.filterwarnings("error", module="gptables", category=UserWarning)
        write_workbook(csvs, out, "Northby SEND evidence pack", synthetic=True)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Cover", "Contents", "Notes", "T01_02_timeliness_monthly_rate",
                             "T02_05_benchmarks_neighbours"]
    cover = [r[0] for r in rows(wb["Cover"])]
    assert cover[0] == "Northby SEND evidence pack"
    assert any(str(t).startswith("SYNTHETIC DEMONSTRATION DATA") for t in cover)

    t1 = rows(wb["T01_02_timeliness_monthly_rate"])
    assert t1[0][0] == "02 timeliness: monthly rate [note 1]"
    header = t1.index(("month", "plans", "pct"))
    assert t1[header + 1] == ("Jan 2025", 12, 33.3)  # numbers stay numbers
    assert t1[header + 2] == ("Feb 2025", "fewer than 5", "not shown")

    t2 = rows(wb["T02_05_benchmarks_neighbours"])
    assert t2[-1] == ("Southby", "[x]")  # a blank is written as the GSS "not available" shorthand

    contents = [r[0] for r in rows(wb["Contents"])]
    assert "T01_02_timeliness_monthly_rate" in contents and "T02_05_benchmarks_neighbours" in contents
    notes = rows(wb["Notes"])
    assert len([r for r in notes if isinstance(r[0], int)]) == 2


def test_no_synthetic_warning_for_real_data(csvs: list[Path], tmp_path: Path):
    out = write_workbook(csvs[:1], tmp_path / "x.xlsx", "Kent", synthetic=False)
    cover = [r[0] for r in rows(openpyxl.load_workbook(out)["Cover"])]
    assert not any("SYNTHETIC" in str(t) for t in cover)


def test_bad_inputs_are_input_errors(tmp_path: Path):
    with pytest.raises(InputError, match="no tables"):
        write_workbook([], tmp_path / "x.xlsx", "T", synthetic=False)
    empty = tmp_path / "e.csv"
    empty.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="every table is empty"):
        write_workbook([empty], tmp_path / "x.xlsx", "T", synthetic=False)
    broken = tmp_path / "b.csv"
    broken.write_bytes(b"\xff\xfe\x00a")
    with pytest.raises(InputError, match="not a readable CSV"):
        write_workbook([broken], tmp_path / "x.xlsx", "T", synthetic=False)


def test_empty_table_is_listed_on_cover_not_given_a_sheet(csvs: list[Path], tmp_path: Path):
    empty = tmp_path / "00_data_quality-code-changes.csv"
    empty.write_text("code,name\n", encoding="utf-8")
    out = write_workbook([empty, *csvs], tmp_path / "x.xlsx", "T", synthetic=False)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[3:] == ["T01_02_timeliness_monthly_rate", "T02_05_benchmarks_neighbours"]
    cover = " ".join(str(r[0]) for r in rows(wb["Cover"]))
    assert "not included: 00_data_quality-code-changes.csv" in cover


def test_infinite_and_missing_values_become_x() -> None:
    """Growth from 0 is infinite in a CSV ("inf"); Excel cannot hold it, so it is shown as [x] like a gap."""
    from helpers.present.spreadsheet import _cell

    assert _cell(float("inf")) == "[x]" and _cell(float("-inf")) == "[x]" and _cell(float("nan")) == "[x]"
    assert _cell("1,234") == 1234.0 and _cell("fewer than 5") == "fewer than 5"
