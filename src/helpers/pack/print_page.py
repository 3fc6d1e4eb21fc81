"""The print version of the pack (``print.html``): one document, a contents page, then every page in order.

Assembled from the rendered pages' structure (``lxml.html``): each page's ``<main>`` children become a section
starting on a new sheet, its ``<h1>`` an ``<h2>`` (the document's one ``<h1>`` is the pack title on the contents
page); links between pages become links to sections. The document keeps the front page's head, banners,
navigation and footer.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import lxml.html
from lxml.html import HtmlElement

from helpers.pack.dag import Task
from helpers.present.labels import page_files

DOCTYPE = "<!DOCTYPE html>"
#: Void elements, written ``<img .../>`` as the rendered pages write them (lxml writes ``<img ...>``).
_VOID = re.compile(r"<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b"
                   r"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)/?>")
#: A heading cell with an introduction up to this long is printed together with the cell after it.
KEEP_INTRO_CHARS = 400


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: anything but letters, digits, spaces and plain punctuation escaped as
    ``\\hex ``, so config text can never close the string or the ``<style>`` element."""
    out = []
    for ch in text:
        if ch.isalnum() and ch.isascii() or ch in " .,:;()-_/&'!?%":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def print_style(header: dict[str, str]) -> str:
    """The ``<style>`` putting ``header`` in the top margin boxes of every printed sheet."""
    boxes = "".join(
        f"@top-{pos} {{ content: {css_string(header[pos])}; font-size: 8.5pt; color: #0b0c0c; }}"
        for pos in ("left", "center", "right") if header.get(pos))
    return f"<style>@media print {{ @page {{ {boxes} }} }}</style>"


def print_links(root: HtmlElement, anchors: dict[str, str], files_as_text: bool = True) -> None:
    """Links inside the print document: a pack page becomes an anchor to its section; with ``files_as_text``
    anything else inside the pack (downloads, manifest, PDF) becomes plain text, so the PDF never holds a
    ``file://`` address (Chromium makes every relative link absolute when it prints); ``https:`` links stay."""
    for el in root.iter("a", "area"):
        href = el.get("href")
        if href is None:
            continue
        value = href.strip()
        if value.startswith("#") or re.match(r"https://", value, flags=re.I):
            continue
        target = value.split("#", 1)[0]
        if target in anchors:
            el.set("href", "#" + anchors[target])
        elif files_as_text:
            del el.attrib["href"]


def _classes(el: HtmlElement) -> set[str]:
    return set((el.get("class") or "").split())


def _words(el: HtmlElement) -> str:
    return re.sub(r"\s+", " ", " ".join(el.itertext())).strip()


def heading_only(cell: HtmlElement) -> bool:
    """A markdown cell that is one heading, or one heading and a short introduction (under
    :data:`KEEP_INTRO_CHARS` characters) to what comes next."""
    if "jp-MarkdownCell" not in _classes(cell):
        return False
    heads = [el for el in cell.iter("h2", "h3", "h4")]
    if len(heads) != 1:
        return False
    text, head = _words(cell), _words(heads[0])
    return text.startswith(head) and len(text) - len(head) <= KEEP_INTRO_CHARS


def keep_headings_with_next(main: HtmlElement) -> None:
    """Wrap each notebook cell that holds only a heading (or a heading and a short introduction) together with
    the cell after it in ``<div class="keep-with-next">`` (printed unbroken), so no heading is left at the foot
    of a sheet apart from the chart or table it introduces. A run of heading-only cells (an h2 straight above an
    h3) stays with the cell after the run.

    Chromium does not carry ``break-after: avoid`` from a heading nested in a cell's wrappers to the gap before
    a chart nested in the next cell's, so the pair is kept together as one block instead."""
    cells = [el for el in main if isinstance(el.tag, str) and "jp-Cell" in _classes(el)]
    i = 0
    while i < len(cells):
        j = i
        while j + 1 < len(cells) and heading_only(cells[j]):
            j += 1
        if j > i:
            wrapper = lxml.html.Element("div", {"class": "keep-with-next"})
            cells[i].addprevious(wrapper)
            wrapper.extend(cells[i:j + 1])  # moved, with their tails
            wrapper.tail, cells[j].tail = cells[j].tail, None
        i = j + 1


