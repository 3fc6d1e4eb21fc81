"""Which formats a build writes (``--formats html,pdf,docx,xlsx``) and the Word outputs written after the PDF.

The HTML pages are always written: every other format is made from them (the PDF prints them, the Word document
reads them), and ``index.html`` is the pack. The default writes every format that can be written on this machine
(the PDF needs Chromium; Word needs python-docx, a dependency, so always).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from helpers.config import PackConfig
from helpers.errors import InputError
from helpers.pack.dag import Task
from helpers.pack import cover_report
from helpers.present import docx_pack

FORMATS: tuple[str, ...] = ("html", "pdf", "docx", "xlsx")
WORKBOOK = Path("downloads") / "all-tables.xlsx"


def parse_formats(value: str | Iterable[str] | None) -> frozenset[str]:
    """``"html,pdf"`` → ``{"html", "pdf"}``; None → every format. HTML is always included (module docstring)."""
    if value is None:
        return frozenset(FORMATS)
    items = value.split(",") if isinstance(value, str) else list(value)
    chosen = {i.strip().lower() for i in items if i and i.strip()}
    unknown = sorted(chosen - set(FORMATS))
    if unknown or not chosen:
        raise InputError("--formats", "unknown output format" if unknown else "no output format given",
                         found=", ".join(unknown) or repr(value), expected="a comma-separated list of "
                         + ", ".join(FORMATS))
    return frozenset(chosen | {"html"})


def write_extras(pack: Path, cfg: PackConfig, variant: str, tasks: list[Task], formats: Iterable[str],
                 progress: Callable[[str], None] = print) -> None:
    """After the pages, spreadsheet and PDF: ``pack.docx`` and ``cover-report.docx``; drop unwanted formats."""
    chosen = set(formats)
    if "xlsx" not in chosen:
        (pack / WORKBOOK).unlink(missing_ok=True)
    stale = [pack / "pack.docx", pack / "cover-report.docx"]
    if "docx" not in chosen:
        for f in stale:
            f.unlink(missing_ok=True)
        return
    docx_pack.write(pack, cfg, variant, tasks)
    cover_report.write(pack, cfg, variant, chosen)
    progress("  pack.docx and cover-report.docx: written")
