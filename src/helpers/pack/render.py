"""Render executed notebooks into the pack's HTML pages, the glossary, the print version and the PDF.

Uses nbconvert's own ``HTMLExporter`` with the project template (``templates/evidence_pack``, extending ``lab``),
called in-process. Variants: ``public`` drops cells tagged ``exempt`` (and the CSVs they wrote) and hides code;
``restricted`` keeps exempt cells and says "Not for publication" on every page; ``reviewer`` shows code folded.
The front-page notebook (``05_inspection_readiness``) becomes ``index.html``.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Callable, Iterable

from helpers import __version__
from helpers.errors import BuildError
from helpers.config import PackConfig

if TYPE_CHECKING:
    import nbformat

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
FRONT_PAGE = "05_inspection_readiness"
REMOVE_TAGS = {"remove-cell"}
EXEMPT_TAG = "exempt"
VARIANT_LABELS = {"public": "", "restricted": "Restricted: not for publication",
                  "reviewer": "Reviewer version: not for publication"}
#: What the running header of every PDF page calls each variant.
VARIANT_NAMES = {"public": "Public version", "restricted": "Restricted version", "reviewer": "Reviewer version"}
NAV_LABELS = {
    "00_data_quality": "Data quality", "01_request_growth": "Requests", "02_timeliness": "20-week timeliness",
    "03_ep_workforce": "Educational psychologists", "04_benchmarks": "Benchmarks",
    "05_inspection_readiness": "Summary", "06_assumptions": "Assumptions",
}


def page_file(name: str) -> str:
    """The HTML file name of a notebook's page (the front page is ``index.html``)."""
    return "index.html" if name == FRONT_PAGE else f"{name}.html"


@lru_cache(maxsize=64)
def _heading_and_summary(path: Path, mtime: float) -> tuple[str, str]:
    nb = json.loads(path.read_text(encoding="utf-8"))  # plain JSON: no nbformat import on a no-op build
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            lines = [ln.strip() for ln in source.splitlines()]
            title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), path.stem)
            return title, summary_sentences(_first_paragraph(lines))
    return path.stem, ""


def _first_paragraph(lines: list[str]) -> str:
    """The first paragraph after the title: consecutive non-blank, non-heading lines joined (markdown hard wraps)."""
    para: list[str] = []
    for ln in lines:
        if ln.startswith("#") or not ln:
            if para:
                break
            continue
        para.append(ln)
    return " ".join(para)


#: Abbreviations ending in a full stop that do not end a sentence.
_NOT_SENTENCE_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|reg|regs|para|no|vs|cf|approx)\.|\b[A-Z]\.)$", re.I)


def summary_sentences(text: str, limit: int = 220) -> str:
    """Whole sentences of ``text`` for a one-line summary: from the sentence saying what the page does ("This
    page ...") if there is one, else from the start; the first always, more while the total stays under
    ``limit`` characters. Markdown emphasis and link targets are removed; never cut mid-sentence."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [words](target) -> words
    text = re.sub(r"[*_`]", "", text).strip()
    sentences: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?](?=\s+[A-Z0-9\"“‘(]|\s*$)", text):
        candidate = text[start:m.end()].strip()
        if _NOT_SENTENCE_END.search(text[max(0, m.end() - 6):m.end()]) and m.end() < len(text):
            continue
        sentences.append(candidate)
        start = m.end()
    if start < len(text) and text[start:].strip():
        sentences.append(text[start:].strip())
    # the sentence that says what the page does ("This page compares...") is the summary when there is one
    about = [i for i, sentence in enumerate(sentences) if re.match(r"This page\b", sentence)]
    if about:
        sentences = sentences[about[0]:]
    out = ""
    for sentence in sentences:
        if out and len(out) + 1 + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return out


def heading_and_summary(path: Path) -> tuple[str, str]:
    """A notebook's ``#`` title and the first sentence-paragraph of its opening markdown cell."""
    return _heading_and_summary(path, path.stat().st_mtime)


