"""The bad-input corpus: each case breaks one input of a copy of the demo project in one way.

A case is ``(id, reader, mutate, words, place)``: ``mutate(project)`` edits the copy in place and returns the
basename of the file it broke (the message must name it), ``words`` are fragments the one-line error message
must contain (case-insensitive), and ``place`` says whether the message must also point at a place inside the
file (a line, row, XML element path or config key). ``place=False`` only for whole-file problems (an empty
file, a damaged zip or gzip, an Excel workbook saved as text, a zip without the release's files), where there
is no place inside the file to point at. See ``README.md`` in this folder.

The corpus is generated from the demo inputs (``data/demo``), never stored as files, so it follows the demo
data when they change.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

EES = Path("data/demo/ees/data")
SEN2 = Path("data/demo/sen2_northby.xml.gz")
WORKFORCE = Path("data/demo/ep_workforce_northby.csv")
NEIGHBOURS = Path("data/demo/neighbours_northby.csv")
CONFIG = Path("config/demo.yaml")

PLACE = re.compile(r"line \d+|row \d+|key '[^']+'|Message/\w+|la_code \w+")
"""What counts as a place inside a file in a message."""


@dataclass(frozen=True)
class Case:
    id: str
    reader: str  # ees | sen2 | workforce | neighbours | config
    mutate: Callable[[Path], str]
    words: tuple[str, ...]
    place: bool = True
    xfail: str | None = field(default=None)  # why the project does not meet the contract yet (strict xfail)


# --- editing helpers ----------------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def set_cell(path: Path, line: int, column: str, value: str) -> str:
    """Set one cell (``line`` as a spreadsheet shows it: header = 1)."""
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)
    return path.name


def drop_column(path: Path, column: str) -> str:
    rows = read_rows(path)
    i = rows[0].index(column)
    write_rows(path, [r[:i] + r[i + 1:] for r in rows])
    return path.name


def rename_column(path: Path, old: str, new: str) -> str:
    rows = read_rows(path)
    rows[0][rows[0].index(old)] = new
    write_rows(path, rows)
    return path.name


def duplicate_row(path: Path, line: int) -> str:
    rows = read_rows(path)
    rows.insert(line, list(rows[line - 1]))
    write_rows(path, rows)
    return path.name


def add_column(path: Path, column: str, value: Callable[[int], str]) -> str:
    rows = read_rows(path)
    write_rows(path, [rows[0] + [column]] + [r + [value(i + 2)] for i, r in enumerate(rows[1:])])
    return path.name


def cp1252(path: Path, line: int, column: str) -> str:
    """Re-save as Windows-1252 (Excel's plain 'CSV' option) with an accented letter in one cell."""
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] += " Sainte-Hélène"
    write_rows(path, rows, encoding="cp1252")
    return path.name


def empty(path: Path) -> str:
    path.write_bytes(b"")
    return path.name


