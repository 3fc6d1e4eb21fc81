"""The pack as a Word document (``pack.docx``) for the committee agenda pack, made with python-docx.

Why python-docx (not pandoc): it sets what committee systems and screen readers need directly: real Heading 1/2
styles, alt text on every image (``wp:docPr/@descr``), table header rows that repeat on every page
(``w:tblHeader``) and a header per section carrying the synthetic / not-for-publication label. It is a pure-Python
wheel (lxml is already a dependency), so no system package is needed.

Source: the pack's own rendered pages in the staging folder, already filtered for the variant (the public build's
pages have no exempt cells), so the document can never hold more than the pages do and no analysis is re-run.
Reading order: a title block, the front page (headline, key messages, scorecard, "Since the last pack"), every
other page in build order (heading, headline, text, charts with their alt text, main tables), the glossary, and
the provenance line from the pages' footer. The data tables behind each chart (``<details>``) are left out: they
are in the spreadsheet.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Iterable

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml.html import HtmlElement

    from helpers.config import PackConfig

DOCX_NAME = "pack.docx"
#: Fixed document dates, so the same pack gives the same core properties (the build time is in the text).
_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_SKIP = {"script", "style", "details", "nav", "button", "svg", "noscript", "template", "input", "header", "footer"}
_INLINE = {"a", "abbr", "b", "strong", "i", "em", "code", "span", "small", "sup", "sub", "br", "time", "mark",
           "kbd", "samp", "var", "q", "cite", "dfn", "u", "s"}
#: Tables with more columns than this go on a landscape page of their own.
WIDE_TABLE = 6


def page_order(pack: Path, tasks: Iterable) -> list[Path]:
    """The rendered pages in reading order: front page, the other pages in build order, the glossary."""
    from helpers.pack.render import FRONT_PAGE, page_file

    names = [t.name for t in tasks]
    order = [FRONT_PAGE] + [n for n in names if n != FRONT_PAGE]
    files = ["index.html"] if FRONT_PAGE not in names else []
    files += [page_file(n) for n in order if n in names or n == FRONT_PAGE]
    files.append("glossary.html")
    seen: list[Path] = []
    for f in files:
        p = pack / f
        if p.exists() and p not in seen:
            seen.append(p)
    return seen


# --- low-level Word helpers ----------------------------------------------------------------------------------


def new_document(title: str, label: str) -> DocumentObject:
    """An A4 document with fixed metadata and readable base styles."""
    from docx import Document
    from docx.shared import Cm, Pt

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
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

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
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

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
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

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
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

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
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def set_widths(table: Table, widths_cm: list[float]) -> None:
    """Fixed column widths (grid and every cell: Word reads the cells, LibreOffice the grid)."""
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table.autofit = False
    grid = table._tbl.find(qn("w:tblGrid"))
    if grid is not None:
        for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
            col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
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
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if caption:
        cap = doc.add_paragraph(style="Caption") if "Caption" in [s.name for s in doc.styles] else doc.add_paragraph()
        run = cap.add_run(caption)
        run.bold = True
        cap.paragraph_format.keep_with_next = True
    size = Pt(font_pt or (8 if len(header) > WIDE_TABLE else 9.5))
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
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
    total = (section.page_width - section.left_margin - section.right_margin) / 360000  # EMU to cm
    set_widths(table, widths_cm or column_widths(header, rows, total))
    mark_header_row(table)
    doc.add_paragraph()
    return table


def add_picture(doc: DocumentObject, png: bytes, alt: str, width_cm: float) -> None:
    """A chart image with its alt text in ``docPr/@descr`` (what Word's Alt Text pane and screen readers read)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    shape = para.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", alt[:80])


# --- HTML to Word -------------------------------------------------------------------------------------------


def _text(el: HtmlElement) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _inline(paragraph: Paragraph, el: HtmlElement, *, bold: bool = False, italic: bool = False,
            mono: bool = False, first: list[bool] | None = None) -> None:
    """Append ``el``'s text and inline children to ``paragraph`` as runs (bold/italic/code kept)."""
    first = first if first is not None else [True]

    def put(text: str | None, b: bool, i: bool, m: bool) -> None:
        if not text:
            return
        text = re.sub(r"\s+", " ", text)
        if first[0]:
            text = text.lstrip()
            if not text:
                return
            first[0] = False
        run = paragraph.add_run(text)
        run.bold = b or None
        run.italic = i or None
        if m:
            run.font.name = "Courier New"

    put(el.text, bold, italic, mono)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _SKIP or not tag:
            put(child.tail, bold, italic, mono)
            continue
        if tag == "br":
            paragraph.add_run().add_break()
        elif tag == "img":
            pass
        else:
            _inline(paragraph, child, bold=bold or tag in ("b", "strong"), italic=italic or tag in ("i", "em"),
                    mono=mono or tag in ("code", "kbd", "samp"), first=first)
        put(child.tail, bold, italic, mono)


class _Writer:
    """Walks a page's ``<main>`` and writes Word paragraphs, headings, lists, figures and tables."""

    def __init__(self, doc: DocumentObject, width_cm: float) -> None:
        self.doc = doc
        self.width_cm = width_cm
        self.images = 0

    def block(self, el: HtmlElement, list_level: int = 0) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        classes = set((el.get("class") or "").split())
        if not tag or tag in _SKIP or "visually-hidden" in classes:
            return
        if re.fullmatch(r"h[1-6]", tag):
            text = _text(el)
            if text:
                level = 1 if tag == "h1" else 2 if tag == "h2" else 3
                self.doc.add_heading(text, level=level)
            return
        if tag == "p":
            self.paragraph(el, classes)
            return
        if tag in ("ul", "ol"):
            for li in el:
                if getattr(li, "tag", None) == "li":
                    self.list_item(li, tag, list_level)
            return
        if tag == "figure":
            self.figure(el)
            return
        if tag == "table":
            self.table(el)
            return
        if tag == "img":
            self.image(el)
            return
        if tag == "dl":
            self.definitions(el)
            return
        if tag == "pre":
            para = self.doc.add_paragraph()
            run = para.add_run(el.text_content().rstrip())
            run.font.name = "Courier New"
            return
        if tag == "blockquote":
            para = self.doc.add_paragraph(style="Quote")
            _inline(para, el)
            return
        # containers (div, section, article, aside, ...): text directly inside them becomes a paragraph
        if (el.text or "").strip():
            self.doc.add_paragraph(re.sub(r"\s+", " ", el.text).strip())
        for child in el:
            self.block(child, list_level)
            if (child.tail or "").strip():
                self.doc.add_paragraph(re.sub(r"\s+", " ", child.tail).strip())

    def paragraph(self, el: HtmlElement, classes: set[str]) -> None:
        from docx.shared import Pt

        if not _text(el) and not el.findall(".//img"):
            return
        para = self.doc.add_paragraph()
        if "headline" in classes:
            _inline(para, el, bold=True)
            for run in para.runs:
                run.font.size = Pt(13)
        else:
            _inline(para, el, italic="chart-note" in classes)
        for img in el.iter("img"):
            self.image(img)

    def list_item(self, li: HtmlElement, kind: str, level: int) -> None:
        style = ("List Bullet" if kind == "ul" else "List Number") + (f" {level + 1}" if 0 < level < 3 else "")
        para = self.doc.add_paragraph(style=style)
        nested = [c for c in li if getattr(c, "tag", None) in ("ul", "ol", "table", "figure", "p", "div")]
        if not nested:
            _inline(para, li)
            return
        # the item's own text and inline elements first, then the nested blocks
        first = [True]
        if (li.text or "").strip():
            para.add_run(re.sub(r"\s+", " ", li.text).strip() + " ")
            first[0] = False
        for c in li:
            if c not in nested:
                _inline(para, c, first=first)
        for c in nested:
            if c.tag in ("ul", "ol"):
                for sub in c:
                    if getattr(sub, "tag", None) == "li":
                        self.list_item(sub, c.tag, level + 1)
            elif c.tag == "p" and not para.text:
                _inline(para, c, first=first)
            else:
                self.block(c, level + 1)

    def definitions(self, el: HtmlElement) -> None:
        para = None
        for child in el:
            if child.tag == "dt":
                para = self.doc.add_paragraph()
                para.paragraph_format.keep_with_next = True
                para.paragraph_format.space_after = 0
                _inline(para, child, bold=True)
            elif child.tag == "dd":
                para = self.doc.add_paragraph()
                para.paragraph_format.left_indent = 360000  # 1 cm in EMU
                _inline(para, child)

    def figure(self, el: HtmlElement) -> None:
        from docx.shared import Pt

        caption = el.find(".//figcaption")
        if caption is not None and _text(caption):
            para = self.doc.add_paragraph()
            run = para.add_run(_text(caption))
            run.bold = True
            run.font.size = Pt(11.5)
            para.paragraph_format.keep_with_next = True
        for img in el.iter("img"):
            self.image(img)
        for child in el.iter("p", "table"):
            if any(anc.tag == "details" for anc in child.iterancestors()):
                continue
            if child.tag == "p":
                self.paragraph(child, set((child.get("class") or "").split()))
            else:
                self.table(child)

    def image(self, img: HtmlElement) -> None:
        src = img.get("src") or ""
        match = re.match(r"data:image/png;base64,(.*)", src, flags=re.S)
        if not match:
            return
        alt = (img.get("alt") or "").strip()
        add_picture(self.doc, base64.b64decode(match.group(1)), alt, self.width_cm)
        self.images += 1

    def table(self, el: HtmlElement) -> None:
        if any(anc.tag == "details" for anc in el.iterancestors()):
            return
        caption_el = el.find("caption")
        caption = None
        if caption_el is not None:
            texts = [caption_el.text or ""] + [
                (c.tail or "") if c.tag == "a" else (c.text_content() + (c.tail or "")) for c in caption_el]
            caption = re.sub(r"\s+", " ", "".join(texts)).strip()
        rows = [tr for tr in el.iter("tr")]
        if not rows:
            return
        head_rows = [tr for tr in rows if tr.getparent() is not None and tr.getparent().tag == "thead"]
        header_tr = head_rows[0] if head_rows else rows[0]
        header = [_text(c) for c in header_tr if c.tag in ("th", "td")]
        body = []
        numeric: list[bool] = [True] * len(header)
        for tr in rows:
            if tr is header_tr or tr in head_rows:
                continue
            cells = [c for c in tr if c.tag in ("th", "td")]
            values = [_text(c) for c in cells]
            values += [""] * (len(header) - len(values))
            for i, c in enumerate(cells[:len(header)]):
                numeric[i] = numeric[i] and "num" in (c.get("class") or "")
            body.append(values)
        if not header:
            return
        wide = len(header) > WIDE_TABLE
        if wide:
            self._orient(landscape=True)
        add_table(self.doc, header, body, caption, numeric=numeric)
        if wide:
            self._orient(landscape=False)

    def _orient(self, *, landscape: bool) -> None:
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Cm

        current = self.doc.sections[-1]
        if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long_, short = Cm(29.7), Cm(21.0)
        section.page_width, section.page_height = (long_, short) if landscape else (short, long_)


def _main(path: Path) -> HtmlElement | None:
    import lxml.html

    tree = lxml.html.fromstring(path.read_bytes())
    found = tree.xpath("//main")
    return found[0] if found else None


def provenance_line(pack: Path) -> str:
    """The first sentence block of the front page's footer: build time, code version, sources, manifest."""
    import lxml.html

    index = pack / "index.html"
    if not index.exists():
        return ""
    tree = lxml.html.fromstring(index.read_bytes())
    paras = tree.xpath("//footer//p")
    return _text(paras[0]) if paras else ""


def write(pack: Path, cfg: PackConfig, variant: str, tasks: Iterable, out: Path | None = None) -> Path:
    """Write ``<pack>/pack.docx`` from the rendered pages (see module docstring); return its path."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm, Pt

    from helpers.pack.render import VARIANT_LABELS, page_label

    label = page_label(cfg, variant)
    doc = new_document(cfg.title, label)
    width = 17.0
    doc.add_heading(cfg.title, level=0)
    la_name = cfg.la.name or cfg.la.code or cfg.la.old_code or ""
    meta = doc.add_paragraph()
    meta.add_run(f"{la_name} · data to {cfg.period_end.day} {cfg.period_end:%B %Y}").bold = True
    if VARIANT_LABELS.get(variant):
        meta.add_run(f" · {VARIANT_LABELS[variant]}")
    if variant == "restricted":
        doc.add_paragraph("Not for publication. This version contains exempt information (Schedule 12A, Local "
                          "Government Act 1972). Do not publish or share outside the committee.").runs[0].bold = True
    if cfg.synthetic:
        doc.add_paragraph(f"Synthetic demonstration data. Every number in this document is made up for "
                          f"demonstration. {la_name} is a fictional council; the other council names are real but "
                          "their figures here are synthetic.").runs[0].italic = True
    for i, page in enumerate(page_order(pack, tasks)):
        main = _main(page)
        if main is None:
            continue
        if i > 0:  # each page starts a new (portrait) section, so each carries the header label
            sec = doc.add_section(WD_SECTION.NEW_PAGE)
            sec.orientation = WD_ORIENT.PORTRAIT
            sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        _Writer(doc, width).block(main)
    line = provenance_line(pack)
    doc.add_heading("About this document", level=2)
    para = doc.add_paragraph(line or f"Built by SEND Evidence Pack; variant: {variant}.")
    para.runs[0].font.size = Pt(9.5)
    beside = ["web pages (index.html)"] + (["a PDF (pack.pdf)"] if (pack / "pack.pdf").exists() else []) + (
        ["a spreadsheet of every table (downloads/all-tables.xlsx)"]
        if (pack / "downloads" / "all-tables.xlsx").exists() else [])
    text = ", ".join(beside[:-1]) + " and " + beside[-1] if len(beside) > 1 else beside[0]
    doc.add_paragraph(f"The same pack as {text} sits beside this file.").runs[0].font.size = Pt(9.5)
    label_sections(doc, label, cfg.title)
    target = out or pack / DOCX_NAME
    doc.save(str(target))
    return target
