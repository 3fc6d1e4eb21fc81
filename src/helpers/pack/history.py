"""Pack history on disk: what each quarter's pack said, kept so the next pack can say what moved.

Every successful build copies its metrics (not its pages) into ``reports/<pack>/history/<period_end>/``: the
``metrics_*.json`` files, the front page's per-area statuses (``scorecard.json``) and ``manifest.json``. The
build copies the history folder into its staging folder before it runs, so the history survives ``--force``
rebuilds and the swap into place; a failed build throws its staging folder away, leaving the history as it was.
A rebuild for the same period replaces that period's entry. Earlier packs are read by
:mod:`helpers.sources.history`; the comparison itself is :mod:`helpers.analysis.history`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from helpers.sources.history import HISTORY, MANIFEST, SCORECARD_FILE


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
