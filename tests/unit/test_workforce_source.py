"""EP workforce template reader: the demo file and template read; each broken rule gives one clear InputError."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.sources import workforce

ROOT = Path(__file__).resolve().parents[2]
HEADER = ",".join(workforce.COLUMNS)
GOOD = [
    "2025-01-31,13,9.5,2,3.5,0,1,4,40,38,30,27300",
    "2025-02-28,13,10.5,1.5,2.5,1,0,4,45,45,40,20475",
    "2025-03-31,13,11,1,2,0.5,0,4,50,44,39,",
]


def _write(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "ep.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        workforce.read(path)
    assert info.value.message.startswith(str(path))
    return info.value


def test_template_header_is_the_column_list() -> None:
    text = (ROOT / "data" / "templates" / "ep_workforce_template.csv").read_text(encoding="utf-8")
    assert text == HEADER + "\n"
    readme = (ROOT / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert all(f"`{column}`" in readme for column in workforce.COLUMNS)


def test_reads_a_good_file(tmp_path: Path) -> None:
    df = workforce.read(_write(tmp_path, GOOD))
    assert tuple(df.columns) == workforce.COLUMNS
    assert df["period_end"].tolist() == [pd.Timestamp("2025-01-31"), pd.Timestamp("2025-02-28"),
                                         pd.Timestamp("2025-03-31")]
    assert df["eps_in_post_fte"].tolist() == [9.5, 10.5, 11.0]
    assert df["locum_spend_gbp"].isna().tolist() == [False, False, True]  # blank = not recorded


def test_excel_conventions_accepted(tmp_path: Path) -> None:
    """BOM, CRLF, DD/MM/YYYY dates, thousands commas and a £ sign (quoted, as Excel writes them)."""
    path = tmp_path / "excel.csv"
    rows = ['31/01/2025,13,9.5,2,3.5,0,1,4,40,38,30,"£27,300"']
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([HEADER, *rows, ""]).encode("utf-8"))
    df = workforce.read(path)
    assert df.loc[0, "period_end"] == pd.Timestamp("2025-01-31") and df.loc[0, "locum_spend_gbp"] == 27300.0


def test_demo_workforce_file_matches_the_capacity_story() -> None:
    """The committed synthetic Northby file: 48 months Oct 2021 – Sep 2025, lowest EP staffing in early 2024."""
    df = workforce.read(ROOT / "data" / "demo" / "ep_workforce_northby.csv")
    assert len(df) == 48 and df["period_end"].iloc[-1] == pd.Timestamp("2025-09-30")
    low = df.loc[df["eps_in_post_fte"].idxmin(), "period_end"]
    assert pd.Timestamp("2023-10-01") <= low <= pd.Timestamp("2024-06-30")


@pytest.mark.parametrize(("row", "field", "problem"), [
    ("2025-04-30,13,11,-0.5,2,0,0,4,50,44,39,", "locum_fte", "a negative value"),
    ("2025-04-30,13,14.5,1,0,0,0,4,50,44,39,", "eps_in_post_fte",
     "more EPs in post than the establishment plus locums"),
    ("2025-04-30,13,11,1,2,0,0,4,50,44,45,", "advice_completed_within_6_weeks",
     "more advice completed within 6 weeks than completed"),
    ("2025-02-30,13,11,1,2,0,0,4,50,44,39,", "period_end", "not a real date"),
    ("2025-04-30,13,eleven,1,2,0,0,4,50,44,39,", "eps_in_post_fte", "not a number"),
    ("2025-04-30,13,11,1,2,0,0,4.5,50,44,39,", "trainees", "a count that is not a whole number"),
    ("2025-04-30,,11,1,2,0,0,4,50,44,39,", "establishment_fte", "a required value is blank"),
])
def test_bad_rows_name_line_and_field(tmp_path: Path, row: str, field: str, problem: str) -> None:
    """The bad row is the 4th data row: line 5 of the file."""
    err = _error(_write(tmp_path, [*GOOD, row]))
    assert (err.where, err.field, err.problem) == ("line 5", field, problem)
    assert err.expected


def test_in_post_may_use_locums_to_exceed_establishment(tmp_path: Path) -> None:
    """13 funded + 2 locum: 14.5 in post is allowed (the rule is in post ≤ establishment + locum)."""
    df = workforce.read(_write(tmp_path, [*GOOD, "2025-04-30,13,14.5,2,0,0,0,4,50,44,39,"]))
    assert df["eps_in_post_fte"].iloc[-1] == 14.5


def test_repeated_period(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, [*GOOD, GOOD[-1]]))
    assert (err.where, err.field) == ("line 5", "period_end") and "twice" in err.problem


def test_periods_out_of_order(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, [GOOD[1], GOOD[0], GOOD[2]]))
    assert (err.where, err.field) == ("line 3", "period_end") and "2025-02-28" in str(err.expected)


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, [r.rsplit(",", 1)[0] for r in GOOD], header=HEADER.rsplit(",", 1)[0]))
    assert (err.where, err.field) == ("line 1", "locum_spend_gbp") and "missing" in err.problem
    err = _error(_write(tmp_path, [r + ",1" for r in GOOD], header=HEADER + ",locum_spend"))
    assert err.field == "locum_spend" and "did you mean locum_spend_gbp" in err.problem


def test_windows_1252_csv_is_rejected(tmp_path: Path) -> None:
    """'£' saved by Excel's plain 'CSV' option is byte 0xA3, not UTF-8."""
    path = tmp_path / "ansi.csv"
    path.write_bytes("\n".join([HEADER, *GOOD[:2], "2025-03-31,13,11,1,2,0.5,0,4,50,44,39,£500"]).encode("cp1252"))
    err = _error(path)
    assert err.where == "line 4" and "not UTF-8" in err.problem and err.found == "byte 0xa3"


def test_workbook_saved_by_mistake(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "ep.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
    assert "Excel workbook" in _error(path).problem


def test_header_only_template_has_no_rows() -> None:
    err = _error(ROOT / "data" / "templates" / "ep_workforce_template.csv")
    assert "no rows" in err.problem


def test_empty_unnamed_columns_left_by_excel_are_ignored(tmp_path: Path) -> None:
    df = workforce.read(_write(tmp_path, [r + ",," for r in GOOD], header=HEADER + ",,"))
    assert tuple(df.columns) == workforce.COLUMNS and len(df) == 3


def test_completed_may_exceed_received_in_a_period_but_not_in_total(tmp_path: Path) -> None:
    """Requests 40, 45, 50 then 30 (total 165); completed 38, 45, 44 then 38 (total 165): the last period
    clears the backlog of 8 and is allowed. Completing 39 instead makes 166 > 165: an error at line 5."""
    clearing = "2025-04-30,13,11,1,2,0,0,4,30,38,30,"
    df = workforce.read(_write(tmp_path, [*GOOD, clearing]))
    assert df["advice_completed"].iloc[-1] > df["advice_requests_received"].iloc[-1]
    err = _error(_write(tmp_path, [*GOOD, clearing.replace(",38,30,", ",39,30,")]))
    assert (err.where, err.field) == ("line 5", "advice_completed") and "in total" in err.problem
    assert "165" in str(err.expected) and "166" in str(err.found)