def _section(page: HtmlElement, sid: str, stem: str) -> tuple[HtmlElement, str]:
    """A page's ``<main>`` content as a print section, and the page's heading."""
    section = lxml.html.Element("section", {"class": "print-section", "id": sid})
    main = next(page.iter("main"), None)
    if main is None:
        return section, stem
    section.text = main.text
    section.extend(list(main))
    for contents in section.xpath('.//section[@aria-labelledby="contents-h"]')[:1]:
        contents.drop_tree()  # the front page's "Pages in this pack" list is replaced by the contents page
    h1 = next(section.iter("h1"), None)
    heading = h1.text_content().strip() if h1 is not None else stem
    if h1 is not None:
        h1.tag = "h2"
        h1.set("class", "print-page-title")
    keep_headings_with_next(section)
    return section, heading


def _contents(title: str, entries: list[tuple[str, str]], numbers: dict[str, int]) -> HtmlElement:
    """The contents page: the pack title, then each section's heading with the sheet it starts on."""
    box = lxml.html.Element("section", {"class": "print-contents", "aria-labelledby": "print-contents-h"})
    lxml.html.etree.SubElement(box, "h1").text = title
    lxml.html.etree.SubElement(box, "h2", {"id": "print-contents-h"}).text = "Contents"
    toc = lxml.html.etree.SubElement(box, "ol", {"class": "toc"})
    for sid, heading in entries:
        link = lxml.html.etree.SubElement(lxml.html.etree.SubElement(toc, "li"), "a", {"href": f"#{sid}"})
        lxml.html.etree.SubElement(link, "span", {"class": "toc-title"}).text = heading
        lxml.html.etree.SubElement(link, "span", {"class": "toc-page"}).text = str(numbers.get(sid, ""))
    return box


def write_print_page(pack: Path, tasks: list[Task], header: dict[str, str] | str = "", *, title: str = "",
                     numbers: dict[str, int] | None = None, out: Path | None = None) -> Path:
    """Write the print document (module docstring) to ``out`` or ``<pack>/print.html``.

    ``header`` goes in the top margin of every sheet; ``numbers`` (section id → page) fills the contents page's
    page numbers (see :func:`helpers.pack.pdf.print_with_contents`). ``print.html`` in the pack keeps its links
    to downloads and the manifest; the copy Chromium prints (``out``, outside the pack) has them as text."""
    if isinstance(header, str):
        header = {"left": header, "center": "", "right": ""}
    files = [f for f in page_files([t.name for t in tasks]) if (pack / f).exists()]
    anchors = {f: "page-" + Path(f).stem for f in files}
    pages = [lxml.html.document_fromstring((pack / f).read_bytes().decode("utf-8")) for f in files]
    doc = copy.deepcopy(pages[0])
    main = next(doc.iter("main"))
    body = main.getparent()
    footer = next((el for el in body if el.tag == "footer"), None)
    for el in list(main) + [el for el in list(body)[body.index(main) + 1:] if el is not footer]:
        el.getparent().remove(el)
    main.text = main.tail = None
    if footer is not None:
        footer.tail = None
    sections = [_section(page, anchors[f], Path(f).stem) for f, page in zip(files, pages, strict=True)]
    main.append(_contents(title, [(anchors[f], h) for f, (_, h) in zip(files, sections, strict=True)], numbers or {}))
    for i, (section, _) in enumerate(sections):
        section.tail = "\n" if i < len(sections) - 1 else None
        main.append(section)
    doc.head.append(lxml.html.fragment_fromstring(print_style(header)))
    print_links(doc, anchors, files_as_text=out is not None)
    out = out or pack / "print.html"
    out.write_text(serialize(doc), encoding="utf-8")
    return out


def serialize(doc: HtmlElement) -> str:
    """``doc`` as HTML text, void elements closed as the rendered pages close them (``<br/>``)."""
    text = lxml.html.tostring(doc, encoding="unicode", doctype=DOCTYPE)
    return _VOID.sub(lambda m: f"<{m.group(1)}{m.group(2)}/>", text)


def section_headings(page: Path) -> list[tuple[str, str]]:
    """(section id, heading) of each entry on a print document's contents page."""
    doc = lxml.html.document_fromstring(page.read_bytes().decode("utf-8"))
    return [(a.get("href", "")[1:], a.findtext("span[@class='toc-title']") or "")
            for a in doc.xpath("//ol[@class='toc']/li/a")]
