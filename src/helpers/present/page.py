"""What a notebook sees of the pack: config, the LA, validated tables, and where to write metrics.

Every notebook's first code cell after ``parameters`` calls :func:`open_pack`, which validates the parameters and
the config and fails with one clear message. Child-level SEN2 data is read into memory only (never written into
the pack folder); notebooks write aggregates and metrics.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.areas import LA, share_code_history  # LA: the pack's LA type, re-exported
from helpers.errors import InputError
from helpers.config import VARIANTS, PackConfig, load_pack

_CURRENT: "PackContext | None" = None


@dataclass
class PackContext:
    """Handle passed around a notebook; see :func:`open_pack`."""

    config: PackConfig
    artefacts: Path
    variant: str
    notebook: str
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def public(self) -> bool:
        """True for the public build: small child-level counts suppressed, exempt cells removed."""
        return self.variant == "public"

    @property
    def suppress_small_counts(self) -> bool:
        """True where small child-level counts are suppressed: public and restricted builds (not reviewer)."""
        return self.variant in ("public", "restricted")

    @property
    def pack_dir(self) -> Path:
        return self.artefacts.parent

    @property
    def downloads(self) -> Path:
        """Folder beside the pages where chart and table CSVs are written (linked as ``downloads/<file>``)."""
        path = self.pack_dir / "downloads"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def table(self, name: str) -> pd.DataFrame:
        """A validated table written by ``00_data_quality`` (``<artefacts>/<name>.parquet``)."""
        if name not in self._cache:
            path = self.artefacts / f"{name}.parquet"
            if not path.exists():
                raise InputError(path, "table not found; run 00_data_quality first (evidence-pack build does this)")
            self._cache[name] = share_code_history(pd.read_parquet(path))  # cheap copies (helpers.areas)
        return self._cache[name].copy()

    @property
    def ees(self) -> pd.DataFrame:
        """The DfE release as one wide table (see helpers.sources.ees.read_release)."""
        return self.table("ees")

    @cached_property
    def la(self) -> LA:
        from helpers.areas import find_la

        return find_la(self.ees, self.config.la, file=self.config.source_path or "config")

    def cases(self) -> pd.DataFrame | None:
        """Child-level request/case table from the SEN2 input, in memory only; None when not configured."""
        if self.config.inputs.sen2 is None:
            return None
        if "cases" not in self._cache:
            self._cache["sen2"], self._cache["cases"] = _local_cases(Path(self.config.inputs.sen2),
                                                                     self.config.period_end)
        return self._cache["cases"].copy()

    def sen2_tables(self) -> Any:
        """The validated SEN2 tables (persons, requests, ...); None when not configured."""
        if self.cases() is None:
            return None
        return self._cache["sen2"]

    def workforce(self) -> pd.DataFrame | None:
        """EP workforce table from the staffing template; None when not configured."""
        if self.config.inputs.workforce is None:
            return None
        if "workforce" not in self._cache:
            from helpers.sources import workforce

            self._cache["workforce"] = workforce.read(self.config.inputs.workforce)
        return self._cache["workforce"].copy()

    def write_metrics(self, metrics: dict[str, Any]) -> None:
        """Write this notebook's headline metrics to ``metrics_<notebook>.json`` for the front page."""
        path = self.artefacts / f"metrics_{self.notebook}.json"
        path.write_text(json.dumps(_jsonable(metrics), indent=2, sort_keys=True) + "\n", encoding="utf-8")

    def metrics(self) -> dict[str, dict[str, Any]]:
        """Every notebook's metrics found in the artefacts folder, keyed by notebook name."""
        out = {}
        for path in sorted(self.artefacts.glob("metrics_*.json")):
            out[path.stem.removeprefix("metrics_")] = json.loads(path.read_text(encoding="utf-8"))
        return out


#: Parsed SEN2 extracts kept in this process's memory (never on disk): a build reuses each kernel for several
#: notebooks, so a large extract is parsed once per kernel, not once per notebook.
_LOCAL: dict[tuple[str, int, int, object], tuple[Any, pd.DataFrame]] = {}


def _local_cases(path: Path, period_end: Any) -> tuple[Any, pd.DataFrame]:
    """SEN2 tables and the derived case table, keyed by the file's identity (path, size, modification time)."""
    from helpers.analysis import cases
    from helpers.sources import sen2

    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, period_end)
    if key not in _LOCAL:
        _LOCAL.clear()
        tables = sen2.read(path, reference_date=period_end)
        _LOCAL[key] = (tables, cases.derive(tables, period_end=period_end))
    return _LOCAL[key]


def _jsonable(value: Any) -> Any:
    """Numbers and dates as JSON: numpy scalars to Python, NaN to None, dates to ISO strings."""
    import math

    import numpy as np

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 10)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def open_pack(pack_config: str | Path, artefacts: str | Path, variant: str = "public",
              notebook: str = "notebook") -> PackContext:
    """Validate a notebook's parameters and load its pack; raise :class:`InputError` on a bad value."""
    global _CURRENT
    if variant not in VARIANTS:
        raise InputError("parameters", "unknown build variant", field="variant",
                         expected=" or ".join(VARIANTS), found=variant)
    config = load_pack(pack_config)
    folder = Path(artefacts)
    if not folder.is_absolute():
        folder = (config.root or Path.cwd()) / folder
    folder.mkdir(parents=True, exist_ok=True)
    _CURRENT = PackContext(config=config, artefacts=folder.resolve(), variant=variant, notebook=notebook)
    return _CURRENT


def current() -> PackContext | None:
    """The context opened last in this process (used by charts to find the downloads folder and variant)."""
    return _CURRENT
