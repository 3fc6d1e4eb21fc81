"""TRANSITIONAL (deleted when every notebook uses ``page.show``): the old module-level ``show_chart`` and friends,
which find their page through :func:`helpers.present.context.current`."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML, display
from matplotlib.figure import Figure

from helpers.present import chart as bundles
from helpers.present import context
from helpers.present.style import png_bytes


def show_chart(fig: Figure, *, title: str, alt: str, data: pd.DataFrame, name: str | None = None,
               child_level_counts: Iterable[str] | None = None, derived: dict[str, tuple[str, str]] | None = None,
               note: str | None = None) -> None:
    item = bundles.Chart(fig, title, alt, data, name, tuple(child_level_counts or ()), derived or {}, note)
    ctx = context.current()
    if ctx is None:
        display(HTML(bundles.figure_html(item, png_bytes(fig), data, None)))
    else:
        ctx.show(item)


def show_table(data: pd.DataFrame, *, caption: str, name: str | None = None,
               child_level_counts: Iterable[str] | None = None, derived: dict[str, tuple[str, str]] | None = None,
               row_header: bool = True) -> None:
    item = bundles.Table(data, caption, name, tuple(child_level_counts or ()), derived or {}, row_header)
    ctx = context.current()
    if ctx is None:
        display(HTML(bundles.empty_table_html(caption) if data.empty else
                     bundles.table_html(data, caption, row_header=row_header)))
    else:
        ctx.show(item)


def say(text: str, *, kind: str = "text") -> None:
    display(HTML(bundles.paragraph_html(text, kind)))


def say_list(items: Iterable[str]) -> None:
    display(HTML(bundles.list_html(list(items))))
