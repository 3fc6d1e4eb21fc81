"""The front page's rule and key messages: the RAG rule in words, the largest gaps against England and the
statistical neighbours, the demand figure and the scorecard in sentences, each with a link to its evidence."""

from __future__ import annotations

import datetime as dt
import html

from helpers.analysis import scorecard as rules
from helpers.analysis.scorecard import AMBER, DEMAND_METRIC, GREEN, GREY, RED, Gap
from helpers.analysis.scorecard_baselines import BaselineCheck
from helpers.config import PackConfig
from helpers.metrics import Metric
from helpers.pages.inspection_readiness_status import AreaStatus, scorecard
from helpers.present import narrative
from helpers.present.glossary_terms import TERMS

#: The rating rule per status, shown on the front page exactly as written here. "Improving" is the evidence page's
#: own trend test where it has one (the Trend column names it), so the scorecard and the page cannot disagree.
RAG_RULES: dict[str, str] = {
    GREEN: "the latest figure meets the target.",
    AMBER: "the target is not met yet, but the figure is moving towards it: a statistically significant improvement by "
           "the trend test on the evidence page where it tests the trend (the Trend column names the test), otherwise "
           "better than the baseline (the Trend column then says 'Not tested').",
    RED: "the target is not met and the figure is not moving towards it by that rule (a change since the baseline "
         "that the trend test does not find significant does not count), or the due date has passed without meeting "
         "it.",
    GREY: "no figure in this pack; the area needs local evidence.",
}
#: The whole rule as one paragraph.
RAG_RULE = " ".join(f"{word}: {text}" for word, text in RAG_RULES.items())

#: What each status means, for a key beside the table.
RAG_MEANING: dict[str, str] = {
    GREEN: "target met",
    AMBER: "not met yet, moving towards it",
    RED: "not met, not moving towards it",
    GREY: "no data, needs local evidence",
}


def gap_sentence(la_name: str, gap: Gap) -> str:
    """A ranked gap in plain words: ``"Kent: 57.9% of decisions on requests were refusals in 2024, above England
    (27.8%) and above its statistical neighbours (26.6%)."``; "better"/"worse" where the measure has a better
    direction, "above"/"below" where it has none."""
    m = gap.metric
    value = float(m.value or 0)
    text = m.message or f"{m.label} was {narrative.fmt(value, '%')}"
    period = f" in {m.period}" if m.period else ""
    parts = []
    for other, name in ((m.england, "England"), (m.neighbours, "its statistical neighbours")):
        if other is None:
            continue
        shown = narrative.fmt(other, "%")
        if narrative.fmt(value, "%") == shown:
            parts.append(f"the same as {name} ({shown})")
        elif m.higher_is_better is None:
            parts.append(f"{'above' if value > float(other) else 'below'} {name} ({shown})")
        else:
            word = "better" if rules.better(value, float(other), m.higher_is_better) else "worse"
            parts.append(f"{word} than {name} ({shown})")
    return narrative.sentence(f"{la_name}: {text}{period}, " + " and ".join(parts))


def _count_phrase(n: int, word: str, meaning: str) -> str:
    return f"{n} {'is' if n == 1 else 'are'} {meaning} ({word})"


def scorecard_sentence(statuses: list[AreaStatus]) -> str:
    """The scorecard in one sentence: how many areas are on target, improving, off target, without data."""
    counts = rules.status_counts([s.rag for s in statuses])
    if len(statuses) == 1:
        meaning = {GREEN: "on target", AMBER: "moving towards its target but not yet on it",
                   RED: "off target and not moving towards it", GREY: "without data in this pack"}[statuses[0].rag]
        return f"The one action-plan area is {meaning} ({statuses[0].rag})."
    parts = [_count_phrase(counts[GREEN], GREEN, "on target"),
             _count_phrase(counts[AMBER], AMBER, "moving towards its target but not yet on it"),
             _count_phrase(counts[RED], RED, "off target and not moving towards it")]
    if counts[GREY]:
        parts.append(f"{counts[GREY]} {'has' if counts[GREY] == 1 else 'have'} no data in this pack ({GREY})")
    return narrative.sentence(
        f"Of {narrative.plural(len(statuses), 'action-plan area')}, {', '.join(parts[:-1])} and {parts[-1]}")


def _first_findings(metrics: dict[str, dict[str, Metric]], used: set[str],
                    messages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each notebook's first metric ``finding`` (of a metric with a value) not already reported, up to five
    messages in all."""
    out = list(messages)
    for notebook in sorted(metrics):
        found = [m.finding for key, m in sorted(metrics[notebook].items())
                 if m.finding and m.value is not None and f"{notebook}.{key}" not in used]
        if found and len(out) < 5 and all(narrative.sentence(found[0]) != t for t, _ in out):
            out.append((narrative.sentence(found[0]), f"{notebook}.html"))
    return out


def key_messages(metrics: dict[str, dict[str, Metric]], config: PackConfig, *,
                 threshold: int | None = None, checks: list[BaselineCheck] | None = None,
                 la_name: str | None = None) -> list[tuple[str, str]]:
    """The front page's key messages, each with the link to its evidence, at most seven.

    First the largest gaps against England and the statistical neighbours among all the evidence
    (:func:`helpers.analysis.scorecard.gaps`, up to four), whether or not the action plan covers them; then the
    assessment-demand / EP-hours finding (:data:`~helpers.analysis.scorecard.DEMAND_METRIC`, as the growth page
    wrote it); then the scorecard in one sentence (linking to ``#scorecard``), then the rated areas' findings, Red
    first, then Amber, then Green; then, if fewer than three messages so far, each notebook's first metric
    ``finding`` (of a metric with a value) in metric-id order, skipping metrics an area already reports. Numbers
    are the metrics' own, never recomputed here (so the EP-hours figure is the EP page's).
    """
    name = la_name or config.la.name or "The council"
    messages: list[tuple[str, str]] = [(gap_sentence(name, g), f"{g.notebook}.html") for g in rules.gaps(metrics)[:4]]
    demand = metrics.get(DEMAND_METRIC[0], {}).get(DEMAND_METRIC[1])
    if demand is not None and demand.finding and demand.value is not None:
        page = str(demand.evidence or DEMAND_METRIC[0])
        messages.append((narrative.sentence(demand.finding), f"{page.removesuffix('.html')}.html"))
    statuses = scorecard(config, metrics, threshold=threshold, checks=checks)
    if statuses:
        messages.append((scorecard_sentence(statuses), "#scorecard"))
    order = {RED: 0, AMBER: 1, GREEN: 2}
    for s in sorted((s for s in statuses if s.rag in order), key=lambda s: order[s.rag]):
        if len(messages) == 7:
            break
        messages.append((s.message, s.evidence_href or "#scorecard"))
    if len(messages) < 3:
        used = {str(area.metric) for area in config.action_plan} | {".".join(DEMAND_METRIC)}
        messages = _first_findings(metrics, used, messages)
    return messages


def _page_name(href: str) -> str:
    """``"03_ep_workforce.html"`` → ``"EP workforce"``; ``"#scorecard"`` → ``"the scorecard below"``."""
    if href.startswith("#"):
        return "the scorecard below"
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
    if len(statuses) == 1:
        return f"{la_name} at {when}: the one action-plan area is {'' if green else 'not '}on target."
    return f"{la_name} at {when}: {narrative.count_of(green, len(statuses), 'action-plan area')} on target."
