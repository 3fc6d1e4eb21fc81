"""What the pages say about the pack's pages: each notebook's title and one-line summary, the navigation, and
the front page's "Pages in this pack" list."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from helpers.pack.dag import Task
from helpers.present.labels import FRONT_PAGE, nav_label, page_file

#: Abbreviations ending in a full stop that do not end a sentence.
_NOT_SENTENCE_END = re.compile(r"(?:\b(?:e\.g|i\.e|etc|reg|regs|para|no|vs|cf|approx)\.|\b[A-Z]\.)$", re.I)


@lru_cache(maxsize=64)
def _heading_and_summary(path: Path, mtime: float) -> tuple[str, str]:
    nb = json.loads(path.read_text(encoding="utf-8"))  # plain JSON: no nbformat import on a no-op build
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            lines = [ln.strip() for ln in source.splitlines()]
            title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), path.stem)
            return title, summary_sentences(first_paragraph(lines))
    return path.stem, ""


def heading_and_summary(path: Path) -> tuple[str, str]:
    """A notebook's ``#`` title and the first sentence-paragraph of its opening markdown cell."""
    return _heading_and_summary(path, path.stat().st_mtime)


def first_paragraph(lines: list[str]) -> str:
    """The first paragraph after the title: consecutive non-blank, non-heading lines joined (markdown hard wraps)."""
    para: list[str] = []
    for ln in lines:
        if ln.startswith("#") or not ln:
            if para:
                break
            continue
        para.append(ln)
    return " ".join(para)


def _sentences(text: str) -> list[str]:
    """``text`` cut into sentences (a full stop after an abbreviation such as "e.g." ends none)."""
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
    return sentences


def summary_sentences(text: str, limit: int = 220) -> str:
    """Whole sentences of ``text`` for a one-line summary: from the sentence saying what the page does ("This
    page ...") if there is one, else from the start; the first always, more while the total stays under
    ``limit`` characters. Markdown emphasis and link targets are removed; never cut mid-sentence."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [words](target) -> words
    sentences = _sentences(re.sub(r"[*_`]", "", text).strip())
    about = [i for i, sentence in enumerate(sentences) if re.match(r"This page\b", sentence)]
    if about:
        sentences = sentences[about[0]:]
    out = ""
    for sentence in sentences:
        if out and len(out) + 1 + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return out


def nav_items(tasks: list[Task], current: str) -> list[dict[str, object]]:
    """Navigation: the front page (or a contents page) first, the notebooks in order, then the glossary."""
    first = next((t for t in tasks if t.name == FRONT_PAGE), None)
    items: list[dict[str, object]] = [
        {"href": "index.html", "label": first.label or nav_label(first.name), "current": current == FRONT_PAGE}
        if first else
        {"href": "index.html", "label": "Contents", "current": current == "__index__"}]
    items += [{"href": page_file(t.name), "label": t.label or nav_label(t.name), "current": t.name == current}
              for t in tasks if t.name != FRONT_PAGE]
    items.append({"href": "glossary.html", "label": "Glossary", "current": current == "__glossary__"})
    return items


def contents_html(tasks: list[Task]) -> str:
    """'Pages in this pack' with one-line summaries, for the front page."""
    rows = []
    for t in tasks:
        if t.name == FRONT_PAGE:
            continue
        title, summary = heading_and_summary(t.path)
        rows.append(f'<dt><a href="{page_file(t.name)}">{html.escape(title)}</a></dt><dd>{html.escape(summary)}</dd>')
    rows.append('<dt><a href="glossary.html">Glossary</a></dt>'
                "<dd>What the abbreviations and technical terms mean.</dd>")
    return ('<section aria-labelledby="contents-h"><h2 id="contents-h">Pages in this pack</h2>'
            f'<dl class="contents-list">{"".join(rows)}</dl></section>')