def nav_items(tasks: Iterable, current: str) -> list[dict[str, object]]:
    """Navigation: front page first, the notebooks in order, then the glossary."""
    names = [t.name for t in tasks]
    ordered = ([FRONT_PAGE] if FRONT_PAGE in names else []) + [n for n in names if n != FRONT_PAGE]
    if FRONT_PAGE not in names:
        ordered = ["__index__"] + ordered
    items = []
    for n in ordered:
        if n == "__index__":
            items.append({"href": "index.html", "label": "Contents", "current": current == "__index__"})
            continue
        items.append({"href": page_file(n), "label": NAV_LABELS.get(n, n.split("_", 1)[-1].replace("_", " ").title()),
                      "current": n == current})
    items.append({"href": "glossary.html", "label": "Glossary", "current": current == "__glossary__"})
    return items


def _css() -> str:
    return (TEMPLATES / "evidence_pack" / "pack.css").read_text(encoding="utf-8")


def _sources(cfg: PackConfig) -> str:
    names = [Path(p).name for p in cfg.inputs.ees]
    names += [Path(p).name for p in (cfg.inputs.sen2, cfg.inputs.workforce) if p]
    return ", ".join(names)


def _code_version(root: Path | None) -> str:
    from helpers.pack.manifest import git_state

    commit, dirty = git_state(root)
    return f"{__version__} ({commit[:10]}{'+changes' if dirty else ''})" if commit else __version__


def page_resources(cfg: PackConfig, variant: str, tasks: Iterable, current: str, title: str,
                   pdf: bool = False) -> dict[str, object]:
    """The values the template needs (``resources['pack']``)."""
    la_name = cfg.la.name or cfg.la.code or cfg.la.old_code or ""
    return {
        "title": cfg.title, "page_title": title, "variant": variant, "variant_label": VARIANT_LABELS[variant],
        "restricted": variant == "restricted", "show_code": variant == "reviewer", "synthetic": cfg.synthetic,
        "not_for_publication": variant != "public",
        "la_name": la_name, "period_end": cfg.period_end.strftime("%d %B %Y").lstrip("0"),
        "nav": nav_items(tasks, current), "css": _css(), "code_version": _code_version(cfg.root),
        "built": dt.datetime.now(dt.UTC).strftime("%d %B %Y %H:%M UTC"),
        "sources": _sources(cfg), "config_name": cfg.source_path.name if cfg.source_path else "",
        "workbook_href": "downloads/all-tables.xlsx", "pdf_href": "pack.pdf" if pdf else None,
    }


def _exporter(variant: str):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES)], template_name="evidence_pack",
        exclude_input=variant != "reviewer", exclude_input_prompt=True, exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    return exporter


def prepare(nb: nbformat.NotebookNode, variant: str) -> tuple[nbformat.NotebookNode, list[str]]:
    """Copy of ``nb`` for a variant: drop removed/exempt cells and error/stderr noise; list exempt downloads."""
    import nbformat

    nb = copy.deepcopy(nb)
    dropped_links: list[str] = []
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS or "injected-parameters" in tags or "parameters" in tags and variant != "reviewer":
            continue
        if EXEMPT_TAG in tags and variant == "public":
            text = nbformat.writes(nbformat.v4.new_notebook(cells=[cell]))
            dropped_links += re.findall(r"downloads/([\w.\-]+\.csv)", text)
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        cells.append(cell)
    nb.cells = cells
    return nb, sorted(set(dropped_links))


def pdf_wanted(pdf: bool) -> bool:
    """True when the build prints ``pack.pdf`` (asked for, and Chromium is installed)."""
    return pdf and find_chromium() is not None


