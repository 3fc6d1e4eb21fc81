"""The front page's "Since the last pack" section in words: what it compares with, each action-plan measure then
and now, and whether its status moved (numbers from :mod:`helpers.analysis.history`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from helpers.analysis import disclosure
from helpers.analysis import history as compare
from helpers.analysis.history import Current, Movement
from helpers.sources.history import Entry
from helpers.config import PackConfig
from helpers.present import narrative


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def description(entry: Entry) -> str:
    """``"the pack for the period to 30 June 2025, built on 4 December 2026"``."""
    text = f"the pack for the period to {_day(entry.period_end)}"
    return text + (f", built on {_day(entry.built.date())}" if entry.built else "")


@dataclass(frozen=True)
class Shown:
    """A :class:`~helpers.analysis.history.Movement` as the page writes it."""

    measure: str
    previous_text: str
    latest_text: str
    change: str
    status_text: str


def _value(value: float | None, unit: str | None, threshold: int | None) -> tuple[str, bool]:
    """A value as the page shows it, and whether it is a suppressed small count."""
    small = threshold is not None and unit == "count" and value is not None and 0 < value < threshold
    return (disclosure.primary_label(threshold) if small and threshold else narrative.fmt(value, unit)), small


def status_text(m: Movement) -> str:
    """``"Amber to Green"``, ``"Still Red"``, or the latest status alone when the previous was not recorded."""
    if m.previous_status is None:
        return f"{m.latest_status} (previous status not recorded)"
    if m.previous_status == m.latest_status:
        return f"Still {m.latest_status}"
    return f"{m.previous_status} to {m.latest_status}"


def shown(m: Movement, threshold: int | None = None) -> Shown:
    """The movement's texts; with ``threshold`` (public builds) a small count reads "fewer than 5", no change."""
    prev_text, prev_small = _value(m.previous, m.unit, threshold)
    latest_text, latest_small = _value(m.latest, m.unit, threshold)
    if prev_small or latest_small:
        change = "Not shown (small number)"
    elif m.previous is None or m.latest is None:
        change = "Not available"
    else:
        change = narrative.change(m.latest, m.previous, m.unit, since="the previous pack")
        change = change[0].upper() + change[1:]
    return Shown(m.measure, prev_text, latest_text, change, status_text(m))


def movements(areas: Iterable[Current], config: PackConfig, before: Entry) -> list[Movement]:
    """:func:`helpers.analysis.history.movements` with each area's metric from the config's action plan."""
    return compare.movements(areas, {a.id: a.metric for a in config.action_plan}, before)


def movement_table(moves: list[Movement], before: Entry, as_of: dt.date, threshold: int | None = None) -> pd.DataFrame:
    """The section's table: measure, previous, latest, change, status."""
    prev_col = f"Previous pack ({before.period_end:%b %Y})"
    latest_col = f"This pack ({as_of:%b %Y})"
    rows = [shown(m, threshold) for m in moves]
    return pd.DataFrame([{"Measure": s.measure, prev_col: s.previous_text, latest_col: s.latest_text,
                          "Change": s.change, "Status": s.status_text} for s in rows],
                        columns=["Measure", prev_col, latest_col, "Change", "Status"])


def summary_sentence(moves: list[Movement], before: Entry | None, as_of: dt.date) -> str:
    """The section's opening sentence: what it compares with and how many statuses moved."""
    if before is None:
        return (f"There is no earlier pack to compare with: this is the first one kept for this pack (period to "
                f"{_day(as_of)}). The next pack will show what has changed since this one.")
    better, worse = compare.status_changes(moves)
    if not better + worse:
        status = "no action-plan area changed status"
    else:
        counted = narrative.count_of(better + worse, len(moves), "action-plan area", verb="changed",
                                     verb_plural="changed")
        parts = [f"{n} {word}" for n, word in ((better, "better"), (worse, "worse")) if n]
        status = f"{counted} status ({', '.join(parts)})"
    return narrative.sentence(f"Compared with {description(before)}: {status}")
