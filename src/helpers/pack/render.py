"""Render executed notebooks into the pack's HTML pages, then finish the pack: glossary, workbook, print page, PDF.

Uses nbconvert's own ``HTMLExporter`` with the project template (``templates/evidence_pack``, extending ``lab``),
called in-process. Variants: ``public`` drops cells tagged ``exempt`` (and the CSVs they wrote) and hides code;
``restricted`` keeps exempt cells and says "Not for publication" on every page; ``reviewer`` shows code folded.
The front-page notebook (``08_inspection_readiness``) becomes ``index.html``.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpers import __version__
from helpers.config import PackConfig
from helpers.pack.dag import Task
from helpers.pack.front_matter import contents_html, heading_and_summary, nav_items
from helpers.pack.links import safe_links
from helpers.pack.manifest import git_state
from helpers.pack.pdf import find_chromium, pdf_wanted, print_with_contents
from helpers.pack.print_page import write_print_page
from helpers.present import glossary, spreadsheet
from helpers.present.labels import FRONT_PAGE, VARIANT_LABELS, la_name, page_file, period_text, running_header

if TYPE_CHECKING:
    import nbformat  # noqa: PLC0415 - as nbconvert: not imported by a no-op build

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
REMOVE_TAGS = {"remove-cell"}
EXEMPT_TAG = "exempt"


def pack_css() -> str:
    """The pack's stylesheet (inlined in every page, so a page needs nothing beside it)."""
    return (TEMPLATES / "evidence_pack" / "pack.css").read_text(encoding="utf-8")


def _sources(cfg: PackConfig) -> str:
    names = [Path(p).name for p in cfg.inputs.ees]
    names += [Path(p).name for p in (cfg.inputs.sen2, cfg.inputs.workforce) if p]
    return ", ".join(names)


def _code_version(root: Path | None) -> str:
    commit, dirty = git_state(root)
    return f"{__version__} ({commit[:10]}{'+changes' if dirty else ''})" if commit else __version__


def page_resources(cfg: PackConfig, variant: str, tasks: list[Task], current: str, title: str,
                   pdf: bool = False) -> dict[str, object]:
    """The values the template needs (``resources['pack']``)."""
    return {
        "title": cfg.title, "page_title": title, "variant": variant, "variant_label": VARIANT_LABELS[variant],
        "restricted": variant == "restricted", "show_code": variant == "reviewer", "synthetic": cfg.synthetic,
        "not_for_publication": variant != "public",
        "la_name": la_name(cfg), "period_end": period_text(cfg),
        "nav": nav_items(tasks, current), "css": pack_css(), "code_version": _code_version(cfg.root),
        "built": dt.datetime.now(dt.UTC).strftime("%d %B %Y %H:%M UTC"),
        "sources": _sources(cfg), "config_name": cfg.source_path.name if cfg.source_path else "",
        "workbook_href": "downloads/all-tables.xlsx", "pdf_href": "pack.pdf" if pdf else None,
    }


def _export(nb: nbformat.NotebookNode, variant: str, resources: dict[str, object]) -> str:
    """``nb`` as an HTML page through nbconvert with the project template."""
    from nbconvert import HTMLExporter  # noqa: PLC0415 - a build with nothing to render never imports it

    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        extra_template_basedirs=[str(TEMPLATES)], template_name="evidence_pack",
        exclude_input=variant != "reviewer", exclude_input_prompt=True, exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"pack": resources})
    return body


def prepare(nb: nbformat.NotebookNode, variant: str) -> tuple[nbformat.NotebookNode, list[str]]:
    """Copy of ``nb`` for a variant: drop removed/exempt cells and error/stderr noise; list exempt downloads."""
    import nbformat  # noqa: PLC0415 - as nbconvert: not imported by a no-op build

    nb = copy.deepcopy(nb)
    dropped_links: list[str] = []
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS or "injected-parameters" in tags or "parameters" in tags and variant != "reviewer":
            continue
        if EXEMPT_TAG in tags and variant == "public":
            text = nbformat.writes(nbformat.v4.new_notebook(cells=[cell]))  # type: ignore[no-untyped-call]
            dropped_links += re.findall(r"downloads/([\w.\-]+\.csv)", text)
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        cells.append(cell)
    nb.cells = cells
    return nb, sorted(set(dropped_links))