def render_notebook(pack: Path, cfg: PackConfig, variant: str, name: str, tasks: Iterable, pdf: bool = False) -> Path:
    """Render ``executed/<name>.ipynb`` to its page; in public builds also strip exempt cells from the notebook."""
    import nbformat

    executed = pack / "executed" / f"{name}.ipynb"
    nb = nbformat.read(executed, as_version=4)
    shown, exempt_files = prepare(nb, variant)
    for f in exempt_files:
        (pack / "downloads" / f).unlink(missing_ok=True)
    kept = _without_exempt(nb) if variant == "public" else nb
    nbformat.write(without_machine_paths(kept, machine_paths(pack, cfg)), executed)
    title = next((heading_and_summary(tk.path)[0] for tk in tasks if tk.name == name), name)
    body, _ = _exporter(variant).from_notebook_node(
        shown, resources={"pack": page_resources(cfg, variant, tasks, name, title, pdf=pdf_wanted(pdf))})
    out = pack / page_file(name)
    out.write_text(_finish_html(body, tasks, name), encoding="utf-8")
    return out


def machine_paths(pack: Path, cfg: PackConfig) -> list[tuple[str, str]]:
    """(absolute path, what a published file says instead), longest first: the staging folder the build writes
    into (``.`` = the pack folder itself), the project root and the home folder."""
    import sys

    pairs = [(str(pack.resolve()), "."), (str(pack), ".")]
    if cfg.root:
        pairs += [(str(Path(cfg.root).resolve()), "."), (str(cfg.root), ".")]
    pairs += [(sys.prefix, "<python>"), (str(Path.home()), "~")]
    seen: dict[str, str] = {}
    for path, instead in pairs:
        if len(path) > 1 and path not in seen:
            seen[path] = instead
    return sorted(seen.items(), key=lambda kv: -len(kv[0]))


def without_machine_paths(nb: nbformat.NotebookNode, paths: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """Copy of ``nb`` with every absolute build path (papermill's metadata, the injected parameters, warnings
    in outputs) made relative, so a published notebook names no machine folder or user."""
    import nbformat

    def clean(value: object) -> object:
        if isinstance(value, str):
            for path, instead in paths:
                value = value.replace(path, instead)
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return nbformat.from_dict(clean(json.loads(json.dumps(nb))))


#: Files of a pack a page may link to besides its pages: downloads are checked by pattern.
PACK_FILES = frozenset({"index.html", "glossary.html", "print.html", "manifest.json", "pack.pdf"})
_DOWNLOAD = re.compile(r"downloads/[A-Za-z0-9][\w.\-]*")
_A_TAG = re.compile(r"<(a|area)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_HREF = re.compile(r"""\s+href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


def allowed_href(href: str, pages: Iterable[str]) -> bool:
    """True when a link may stay live: one of the pack's own pages or files (with an optional ``#anchor``), an
    anchor on the page, or an ``https:`` address. Anything else (``javascript:``, ``data:``, ``file:``,
    ``http:``, absolute or parent paths) is rendered as plain text."""
    url = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(href))  # browsers ignore tabs and newlines inside URLs
    if re.fullmatch(r"#[\w\-.:]*", url):
        return True
    if re.match(r"https://[^/\\]+", url, flags=re.I):
        return "\\" not in url
    target = url.split("#", 1)[0]
    return target in PACK_FILES or target in set(pages) or bool(_DOWNLOAD.fullmatch(target))


def safe_links(body: str, pages: Iterable[str]) -> str:
    """Remove the ``href`` of every link that :func:`allowed_href` refuses (the words stay, as text)."""
    pages = set(pages)

    def fix(m: re.Match[str]) -> str:
        attrs = m.group(2)
        h = _HREF.search(attrs)
        if h is None:
            return m.group(0)
        value = next(g for g in h.groups() if g is not None)
        if allowed_href(value, pages):
            return m.group(0)
        return f"<{m.group(1)}{attrs[:h.start()]}{attrs[h.end():]}>"

    return _A_TAG.sub(fix, body)


def _without_exempt(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if EXEMPT_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def _finish_html(body: str, tasks: Iterable, name: str) -> str:
    """Links checked against the allow-list, glossary ``<abbr>`` on first use, the contents list on the front
    page."""
    from helpers.present import glossary

    tasks = list(tasks)
    body = safe_links(body, [page_file(t.name) for t in tasks])
    if name == FRONT_PAGE or name == "__index__":
        body = body.replace("</main>", contents_html(tasks) + "\n</main>", 1)
    return glossary.annotate_html(body)


def contents_html(tasks: Iterable) -> str:
    """'Pages in this pack' with one-line summaries, for the front page."""
    rows = []
    for t in tasks:
        if t.name == FRONT_PAGE:
            continue
        title, summary = heading_and_summary(t.path)
        rows.append(f'<dt><a href="{page_file(t.name)}">{html.escape(title)}</a></dt><dd>{html.escape(summary)}</dd>')
    rows.append('<dt><a href="glossary.html">Glossary</a></dt><dd>What the abbreviations and technical terms mean.</dd>')
    return f'<section aria-labelledby="contents-h"><h2 id="contents-h">Pages in this pack</h2><dl class="contents-list">{"".join(rows)}</dl></section>'


def _standalone_page(pack: Path, cfg: PackConfig, variant: str, tasks: list, current: str, markdown: str,
                     file: str, pdf: bool) -> Path:
    import nbformat

    # a fixed cell id (nbformat draws a random one), so the page is the same bytes in every build
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown, id=Path(file).stem)])
    title = markdown.splitlines()[0].lstrip("# ").strip()
    body, _ = _exporter(variant).from_notebook_node(
        nb, resources={"pack": page_resources(cfg, variant, tasks, current, title, pdf=pdf_wanted(pdf))})
    out = pack / file
    out.write_text(_finish_html(body, tasks, current), encoding="utf-8")
    return out


