"""Chart style: Analysis Function palette, markers, a fixed bundled font, deterministic PNGs, direct line labels.

Importing this module changes nothing; :func:`use_style` (called when a page opens, see
:func:`helpers.present.page.open_page`) applies the style, so figures are byte-identical run to run.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import afcharts
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from cycler import cycler  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

#: Analysis Function categorical palette (afcharts); all ≥ 3:1 contrast on white.
PALETTE: list[str] = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
#: Marker per series so colour is never the only channel.
MARKERS: list[str] = ["o", "s", "^", "D", "v", "P"]
LINESTYLES: list[str] = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1))]  # type: ignore[list-item]
DPI = 110


def use_style() -> None:
    """Apply the afcharts Matplotlib style with a fixed, bundled font for byte-identical figures."""
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
        "axes.prop_cycle": cycler(color=PALETTE),
        "xtick.labelsize": 11,
        "ytick.labelsize": 11,
        "legend.fontsize": 11,
        # Labels come from configs and DfE names: "$2m then $3m" is text, never Matplotlib maths (which would
        # silently typeset it, or stop the build on a stray "$\frac").
        "text.parse_math": False,
        "text.usetex": False,
    })


def _opaque_legends(fig: Figure) -> None:
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


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG with no metadata that varies between runs (legends on an opaque background)."""
    _opaque_legends(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


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


def _in_data_units(axis: Any, value: object) -> float:
    """A date, category or number as the axis's float (Matplotlib's ``convert_units``, which is untyped)."""
    return float(axis.convert_units(value))


def label_line_ends(ax: Axes, lines: dict[str, tuple[float, float]], *, fmt: str = "{label}") -> None:
    """Label each series at its last point so the legend is not colour-only (``{label: (x, y)}``).

    Each label sits level with its own line's last value; labels that would overlap are spread apart just
    enough (:func:`spread_labels`, in screen space so the gap is one line of text) and a thin leader joins a
    moved label to its point, so a label is never read against the wrong line."""
    lines = {k: v for k, v in lines.items() if np.isfinite(_in_data_units(ax.yaxis, v[1]))}  # no end, no label
    if not lines:
        return
    fig = ax.figure
    fig.canvas.draw()  # final limits and transforms
    to_px = ax.transData
    items = list(lines.items())
    # dates and categories through the axes' own unit converters, then to pixels
    px = [to_px.transform((_in_data_units(ax.xaxis, x), _in_data_units(ax.yaxis, y)))
          for _, (x, y) in items]
    bbox = ax.get_window_extent()
    fontsize = 10.5
    gap = fontsize * 1.25 * fig.dpi / 72  # one text line, in pixels
    ys = spread_labels([float(p[1]) for p in px], gap, bbox.y0, bbox.y1)
    for (label, (x, y)), p, ypx in zip(items, px, ys, strict=True):
        moved = abs(ypx - p[1]) > gap * 0.15
        # the text goes to its spread position (offset in points); xy stays on the line's end, and a moved label
        # gets a leader back to it
        ax.annotate(fmt.format(label=label), xy=(x, y), xytext=(12, (ypx - p[1]) * 72 / fig.dpi),
                    textcoords="offset points", va="center", ha="left", fontsize=fontsize, color="#0B0C0C",
                    annotation_clip=False,
                    arrowprops=dict(arrowstyle="-", color="#505a5f", lw=0.8, shrinkA=0, shrinkB=2) if moved else None)
