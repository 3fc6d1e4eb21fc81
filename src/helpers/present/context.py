"""TRANSITIONAL (deleted when every notebook uses :func:`helpers.present.page.open_page`): the old ``open_pack``.

``open_pack`` returns a :class:`PackContext`, a :class:`~helpers.present.page.Page` that accepts metrics as
dicts and reads them back as dicts, and remembers itself in a module global for :mod:`helpers.present.charts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.areas import LA  # noqa: F401  (old import path for the LA type)
from helpers.metrics import from_record
from helpers.present.page import Page, open_page

_CURRENT: PackContext | None = None


class PackContext(Page):
    """A page that takes and gives metrics as plain dicts (validated on the way in)."""

    def write_metrics(self, metrics: dict[str, Any]) -> None:  # type: ignore[override]
        super().write_metrics({k: from_record(v) for k, v in metrics.items()})

    def metrics(self) -> dict[str, dict[str, Any]]:  # type: ignore[override]
        return {nb: {k: m.record() for k, m in recs.items()} for nb, recs in super().metrics().items()}


def open_pack(pack_config: str | Path, artefacts: str | Path, variant: str = "public",
              notebook: str = "notebook") -> PackContext:
    global _CURRENT
    page = open_page(pack_config, artefacts, variant, notebook)
    _CURRENT = PackContext(config=page.config, artefacts=page.artefacts, variant=page.variant, notebook=notebook)
    return _CURRENT


def current() -> PackContext | None:
    return _CURRENT