def finish_pack(pack: Path, cfg: PackConfig, variant: str, tasks: list, *, pdf: bool = True,
                progress: Callable[[str], None] = print) -> None:
    """Glossary page, contents page (when there is no front page), spreadsheet, print page and PDF."""
    from helpers.present import glossary, spreadsheet

    if FRONT_PAGE not in {t.name for t in tasks}:
        _standalone_page(pack, cfg, variant, tasks, "__index__",
                         f"# {html.escape(cfg.title)}\n\nThe pages of this evidence pack.", "index.html", pdf)
    names = {t.name for t in tasks}
    for stale in pack.glob("[0-9][0-9]_*.html"):
        if stale.stem not in names:
            stale.unlink()
    used = " ".join(glossary.page_text((pack / f).read_text(encoding="utf-8"))
                    for f in [page_file(t.name) for t in tasks] + ["index.html"] if (pack / f).exists())
    _standalone_page(pack, cfg, variant, tasks, "__glossary__",
                     "# Glossary\n\nWhat the abbreviations and technical terms in this pack mean.\n\n"
                     + glossary.glossary_html(glossary.used_terms(used)), "glossary.html", pdf)
    csvs = sorted((pack / "downloads").glob("*.csv"))
    spreadsheet.write_workbook(csvs, pack / "downloads" / "all-tables.xlsx", title=cfg.title, synthetic=cfg.synthetic,
                               threshold=cfg.disclosure.threshold)
    header = running_header(cfg, variant)
    write_print_page(pack, tasks, header, title=cfg.title)
    if pdf:
        chrome = find_chromium()
        if chrome is None:
            progress("  pack.pdf: skipped (Chromium not found; install Debian's 'chromium' to print the PDF)")
        else:
            print_with_contents(chrome, pack, tasks, header, cfg.title)
            progress("  pack.pdf: printed")


def running_header(cfg: PackConfig, variant: str) -> dict[str, str]:
    """What the top margin of every PDF page says: council and period (left), variant and publication status
    (right), synthetic data (centre, demo only)."""
    la = cfg.la.name or cfg.la.code or cfg.la.old_code or ""
    period = cfg.period_end.strftime("%d %B %Y").lstrip("0")
    right = VARIANT_NAMES[variant] + ("" if variant == "public" else " · NOT FOR PUBLICATION")
    return {"left": f"{la} · data to {period}" if la else f"Data to {period}", "right": right,
            "center": "Synthetic demonstration data" if cfg.synthetic else ""}


