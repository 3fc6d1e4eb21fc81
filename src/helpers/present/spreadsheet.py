"""One accessible spreadsheet of every table in the pack, as the Analysis Function's guidance asks.

"Releasing statistics in spreadsheets" (Analysis Function, 2021 onwards) asks for a cover sheet, a contents sheet, a
notes sheet and one table per sheet with a title and no merged cells, blank rows or colour-only meaning. The
Analysis Function's own ``gptables`` package implements that guidance, so it is used here rather than writing
``xlsx`` by hand.

Text from configs and DfE files is never live in a spreadsheet (OWASP "CSV Injection"): the workbook is written
with xlsxwriter's ``strings_to_formulas`` and ``strings_to_urls`` off, so ``=HYPERLINK(...)`` is a text cell, and
gptables' own markup (``[text](url)`` links, ``$$note$$`` references) is defused in text that did not come from
this module. CSV downloads go through :func:`csv_safe`, which puts a single quote before a text cell starting
``=``, ``+``, ``-``, ``@``, tab or carriage return, the OWASP advice; numbers (``-3``, ``-12.5%``) stay numbers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError

#: Excel's limit on a worksheet name.
_SHEET_NAME_MAX = 31
#: The workbook's "created" property. Fixed, because xlsxwriter otherwise stamps the time of writing into
#: ``docProps/core.xml`` and two builds of the same pack would differ; the build time is in the pack's manifest.
_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _title(path: Path) -> str:
    """``02_timeliness-monthly-rate.csv`` → ``"02 timeliness: monthly rate"``."""
    page, _, rest = path.stem.partition("-")
    page = page.replace("_", " ")
    return f"{page}: {rest.replace('-', ' ')}" if rest else page


def _sheet_names(paths: list[Path]) -> list[str]:
    """Unique sheet names of at most 31 characters, numbered so the contents list keeps the pack's order."""
    names = []
    for i, path in enumerate(paths, start=1):
        stem = re.sub(r"[^A-Za-z0-9_]+", "_", path.stem).strip("_")
        names.append(f"T{i:02d}_{stem}"[:_SHEET_NAME_MAX])
    return names


#: First characters that make a spreadsheet treat a cell as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Text that is a number as written (``-3``, ``+1,234.5``, ``-12.5%``): left alone, it is not a formula.
_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d+)?|\.\d+)([eE][+-]?\d+)?%?")


def formula_safe(text: str) -> str:
    """``text`` with a single quote in front when a spreadsheet would read it as a formula (OWASP advice)."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose text cells and column names cannot run as formulas when the CSV is opened in
    Excel or LibreOffice (see :func:`formula_safe`). Numeric columns are untouched."""
    out = table.copy()
    out.columns = [formula_safe(c) if isinstance(c, str) else c for c in out.columns]
    for col in range(out.shape[1]):
        series = out.iloc[:, col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out.iloc[:, col] = series.map(lambda v: formula_safe(v) if isinstance(v, str) else v)
    return out


def _defused(text: str) -> str:
    """Text from a CSV or config as gptables should show it: never a link (its ``[text](url)`` markup, which also
    fails on a URL xlsxwriter does not know) or a note reference (``$$note$$``). The CSV guard quote comes off:
    the workbook holds the text as text."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text.replace("](", "] (").replace("$$", "$ $")


def _cell(value: object) -> object:
    """A cell as Excel should hold it: numbers as numbers (a suppressed column mixes numbers and words), a missing
    value as the GSS shorthand ``[x]`` (Analysis Function "Symbols in tables"), text defused (:func:`_defused`)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "[x]"  # also an infinite ratio (growth from 0): not a figure Excel can hold
    if isinstance(value, str) and not any(ch.isalnum() for ch in value):
        return "[x]"  # a dash for "no figure" (a neighbour without a published year): GPTable refuses symbol-only cells
    if isinstance(value, str):
        value = _defused(value)
        try:
            number = float(value.replace(",", "")) if any(ch.isdigit() for ch in value) else value
        except ValueError:
            return value
        return _cell(number) if isinstance(number, float) else number
    return value


def _read(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(path, "table file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a readable CSV table ({type(exc).__name__})",
                         expected="a UTF-8 CSV with a header row") from None
    return table


def _notes(threshold: int) -> pd.DataFrame:
    """The Notes sheet: what "fewer than" means in the public version, and where each table comes from."""
    return pd.DataFrame({
        "Note number": ["note1", "note2"],
        "Note text": [
            (f"In the public version, counts from 1 to {threshold - 1} that come from child-level data are shown as "
             f"'fewer than {threshold}', and a cell that would let a reader work one out from a total is shown as "
             "'not shown'."),
            ("Each table is the data behind one chart or table on the named page of the evidence pack. "
             "Published Department for Education figures are shown unchanged."),
        ],
    })


def write_workbook(csv_paths: list[Path], out: Path, title: str, synthetic: bool, *, threshold: int = 5) -> Path:
    """Write every CSV in ``csv_paths`` (in order) into one ``.xlsx`` at ``out`` and return ``out``.

    Sheets: Cover (title, what the workbook holds, the synthetic-data warning when ``synthetic``), Contents
    (made by ``gptables``), Notes, then one table per CSV named ``T01_<file>`` ... with the table's title from its
    file name. A CSV with a header but no rows (nothing to report) gets no sheet; the cover lists it. Small counts
    already show as "fewer than {threshold}" in a public build's CSVs (note 1; pass the pack's
    ``disclosure.threshold``).
    """
    import gptables as gpt  # noqa: PLC0415 - not at the top: every kernel imports this module for csv_safe

    if not csv_paths:
        raise InputError(out, "no tables to write", expected="at least one CSV in the downloads folder")
    paths = [Path(p) for p in csv_paths]
    tables = {path: _read(path) for path in paths}
    empty = [path.name for path, table in tables.items() if table.empty]
    paths = [path for path in paths if not tables[path].empty]
    if not paths:
        raise InputError(out, "every table is empty", expected="at least one CSV with a row of data")
    sheets = {}
    for path, name in zip(paths, _sheet_names(paths), strict=True):
        table = tables[path]
        table.columns = [_defused(str(c)) for c in table.columns]
        table = table.astype(object).map(_cell)
        sheets[name] = gpt.GPTable(
            table=table,
            table_name=name,
            title=f"{_title(path)} $$note1$$",
            subtitles=[f"Source file: {path.name}"],
            source="SEND evidence pack $$note2$$",
            instructions="This worksheet contains one table. [x] means the figure is not available.",
            legend=["[x] = not available"],
            index_columns={},
        )
    intro = ["This workbook holds every table and chart data set in the evidence pack, one table per sheet."]
    if empty:
        intro.append("Tables with no rows (nothing to report) are not included: " + ", ".join(empty) + ".")
    if synthetic:
        intro.insert(0, "SYNTHETIC DEMONSTRATION DATA: these figures are made up and describe no real council "
                        "or child.")
    cover = gpt.Cover(
        title=_defused(title),
        intro=intro,
        about=["Each sheet's title names the pack page the table comes from.",
               "The Notes sheet explains the notes referred to in the tables."],
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = gpt.produce_workbook(filename=str(out), sheets=sheets, cover=cover, notes_table=_notes(threshold),
                                auto_width=True,
                                workbook_options={"strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": _CREATED})
    book.close()
    return out
