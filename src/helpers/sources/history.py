"""Earlier packs as an input: the metrics and per-area statuses a previous quarter's pack published.

Read from the pack's own ``history/<period_end>/`` entries (kept by :mod:`helpers.pack.history`) or from the
config's ``compare_with`` folder (a whole earlier pack). A metrics file that is not valid stops the build with a
message naming it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.config import PackConfig
from helpers.errors import InputError
from helpers.metrics import Metric, from_record

HISTORY = "history"
SCORECARD_FILE = "scorecard.json"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Entry:
    """One earlier pack: its folder, period end, when it was built, its metrics and its per-area statuses
    (``scorecard.json`` rows by area id)."""

    folder: Path
    period_end: dt.date
    built: dt.datetime | None
    metrics: dict[str, dict[str, Metric]]
    statuses: dict[str, dict[str, Any]]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _metrics(path: Path, records: dict[str, Any]) -> dict[str, Metric]:
    try:
        return {key: from_record(r) for key, r in records.items()}
    except (ValueError, AttributeError) as exc:
        raise InputError(path, f"not a valid metrics file ({exc})") from None


def load_entry(folder: Path) -> Entry | None:
    """An entry from a history folder, or from a whole pack folder (``data/metrics_*.json`` + ``manifest.json``).

    None when the folder holds no metrics or names no period; :class:`InputError` naming the file when a metrics
    file is not valid."""
    data = folder / "data" if (folder / "data").is_dir() else folder
    raw = {p: _read_json(p) for p in sorted(data.glob("metrics_*.json"))}
    metrics = {p.stem.removeprefix("metrics_"): _metrics(p, v) for p, v in raw.items() if isinstance(v, dict)}
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
        entry = load_entry(compare_with)
        if entry is None:
            raise InputError(compare_with, "no earlier pack to compare with here", field="compare_with",
                             expected="a pack folder (with data/metrics_*.json and manifest.json) or a history entry")
        return entry
    earlier = [e for e in entries(pack_dir) if e.period_end < period_end]
    return earlier[-1] if earlier else None


def previous_for(config: PackConfig, pack_dir: Path) -> Entry | None:
    """The pack this one is compared with (:func:`previous` for the config's period and ``compare_with``)."""
    return previous(pack_dir, config.period_end, compare_folder(config))
