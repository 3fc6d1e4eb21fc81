"""A one-page Word cover report (``cover-report.docx``) in the shape councils use for scrutiny items.

Sections: the report's particulars (committee, date, lead officer: placeholders in square brackets for the report
author), 1 Purpose, 2 Recommendations (placeholder), 3 Key figures (the front page's headline and one table of the
scorecard: previous, latest, target, status), 4 Changes since the last report (from the pack history),
5 The full pack (links to the pages, PDF, Word version and spreadsheet), and the provenance line.

Filled from the same records as the front page: ``data/scorecard.json`` (written by the front-page notebook, with
small counts already shown as "fewer than 5" in the public build) and the history entry the front page compared
with, so the cover report and the pack cannot disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt

from helpers.analysis.history import Current, Movement
from helpers.config import PackConfig
from helpers.pages import inspection_readiness_history as since
from helpers.pages.inspection_readiness_messages import RAG_MEANING
from helpers.present.docx_pack import DOCX_NAME, provenance_line
from helpers.present.docx_word import add_hyperlink, add_table, label_sections, new_document, set_widths
from helpers.present.labels import la_name, page_label
from helpers.sources import history

COVER_NAME = "cover-report.docx"


def _scorecard(pack: Path) -> dict[str, Any]:
    path = pack / "data" / history.SCORECARD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"headline": "", "areas": []}
    return data if isinstance(data, dict) else {"headline": "", "areas": data}


def _particulars(doc: DocumentObject, cfg: PackConfig, variant: str, council: str) -> None:
    """The report's particulars: committee, date, authors (placeholders), council, classification."""
    classification = ("Not for publication: contains exempt information (Schedule 12A, Local Government Act 1972, "
                      "paragraph 3)" if variant == "restricted" else "Public")
    rows = [["Report to", "[Committee name]"], ["Date of meeting", "[Date]"],
            ["Report of", "[Director of Children's Services]"], ["Lead officer and contact", "[Name, email]"],
            ["Council", council], ["Classification", classification]]
    if cfg.synthetic:
        rows.append(["Data", "Synthetic demonstration data: every number is made up"])
    particulars = doc.add_table(rows=len(rows), cols=2)
    particulars.style = "Table Grid"
    for tr, (key, value) in zip(particulars.rows, rows, strict=True):
        tr.cells[0].text, tr.cells[1].text = key, value
        tr.cells[0].paragraphs[0].runs[0].bold = True
    set_widths(particulars, [5.0, 12.0])


def _key_figures(doc: DocumentObject, card: dict[str, Any], moves: dict[str, Movement],
                 shown: dict[str, since.Shown], before: history.Entry | None) -> None:
    """Section 3: the front page's headline and the scorecard as one table (previous, latest, target, status)."""
    doc.add_heading("3. Key figures", level=2)
    if card.get("headline"):
        doc.add_paragraph(card["headline"]).runs[0].bold = True
    areas = card.get("areas", [])
    if not areas:
        doc.add_paragraph("The pack config lists no action-plan areas to rate.")
        return
    prev_col = f"Previous ({before.period_end:%b %Y})" if before else "Previous"
    table_rows = []
    for a in areas:
        m, s = moves.get(str(a["id"])), shown.get(str(a["id"]))
        latest = a.get("latest_text", "") + (f" ({a['period']})" if a.get("period") else "")
        status = s.status_text if m and s and m.previous_status else f"{a['rag']}: {RAG_MEANING.get(a['rag'], '')}"
        table_rows.append([a["measure"], s.previous_text if s else "No earlier pack", latest,
                           a.get("target_text", ""), status])
    add_table(doc, ["Measure", prev_col, "Latest", "Target", "Status"], table_rows, caption=None,
              font_pt=9, widths_cm=[6.0, 2.6, 3.4, 1.8, 3.2])


def _links(doc: DocumentObject, pack: Path, formats: set[str] | None) -> None:
    """Section 5: links to the pack's pages, PDF, Word version and spreadsheet, and the provenance line."""
    doc.add_heading("5. The full pack", level=2)
    para = doc.add_paragraph("The evidence behind every figure: ")
    links = [("web pages", "index.html")]
    chosen = formats or {"html", "pdf", "docx", "xlsx"}
    if "pdf" in chosen and (pack / "pack.pdf").exists():
        links.append(("PDF", "pack.pdf"))
    if "docx" in chosen:
        links.append(("Word version", DOCX_NAME))
    if "xlsx" in chosen:
        links.append(("all tables as a spreadsheet", "downloads/all-tables.xlsx"))
    for i, (text, href) in enumerate(links):
        if i:
            para.add_run(" · ")
        add_hyperlink(para, text, href)
    para.add_run(". Background papers: none beyond the pack.")
    line = provenance_line(pack)
    if line:
        small = doc.add_paragraph(line)
        small.runs[0].font.size = Pt(8)


def write(pack: Path, cfg: PackConfig, variant: str, formats: set[str] | None = None) -> Path:
    """Write ``<pack>/cover-report.docx`` (see module docstring); return its path."""
    label = page_label(cfg, variant)
    doc = new_document(f"Cover report: {cfg.title}", label)
    section = doc.sections[0]
    section.top_margin = section.bottom_margin = Cm(1.5)
    doc.styles["Normal"].font.size = Pt(10)
    period = f"{cfg.period_end.day} {cfg.period_end:%B %Y}"
    council = la_name(cfg) or "the council"
    doc.add_heading(f"SEND evidence pack: period to {period}", level=1)
    _particulars(doc, cfg, variant, council)
    card = _scorecard(pack)
    before = history.previous_for(cfg, pack)
    doc.add_heading("1. Purpose of the report", level=2)
    doc.add_paragraph(
        f"To give the committee the quarterly evidence on Education, Health and Care Plan (EHCP) work in {council} "
        f"to {period}: how the council stands against each area of its special educational needs and disabilities "
        "(SEND) action plan, and what has changed since the last report.")
    doc.add_heading("2. Recommendations", level=2)
    doc.add_paragraph("[The committee is asked to: note the evidence in the pack; ... (to be completed by the report "
                      "author).]")
    current = [Current.from_row(r) for r in card.get("areas", [])]
    moves = {m.area_id: m for m in since.movements(current, cfg, before)} if before else {}
    shown = {k: since.shown(m, _threshold(cfg, variant)) for k, m in moves.items()}
    _key_figures(doc, card, moves, shown, before)
    doc.add_heading("4. Changes since the last report", level=2)
    doc.add_paragraph(since.summary_sentence(list(moves.values()), before, cfg.period_end))
    for key, m in moves.items():
        if m.previous_status and m.previous_status != m.latest_status:
            doc.add_paragraph(f"{m.measure}: {shown[key].status_text} ({shown[key].change.lower()}).",
                              style="List Bullet")
    _links(doc, pack, formats)
    label_sections(doc, label, cfg.title)
    out = pack / COVER_NAME
    doc.save(str(out))
    return out


def _threshold(cfg: PackConfig, variant: str) -> int | None:
    return cfg.disclosure.threshold if variant in ("public", "restricted") else None
