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
from typing import TYPE_CHECKING, Callable, Iterable

from helpers import __version__
from helpers.errors import BuildError
from helpers.pack.config import PackConfig

if TYPE_CHECKING:
    import nbformat

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
FRONT_PAGE = "05_inspection_readiness"
REMOVE_TAGS = {"remove-cell"}
EXEMPT_TAG = "exempt"
VARIANT_LABELS = {"public": "", "restricted": "Restricted: not for publication", "reviewer": "Reviewer version"}
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
            summary = next((ln for ln in lines if ln and not ln.startswith("#")), "")
            return title, re.sub(r"[*_`]", "", summary)
    return path.stem, ""


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
        "la_name": la_name, "period_end": cfg.period_end.strftime("%d %B %Y").lstrip("0"),
        "nav": nav_items(tasks, current), "css": _css(), "code_version": _code_version(cfg.root),
        "built": dt.datetime.now(dt.timezone.utc).strftime("%d %B %Y %H:%M UTC"),
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


def prepare(nb: "nbformat.NotebookNode", variant: str) -> tuple["nbformat.NotebookNode", list[str]]:
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
    if variant == "public":
        nbformat.write(_without_exempt(nb), executed)
    title = next((heading_and_summary(tk.path)[0] for tk in tasks if tk.name == name), name)
    body, _ = _exporter(variant).from_notebook_node(
        shown, resources={"pack": page_resources(cfg, variant, tasks, name, title, pdf=pdf_wanted(pdf))})
    out = pack / page_file(name)
    out.write_text(_finish_html(body, tasks, name), encoding="utf-8")
    return out


def _without_exempt(nb: "nbformat.NotebookNode") -> "nbformat.NotebookNode":
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if EXEMPT_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def _finish_html(body: str, tasks: Iterable, name: str) -> str:
    """Glossary ``<abbr>`` on first use, and the contents list on the front page."""
    from helpers import glossary

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
    from helpers import glossary, spreadsheet

    _standalone_page(pack, cfg, variant, tasks, "__glossary__",
                     "# Glossary\n\nWhat the abbreviations and technical terms in this pack mean.\n\n"
                     + glossary.glossary_html(), "glossary.html", pdf)
    if FRONT_PAGE not in {t.name for t in tasks}:
        _standalone_page(pack, cfg, variant, tasks, "__index__",
                         f"# {html.escape(cfg.title)}\n\nThe pages of this evidence pack.", "index.html", pdf)
    names = {t.name for t in tasks}
    for stale in pack.glob("[0-9][0-9]_*.html"):
        if stale.stem not in names:
            stale.unlink()
    csvs = sorted((pack / "downloads").glob("*.csv"))
    spreadsheet.write_workbook(csvs, pack / "downloads" / "all-tables.xlsx", title=cfg.title, synthetic=cfg.synthetic,
                               threshold=cfg.disclosure.threshold)
    print_page = write_print_page(pack, tasks, page_label(cfg, variant))
    if pdf:
        chrome = find_chromium()
        if chrome is None:
            progress("  pack.pdf: skipped (Chromium not found; install Debian's 'chromium' to print the PDF)")
        else:
            print_pdf(chrome, print_page, pack / "pack.pdf")
            progress("  pack.pdf: printed")


def page_label(cfg: PackConfig, variant: str) -> str:
    """Text printed at the top of every PDF page: synthetic data and restricted status."""
    parts = (["Synthetic demonstration data"] if cfg.synthetic else []) + (
        ["NOT FOR PUBLICATION"] if variant == "restricted" else [])
    return " · ".join(parts)


def write_print_page(pack: Path, tasks: list, label: str = "") -> Path:
    """One HTML document with the front page then every page in order, for printing to PDF.

    ``label`` (synthetic / not for publication) is printed in the top margin of every page."""
    order = [FRONT_PAGE] + [t.name for t in tasks if t.name != FRONT_PAGE]
    files = [page_file(n) for n in order if (pack / page_file(n)).exists()] + ["glossary.html"]
    head, sections = None, []
    for i, f in enumerate(files):
        text = (pack / f).read_text(encoding="utf-8")
        if head is None:
            head = text.split("<main", 1)[0]
        main = re.search(r"<main[^>]*>(.*)</main>", text, flags=re.S)
        inner = main.group(1) if main else ""
        if i > 0:  # one <h1> per document: later pages' titles become <h2>
            inner = re.sub(r"<h1([^>]*)>(.*?)</h1>", r'<h2\1 class="print-page-title">\2</h2>', inner, count=1, flags=re.S)
        sections.append(f'<section class="print-section">{inner}</section>')
    footer_text = (pack / files[0]).read_text(encoding="utf-8")
    footer = re.search(r"<footer.*?</footer>", footer_text, flags=re.S)
    if label:
        margin = f'<style>@media print {{ @page {{ @top-center {{ content: "{label}"; font-size: 9pt; }} }} }}</style>'
        head = (head or "").replace("</head>", margin + "</head>", 1)
    doc = (head or "") + '<main id="main-content" tabindex="-1">' + "\n".join(sections) + "</main>" + (footer.group(0) if footer else "") + "</body></html>"
    out = pack / "print.html"
    out.write_text(doc, encoding="utf-8")
    return out


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_flags() -> list[str]:
    """Headless flags that keep Chromium off the network (this machine has none) and out of the user profile."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"]


def print_pdf(chrome: str, page: Path, out: Path) -> None:
    """Print ``page`` to ``out`` with headless Chromium (print stylesheet, page numbers from CSS margin boxes)."""
    import tempfile

    with tempfile.TemporaryDirectory() as profile:
        cmd = [chrome, *chromium_flags(), f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={out}", page.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if proc.returncode != 0 or not out.exists():
        raise BuildError(f"Chromium could not print the PDF ({out.name}): {proc.stderr.strip()[-300:]}; "
                         "build with --no-pdf to skip it")
