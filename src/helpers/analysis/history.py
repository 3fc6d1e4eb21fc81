"""Pack history: what each quarter's pack said, kept so the next pack can say what moved.

Every successful build copies its metrics (not its pages) into ``reports/<pack>/history/<period_end>/``: the
``metrics_*.json`` files, the front page's per-area statuses (``scorecard.json``) and ``manifest.json``. The
build copies the history folder into its staging folder before it runs, so the history survives ``--force``
rebuilds and the swap into place; a failed build throws its staging folder away, leaving the history as it was.
A rebuild for the same period replaces that period's entry.

The front page's "Since the last pack" section compares the scorecard with the latest entry for an EARLIER period
(or with the pack folder named by the config's ``compare_with``): previous value, latest value, change and
whether the status moved ("Amber to Green"), naming the previous pack's period and build date.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from collections.abc import Iterable

import pandas as pd

from helpers.analysis import disclosure
from helpers.present import narrative

if TYPE_CHECKING:
    from helpers.config import PackConfig
    from helpers.present.context import PackContext
    from helpers.analysis.scorecard import AreaStatus

HISTORY = "history"
SCORECARD_FILE = "scorecard.json"
MANIFEST = "manifest.json"
SECTION_TITLE = "Since the last pack"


# --- writing the history (called by the build) -------------------------------------------------------------


def carry(pack_dir: Path, staging: Path) -> None:
    """Copy the last good pack's history into a staging folder that does not have it (a ``--force`` build)."""
    old, new = pack_dir / HISTORY, staging / HISTORY
    if old.is_dir() and not new.exists():
        shutil.copytree(old, new)


