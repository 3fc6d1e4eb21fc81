"""The pack as a Word document (``pack.docx``) for the committee agenda pack, made with python-docx.

Why python-docx (not pandoc): it sets what committee systems and screen readers need directly: real Heading 1/2
styles, alt text on every image (``wp:docPr/@descr``), table header rows that repeat on every page
(``w:tblHeader``) and a header per section carrying the synthetic / not-for-publication label. It is a pure-Python
wheel (lxml is already a dependency), so no system package is needed. The Word building blocks are in
:mod:`helpers.present.docx_word`.

Source: the pack's own rendered pages in the staging folder, already filtered for the variant (the public build's
pages have no exempt cells), so the document can never hold more than the pages do and no analysis is re-run.
Reading order: a title block, the front page (headline, key messages, scorecard, "Since the last pack"), every
other page in build order (heading, headline, text, charts with their alt text, main tables), the glossary, and
the provenance line from the pages' footer. The data tables behind each chart (``<details>``) are left out: they
are in the spreadsheet.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import lxml.html
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from lxml.html import HtmlElement

from helpers.config import PackConfig
from helpers.present.docx_word import WIDE_TABLE, add_picture, add_table, label_sections, new_document
from helpers.present.labels import VARIANT_LABELS, la_name, page_files, page_label

DOCX_NAME = "pack.docx"
#: Width of a portrait page's text (A4 less 2 cm margins): charts are this wide.
TEXT_WIDTH_CM = 17.0
_SKIP = {"script", "style", "details", "nav", "button", "svg", "noscript", "template", "input", "header", "footer"}


class Named(Protocol):
    """A notebook of the pack as far as the document needs it: its name."""

    @property
    def name(self) -> str: ...


def page_order(pack: Path, tasks: Iterable[Named]) -> list[Path]:
    """The rendered pages in reading order (:func:`helpers.present.labels.page_files`) that exist."""
    return [pack / f for f in page_files([t.name for t in tasks]) if (pack / f).exists()]



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
        """Write one element of the page and what it holds."""
        tag = el.tag if isinstance(el.tag, str) else ""
        classes = set((el.get("class") or "").split())
        if not tag or tag in _SKIP or "visually-hidden" in classes:
            return
        if re.fullmatch(r"h[1-6]", tag):
            text = _text(el)
            if text:
                self.doc.add_heading(text, level=1 if tag == "h1" else 2 if tag == "h2" else 3)
        elif tag == "p":
            self.paragraph(el, classes)
        elif tag in ("ul", "ol"):
            for li in el:
                if getattr(li, "tag", None) == "li":
                    self.list_item(li, tag, list_level)
        elif tag in self._BLOCKS:
            getattr(self, self._BLOCKS[tag])(el)
        else:
            self.container(el, list_level)

    #: Elements written by one method each.
    _BLOCKS = {"figure": "figure", "table": "table", "img": "image", "dl": "definitions", "pre": "preformatted",
               "blockquote": "quote"}

    def container(self, el: HtmlElement, list_level: int) -> None:
        """A div, section, article, aside...: its blocks in order; text directly inside it becomes a paragraph."""
        if (el.text or "").strip():
            self.doc.add_paragraph(re.sub(r"\s+", " ", el.text).strip())
        for child in el:
            self.block(child, list_level)
            if (child.tail or "").strip():
                self.doc.add_paragraph(re.sub(r"\s+", " ", child.tail).strip())

    def preformatted(self, el: HtmlElement) -> None:
        run = self.doc.add_paragraph().add_run(el.text_content().rstrip())
        run.font.name = "Courier New"

    def quote(self, el: HtmlElement) -> None:
        _inline(self.doc.add_paragraph(style="Quote"), el)

    def paragraph(self, el: HtmlElement, classes: set[str]) -> None:
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
        current = self.doc.sections[-1]
        if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long_, short = Cm(29.7), Cm(21.0)
        section.page_width, section.page_height = (long_, short) if landscape else (short, long_)


def _main(path: Path) -> HtmlElement | None:
    tree = lxml.html.fromstring(path.read_bytes())
    found = tree.xpath("//main")
    return found[0] if found else None


def provenance_line(pack: Path) -> str:
    """The first sentence block of the front page's footer: build time, code version, sources, manifest."""
    index = pack / "index.html"
    if not index.exists():
        return ""
    tree = lxml.html.fromstring(index.read_bytes())
    paras = tree.xpath("//footer//p")
    return _text(paras[0]) if paras else ""


def _title_block(doc: DocumentObject, cfg: PackConfig, variant: str) -> None:
    """The pack title, council, period and variant, and the restricted and synthetic-data warnings."""
    la = la_name(cfg)
    doc.add_heading(cfg.title, level=0)
    meta = doc.add_paragraph()
    meta.add_run(f"{la} · data to {cfg.period_end.day} {cfg.period_end:%B %Y}").bold = True
    if VARIANT_LABELS.get(variant):
        meta.add_run(f" · {VARIANT_LABELS[variant]}")
    if variant == "restricted":
        doc.add_paragraph("Not for publication. This version contains exempt information (Schedule 12A, Local "
                          "Government Act 1972). Do not publish or share outside the committee.").runs[0].bold = True
    if cfg.synthetic:
        doc.add_paragraph(f"Synthetic demonstration data. Every number in this document is made up for "
                          f"demonstration. {la} is a fictional council; the other council names are real but "
                          "their figures here are synthetic.").runs[0].italic = True


def _about(doc: DocumentObject, pack: Path, variant: str) -> None:
    """The closing provenance line and what else the pack holds beside the document."""
    line = provenance_line(pack)
    doc.add_heading("About this document", level=2)
    para = doc.add_paragraph(line or f"Built by SEND Evidence Pack; variant: {variant}.")
    para.runs[0].font.size = Pt(9.5)
    beside = ["web pages (index.html)"] + (["a PDF (pack.pdf)"] if (pack / "pack.pdf").exists() else []) + (
        ["a spreadsheet of every table (downloads/all-tables.xlsx)"]
        if (pack / "downloads" / "all-tables.xlsx").exists() else [])
    text = ", ".join(beside[:-1]) + " and " + beside[-1] if len(beside) > 1 else beside[0]
    doc.add_paragraph(f"The same pack as {text} sits beside this file.").runs[0].font.size = Pt(9.5)


def write(pack: Path, cfg: PackConfig, variant: str, tasks: Iterable[Named], out: Path | None = None) -> Path:
    """Write ``<pack>/pack.docx`` from the rendered pages (see module docstring); return its path."""
    label = page_label(cfg, variant)
    doc = new_document(cfg.title, label)
    _title_block(doc, cfg, variant)
    for i, page in enumerate(page_order(pack, tasks)):
        main = _main(page)
        if main is None:
            continue
        if i > 0:  # each page starts a new (portrait) section, so each carries the header label
            sec = doc.add_section(WD_SECTION.NEW_PAGE)
            sec.orientation = WD_ORIENT.PORTRAIT
            sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        _Writer(doc, TEXT_WIDTH_CM).block(main)
    _about(doc, pack, variant)
    label_sections(doc, label, cfg.title)
    target = out or pack / DOCX_NAME
    doc.save(str(target))
    return target
