"""Charts and tables for the pack: Analysis Function style, alt text, the data behind every chart, CSV downloads.

Every chart goes through :func:`show_chart`, which emits one accessible ``<figure>``: the PNG with meaningful alt
text, a visible title, the data as a real table in a ``<details>`` element, and a CSV download link. Output is
HTML (not a raw image) so nbconvert never substitutes its "No description has been provided" placeholder.
PNG bytes are deterministic: fixed DPI, bundled DejaVu Sans font, no timestamp metadata.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path
from typing import Iterable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from helpers.present import page as context  # noqa: E402

#: Analysis Function categorical palette (afcharts); all ≥ 3:1 contrast on white.
PALETTE: list[str] = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
#: Marker per series so colour is never the only channel.
MARKERS: list[str] = ["o", "s", "^", "D", "v", "P"]
LINESTYLES: list[str] = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1))]  # type: ignore[list-item]
DPI = 110
#: Tables with at most this many rows are never split across printed pages.
KEEP_TOGETHER_ROWS = 25


def use_style() -> None:
    """Apply the afcharts Matplotlib style with a fixed, bundled font for byte-identical figures."""
    import afcharts

    plt.style.use(str(Path(afcharts.__file__).parent / "afcharts.mplstyle"))
    plt.rcParams.update({
        "font.family": "DejaVu Sans",
        "font.size": 12,
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "figure.figsize": (8.5, 4.6),
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "svg.hashsalt": "send-evidence-pack",
        "axes.prop_cycle": plt.cycler(color=PALETTE),
        "xtick.labelsize": 11,
        "ytick.labelsize": 11,
        "legend.fontsize": 11,
        # Labels come from configs and DfE names: "$2m then $3m" is text, never Matplotlib maths (which would
        # silently typeset it, or stop the build on a stray "$\frac").
        "text.parse_math": False,
        "text.usetex": False,
    })


def slug(text: str) -> str:
    """File-name-safe lower-case slug."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "chart"


def _opaque_legends(fig: plt.Figure) -> None:
    """Give every legend drawn inside a plot a white background, so gridlines never run through its text."""
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    for legend in legends:
        if legend is None:
            continue
        legend.set_frame_on(True)
        frame = legend.get_frame()
        frame.set_facecolor("#ffffff")
        frame.set_edgecolor("none")
        frame.set_alpha(1.0)


