"""The front page (``08_inspection_readiness``): the key messages, the action-plan scorecard, what moved since the
last pack, and each area's finding.

:func:`prepare` reads every notebook's metrics and rates the action plan once (:class:`Card`); the other
functions turn it into the page's headline, lists, tables and metrics. Rules in
:mod:`helpers.analysis.scorecard` and :mod:`helpers.analysis.history`; rows in words in
:mod:`helpers.pages.inspection_readiness_status`, messages in :mod:`helpers.pages.inspection_readiness_messages`,
the comparison with the last pack in :mod:`helpers.pages.inspection_readiness_history`. The history files
themselves are read by :mod:`helpers.sources.history` (through ``page.previous_pack()``) and kept by
:mod:`helpers.pack.history`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.analysis.history import Current
from helpers.sources.history import Entry
from helpers.analysis.scorecard import AMBER, GREEN, GREY, RED
from helpers.analysis.scorecard_baselines import BaselineCheck
from helpers.config import PackConfig
from helpers.metrics import Metric
from helpers.pages import inspection_readiness_history as since
from helpers.pages import inspection_readiness_messages as msgs
from helpers.pages.inspection_readiness_messages import RAG_MEANING, rule_html
from helpers.pages.inspection_readiness_status import AreaStatus, baseline_checks, scorecard
from helpers.present import narrative
from helpers.present.chart import Table
from helpers.present.page import Page

__all__ = ["Card", "findings", "headline", "key_messages_html", "local_data_note", "prepare", "rule_html",
           "scorecard_frame", "scorecard_record", "scorecard_table", "since_last_pack", "summary_metrics", "warnings"]


@dataclass(frozen=True)
class Card:
    """The front page's inputs and the rated action plan."""

    la_name: str
    config: PackConfig
    metrics: dict[str, dict[str, Metric]]
    threshold: int | None  # small counts under it are hidden (public and restricted builds), else None
    checks: list[BaselineCheck]
    areas: list[AreaStatus]
    local_data: bool  # SEN2 case data were supplied

    @property
    def as_of(self) -> dt.date:
        return self.config.period_end


def prepare(page: Page) -> Card:
    """Every notebook's metrics, the typed baselines checked against the DfE release, and the rated areas."""
    cfg = page.config
    metrics = page.metrics()
    threshold = cfg.disclosure.threshold if page.suppress_small_counts else None
    checks = baseline_checks(cfg, page.ees, page.la.old_code, page.la.region_code)
    areas = scorecard(cfg, metrics, threshold=threshold, checks=checks)
    return Card(page.la.name, cfg, metrics, threshold, checks, areas, cfg.inputs.sen2 is not None)


def headline(card: Card) -> str:
    """``"Northby at 30 September 2025: 1 of 6 action-plan areas is on target."``"""
    return msgs.headline(card.la_name, card.areas, card.as_of)


def key_messages_html(card: Card) -> str:
    """The key messages as a list, each with a link to its evidence."""
    return msgs.messages_html(msgs.key_messages(card.metrics, card.config, threshold=card.threshold,
                                                checks=card.checks, la_name=card.la_name))


def scorecard_frame(statuses: list[AreaStatus]) -> pd.DataFrame:
    """The scorecard as a table of words and formatted numbers."""
    rows = []
    for s in statuses:
        baseline = "None set"
        if s.baseline is not None:
            baseline = (narrative.fmt(s.baseline, s.unit) + (f", {s.baseline_label}" if s.baseline_label else "")
                        + (f". Warning: {s.warning}" if s.warning else ""))
        rows.append({
            "Area": s.title, "Measure": s.measure, "Baseline": baseline,
            "Latest": s.latest_text + (f" ({s.period})" if s.period else ""),
            "Change since baseline": s.change,
            "Target": narrative.fmt(s.target, s.unit) if s.target is not None else "None set",
            "Due": f"{s.due.day} {s.due:%b %Y}" if s.due else "Not set",
            "Trend": s.trend, "Compared with others": s.benchmark,
            "Status": f"{s.rag}: {RAG_MEANING[s.rag]}", "Why this status": s.reason,
        })
    return pd.DataFrame(rows, columns=["Area", "Measure", "Baseline", "Latest", "Change since baseline", "Target",
                                       "Due", "Trend", "Compared with others", "Status", "Why this status"])


def scorecard_table(card: Card) -> Table:
    """The action-plan scorecard."""
    return Table(scorecard_frame(card.areas), "Action-plan scorecard: latest figures against baseline and target, "
                 "with trend, comparison and status", name="scorecard")


def since_last_pack(card: Card, before: Entry | None) -> tuple[str, Table | None]:
    """The "Since the last pack" sentence and table (None with no earlier pack to compare with)."""
    if before is None:
        return since.summary_sentence([], None, card.as_of), None
    current = [Current(a.id, a.measure, a.unit, a.latest, a.rag) for a in card.areas]
    moves = since.movements(current, card.config, before)
    table = Table(since.movement_table(moves, before, card.as_of, card.threshold), name="since-last-pack",
                  caption="Since the last pack: each action-plan measure then and now, with its status")
    return since.summary_sentence(moves, before, card.as_of), table


def findings(card: Card) -> list[str]:
    """Each area's finding, in config order."""
    return [area.finding for area in card.areas]


def warnings(card: Card) -> list[str]:
    """A warning for each area whose typed baseline differs from the pack's own DfE figure."""
    return [f"Warning on the baseline of \"{area.title}\": {area.warning}." for area in card.areas if area.warning]


def local_data_note(card: Card) -> str | None:
    """Why monthly figures are missing when no local case data were supplied (None when they were)."""
    if card.local_data:
        return None
    return ("This pack uses the published Department for Education figures only. No local case data were supplied, "
            "so monthly figures and the backlog of overdue assessments are not available; action-plan areas that "
            "need them are rated Grey.")


def summary_metrics(statuses: list[AreaStatus], as_of: dt.date) -> dict[str, Metric]:
    """The front page's metrics: how many areas have each status."""
    return {f"areas_{word.lower()}": Metric(value=sum(s.rag == word for s in statuses), unit="count",
                                            label=f"Action-plan areas rated {word} ({RAG_MEANING[word]})",
                                            period=f"{as_of:%b %Y}")
            for word in (GREEN, AMBER, RED, GREY)}


def scorecard_record(card: Card) -> dict[str, Any]:
    """The front page's headline and per-area statuses as kept in ``data/scorecard.json`` (and so in the
    history, :meth:`helpers.present.page.Page.write_scorecard`)."""
    rows = [{"id": a.id, "title": a.title, "measure": a.measure, "unit": a.unit, "period": a.period,
             "latest": a.latest, "latest_text": a.latest_text, "rag": a.rag,
             "target_text": narrative.fmt(a.target, a.unit) if a.target is not None else "None set"}
            for a in card.areas]
    return {"period_end": card.as_of.isoformat(), "headline": headline(card), "areas": rows}