def render_notebook(pack: Path, cfg: PackConfig, variant: str, name: str, tasks: list[Task],
                    pdf: bool = False) -> Path:
    """Render ``executed/<name>.ipynb`` to its page; in public builds also strip exempt cells from the notebook."""
    import nbformat  # noqa: PLC0415 - as nbconvert: not imported by a no-op build

    executed = pack / "executed" / f"{name}.ipynb"
    nb = nbformat.read(executed, as_version=4)  # type: ignore[no-untyped-call]
    shown, exempt_files = prepare(nb, variant)
    for f in exempt_files:
        (pack / "downloads" / f).unlink(missing_ok=True)
    _forget_downloads(pack / "data" / f"disclosure_{name}.json", exempt_files)
    kept = _without_exempt(nb) if variant == "public" else nb
    nbformat.write(without_machine_paths(kept, machine_paths(pack, cfg)), executed)  # type: ignore[no-untyped-call]
    title = next((heading_and_summary(tk.path)[0] for tk in tasks if tk.name == name), name)
    body = _export(shown, variant, page_resources(cfg, variant, tasks, name, title, pdf=pdf_wanted(pdf)))
    out = pack / page_file(name)
    out.write_text(_finish_html(body, tasks, name), encoding="utf-8")
    return out


def machine_paths(pack: Path, cfg: PackConfig) -> list[tuple[str, str]]:
    """(absolute path, what a published file says instead), longest first: the staging folder the build writes
    into (``.`` = the pack folder itself), the project root and the home folder."""
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
    import nbformat  # noqa: PLC0415 - as nbconvert: not imported by a no-op build

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for path, instead in paths:
                value = value.replace(path, instead)
            return value
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    cleaned: nbformat.NotebookNode = nbformat.from_dict(clean(json.loads(json.dumps(nb))))  # type: ignore[no-untyped-call]
    return cleaned


def _forget_downloads(record: Path, files: list[str]) -> None:
    """Drop deleted (exempt) CSVs from a notebook's record of child-level columns, so it names only published files."""
    if not files or not record.exists():
        return
    known = json.loads(record.read_text(encoding="utf-8"))
    kept = {k: v for k, v in known.items() if k not in files}
    if kept != known:
        record.write_text(json.dumps(kept, indent=1, sort_keys=True), encoding="utf-8")


def _without_exempt(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if EXEMPT_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def _finish_html(body: str, tasks: list[Task], name: str) -> str:
    """Links checked against the allow-list, glossary ``<abbr>`` on first use, the contents list on the front
    page."""
    body = safe_links(body, [page_file(t.name) for t in tasks])
    if name in (FRONT_PAGE, "__index__"):
        body = body.replace("</main>", contents_html(tasks) + "\n</main>", 1)
    return glossary.annotate_html(body)


def standalone_page(pack: Path, cfg: PackConfig, variant: str, tasks: list[Task], current: str, markdown: str,
                    file: str, pdf: bool) -> Path:
    """A page written from ``markdown`` (the glossary, or the contents page of a pack without a front page)."""
    import nbformat  # noqa: PLC0415 - as nbconvert: not imported by a no-op build

    # a fixed cell id (nbformat draws a random one), so the page is the same bytes in every build
    cell = nbformat.v4.new_markdown_cell(markdown, id=Path(file).stem)  # type: ignore[no-untyped-call]
    nb = nbformat.v4.new_notebook(cells=[cell])  # type: ignore[no-untyped-call]
    title = markdown.splitlines()[0].lstrip("# ").strip()
    body = _export(nb, variant, page_resources(cfg, variant, tasks, current, title, pdf=pdf_wanted(pdf)))
    out = pack / file
    out.write_text(_finish_html(body, tasks, current), encoding="utf-8")
    return out


def finish_pack(pack: Path, cfg: PackConfig, variant: str, tasks: list[Task], *, pdf: bool = True,
                progress: Callable[[str], None] = print) -> None:
    """Glossary page, contents page (when there is no front page), spreadsheet, print page and PDF."""
    names = {t.name for t in tasks}
    if FRONT_PAGE not in names:
        standalone_page(pack, cfg, variant, tasks, "__index__",
                        f"# {html.escape(cfg.title)}\n\nThe pages of this evidence pack.", "index.html", pdf)
    for stale in pack.glob("[0-9][0-9]_*.html"):
        if stale.stem not in names:
            stale.unlink()
    used = " ".join(glossary.page_text((pack / f).read_text(encoding="utf-8"))
                    for f in [page_file(t.name) for t in tasks] + ["index.html"] if (pack / f).exists())
    standalone_page(pack, cfg, variant, tasks, "__glossary__",
                    "# Glossary\n\nWhat the abbreviations and technical terms in this pack mean.\n\n"
                    + glossary.glossary_html(glossary.used_terms(used)), "glossary.html", pdf)
    csvs = sorted((pack / "downloads").glob("*.csv"))
    spreadsheet.write_workbook(csvs, pack / "downloads" / "all-tables.xlsx", title=cfg.title,
                               synthetic=cfg.synthetic, threshold=cfg.disclosure.threshold)
    header = running_header(cfg, variant)
    write_print_page(pack, tasks, header, title=cfg.title)
    if pdf:
        chrome = find_chromium()
        if chrome is None:
            progress("  pack.pdf: skipped (Chromium not found; install Debian's 'chromium' to print the PDF)")
        else:
            print_with_contents(chrome, pack, tasks, header, cfg.title)
            progress("  pack.pdf: printed")