def record(pack: Path, period_end: dt.date) -> Path:
    """Keep this build's metrics, statuses and manifest as ``history/<period_end>/`` (replacing that entry)."""
    entry = pack / HISTORY / period_end.isoformat()
    tmp = entry.with_name(entry.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for f in sorted((pack / "data").glob("metrics_*.json")) + [pack / "data" / SCORECARD_FILE, pack / MANIFEST]:
        if f.exists():
            shutil.copy2(f, tmp / f.name)
    shutil.rmtree(entry, ignore_errors=True)
    tmp.rename(entry)
    return entry


def scorecard_record(areas: Iterable[AreaStatus], headline: str, period_end: dt.date) -> dict[str, Any]:
    """The front page's per-area statuses as kept in ``data/scorecard.json`` (and so in the history)."""
    from helpers.present import narrative as nv

    rows = [{"id": a.id, "title": a.title, "measure": a.measure, "unit": a.unit, "period": a.period,
             "latest": a.latest, "latest_text": a.latest_text, "rag": a.rag,
             "target_text": nv.fmt(a.target, a.unit) if a.target is not None else "None set"} for a in areas]
    return {"period_end": period_end.isoformat(), "headline": headline, "areas": rows}


def write_scorecard(ctx: PackContext, areas: list[AreaStatus]) -> None:
    """Write the front page's headline and per-area statuses beside the metrics (``data/scorecard.json``).

    Returns nothing, so a call as a cell's last line shows nothing on the page."""
    from helpers.analysis import scorecard

    record_ = scorecard_record(areas, scorecard.headline(ctx.la.name, areas, ctx.config.period_end),
                               ctx.config.period_end)
    path = ctx.artefacts / SCORECARD_FILE
    path.write_text(json.dumps(record_, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --- reading it ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One earlier pack: its period end, when it was built, its metrics and its per-area statuses."""

    folder: Path
    period_end: dt.date
    built: dt.datetime | None
    metrics: dict[str, dict[str, Any]]
    statuses: dict[str, dict[str, Any]]

    @property
    def description(self) -> str:
        """``"the pack for the period to 30 June 2025, built on 4 December 2026"``."""
        text = f"the pack for the period to {_day(self.period_end)}"
        return text + (f", built on {_day(self.built.date())}" if self.built else "")


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load_entry(folder: Path) -> Entry | None:
    """An entry from a history folder, or from a whole pack folder (``data/metrics_*.json`` + ``manifest.json``)."""
    data = folder / "data" if (folder / "data").is_dir() else folder
    metrics = {p.stem.removeprefix("metrics_"): _read_json(p) for p in sorted(data.glob("metrics_*.json"))}
    metrics = {k: v for k, v in metrics.items() if isinstance(v, dict)}
    manifest = _read_json(folder / MANIFEST) or {}
    period = (manifest.get("config") or {}).get("period_end")
    try:
        period_end = dt.date.fromisoformat(period) if period else dt.date.fromisoformat(folder.name)
    except ValueError:
        return None
    if not metrics:
        return None
    built = None
    if manifest.get("finished"):
        try:
            built = dt.datetime.fromisoformat(manifest["finished"])
        except ValueError:
            built = None
    card = _read_json(data / SCORECARD_FILE) or []
    rows = card.get("areas", []) if isinstance(card, dict) else card
    statuses = {str(r["id"]): r for r in rows if isinstance(r, dict) and "id" in r}
    return Entry(folder, period_end, built, metrics, statuses)


def entries(pack_dir: Path) -> list[Entry]:
    """Every readable history entry of a pack folder, oldest period first."""
    folder = pack_dir / HISTORY
    found = [load_entry(p) for p in sorted(folder.iterdir()) if p.is_dir() and not p.name.endswith(".new")] \
        if folder.is_dir() else []
    return sorted((e for e in found if e is not None), key=lambda e: e.period_end)


def compare_folder(config: PackConfig) -> Path | None:
    """The config's ``compare_with`` folder resolved against the project root, or None."""
    value = getattr(config, "compare_with", None)
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else (config.root or Path.cwd()) / path


def previous(pack_dir: Path, period_end: dt.date, compare_with: Path | None = None) -> Entry | None:
    """The pack to compare with: ``compare_with`` when given, else the latest history entry before ``period_end``."""
    if compare_with is not None:
        from helpers.errors import InputError

        entry = load_entry(compare_with)
        if entry is None:
            raise InputError(compare_with, "no earlier pack to compare with here", field="compare_with",
                             expected="a pack folder (with data/metrics_*.json and manifest.json) or a history entry")
        return entry
    earlier = [e for e in entries(pack_dir) if e.period_end < period_end]
    return earlier[-1] if earlier else None


# --- the "Since the last pack" section -------------------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """One scorecard measure in this pack and the previous one."""

    area_id: str
    measure: str
    unit: str | None
    previous: float | None
    latest: float | None
    previous_text: str
    latest_text: str
    change: str
    previous_status: str | None
    latest_status: str

    @property
    def status_text(self) -> str:
        """``"Amber to Green"``, ``"Still Red"``, or the latest status alone when the previous was not recorded."""
        if self.previous_status is None:
            return f"{self.latest_status} (previous status not recorded)"
        if self.previous_status == self.latest_status:
            return f"Still {self.latest_status}"
        return f"{self.previous_status} to {self.latest_status}"


def _shown(value: float | None, unit: str | None, threshold: int | None) -> tuple[str, bool]:
    """A value as the page shows it, and whether it is a suppressed small count."""
    small = threshold is not None and unit == "count" and value is not None and 0 < value < threshold
    return (disclosure.primary_label(threshold) if small else narrative.fmt(value, unit)), small  # type: ignore[arg-type]


def movements(areas: Iterable[AreaStatus], config: PackConfig, before: Entry,
              threshold: int | None = None) -> list[Movement]:
    """Each scorecard area's previous value (from the earlier pack's metrics), latest value, change and status."""
    rows = [{"id": a.id, "measure": a.measure, "unit": a.unit, "latest": a.latest, "rag": a.rag} for a in areas]
    return movements_from_rows(rows, config, before, threshold)


def movements_from_rows(rows: Iterable[dict[str, Any]], config: PackConfig, before: Entry,
                        threshold: int | None = None) -> list[Movement]:
    """:func:`movements` from ``scorecard.json`` rows (id, measure, unit, latest, rag), for the cover report."""
    from helpers.analysis.scorecard import lookup

    by_id = {a.id: a for a in config.action_plan}
    out = []
    for row in rows:
        area_id, unit = str(row["id"]), row.get("unit")
        latest = None if narrative.is_missing(row.get("latest")) else float(row["latest"])
        ref = by_id[area_id].metric if area_id in by_id else None
        record_ = lookup(before.metrics, ref) or {}
        prev = record_.get("value")
        prev = None if narrative.is_missing(prev) else float(prev)
        prev_text, prev_small = _shown(prev, unit, threshold)
        latest_text, latest_small = _shown(latest, unit, threshold)
        if prev_small or latest_small:
            change = "Not shown (small number)"
        elif prev is None or latest is None:
            change = "Not available"
        else:
            change = narrative.change(latest, prev, unit, since="the previous pack")
            change = change[0].upper() + change[1:]
        status = before.statuses.get(area_id, {}).get("rag")
        out.append(Movement(area_id, str(row["measure"]), unit, prev, latest, prev_text, latest_text, change,
                            status, str(row["rag"])))
    return out


def movement_table(moves: list[Movement], before: Entry, as_of: dt.date) -> pd.DataFrame:
    """The section's table: measure, previous, latest, change, status."""
    prev_col = f"Previous pack ({before.period_end:%b %Y})"
    latest_col = f"This pack ({as_of:%b %Y})"
    return pd.DataFrame([{"Measure": m.measure, prev_col: m.previous_text, latest_col: m.latest_text,
                          "Change": m.change, "Status": m.status_text} for m in moves],
                        columns=["Measure", prev_col, latest_col, "Change", "Status"])


def summary_sentence(moves: list[Movement], before: Entry | None, as_of: dt.date) -> str:
    """The section's opening sentence: what it compares with and how many statuses moved."""
    if before is None:
        return (f"There is no earlier pack to compare with: this is the first one kept for this pack (period to "
                f"{_day(as_of)}). The next pack will show what has changed since this one.")
    moved = [m for m in moves if m.previous_status is not None and m.previous_status != m.latest_status]
    better = sum(_rank(m.latest_status) > _rank(m.previous_status) for m in moved)
    worse = len(moved) - better
    if not moved:
        status = "no action-plan area changed status"
    else:
        counted = narrative.count_of(len(moved), len(moves), "action-plan area", verb="changed",
                                     verb_plural="changed")
        parts = [f"{n} {word}" for n, word in ((better, "better"), (worse, "worse")) if n]
        status = f"{counted} status ({', '.join(parts)})"

    return narrative.sentence(f"Compared with {before.description}: {status}")


_RANKS = {"Grey": 0, "Red": 1, "Amber": 2, "Green": 3}


def _rank(status: str | None) -> int:
    return _RANKS.get(status or "", 0)


@dataclass(frozen=True)
class Since:
    """The "Since the last pack" section: the sentence, the table (None with no earlier pack), the entry."""

    sentence: str
    table: pd.DataFrame | None
    before: Entry | None
    moves: list[Movement]


def since_last_pack(ctx: PackContext, areas: list[AreaStatus], threshold: int | None = None) -> Since:
    """Compare this pack's scorecard with the previous pack (see module docstring)."""
    before = previous(ctx.pack_dir, ctx.config.period_end, compare_folder(ctx.config))
    moves = movements(areas, ctx.config, before, threshold) if before is not None else []
    table = movement_table(moves, before, ctx.config.period_end) if before is not None else None
    return Since(summary_sentence(moves, before, ctx.config.period_end), table, before, moves)