def page_label(cfg: PackConfig, variant: str) -> str:
    """The running header as one line of text (for messages and tests)."""
    h = running_header(cfg, variant)
    return " · ".join(v for v in (h["left"], h["center"], h["right"]) if v)


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


def _print_style(header: dict[str, str]) -> str:
    boxes = "".join(
        f"@top-{pos} {{ content: {css_string(header[pos])}; font-size: 8.5pt; color: #0b0c0c; }}"
        for pos in ("left", "center", "right") if header.get(pos))
    return f"<style>@media print {{ @page {{ {boxes} }} }}</style>"


def _print_links(inner: str, anchors: dict[str, str], files_as_text: bool = True) -> str:
    """Links inside the print document: a pack page becomes an anchor to its section; with ``files_as_text``
    anything else inside the pack (downloads, manifest, PDF) becomes plain text, so the PDF never holds a
    ``file://`` address (Chromium makes every relative link absolute when it prints); ``https:`` links stay."""

    def fix(m: re.Match[str]) -> str:
        attrs = m.group(2)
        h = _HREF.search(attrs)
        if h is None:
            return m.group(0)
        value = html.unescape(next(g for g in h.groups() if g is not None)).strip()
        if value.startswith("#") or re.match(r"https://", value, flags=re.I):
            return m.group(0)
        target = value.split("#", 1)[0]
        rest = attrs[:h.start()] + attrs[h.end():]
        if target in anchors:
            return f'<{m.group(1)} href="#{anchors[target]}"{rest}>'
        return f"<{m.group(1)}{rest}>" if files_as_text else m.group(0)

    return _A_TAG.sub(fix, inner)


def write_print_page(pack: Path, tasks: list, header: dict[str, str] | str = "", *, title: str = "",
                     numbers: dict[str, int] | None = None, out: Path | None = None) -> Path:
    """One HTML document for printing to PDF: a contents page, then the front page and every page in order.

    Each page is a section (``id="page-<file stem>"``) starting on a new sheet; its ``<h1>`` becomes ``<h2>``
    (the document's one ``<h1>`` is the pack title on the contents page); links between pages become links to
    sections. ``header`` goes in the top margin of every sheet; ``numbers`` (section id → page) fills the
    contents page's page numbers (see :func:`print_with_contents`). ``print.html`` in the pack keeps its links
    to downloads and the manifest; the copy Chromium prints (``out``, outside the pack) has them as text."""
    for_pdf = out is not None
    if isinstance(header, str):
        header = {"left": header, "center": "", "right": ""}
    order = [FRONT_PAGE] + [t.name for t in tasks if t.name != FRONT_PAGE]
    files = [page_file(n) for n in order if (pack / page_file(n)).exists()] + ["glossary.html"]
    anchors = {f: "page-" + Path(f).stem for f in files}
    head, sections, entries = None, [], []
    for f in files:
        text = (pack / f).read_text(encoding="utf-8")
        if head is None:
            head = text.split("<main", 1)[0]
        main = re.search(r"<main[^>]*>(.*)</main>", text, flags=re.S)
        inner = main.group(1) if main else ""
        # the front page's "Pages in this pack" list is replaced by the contents page
        inner = re.sub(r'<section aria-labelledby="contents-h">.*?</section>', "", inner, count=1, flags=re.S)
        h1 = re.search(r"<h1([^>]*)>(.*?)</h1>", inner, flags=re.S)
        heading = html.unescape(re.sub(r"<[^>]+>", "", h1.group(2))).strip() if h1 else Path(f).stem
        inner = re.sub(r"<h1([^>]*)>(.*?)</h1>", r'<h2\1 class="print-page-title">\2</h2>', inner, count=1, flags=re.S)
        inner = keep_headings_with_next(_print_links(inner, anchors, for_pdf))
        sid = anchors[f]
        entries.append((sid, heading))
        sections.append(f'<section class="print-section" id="{sid}">{inner}</section>')
    rows = "".join(
        f'<li><a href="#{sid}"><span class="toc-title">{html.escape(heading)}</span>'
        f'<span class="toc-page">{(numbers or {}).get(sid, "")}</span></a></li>' for sid, heading in entries)
    contents = (f'<section class="print-contents" aria-labelledby="print-contents-h"><h1>{html.escape(title)}</h1>'
                f'<h2 id="print-contents-h">Contents</h2><ol class="toc">{rows}</ol></section>')
    footer_text = (pack / files[0]).read_text(encoding="utf-8")
    footer = re.search(r"<footer.*?</footer>", footer_text, flags=re.S)
    head = (head or "").replace("</head>", _print_style(header) + "</head>", 1)
    head = _print_links(head, anchors, for_pdf)
    doc = (head + '<main id="main-content" tabindex="-1">' + contents + "\n".join(sections) + "</main>"
           + (_print_links(footer.group(0), anchors, for_pdf) if footer else "") + "</body></html>")
    out = out or pack / "print.html"
    out.write_text(doc, encoding="utf-8")
    return out


