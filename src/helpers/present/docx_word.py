"""Word building blocks for the pack's documents (python-docx): an accessible A4 document, headers and page
numbers in every section, hyperlinks, tables whose header row repeats on every page, pictures with alt text."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

#: Fixed document dates, so the same pack gives the same core properties (the build time is in the text).
_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
#: Tables with more columns than this go on a landscape page of their own.
WIDE_TABLE = 6



def new_document(title: str, label: str) -> DocumentObject:
    """An A4 document with fixed metadata and readable base styles."""
    doc = Document()
    core = doc.core_properties
    core.title, core.author, core.last_modified_by = title, "SEND Evidence Pack", "SEND Evidence Pack"
    core.created = core.modified = _CREATED.replace(tzinfo=None)
    core.revision = 1
    core.subject = label or "SEND evidence pack"
    core.language = "en-GB"
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    _set_language(doc)
    return doc


def _set_language(doc: DocumentObject) -> None:
    """British English as the document's default language (spell-check and screen-reader voice)."""
    rpr = doc.styles.element.find(qn("w:docDefaults"))
    if rpr is None:
        return
    run_props = rpr.find(qn("w:rPrDefault"))
    target = run_props.find(qn("w:rPr")) if run_props is not None else None
    if target is None:
        return
    lang = target.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        target.append(lang)
    lang.set(qn("w:val"), "en-GB")


def label_sections(doc: DocumentObject, label: str, title: str) -> None:
    """Put the label (and the pack title) in the header of EVERY section, and page numbers in every footer."""
    for section in doc.sections:
        header = section.header
        header.is_linked_to_previous = False
        para = header.paragraphs[0]
        para.text = ""
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(label or title)
        run.bold = bool(label)
        run.font.size = Pt(9)
        footer = section.footer
        footer.is_linked_to_previous = False
        fpara = footer.paragraphs[0]
        fpara.text = ""
        fpara.alignment = WD_ALIGN_PARAGRAPH.CENTER
        small = fpara.add_run(f"{title} · page ")
        small.font.size = Pt(9)
        _field(fpara, "PAGE")


def _field(paragraph: Paragraph, code: str) -> None:
    """A simple Word field (e.g. the page number) at the end of ``paragraph``."""
    run = paragraph.add_run()
    run.font.size = Pt(9)
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), code)
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    fld.append(inner)
    run._r.addnext(fld)


def add_hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """A real hyperlink (blue, underlined) to ``url`` (relative links open files beside the document)."""
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1D4F91")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(colour)
    props.append(underline)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def mark_header_row(table: Table) -> None:
    """Mark the first row as a header row that repeats at the top of every page (``w:tblHeader``)."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _shade(cell: _Cell, fill: str) -> None:

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def set_widths(table: Table, widths_cm: list[float]) -> None:
    """Fixed column widths (grid and every cell: Word reads the cells, LibreOffice the grid)."""
    table.autofit = False
    grid = table._tbl.find(qn("w:tblGrid"))
    if grid is not None:
        for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
            col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def column_widths(header: list[str], rows: list[list[str]], total_cm: float) -> list[float]:
    """Widths in proportion to each column's typical text length (long prose columns get more room)."""
    weights = []
    for i, head in enumerate(header):
        texts = [r[i] for r in rows if i < len(r)] or [""]
        mean = sum(len(t) for t in texts) / len(texts)
        longest_word = max((len(w) for t in texts + [head] for w in t.split()), default=4)
        weights.append(min(max(mean, longest_word, len(head) / 2), 70) + 6)
    widths = [total_cm * w / sum(weights) for w in weights]
    return widths


def add_table(doc: DocumentObject, header: list[str], rows: list[list[str]], caption: str | None = None,
              font_pt: float | None = None, numeric: list[bool] | None = None,
              widths_cm: list[float] | None = None) -> Table:
    """A Word table: caption paragraph, bold shaded header row that repeats on each page, grid borders."""
    if caption:
        cap = doc.add_paragraph(style="Caption") if "Caption" in [s.name for s in doc.styles] else doc.add_paragraph()
        run = cap.add_run(caption)
        run.bold = True
        cap.paragraph_format.keep_with_next = True
    size = Pt(font_pt or (8 if len(header) > WIDE_TABLE else 9.5))
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for i, text in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = size
        _shade(cell, "E8EEF4")
    for r, values in enumerate(rows, start=1):
        cells = table.rows[r].cells
        for i, text in enumerate(values[:len(header)]):
            cells[i].text = ""
            para = cells[i].paragraphs[0]
            run = para.add_run(text)
            run.font.size = size
            if numeric and i < len(numeric) and numeric[i]:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    section = doc.sections[-1]
    width, left, right = (int(v or 0) for v in (section.page_width, section.left_margin, section.right_margin))
    total = (width - left - right) / 360000  # EMU to cm
    set_widths(table, widths_cm or column_widths(header, rows, total))
    mark_header_row(table)
    doc.add_paragraph()
    return table


def add_picture(doc: DocumentObject, png: bytes, alt: str, width_cm: float) -> None:
    """A chart image with its alt text in ``docPr/@descr`` (what Word's Alt Text pane and screen readers read)."""
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    shape = para.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", alt[:80])
