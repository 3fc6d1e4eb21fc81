"""A chart or a table as one object: what it shows, how it is described, the data behind it, what is child-level.

Page modules (:mod:`helpers.pages`) return :class:`Chart` and :class:`Table` bundles; a notebook shows them with
``page.show(bundle)`` (:class:`helpers.present.page.Page`), which applies suppression, writes the CSV download
and emits one accessible HTML block. This module only holds the bundles and turns them into HTML; it writes
nothing.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

#: Tables with at most this many rows are never split across printed pages.
KEEP_TOGETHER_ROWS = 25


@dataclass(frozen=True)
class Chart:
    """A figure with its headline ``title``, screen-reader ``alt`` text and the ``data`` it draws.

    ``child_level_counts`` names columns of ``data`` counted from child-level data (suppressed where the build
    suppresses); ``derived`` maps a percentage column to its (numerator, denominator) columns so it is hidden
    with them; ``name`` is the CSV's slug (the title's slug if not given).
    """

    figure: Figure
    title: str
    alt: str
    data: pd.DataFrame
    name: str | None = None
    child_level_counts: tuple[str, ...] = ()
    derived: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    note: str | None = None

    def __post_init__(self) -> None:
        if len(self.alt.split()) < 6:
            raise ValueError(f"alt text must describe the chart in a sentence, got {self.alt!r}")
        object.__setattr__(self, "child_level_counts", tuple(self.child_level_counts))


@dataclass(frozen=True)
class Table:
    """A table with its ``caption``; ``child_level_counts``, ``derived`` and ``name`` as for :class:`Chart`."""

    data: pd.DataFrame
    caption: str
    name: str | None = None
    child_level_counts: tuple[str, ...] = ()
    derived: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    row_header: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "child_level_counts", tuple(self.child_level_counts))


def slug(text: str) -> str:
    """File-name-safe lower-case slug."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "chart"


def fmt_cell(value: object, *, plain: bool = False) -> str:
    """A cell as text: thousands separators, 1 decimal place, dates as "30 Sep 2025"; ``plain`` for years."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if isinstance(value, (int, np.integer)):
        return str(int(value)) if plain else f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if isinstance(value, pd.Timestamp):
        return str(value.strftime("%d %b %Y"))
    return str(value)


def table_html(data: pd.DataFrame, caption: str, *, row_header: bool = True, link: str | None = None) -> str:
    """An accessible HTML table: ``<caption>``, column headers with ``scope``, first column as row headers."""
    cols = list(data.columns)
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in cols)
    rows = []
    plain = [str(c).lower() in ("year", "years") or str(c).lower().endswith(" year") for c in cols]
    for values in data.itertuples(index=False, name=None):
        cells = []
        for i, v in enumerate(values):
            text = html.escape(fmt_cell(v, plain=plain[i]))
            num = ' class="num"' if isinstance(v, (int, float, np.integer, np.floating)) else ""
            cells.append(f'<th scope="row">{text}</th>' if (i == 0 and row_header) else f"<td{num}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    dl = f' <a class="download" href="{html.escape(link)}">Download this table (CSV)</a>' if link else ""
    # a short table is printed whole on one sheet; a long one breaks between rows with its header repeated
    keep = " keep-together" if len(rows) <= KEEP_TOGETHER_ROWS else ""
    return (f'<table class="data-table{keep}"><caption>{html.escape(caption)}{dl}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def figure_html(chart: Chart, png: bytes, shown: pd.DataFrame, link: str | None) -> str:
    """One ``<figure>``: visible title, the PNG with its alt text, an optional note, the data table in ``<details>``.

    HTML rather than a raw image output, so nbconvert never substitutes its "No description" placeholder.
    """
    encoded = base64.b64encode(png).decode("ascii")
    note_html = f'<p class="chart-note">{html.escape(chart.note)}</p>' if chart.note else ""
    return (
        '<figure class="chart">'
        f'<figcaption class="chart-title">{html.escape(chart.title)}</figcaption>'
        f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(chart.alt)}">'
        f"{note_html}"
        f'<details class="chart-data"><summary>Show the data behind this chart</summary>'
        f"{table_html(shown, 'Data for: ' + chart.title, link=link)}</details>"
        "</figure>"
    )


def empty_table_html(caption: str) -> str:
    """An empty table as one sentence ("<caption>: none.") with no download."""
    return f'<p class="empty-table">{html.escape(caption)}: none.</p>'


def paragraph_html(text: str, kind: str = "text") -> str:
    """A generated plain-English paragraph (escaped); ``kind="headline"`` styles it as the page headline."""
    return f'<p class="{html.escape(kind)}">{html.escape(text)}</p>'


def link_paragraph_html(lead: str, href: str, link_text: str) -> str:
    """A sentence ending in a download link: ``lead`` then the link, then a full stop."""
    return (f'<p>{html.escape(lead)}<a class="download" href="{html.escape(href)}">{html.escape(link_text)}</a>.'
            "</p>")


def list_html(items: list[str]) -> str:
    """Generated sentences as a bulleted list (escaped)."""
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