_CELL = re.compile(r'<div class="jp-Cell[ "]')
#: A heading cell with an introduction up to this long is printed together with the cell after it.
KEEP_INTRO_CHARS = 400


def keep_headings_with_next(inner: str) -> str:
    """Wrap each notebook cell that holds only a heading (or a heading and a short introduction) together with
    the cell after it in ``<div class="keep-with-next">`` (printed unbroken), so no heading is left at the foot
    of a sheet apart from the chart or table it introduces.

    Chromium does not carry ``break-after: avoid`` from a heading nested in a cell's wrappers to the gap before
    a chart nested in the next cell's, so the pair is kept together as one block instead."""
    starts = [m.start() for m in _CELL.finditer(inner)]
    if len(starts) < 2:
        return inner
    chunks = [inner[:starts[0]]] + [inner[a:b] for a, b in zip(starts, starts[1:] + [len(inner)])]

    def heading_only(chunk: str) -> bool:
        """A markdown cell that is one heading, or one heading and a short introduction (under
        :data:`KEEP_INTRO_CHARS` characters) to what comes next."""
        if "jp-MarkdownCell" not in chunk[:80]:
            return False
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", chunk)).strip()
        heads = re.findall(r"<h[2-4][^>]*>(.*?)</h[2-4]>", chunk, flags=re.S)
        if len(heads) != 1:
            return False
        head = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", heads[0])).strip()
        return text.startswith(head) and len(text) - len(head) <= KEEP_INTRO_CHARS

    def balanced(chunk: str) -> bool:
        return len(re.findall(r"<div\b", chunk)) == chunk.count("</div>")

    out, i = [chunks[0]], 1
    while i < len(chunks):
        j = i  # a run of heading-only cells (an h2 straight above an h3) stays with the cell after the run
        while j + 1 < len(chunks) and heading_only(chunks[j]) and balanced(chunks[j]):
            j += 1
        if j > i and balanced(chunks[j]):
            out.append('<div class="keep-with-next">' + "".join(chunks[i:j + 1]) + "</div>")
            i = j + 1
        else:
            out.append(chunks[i])
            i += 1
    return "".join(out)


def pdf_page_texts(pdf: Path) -> list[str] | None:
    """The text of each page of ``pdf`` (poppler's ``pdftotext``), or None when it is not installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    proc = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        return None
    return proc.stdout.split("\f")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def section_pages(page_texts: list[str], headings: list[tuple[str, str]], header: dict[str, str]) -> dict[str, int]:
    """Page number (1-based) where each section's heading lands: sections start on a new sheet in order, so each
    heading is looked for at the top of the pages after the previous section's page."""
    found: dict[str, int] = {}
    start = 1  # page 1 holds the contents
    margin = [_norm(v) for v in header.values() if v]
    for sid, heading in headings:
        want = _norm(heading)
        for number in range(start + 1, len(page_texts) + 1):
            top = _norm(page_texts[number - 1])
            for m in margin:
                top = top.replace(m, " ")
            if want and want in _norm(top)[: len(want) + 120]:
                found[sid] = number
                start = number
                break
    return found