def png_bytes(fig: plt.Figure) -> bytes:
    """The figure as PNG with no metadata that varies between runs (legends on an opaque background)."""
    _opaque_legends(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _fmt(value: object, *, plain: bool = False) -> str:
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
        return value.strftime("%d %b %Y")
    return str(value)


def _suppressed(data: pd.DataFrame, counts: Iterable[str] | None, derived: dict[str, tuple[str, str]] | None,
                file: str | None) -> pd.DataFrame:
    """Apply small-number suppression where the build suppresses, and record which columns were child-level.

    The record (``<artefacts>/disclosure_<notebook>.json``: CSV file → columns) lets the privacy tests check every
    published child-level count against the threshold.
    """
    ctx = context.current()
    cols = list(counts or [])
    if not cols or ctx is None:
        return data
    if file:
        record = ctx.artefacts / f"disclosure_{ctx.notebook}.json"
        known = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
        known[file] = sorted(set(cols) | set(derived or {}))
        record.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
    if not ctx.suppress_small_counts:
        return data
    from helpers.analysis import disclosure

    return disclosure.suppress(data, cols, threshold=ctx.config.disclosure.threshold, derived=derived)


def _csv_name(name: str) -> str | None:
    ctx = context.current()
    return f"{ctx.notebook}-{slug(name)}.csv" if ctx is not None else None


def table_html(data: pd.DataFrame, caption: str, *, row_header: bool = True, link: str | None = None) -> str:
    """An accessible HTML table: ``<caption>``, column headers with ``scope``, first column as row headers."""
    cols = list(data.columns)
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in cols)
    rows = []
    plain = [str(c).lower() in ("year", "years") or str(c).lower().endswith(" year") for c in cols]
    for values in data.itertuples(index=False, name=None):
        cells = []
        for i, v in enumerate(values):
            text = html.escape(_fmt(v, plain=plain[i]))
            num = ' class="num"' if isinstance(v, (int, float, np.integer, np.floating)) else ""
            cells.append(f'<th scope="row">{text}</th>' if (i == 0 and row_header) else f"<td{num}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    dl = f' <a class="download" href="{html.escape(link)}">Download this table (CSV)</a>' if link else ""
    # a short table is printed whole on one sheet; a long one breaks between rows with its header repeated
    keep = " keep-together" if len(rows) <= KEEP_TOGETHER_ROWS else ""
    return (f'<table class="data-table{keep}"><caption>{html.escape(caption)}{dl}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _write_csv(data: pd.DataFrame, file: str | None) -> str | None:
    ctx = context.current()
    if ctx is None or file is None:
        return None
    from helpers.present.spreadsheet import csv_safe  # text that would run as a formula in Excel gets a leading quote

    csv_safe(data).to_csv(ctx.downloads / file, index=False, lineterminator="\n")
    return f"downloads/{file}"


def _display(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def show_chart(fig: plt.Figure, *, title: str, alt: str, data: pd.DataFrame, name: str | None = None,
               child_level_counts: Iterable[str] | None = None, derived: dict[str, tuple[str, str]] | None = None,
               note: str | None = None) -> None:
    """Emit a chart as an accessible figure with its alt text, data table and CSV download; return the HTML.

    ``title`` is the headline (what the chart shows, in words); ``alt`` describes the picture for screen readers;
    ``child_level_counts`` names columns of ``data`` counted from child-level data, suppressed in public builds;
    ``derived`` maps a percentage column to its (numerator, denominator) columns so it is suppressed with them.
    Returns nothing, so a call as a cell's last line shows the figure once.
    """
    if len(alt.split()) < 6:
        raise ValueError(f"alt text must describe the chart in a sentence, got {alt!r}")
    file = _csv_name(name or title)
    shown = _suppressed(data, child_level_counts, derived, file)
    link = _write_csv(shown, file)
    encoded = base64.b64encode(png_bytes(fig)).decode("ascii")
    note_html = f'<p class="chart-note">{html.escape(note)}</p>' if note else ""
    markup = (
        '<figure class="chart">'
        f'<figcaption class="chart-title">{html.escape(title)}</figcaption>'
        f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt)}">'
        f"{note_html}"
        f'<details class="chart-data"><summary>Show the data behind this chart</summary>'
        f"{table_html(shown, 'Data for: ' + title, link=link)}</details>"
        "</figure>"
    )
    _display(markup)


def show_table(data: pd.DataFrame, *, caption: str, name: str | None = None,
               child_level_counts: Iterable[str] | None = None, derived: dict[str, tuple[str, str]] | None = None,
               row_header: bool = True) -> None:
    """Emit a table with caption, header cells and a CSV download; small child-level counts suppressed if public.

    An empty table is shown as one sentence ("<caption>: none.") with no download.
    """
    if data.empty:
        _display(f'<p class="empty-table">{html.escape(caption)}: none.</p>')
        return
    file = _csv_name(name or caption)
    shown = _suppressed(data, child_level_counts, derived, file)
    link = _write_csv(shown, file)
    _display(table_html(shown, caption, row_header=row_header, link=link))


def say(text: str, *, kind: str = "text") -> None:
    """Emit a generated plain-English paragraph (escaped). ``kind="headline"`` styles it as the page headline."""
    _display(f'<p class="{html.escape(kind)}">{html.escape(text)}</p>')


def say_list(items: Iterable[str]) -> None:
    """Emit generated sentences as a bulleted list (escaped)."""
    _display("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")


def spread_labels(values: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label positions for ``values`` (one per line end, same order) at least ``gap`` apart, each as near its own
    value as that allows, order kept, inside ``[lo, hi]``.

    Overlapping labels are merged into a block centred on the mean of their values (the least-squares placement
    for a block of equally spaced labels), repeated until no two blocks overlap; then the blocks are pushed
    inside the axis range. Deterministic, no iteration limit needed: each merge removes a block."""
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    blocks: list[list[int]] = []  # each block: indices in ascending order, placed around the mean of their values

    def start(block: list[int]) -> float:
        centre = sum(values[i] for i in block) / len(block)
        return centre - gap * (len(block) - 1) / 2

    for i in order:
        blocks.append([i])
        while len(blocks) > 1 and start(blocks[-1]) < start(blocks[-2]) + gap * len(blocks[-2]) - 1e-12:
            last = blocks.pop()
            blocks[-1] = blocks[-1] + last
    pos = [0.0] * len(values)
    for block in blocks:
        s0 = start(block)
        for k, i in enumerate(block):
            pos[i] = s0 + k * gap
    # keep inside the axes: shift everything up from the bottom, then down from the top, keeping the gaps
    ranked = [pos[i] for i in order]
    n = len(ranked)
    if gap * n <= hi - lo:
        for k in range(n):
            ranked[k] = max(ranked[k], lo + gap / 2 + k * gap)
        for k in range(n - 1, -1, -1):
            ranked[k] = min(ranked[k], hi - gap / 2 - (n - 1 - k) * gap)
    for k, i in enumerate(order):
        pos[i] = ranked[k]
    return pos


def label_line_ends(ax: plt.Axes, lines: dict[str, tuple[float, float]], *, fmt: str = "{label}") -> None:
    """Label each series at its last point so the legend is not colour-only (``{label: (x, y)}``).

    Each label sits level with its own line's last value; labels that would overlap are spread apart just
    enough (:func:`spread_labels`, in screen space so the gap is one line of text) and a thin leader joins a
    moved label to its point, so a label is never read against the wrong line."""
    lines = {k: v for k, v in lines.items() if np.isfinite(float(ax.yaxis.convert_units(v[1])))}  # no end, no label
    if not lines:
        return
    fig = ax.figure
    fig.canvas.draw()  # final limits and transforms
    to_px = ax.transData
    items = list(lines.items())
    # dates and categories through the axes' own unit converters, then to pixels
    px = [to_px.transform((float(ax.xaxis.convert_units(x)), float(ax.yaxis.convert_units(y))))
          for _, (x, y) in items]
    bbox = ax.get_window_extent()
    fontsize = 10.5
    gap = fontsize * 1.25 * fig.dpi / 72  # one text line, in pixels
    ys = spread_labels([float(p[1]) for p in px], gap, bbox.y0, bbox.y1)
    for (label, (x, y)), p, ypx in zip(items, px, ys):
        moved = abs(ypx - p[1]) > gap * 0.15
        # the text goes to its spread position (offset in points); xy stays on the line's end, and a moved label
        # gets a leader back to it
        ax.annotate(fmt.format(label=label), xy=(x, y), xytext=(12, (ypx - p[1]) * 72 / fig.dpi),
                    textcoords="offset points", va="center", ha="left", fontsize=fontsize, color="#0B0C0C",
                    annotation_clip=False,
                    arrowprops=dict(arrowstyle="-", color="#505a5f", lw=0.8, shrinkA=0, shrinkB=2) if moved else None)


use_style()
