"""The action-plan scorecard and key messages on the pack's front page.

Each area of the LA's Written Statement of Action (WSOA) or priority action plan (``action_plan`` in the pack
config) names a metric from a notebook's metrics JSON, a baseline, a target and a due date. :func:`scorecard`
looks each one up and rates it Red, Amber, Green or Grey by :data:`RAG_RULE`, which the page prints in words.
The status is always returned as a word, never only as a colour (WCAG 2.2 success criterion 1.4.1, "Use of
Colour"). Sentences come from :mod:`helpers.narrative`, so numbers read the same as everywhere else in the pack.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers import disclosure, narrative
from helpers.pack.config import ActionArea, PackConfig

GREEN, AMBER, RED, GREY = "Green", "Amber", "Red", "Grey"

#: The rating rule per status, shown on the front page exactly as written here.
RAG_RULES: dict[str, str] = {
    GREEN: "the latest figure meets the target.",
    AMBER: "the target is not met yet, but the figure is improving (a statistically significant improvement where "
           "the evidence page tests the trend, otherwise better than the baseline), or the change over the last "
           "year, if it continued, would meet the target by the due date.",
    RED: "the target is not met and the figure is not improving, or the due date has passed without meeting it.",
    GREY: "no figure in this pack; the area needs local evidence.",
}
#: The whole rule as one paragraph.
RAG_RULE = " ".join(f"{word}: {text}" for word, text in RAG_RULES.items())

#: What each status means, for a key beside the table.
RAG_MEANING: dict[str, str] = {
    GREEN: "target met",
    AMBER: "not met yet, improving",
    RED: "not met, not improving",
    GREY: "no data, needs local evidence",
}


@dataclass(frozen=True)
class AreaStatus:
    """One scorecard row: an action-plan area with its latest figure, change, trend, benchmark and rating."""

    id: str
    title: str
    measure: str
    unit: str | None
    period: str | None
    baseline: float | None
    baseline_label: str | None
    latest: float | None
    latest_text: str
    target: float | None
    due: dt.date | None
    change: str
    trend: str
    benchmark: str
    rag: str
    finding: str
    evidence_href: str | None


def lookup(metrics: dict[str, dict[str, Any]], ref: str | None) -> dict[str, Any] | None:
    """The metric record for ``'<notebook>.<metric id>'`` in ``ctx.metrics()`` output, or None if absent."""
    if not ref or "." not in ref:
        return None
    notebook, metric = ref.split(".", 1)
    record = metrics.get(notebook, {}).get(metric)
    return record if isinstance(record, dict) else None


def _better(a: float, b: float, higher_is_better: bool) -> bool:
    return a > b if higher_is_better else a < b


def _meets(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def direction(latest: float, reference: float | None, unit: str | None, higher_is_better: bool,
              trend: str | None = None) -> str:
    """``"improving"``, ``"deteriorating"`` or ``"no significant change"``.

    A tested trend from the evidence page (the metrics record's ``trend``, e.g. from SPC) wins. Without one the
    latest figure is compared with ``reference``; a difference that rounds to nothing at the shown precision
    (:func:`helpers.narrative.change`) is no change.
    """
    if trend in ("improving", "deteriorating", "no significant change"):
        return trend
    if reference is None or narrative.is_missing(reference):
        return "no significant change"
    if narrative.change(latest, reference, unit).startswith("no change"):
        return "no significant change"
    return "improving" if _better(latest, reference, higher_is_better) else "deteriorating"


def on_trajectory(latest: float, previous: float | None, target: float, due: dt.date | None, as_of: dt.date,
                  higher_is_better: bool) -> bool:
    """Would the last year's change, continued in a straight line to the due date, meet the target?

    ``previous`` is the value a year earlier (the metrics contract's ``previous``). A straight line is the simple
    projection committees use for trajectories; the evidence pages give modelled forecasts.
    """
    if previous is None or narrative.is_missing(previous) or due is None:
        return False
    years = (due - as_of).days / 365.25
    return _meets(latest + (latest - previous) * max(years, 0.0), target, higher_is_better)


def rag_status(latest: float | None, target: float | None, *, higher_is_better: bool, direction_word: str,
               trajectory: bool, due: dt.date | None, as_of: dt.date) -> str:
    """The status word by :data:`RAG_RULE`. An area without a target cannot be Green."""
    if latest is None or narrative.is_missing(latest):
        return GREY
    if target is not None and _meets(latest, target, higher_is_better):
        return GREEN
    if due is not None and as_of > due:
        return RED
    if direction_word == "improving" or trajectory:
        return AMBER
    return RED


def _benchmark(record: dict[str, Any], latest: float, unit: str | None, higher_is_better: bool) -> str:
    if record.get("benchmark"):
        return str(record["benchmark"])
    parts = []
    for key, name in (("england", "England"), ("region", "the region")):
        other = record.get(key)
        if other is None or narrative.is_missing(other):
            continue
        shown = narrative.fmt(other, unit)
        if narrative.fmt(latest, unit) == shown:
            parts.append(f"same as {name} ({shown})")
        else:
            word = "better" if _better(latest, float(other), higher_is_better) else "worse"
            parts.append(f"{word} than {name} ({shown})")
    return narrative.sentence("; ".join(parts)).rstrip(".") if parts else "No comparison available"


def period_phrase(period: str) -> str:
    """``"at 30 Sep 2025"`` for a date, ``"in the 12 months to Sep 2025"`` for a rolling period, else ``"in 2024"``."""
    if re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", period):
        return f"at {period}"
    if re.match(r"\d+ (months|weeks|quarters|years) to ", period):
        return f"in the {period}"
    return f"in {period}"


def _target_phrase(latest: float, target: float | None, due: dt.date | None, unit: str | None,
                   higher_is_better: bool) -> str:
    if target is None:
        return "no target set"
    when = f" due by {due.day} {due:%B %Y}" if due else ""
    if _meets(latest, target, higher_is_better):
        return f"meets the target of {narrative.fmt(target, unit)}{when}"
    return f"not yet at the target of {narrative.fmt(target, unit)}{when}"


def assess(area: ActionArea, metrics: dict[str, dict[str, Any]], as_of: dt.date,
           threshold: int | None = None) -> AreaStatus:
    """Rate one action-plan area against the metrics (see :data:`RAG_RULE`).

    With ``threshold`` (public builds), a latest count from 1 to ``threshold - 1`` is shown as "fewer than 5" and
    its change is not given, as :mod:`helpers.disclosure` does for tables; the rating still uses the true value.
    """
    record = lookup(metrics, area.metric)
    href = f"{area.evidence or area.metric.split('.', 1)[0]}.html" if (area.evidence or area.metric) else None
    if record is None or narrative.is_missing(record.get("value")):
        why = area.note or ("the evidence page did not produce this figure" if area.metric
                            else "needs local evidence")
        return AreaStatus(area.id, area.title, (record or {}).get("label", area.title), (record or {}).get("unit"),
                          None, area.baseline, area.baseline_label, None, narrative.NOT_AVAILABLE,
                          area.target, area.due,
                          "Not available", "Not available", "Not available", GREY,
                          narrative.sentence(f"{area.title}: no data in this pack ({why})"), href)
    unit = record.get("unit")
    hib = area.higher_is_better if "higher_is_better" in area.model_fields_set \
        else bool(record.get("higher_is_better", True))
    latest = float(record["value"])
    previous = record.get("previous")
    word = direction(latest, area.baseline if area.baseline is not None else previous, unit, hib,
                     record.get("trend"))
    trajectory = area.target is not None and on_trajectory(latest, previous, area.target, area.due, as_of, hib)
    rag = rag_status(latest, area.target, higher_is_better=hib, direction_word=word, trajectory=trajectory,
                     due=area.due, as_of=as_of)
    small = threshold is not None and unit == "count" and 0 < latest < threshold
    latest_text = disclosure.primary_label(threshold) if small else narrative.fmt(latest, unit)  # type: ignore[arg-type]
    change = "change not shown (small number)" if small else \
        narrative.change(latest, area.baseline, unit, since="the baseline")
    if record.get("trend"):
        trend = str(record["trend"]).capitalize()
    elif previous is not None and not narrative.is_missing(previous) and not small:
        trend = narrative.sentence(narrative.change(latest, previous, unit)).rstrip(".")
    else:
        trend = "Not available"
    period = record.get("period")
    baseline_text = ""
    if area.baseline is not None:
        when = f" in {area.baseline_label}" if area.baseline_label else ""
        baseline_text = f" (baseline {narrative.fmt(area.baseline, unit)}{when})" if small else \
            f", {change} of {narrative.fmt(area.baseline, unit)}{when}"
    finding = narrative.sentence(
        f"{record.get('label', area.title)}: {latest_text}"
        + (f" {period_phrase(str(period))}" if period else "")
        + baseline_text
        + f"; {_target_phrase(latest, area.target, area.due, unit, hib)}")
    return AreaStatus(area.id, area.title, str(record.get("label", area.metric)), unit,
                      None if period is None else str(period), area.baseline, area.baseline_label, latest,
                      latest_text, area.target, area.due, narrative.sentence(change).rstrip("."), trend,
                      _benchmark(record, latest, unit, hib), rag, finding, href)


def scorecard(config: PackConfig, metrics: dict[str, dict[str, Any]], *,
              threshold: int | None = None) -> list[AreaStatus]:
    """Every ``config.action_plan`` area rated at the pack's period end, in config order (``threshold``: see
    :func:`assess`; pass ``config.disclosure.threshold`` in public builds)."""
    return [assess(area, metrics, config.period_end, threshold) for area in config.action_plan]


def scorecard_table(statuses: list[AreaStatus]) -> pd.DataFrame:
    """The scorecard as a table of words and formatted numbers, ready for ``charts.show_table``."""
    rows = []
    for s in statuses:
        rows.append({
            "Area": s.title,
            "Measure": s.measure,
            "Baseline": narrative.fmt(s.baseline, s.unit) + (f", {s.baseline_label}" if s.baseline_label else "")
            if s.baseline is not None else "None set",
            "Latest": s.latest_text + (f" ({s.period})" if s.period else ""),
            "Change since baseline": s.change,
            "Target": narrative.fmt(s.target, s.unit) if s.target is not None else "None set",
            "Due": f"{s.due.day} {s.due:%b %Y}" if s.due else "Not set",
            "Trend": s.trend,
            "Compared with others": s.benchmark,
            "Status": f"{s.rag}: {RAG_MEANING[s.rag]}",
        })
    return pd.DataFrame(rows, columns=["Area", "Measure", "Baseline", "Latest", "Change since baseline", "Target",
                                       "Due", "Trend", "Compared with others", "Status"])


def _count_phrase(n: int, word: str, meaning: str) -> str:
    return f"{n} {'is' if n == 1 else 'are'} {meaning} ({word})"


def key_messages(metrics: dict[str, dict[str, Any]], config: PackConfig, *,
                 threshold: int | None = None) -> list[tuple[str, str]]:
    """Three to five headline sentences for the front page, each with the link to its evidence.

    First the scorecard in one sentence (linking to ``#scorecard`` on the front page), then the findings of the
    rated areas, each led by its status word ("Red – ..."), worst first (Red, Amber, Green; config order within a status), then, if fewer than three
    messages so far, each notebook's first metric ``finding`` (of a metric with a value) in metric-id order,
    skipping metrics an area already reports. At most five.
    """
    statuses = scorecard(config, metrics, threshold=threshold)
    messages: list[tuple[str, str]] = []
    if statuses:
        counts = {w: sum(s.rag == w for s in statuses) for w in (GREEN, AMBER, RED, GREY)}
        parts = [_count_phrase(counts[GREEN], GREEN, "on target"),
                 _count_phrase(counts[AMBER], AMBER, "improving but not yet on target"),
                 _count_phrase(counts[RED], RED, "off target and not improving")]
        if counts[GREY]:
            parts.append(f"{counts[GREY]} {'has' if counts[GREY] == 1 else 'have'} no data in this pack ({GREY})")
        messages.append((narrative.sentence(
            f"Of {narrative.plural(len(statuses), 'action-plan area')}, {', '.join(parts[:-1])} and {parts[-1]}"),
            "#scorecard"))
    order = {RED: 0, AMBER: 1, GREEN: 2}
    for s in sorted((s for s in statuses if s.rag in order), key=lambda s: order[s.rag]):
        if len(messages) == 5:
            break
        messages.append((f"{s.rag} – {s.finding}", s.evidence_href or "#scorecard"))
    if len(messages) < 3:
        used = {area.metric for area in config.action_plan}
        for notebook in sorted(metrics):
            found = [r["finding"] for key, r in sorted(metrics[notebook].items())
                     if isinstance(r, dict) and r.get("finding") and not narrative.is_missing(r.get("value"))
                     and f"{notebook}.{key}" not in used]
            if found and len(messages) < 5 and all(found[0] != m for m, _ in messages):
                messages.append((narrative.sentence(found[0]), f"{notebook}.html"))
    return messages


def _page_name(href: str) -> str:
    """``"03_ep_workforce.html"`` → ``"EP workforce"``; ``"#scorecard"`` → ``"the scorecard below"``."""
    if href.startswith("#"):
        return "the scorecard below"
    from helpers.glossary import TERMS

    words = href.removesuffix(".html").split("_")[1:] or [href]
    text = " ".join(w.upper() if w.upper() in TERMS else w for w in words)
    return text[0].upper() + text[1:] + " page"


def messages_html(messages: list[tuple[str, str]]) -> str:
    """Key messages as a list, each sentence followed by a descriptive link to its evidence (escaped)."""
    items = "".join(
        f'<li>{html.escape(text)} <a href="{html.escape(href)}">Evidence: {html.escape(_page_name(href))}</a></li>'
        for text, href in messages)
    return f'<ul class="key-messages">{items}</ul>'


def rule_html() -> str:
    """The RAG rule in words, one status per list item, with the ``scorecard`` anchor the key messages link to."""
    items = "".join(f"<li><strong>{word}</strong>: {html.escape(text)}</li>" for word, text in RAG_RULES.items())
    return (f'<div id="scorecard" class="rag-rule"><p>How each area is rated (the status is written in words, '
            f'not shown by colour alone):</p><ul>{items}</ul></div>')


def headline(la_name: str, statuses: list[AreaStatus], as_of: dt.date) -> str:
    """The page headline: ``"Northby at 30 September 2025: 1 of 6 action-plan areas is on target."``."""
    when = f"{as_of.day} {as_of:%B %Y}"
    if not statuses:
        return f"{la_name} at {when}: the pack config lists no action-plan areas to rate."
    green = sum(s.rag == GREEN for s in statuses)
    verb = "is" if green == 1 else "are"
    return f"{la_name} at {when}: {green} of {narrative.plural(len(statuses), 'action-plan area')} {verb} on target."


def summary_metrics(statuses: list[AreaStatus], as_of: dt.date) -> dict[str, dict[str, Any]]:
    """The front page's metrics record (metrics JSON contract): how many areas have each status."""
    period = f"{as_of:%b %Y}"
    return {
        f"areas_{word.lower()}": {"value": sum(s.rag == word for s in statuses), "unit": "count",
                                  "label": f"Action-plan areas rated {word} ({RAG_MEANING[word]})",
                                  "period": period}
        for word in (GREEN, AMBER, RED, GREY)
    }