def print_with_contents(chrome: str, pack: Path, tasks: list, header: dict[str, str], title: str) -> Path:
    """Print ``pack.pdf`` twice: once to find the page each section starts on, then with those numbers on the
    contents page (the numbers sit in a fixed-width column, so filling them in moves nothing; checked, and a
    third print is made if it did). ``print.html`` gets the same numbers."""
    import tempfile

    out = pack / "pack.pdf"
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "print.html"
        page = write_print_page(pack, tasks, header, title=title, out=copy)
        print_pdf(chrome, page, out)
        headings = _section_headings(page)
        numbers: dict[str, int] = {}
        for _ in range(2):
            texts = pdf_page_texts(out)
            if texts is None:
                break  # no pdftotext: the contents page lists the sections, linked, without numbers
            found = section_pages(texts, headings, header)
            if found == numbers:
                break
            numbers = found
            page = write_print_page(pack, tasks, header, title=title, numbers=numbers, out=copy)
            print_pdf(chrome, page, out)
    write_print_page(pack, tasks, header, title=title, numbers=numbers)
    return out


def _section_headings(page: Path) -> list[tuple[str, str]]:
    text = page.read_text(encoding="utf-8")
    return [(sid, html.unescape(re.sub(r"<[^>]+>", "", t)).strip())
            for sid, t in re.findall(r'<a href="#(page-[^"]+)"><span class="toc-title">(.*?)</span>', text, flags=re.S)]


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


#: Chromium features that reach for the network on start-up (field trials, optimisation hints, safe browsing,
#: translation, media routing, certificate and update checks) switched off.
DISABLED_FEATURES = ("OptimizationHints,OptimizationGuideModelDownloading,MediaRouter,Translate,"
                     "DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
                     "SafeBrowsing,InterestFeedContentSuggestions,NetworkTimeServiceQuerying,PrivacySandboxSettings4,"
                     "SegmentationPlatform,AcceptCHFrame,HttpsUpgrades")


def chromium_flags() -> list[str]:
    """Headless flags that keep Chromium off the network and out of the user profile.

    Background networking, component and field-trial updates, sync, metrics, DNS prefetch and safe browsing are
    switched off, and every host name resolves to nothing and every proxy lookup goes nowhere, so even a
    request the flags miss cannot leave the machine (the pack's pages load nothing from outside anyway)."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-breakpad",
            "--disable-crash-reporter", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
            "--metrics-recording-only", "--disable-field-trial-config", "--no-pings", "--dns-prefetch-disable",
            "--disable-dev-shm-usage", "--password-store=basic", "--use-mock-keychain",
            f"--disable-features={DISABLED_FEATURES}", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]


@lru_cache(maxsize=1)
def no_network_prefix() -> tuple[str, ...]:
    """``unshare --net --map-root-user`` when this machine allows it: Chromium then runs in a network namespace
    of its own with no interfaces, so nothing it tries can leave the machine. Empty where unprivileged namespaces
    are not allowed; the flags of :func:`chromium_flags` still keep it from looking anything up."""
    tool = shutil.which("unshare")
    if tool is None:
        return ()
    cmd = (tool, "--net", "--map-root-user")
    try:
        ok = subprocess.run([*cmd, "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return cmd if ok else ()


def print_pdf(chrome: str, page: Path, out: Path) -> None:
    """Print ``page`` to ``out`` with headless Chromium (print stylesheet, running header and page numbers from
    CSS margin boxes), from a fresh throw-away profile."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as profile:
        cmd = [*no_network_prefix(), chrome, *chromium_flags(), f"--user-data-dir={profile}",
               "--no-pdf-header-footer", f"--print-to-pdf={out}", page.resolve().as_uri()]
        env = {**os.environ, "HOME": profile}  # nothing read from or written to the user's home
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
    if proc.returncode != 0 or not out.exists():
        raise BuildError(f"Chromium could not print the PDF ({out.name}): {proc.stderr.strip()[-300:]}; "
                         "build with --no-pdf to skip it")