def xlsx_as(path: Path) -> str:
    """An Excel workbook of the same cells, saved under the text file's name."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in read_rows(path)[:20]:
        sheet.append(row)
    book.save(path)
    return path.name


def truncate(path: Path, keep: float = 0.5) -> str:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path.name


def edit_config(project: Path, old: str, new: str, count: int = 1) -> str:
    cfg = project / CONFIG
    text = cfg.read_text(encoding="utf-8")
    assert old in text, old
    cfg.write_text(text.replace(old, new, count), encoding="utf-8")
    return cfg.name


# --- EES release ---------------------------------------------------------------------------------------------------


def ees_file(name: str) -> Callable[[Path], Path]:
    return lambda project: project / EES / name


def zip_release(project: Path, *, leave_out: tuple[str, ...] = (), only_readme: bool = False,
                change: Callable[[Path], object] | None = None) -> Path:
    """Zip the demo release as DfE ships it (``data/<file>.csv``) and point the config at the zip."""
    folder = project / EES
    if change is not None:
        change(folder)
    target = project / "data" / "demo" / "ees_release.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        if only_readme:
            zf.writestr("README.txt", "Education, health and care plans: metadata only")
        else:
            for f in sorted(folder.glob("*.csv")):
                if f.name not in leave_out:
                    zf.write(f, f"data/{f.name}")
    edit_config(project, "ees: [data/demo/ees]", "ees: [data/demo/ees_release.zip]")
    return target


def _zip_truncated(p: Path) -> str:
    return truncate(zip_release(p), 0.6)


def _zip_missing(p: Path) -> str:
    return zip_release(p, leave_out=("newplans.csv",)).name


def _zip_no_data(p: Path) -> str:
    return zip_release(p, only_readme=True).name


def _zip_member_text(p: Path) -> str:
    zip_release(p, change=lambda f: set_cell(f / "requests.csv", 40, "requests_received_in_year", "lots"))
    return "requests.csv"


def _zip_bomb(p: Path) -> str:
    """requests.csv padded with 40 MB of one repeated byte: compressed ~1,000 times (issue 23's 4.3 GB bomb, small)."""
    target = zip_release(p, leave_out=("requests.csv",))
    with zipfile.ZipFile(target, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("data/requests.csv", (p / EES / "requests.csv").read_text(encoding="utf-8-sig") + "x" * (40 << 20))
    return target.name


def _zip_duplicate(p: Path) -> str:
    target = zip_release(p)
    with zipfile.ZipFile(target, "a") as zf:
        zf.write(p / EES / "requests.csv", "old/data/requests.csv")
    return target.name


def _zip_encrypted(p: Path) -> str:
    target = zip_release(p)
    raw = bytearray(target.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature)
        while at >= 0:
            raw[at + offset] |= 0x1  # general-purpose flag bit 0: encrypted
            at = raw.find(signature, at + 4)
    target.write_bytes(bytes(raw))
    return target.name


def _zip_name_not_utf8(p: Path) -> str:
    target = zip_release(p)
    with zipfile.ZipFile(target, "a") as zf:
        zf.writestr("data/\u00e9\u00e9.csv", "a\n1\n")  # stored as UTF-8 with flag 0x800
    target.write_bytes(target.read_bytes().replace("\u00e9\u00e9".encode(), b"\xff\xfe\xff\xfe"))
    return target.name


def _ees_pct_over_100(p: Path) -> str:
    return add_column(p / EES / "timeliness_20_week.csv", "pc_plans_issued_within_20_weeks",
                      lambda line: "120" if line == 30 else "50")


def _ees_part_over_total(p: Path) -> str:
    path = p / EES / "timeliness_20_week.csv"
    rows = read_rows(path)
    total = rows[9][rows[0].index("plans_issued_den")]
    return set_cell(path, 10, "plans_issued_within_20_weeks", str(int(float(total)) + 50))


def _ees_ragged(p: Path) -> str:
    path = p / EES / "ceased_plans.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[20] = lines[20].rsplit(",", 2)[0]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path.name


EES_CASES = [
    Case("ees_missing_column", "ees", lambda p: drop_column(p / EES / "requests.csv", "requests_received_in_year"),
         ("requests.csv", "missing", "requests_received_in_year")),
    Case("ees_renamed_column", "ees", lambda p: rename_column(p / EES / "newplans.csv", "new_ehc_plans",
                                                              "new_ehcp_plans"), ("newplans.csv", "new_ehc_plans")),
    Case("ees_text_in_count", "ees", lambda p: set_cell(p / EES / "requests.csv", 40, "requests_received_in_year",
                                                        "lots"), ("requests.csv", "line 40", "lots")),
    Case("ees_negative_count", "ees", lambda p: set_cell(p / EES / "assessments.csv", 25, "assess_in_year", "-5"),
         ("assessments.csv", "line 25", "below zero")),
    Case("ees_percentage_over_100", "ees", _ees_pct_over_100,
         ("timeliness_20_week.csv", "line 30", "over 100")),
    Case("ees_part_over_total", "ees", _ees_part_over_total,
         ("timeliness_20_week.csv", "line 10", "plans_issued_within_20_weeks")),
    Case("ees_duplicate_rows", "ees", lambda p: duplicate_row(p / EES / "caseload.csv", 30),
         ("caseload.csv", "more than once", "line 30")),
    Case("ees_cp1252", "ees", lambda p: cp1252(p / EES / "requests.csv", 30, "la_name"),
         ("requests.csv", "UTF-8", "line 30")),
    Case("ees_empty_file", "ees", lambda p: empty(p / EES / "ceased_plans.csv"), ("ceased_plans.csv", "empty"),
         place=False),
    Case("ees_xlsx_as_csv", "ees", lambda p: xlsx_as(p / EES / "requests.csv"), ("requests.csv", "excel"),
         place=False),
    Case("ees_bad_time_period", "ees", lambda p: set_cell(p / EES / "newplans.csv", 12, "time_period", "20245"),
         ("newplans.csv", "line 12", "time_period")),
    Case("ees_bad_academic_year", "ees", lambda p: set_cell(p / EES / "caseload.csv", 12, "time_period", "202426"),
         ("caseload.csv", "line 12", "academic year")),
    Case("ees_unknown_level", "ees", lambda p: set_cell(p / EES / "newplans.csv", 40, "geographic_level",
                                                        "Local Authority District"),
         ("newplans.csv", "line 40", "geographic level")),
    Case("ees_unknown_la_code", "ees", lambda p: set_cell(p / EES / "newplans.csv", 40, "old_la_code", "35X"),
         ("newplans.csv", "line 40", "old_la_code")),
    Case("ees_ragged_row", "ees", _ees_ragged, ("ceased_plans.csv", "line 21", "cells")),
    Case("ees_zip_truncated", "ees", _zip_truncated, ("ees_release.zip", "zip"), place=False),
    Case("ees_zip_missing_file", "ees", _zip_missing, ("ees_release.zip", "newplans.csv"), place=False),
    Case("ees_zip_without_data", "ees", _zip_no_data, ("ees_release.zip", "no dfe"), place=False),
    Case("ees_zip_member_text", "ees", _zip_member_text, ("ees_release.zip", "requests.csv", "line 40")),
    Case("ees_zip_bomb", "ees", _zip_bomb, ("ees_release.zip", "requests.csv", "bomb"), place=False),
    Case("ees_zip_duplicate_member", "ees", _zip_duplicate, ("ees_release.zip", "two files called requests.csv"),
         place=False),
    Case("ees_zip_encrypted", "ees", _zip_encrypted, ("ees_release.zip", "encrypted"), place=False),
    Case("ees_zip_name_not_utf8", "ees", _zip_name_not_utf8, ("ees_release.zip", "file name"), place=False),
    Case("ees_device_path", "ees", lambda p: edit_config(p, "ees: [data/demo/ees]", "ees: [/dev/zero]") and "zero",
         ("zero", "not a regular file"), place=False),
]


# --- SEN2 XML (gzipped) -------------------------------------------------------------------------------------------


def _sen2_utf16(project: Path) -> str:
    """The return re-saved as UTF-16 while its declaration still says UTF-8."""
    path = project / SEN2
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    assert 'encoding="UTF-8"' in text
    path.write_bytes(gzip.compress(text.encode("utf-16"), mtime=0))
    return path.name


def sen2_edit(edit: Callable[[str], str]) -> Callable[[Path], str]:
    """Decompress the demo SEN2 return, edit its text, compress it back under the same name."""
    def mutate(project: Path) -> str:
        path = project / SEN2
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        new = edit(text)
        assert new != text
        path.write_bytes(gzip.compress(new.encode("utf-8"), mtime=0))
        return path.name
    return mutate


def first(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new, 1)


def _sen2_cp1252(project: Path) -> str:
    path = project / SEN2
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    path.write_bytes(gzip.compress(text.replace("<Surname>Northcott", "<Surname>Hélène", 1).encode("cp1252"), mtime=0))
    return path.name


def _sen2_xlsx(project: Path) -> str:
    """A workbook (here the workforce sheet's cells) saved under the SEN2 return's name."""
    sheet = project / "data" / "demo" / "sheet.csv"
    sheet.write_bytes((project / WORKFORCE).read_bytes())
    xlsx_as(sheet)
    sheet.replace(project / SEN2)
    return SEN2.name


def _sen2_truncated_xml(text: str) -> str:
    return text[: len(text) // 2]


def _two_assessments(text: str) -> str:
    start = text.index("<Assessment>")
    end = text.index("</Assessment>") + len("</Assessment>")
    return text[:end] + text[start:end] + text[end:]


SEN2_CASES = [
    Case("sen2_broken_nesting", "sen2", sen2_edit(first("</AssessmentOutcome>", "</Assessment>")),
         ("sen2_northby.xml.gz", "well formed", "line")),
    Case("sen2_truncated_xml", "sen2", sen2_edit(_sen2_truncated_xml), ("sen2_northby.xml.gz", "truncated", "line")),
    Case("sen2_truncated_gzip", "sen2", lambda p: truncate(p / SEN2, 0.5), ("sen2_northby.xml.gz", "truncated"),
         place=False),
    Case("sen2_invalid_date", "sen2", sen2_edit(first("<ReceivedDate>2021-10-01", "<ReceivedDate>2024-02-30")),
         ("sen2_northby.xml.gz", "Person[1]/Requests[1]/ReceivedDate", "2024-02-30")),
    Case("sen2_not_a_date", "sen2", sen2_edit(first("<PersonBirthDate>2002-03-25", "<PersonBirthDate>25/03/2002")),
         ("sen2_northby.xml.gz", "Person[1]/PersonBirthDate", "not a date")),
    Case("sen2_future_date", "sen2", sen2_edit(first("<ReceivedDate>2021-10-01", "<ReceivedDate>2099-10-01")),
         ("sen2_northby.xml.gz", "Person[1]/Requests[1]/ReceivedDate", "2099-10-01")),
    Case("sen2_unknown_code", "sen2", sen2_edit(first("<Sex>M</Sex>", "<Sex>Q</Sex>")),
         ("sen2_northby.xml.gz", "Person[1]/Sex", "unknown code")),
    Case("sen2_unknown_element", "sen2", sen2_edit(first("<Sex>M</Sex>", "<Sex>M</Sex><Favourite>blue</Favourite>")),
         ("sen2_northby.xml.gz", "Person[1]/Favourite", "unexpected element")),
    Case("sen2_element_of_other_layout", "sen2",
         sen2_edit(first("<Sex>M</Sex>", "<GenderCurrent>1</GenderCurrent>")),
         ("sen2_northby.xml.gz", "GenderCurrent", "2025")),
    Case("sen2_missing_mandatory", "sen2", sen2_edit(first("<RequestOutcome>Y</RequestOutcome>", "")),
         ("sen2_northby.xml.gz", "Requests", "RequestOutcome")),
    Case("sen2_bad_upn", "sen2", sen2_edit(first("<UPN>A873937454939</UPN>", "<UPN>A87393745493</UPN>")),
         ("sen2_northby.xml.gz", "Person[1]/UPN", "UPN")),
    Case("sen2_unknown_year", "sen2", sen2_edit(first("<Year>2025</Year>", "<Year>2019</Year>")),
         ("sen2_northby.xml.gz", "Header/CollectionDetails/Year", "2019")),
    Case("sen2_wrong_root", "sen2", sen2_edit(lambda t: t.replace("<Message>", "<Return>", 1)
                                              .replace("</Message>", "</Return>")),
         ("sen2_northby.xml.gz", ": Return: ", "Message"), place=False),  # the place is the root element
    Case("sen2_two_assessments", "sen2", sen2_edit(_two_assessments),
         ("sen2_northby.xml.gz", "Person[1]/Requests[1]/Assessment[2]", "too many")),
    Case("sen2_cp1252", "sen2", _sen2_cp1252, ("sen2_northby.xml.gz", "line")),
    Case("sen2_entity_blanks_field", "sen2",
         sen2_edit(lambda t: first("<Sex>M</Sex>", "<Sex>&blank;</Sex>")(
             t.replace("<Message>", '<!DOCTYPE Message [<!ENTITY blank "">]><Message>', 1))),
         ("sen2_northby.xml.gz", "DTD", "line 1")),
    Case("sen2_utf16_declared_utf8", "sen2", _sen2_utf16, ("sen2_northby.xml.gz", "XML declaration", "UTF-16")),
    Case("sen2_device_path", "sen2", lambda p: edit_config(p, "sen2: data/demo/sen2_northby.xml.gz",
                                                             "sen2: /dev/zero") and "zero",
         ("zero", "not a regular file"), place=False),
    Case("sen2_empty_file", "sen2", lambda p: empty(p / SEN2), ("sen2_northby.xml.gz", "empty"), place=False),
    Case("sen2_xlsx", "sen2", _sen2_xlsx,
         ("sen2_northby.xml.gz", "excel"), place=False),
]


# --- EP workforce template ----------------------------------------------------------------------------------------


def _wf_out_of_order(p: Path) -> str:
    path = p / WORKFORCE
    rows = read_rows(path)
    rows[5], rows[6] = rows[6], rows[5]
    write_rows(path, rows)
    return path.name


WORKFORCE_CASES = [
    Case("wf_missing_column", "workforce", lambda p: drop_column(p / WORKFORCE, "leavers_fte"),
         ("ep_workforce_northby.csv", "line 1", "leavers_fte")),
    Case("wf_renamed_column", "workforce", lambda p: rename_column(p / WORKFORCE, "locum_spend_gbp", "locum_spend"),
         ("ep_workforce_northby.csv", "line 1", "locum_spend")),
    Case("wf_text_in_count", "workforce", lambda p: set_cell(p / WORKFORCE, 8, "advice_completed", "forty"),
         ("ep_workforce_northby.csv", "line 8", "advice_completed", "not a number")),
    Case("wf_negative_fte", "workforce", lambda p: set_cell(p / WORKFORCE, 9, "eps_in_post_fte", "-1.5"),
         ("ep_workforce_northby.csv", "line 9", "eps_in_post_fte", "negative")),
    Case("wf_fractional_count", "workforce", lambda p: set_cell(p / WORKFORCE, 9, "trainees", "2.5"),
         ("ep_workforce_northby.csv", "line 9", "trainees", "whole number")),
    Case("wf_within_over_completed", "workforce",
         lambda p: set_cell(p / WORKFORCE, 6, "advice_completed_within_6_weeks", "500"),
         ("ep_workforce_northby.csv", "line 6", "advice_completed_within_6_weeks")),
    Case("wf_invalid_date", "workforce", lambda p: set_cell(p / WORKFORCE, 7, "period_end", "2024-02-30"),
         ("ep_workforce_northby.csv", "line 7", "period_end", "2024-02-30")),
    Case("wf_future_date", "workforce", lambda p: set_cell(p / WORKFORCE, 49, "period_end", "2099-09-30"),
         ("ep_workforce_northby.csv", "line 49", "period_end", "2099")),
    Case("wf_duplicate_rows", "workforce", lambda p: duplicate_row(p / WORKFORCE, 10),
         ("ep_workforce_northby.csv", "line 11", "twice")),
    Case("wf_out_of_order", "workforce", _wf_out_of_order, ("ep_workforce_northby.csv", "line 7", "order")),
    Case("wf_cp1252", "workforce", lambda p: cp1252(p / WORKFORCE, 12, "locum_spend_gbp"),
         ("ep_workforce_northby.csv", "line 12", "UTF-8")),
    Case("wf_empty_file", "workforce", lambda p: empty(p / WORKFORCE), ("ep_workforce_northby.csv", "empty"),
         place=False),
    Case("wf_xlsx_as_csv", "workforce", lambda p: xlsx_as(p / WORKFORCE), ("ep_workforce_northby.csv", "excel"),
         place=False),
]


# --- statistical neighbours list ------------------------------------------------------------------------------------


def write_neighbours(project: Path) -> Path:
    """A valid DfE-shaped neighbours list for the demo LA (its ten comparators) and the config pointing at it."""
    rows = read_rows(project / EES / "newplans.csv")
    head = rows[0]
    names = {r[head.index("old_la_code")]: (r[head.index("new_la_code")], r[head.index("la_name")])
             for r in rows[1:] if r[head.index("geographic_level")] == "Local authority"}
    wanted = ["350", "351", "353", "354", "355", "356", "357", "358", "359", "340"]
    out = [["la_code", "la_name", "SN", "SN_code", "SN_name", "SN_prox"]]
    for rank, old in enumerate(wanted, start=1):
        code, name = names[old]
        out.append(["E06000999", "Northby", str(rank), code, name, "Close " if rank < 4 else "Somewhat close"])
    path = project / NEIGHBOURS
    write_rows(path, out)
    edit_config(project, "  workforce: data/demo/ep_workforce_northby.csv",
                "  workforce: data/demo/ep_workforce_northby.csv\n  neighbours: data/demo/neighbours_northby.csv")
    return path


def neighbours(change: Callable[[Path], object]) -> Callable[[Path], str]:
    def mutate(project: Path) -> str:
        path = write_neighbours(project)
        change(path)
        return path.name
    return mutate


NEIGHBOURS_CASES = [
    Case("nb_missing_column", "neighbours", neighbours(lambda f: drop_column(f, "SN_code")),
         ("neighbours_northby.csv", "SN_code")),
    Case("nb_rank_text", "neighbours", neighbours(lambda f: set_cell(f, 4, "SN", "third")),
         ("neighbours_northby.csv", "row 4", "SN")),
    Case("nb_rank_out_of_range", "neighbours", neighbours(lambda f: set_cell(f, 4, "SN", "14")),
         ("neighbours_northby.csv", "row 4", "SN")),
    Case("nb_duplicate_rank", "neighbours", neighbours(lambda f: set_cell(f, 5, "SN", "3")),
         ("neighbours_northby.csv", "row 5", "twice")),
    Case("nb_own_neighbour", "neighbours", neighbours(lambda f: set_cell(f, 6, "SN_code", "E06000999")),
         ("neighbours_northby.csv", "row 6", "own neighbour")),
    Case("nb_nine_neighbours", "neighbours", neighbours(lambda f: write_rows(f, read_rows(f)[:-1])),
         ("neighbours_northby.csv", "la_code E06000999", "ten")),
    Case("nb_cp1252", "neighbours", neighbours(lambda f: cp1252(f, 3, "SN_name")),
         ("neighbours_northby.csv", "UTF-8")),
    Case("nb_empty_file", "neighbours", neighbours(empty), ("neighbours_northby.csv", "empty"), place=False),
]


# --- pack config ----------------------------------------------------------------------------------------------------


CONFIG_CASES = [
    Case("cfg_typo_key", "config", lambda p: edit_config(p, "synthetic:", "synthetc:"),
         ("demo.yaml", "key 'synthetc'", "did you mean 'synthetic'")),
    Case("cfg_typo_required_key", "config", lambda p: edit_config(p, "period_end:", "period_ends:"),
         ("demo.yaml", "key 'period_ends'", "did you mean 'period_end'")),
    Case("cfg_nested_typo_key", "config", lambda p: edit_config(p, "  old_code:", "  old_cde:"),
         ("demo.yaml", "key 'la.old_cde'", "old_code")),
    Case("cfg_unknown_la_code", "config",
         lambda p: edit_config(p, 'old_code: "999"', 'old_code: "998"'),
         ("demo.yaml", "key 'la'", "998")),
    Case("cfg_malformed_la_code", "config", lambda p: edit_config(p, 'old_code: "999"', 'old_code: "99"'),
         ("demo.yaml", "key 'la.old_code'", "99")),
    Case("cfg_invalid_date", "config", lambda p: edit_config(p, "period_end: 2025-09-30", "period_end: 2025-02-30"),
         ("demo.yaml", "key 'period_end'", "2025-02-30")),
    Case("cfg_future_period_end", "config",
         lambda p: edit_config(p, "period_end: 2025-09-30", "period_end: 2099-09-30"),
         ("demo.yaml", "key 'period_end'", "2099")),
    Case("cfg_broken_yaml", "config", lambda p: edit_config(p, "  old_code:", " old_code:"),
         ("demo.yaml", "line", "YAML")),
    Case("cfg_missing_input", "config",
         lambda p: edit_config(p, "data/demo/sen2_northby.xml.gz", "data/demo/exports/from/the/case/management/"
                               "system/quarter_ending_september/sen2_southby.xml.gz"),
         ("demo.yaml", "key 'inputs.sen2'", "sen2_southby.xml.gz")),
    Case("cfg_bad_assumption_quality", "config", lambda p: edit_config(p, "quality: medium", "quality: very high"),
         ("demo.yaml", "key 'assumptions.ep_hours_per_assessment.quality'", "very high")),
    Case("cfg_text_threshold", "config", lambda p: edit_config(p, "threshold: 5", "threshold: five"),
         ("demo.yaml", "key 'disclosure.threshold'", "five")),
    Case("cfg_unknown_neighbour", "config", lambda p: edit_config(p, '"350", "351"', '"350", "998"'),
         ("demo.yaml", "key 'comparators.neighbours[1]'", "998")),
]

CASES: list[Case] = EES_CASES + SEN2_CASES + WORKFORCE_CASES + NEIGHBOURS_CASES + CONFIG_CASES
