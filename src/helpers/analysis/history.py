"""Pack history compared: what moved between an earlier pack and this one.

Every successful build keeps its metrics and the front page's per-area statuses as a history entry
(:mod:`helpers.sources.history` reads them, :mod:`helpers.pack.history` keeps them). The front page's "Since the
last pack" section compares the scorecard with the latest entry for an EARLIER period (or with the pack folder
named by the config's ``compare_with``): previous value, latest value and whether the status moved. Numbers and
status words only; the section's sentence and table are in :mod:`helpers.pages.inspection_readiness_history`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from helpers.analysis.scorecard import lookup
from helpers.sources.history import Entry


@dataclass(frozen=True)
class Current:
    """One area of this pack's scorecard: its id, measure, unit, latest value and status."""

    area_id: str
    measure: str
    unit: str | None
    latest: float | None
    rag: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Current:
        """From a ``scorecard.json`` row (``id``, ``measure``, ``unit``, ``latest``, ``rag``)."""
        raw = row.get("latest")
        latest = None if raw is None else float(raw)
        return cls(str(row["id"]), str(row["measure"]), row.get("unit"),
                   None if latest is None or math.isnan(latest) else latest, str(row["rag"]))


@dataclass(frozen=True)
class Movement:
    """One scorecard measure in this pack and the previous one."""

    area_id: str
    measure: str
    unit: str | None
    previous: float | None
    latest: float | None
    previous_status: str | None
    latest_status: str


def movements(areas: Iterable[Current], refs: Mapping[str, str | None], before: Entry) -> list[Movement]:
    """Each area's previous value (its metric ``refs[area_id]`` in the earlier pack), latest value and status."""
    out = []
    for a in areas:
        metric = lookup(before.metrics, refs.get(a.area_id))
        previous = None if metric is None or metric.value is None else float(metric.value)
        status = before.statuses.get(a.area_id, {}).get("rag")
        out.append(Movement(a.area_id, a.measure, a.unit, previous, a.latest, status, a.rag))
    return out


_RANKS = {"Grey": 0, "Red": 1, "Amber": 2, "Green": 3}


def _rank(status: str | None) -> int:
    return _RANKS.get(status or "", 0)


def status_changes(moves: list[Movement]) -> tuple[int, int]:
    """How many areas' statuses moved up (Grey < Red < Amber < Green) and how many moved down."""
    moved = [m for m in moves if m.previous_status is not None and m.previous_status != m.latest_status]
    better = sum(_rank(m.latest_status) > _rank(m.previous_status) for m in moved)
    return better, len(moved) - better
