"""The action-plan scorecard's rules: how each area of the plan is rated, and which gaps lead the key messages.

Each area of the LA's Written Statement of Action (WSOA) or priority action plan (an :class:`Area`, from the
pack config's ``action_plan``) names a metric from a notebook's metrics, a baseline, a target and a due date.
:func:`rate` looks the metric up and rates the area Red, Amber, Green or Grey (the rule the front page prints,
:data:`helpers.pages.inspection_readiness_messages.RAG_RULES`); :func:`gaps` ranks the benchmarks page's
percentages by their distance from England and the statistical neighbours. Numbers and status words only: the
front page's sentences and tables are in :mod:`helpers.pages.inspection_readiness`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpers.metrics import Metric

GREEN, AMBER, RED, GREY = "Green", "Amber", "Red", "Grey"

#: Trend words that come from a statistical test on the evidence page.
TESTED = ("improving", "deteriorating", "no significant change")

#: The one assessment-demand / EP-hours figure (written once from counts by the growth page): the front page quotes
#: its finding as written and never recomputes it. It links to the record's ``evidence`` page when the record names
#: one (e.g. the EP page that repeats it), otherwise to the page that wrote it.
DEMAND_METRIC = ("01_request_growth", "ep_hours_next_year")

#: Gaps smaller than this many percentage points are not key messages.
MIN_GAP = 5.0


@dataclass(frozen=True)
class Area:
    """One action-plan area as plain values (``higher_is_better`` None: not said, so the metric's own is used)."""

    id: str
    title: str
    metric: str | None = None
    baseline: float | None = None
    baseline_label: str | None = None
    target: float | None = None
    due: dt.date | None = None
    higher_is_better: bool | None = None
    evidence: str | None = None
    note: str | None = None


def lookup(metrics: dict[str, dict[str, Metric]], ref: str | None) -> Metric | None:
    """The metric for ``'<notebook>.<metric id>'`` in ``page.metrics()`` output, or None if absent."""
    if not ref or "." not in ref:
        return None
    notebook, metric = ref.split(".", 1)
    return metrics.get(notebook, {}).get(metric)


def better(a: float, b: float, higher_is_better: bool) -> bool:
    return a > b if higher_is_better else a < b


def meets(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def shown_change(current: float, previous: float, unit: str | None) -> float:
    """The change from ``previous`` to ``current`` as a page shows it, 0.0 when it rounds to nothing.

    Percentages: percentage points to one decimal place. Counts (and plain numbers): the relative change in per
    cent (unrounded), or 0.0 when it rounds to zero at the shown precision (a whole number from 10%, one decimal
    place below); from 0 to more than 0 is infinite. Weeks, months, FTE: the difference to one decimal place.
    """
    if unit not in ("count", None):
        return round(current - previous, 1)
    if previous == 0:
        return 0.0 if current == 0 else float("inf")
    rel = (current - previous) / abs(previous) * 100
    size = abs(rel)
    shown = float(f"{size:.0f}") if round(size) >= 10 else float(f"{size:.1f}")
    return 0.0 if shown == 0 else rel


def direction(latest: float, reference: float | None, unit: str | None, higher_is_better: bool,
              trend: str | None = None) -> str:
    """``"improving"``, ``"deteriorating"`` or ``"no significant change"``.

    A tested trend from the evidence page (the metric's ``trend``, e.g. from SPC) wins. Without one the latest
    figure is compared with ``reference``; a difference that rounds to nothing at the shown precision
    (:func:`shown_change`) is no change.
    """
    if trend in TESTED:
        return str(trend)
    if reference is None or shown_change(latest, reference, unit) == 0:
        return "no significant change"
    return "improving" if better(latest, reference, higher_is_better) else "deteriorating"


def on_trajectory(latest: float, previous: float | None, target: float, due: dt.date | None, as_of: dt.date,
                  higher_is_better: bool) -> bool:
    """Would the last year's change, continued in a straight line to the due date, meet the target?

    ``previous`` is the value a year earlier (the metric's ``previous``). A straight line is the simple
    projection committees use for trajectories; the evidence pages give modelled forecasts.
    """
    if previous is None or due is None:
        return False
    years = (due - as_of).days / 365.25
    return meets(latest + (latest - previous) * max(years, 0.0), target, higher_is_better)


def rag_status(latest: float | None, target: float | None, *, higher_is_better: bool, direction_word: str,
               due: dt.date | None, as_of: dt.date) -> str:
    """The status word. An area without a target cannot be Green.

    ``direction_word`` is :func:`direction`'s word: the evidence page's tested trend where it has one. A straight-
    line trajectory (:func:`on_trajectory`) does not make an area Amber: it is a second, untested rule that could
    rate a row Amber while its own page says the trend shows no change.
    """
    if latest is None:
        return GREY
    if target is not None and meets(latest, target, higher_is_better):
        return GREEN
    if due is not None and as_of > due:
        return RED
    if direction_word == "improving":
        return AMBER
    return RED


@dataclass(frozen=True)
class Rating:
    """An area rated at ``as_of``: its metric (None if absent), latest value, polarity, tested trend, status."""

    area: Area
    metric: Metric | None
    latest: float | None
    higher_is_better: bool
    tested: str | None
    direction: str
    rag: str


def rate(area: Area, metrics: dict[str, dict[str, Metric]], as_of: dt.date) -> Rating:
    """Rate one area: Grey without a figure; otherwise by :func:`rag_status`, the direction measured against the
    baseline (or, with none, the metric's ``previous``) unless the metric carries a tested trend (:data:`TESTED`)."""
    metric = lookup(metrics, area.metric)
    if metric is None or metric.value is None:
        return Rating(area, metric, None, True, None, "no significant change", GREY)
    hib = area.higher_is_better if area.higher_is_better is not None else \
        (metric.higher_is_better if metric.higher_is_better is not None else True)
    latest = float(metric.value)
    tested = metric.trend if metric.trend in TESTED else None
    reference = area.baseline if area.baseline is not None else metric.previous
    word = direction(latest, reference, metric.unit, hib, tested)
    rag = rag_status(latest, area.target, higher_is_better=hib, direction_word=word, due=area.due, as_of=as_of)
    return Rating(area, metric, latest, hib, tested, word, rag)


def status_counts(rags: list[str]) -> dict[str, int]:
    """How many areas have each status, Green, Amber, Red, Grey."""
    return {word: sum(r == word for r in rags) for word in (GREEN, AMBER, RED, GREY)}


@dataclass(frozen=True)
class Gap:
    """One metric's distance from England and the statistical neighbours, for ranking key messages."""

    notebook: str
    key: str
    metric: Metric
    size: float
    worse: bool | None


def gaps(metrics: dict[str, dict[str, Metric]]) -> list[Gap]:
    """Every metric flagged ``compare`` (a percentage with England's figure, from the benchmarks page) ranked by its
    gap: the larger of its distances from England and from the statistical neighbours, in percentage points.

    Gaps in the unfavourable direction and gaps of measures with no better direction (e.g. refusals) come first,
    largest first; favourable gaps after them. Gaps under :data:`MIN_GAP` points are left out.
    """
    out = []
    for notebook in sorted(metrics):
        for key, m in sorted(metrics[notebook].items()):
            if not m.compare or m.unit != "%" or m.value is None or m.england is None:
                continue
            diffs = [float(m.value) - float(m.england)]
            if m.neighbours is not None:
                diffs.append(float(m.value) - float(m.neighbours))
            diff = max(diffs, key=abs)
            if abs(diff) < MIN_GAP:
                continue
            worse = None if m.higher_is_better is None else (diff < 0) == m.higher_is_better
            out.append(Gap(notebook, key, m, abs(diff), worse))
    return sorted(out, key=lambda g: (g.worse is False, -g.size, g.notebook, g.key))
