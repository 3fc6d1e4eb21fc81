"""The page object a notebook opens in its first cell: the pack's config, its council, its tables, and the one way
to show a chart or table and to publish metrics.

``page = open_page(pack_config, artefacts, variant, notebook="02_timeliness")`` validates the parameters and the
config (one clear :class:`~helpers.errors.InputError` on a bad value) and applies the chart style. Everything a
page emits goes through the object: ``page.show(chart)`` suppresses small child-level counts where the build does,
writes the CSV download and records which columns were child-level; ``page.write_metrics`` validates every
record. Nothing lives in module globals except the in-memory SEN2 parse below, which is keyed by the file.

Child-level SEN2 data is read into memory only (never written into the pack folder).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display

from helpers.analysis import cases as case_table
from helpers.analysis import disclosure
from helpers.analysis import disclosure_linked as linked
from helpers.areas import LA, find_la, share_code_history
from helpers.config import VARIANTS, PackConfig, load_pack
from helpers.errors import InputError
from helpers.metrics import Metric, from_record
from helpers.present import chart as bundles
from helpers.present.spreadsheet import csv_safe
from helpers.present.style import png_bytes, use_style
from helpers.sources import history, sen2
from helpers.sources import workforce as workforce_source


@dataclass
class Page:
    """One notebook's view of the pack; see :func:`open_page`."""

    config: PackConfig
    artefacts: Path
    variant: str
    notebook: str
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # --- what kind of build -------------------------------------------------------------------------------------
    @property
    def public(self) -> bool:
        """True for the public build: small child-level counts suppressed, exempt cells removed."""
        return self.variant == "public"

    @property
    def suppress_small_counts(self) -> bool:
        """True where small child-level counts are suppressed: public and restricted builds (not reviewer)."""
        return self.variant in ("public", "restricted")

    @property
    def hide_below(self) -> int:
        """Smallest child-level count shown: the disclosure threshold where the build suppresses, else 1."""
        return self.config.disclosure.threshold if self.suppress_small_counts else 1

    @property
    def pack_dir(self) -> Path:
        return self.artefacts.parent

    @property
    def downloads(self) -> Path:
        """Folder beside the pages where chart and table CSVs are written (linked as ``downloads/<file>``)."""
        path = self.pack_dir / "downloads"
        path.mkdir(parents=True, exist_ok=True)
        return path

    # --- inputs -------------------------------------------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A validated table written by ``00_data_quality`` (``<artefacts>/<name>.parquet``)."""
        if name not in self._cache:
            path = self.artefacts / f"{name}.parquet"
            if not path.exists():
                raise InputError(path, "table not found; run 00_data_quality first (evidence-pack build does this)")
            self._cache[name] = share_code_history(pd.read_parquet(path))  # cheap copies (helpers.areas)
        frame: pd.DataFrame = self._cache[name]
        return frame.copy()

    @property
    def ees(self) -> pd.DataFrame:
        """The DfE release as one wide table (see :func:`helpers.sources.ees.read_release`)."""
        return self.table("ees")

    @cached_property
    def la(self) -> LA:
        """The pack's council, found in the release by the config's code, old code or name."""
        return find_la(self.ees, self.config.la, file=self.config.source_path or "config")

    def cases(self) -> pd.DataFrame | None:
        """Child-level request/case table from the SEN2 input, in memory only; None when not configured."""
        if self.config.inputs.sen2 is None:
            return None
        if "cases" not in self._cache:
            self._cache["sen2"], self._cache["cases"] = local_cases(Path(self.config.inputs.sen2),
                                                                    self.config.period_end)
        frame: pd.DataFrame = self._cache["cases"]
        return frame.copy()

    def sen2_tables(self) -> sen2.Sen2Tables | None:
        """The validated SEN2 tables (persons, requests, ...); None when not configured."""
        if self.cases() is None:
            return None
        tables: sen2.Sen2Tables = self._cache["sen2"]
        return tables

    def workforce(self) -> pd.DataFrame | None:
        """EP workforce table from the staffing template; None when not configured."""
        if self.config.inputs.workforce is None:
            return None
        if "workforce" not in self._cache:
            self._cache["workforce"] = workforce_source.read(self.config.inputs.workforce)
        frame: pd.DataFrame = self._cache["workforce"]
        return frame.copy()

    def previous_pack(self) -> history.Entry | None:
        """The earlier pack this one is compared with (:func:`helpers.sources.history.previous_for`), or None."""
        return history.previous_for(self.config, self.pack_dir)

    # --- outputs ------------------------------------------------------------------------------------------------
    def show(self, item: bundles.Chart | bundles.Table) -> None:
        """Emit a chart or table: suppressed where the build suppresses, with its CSV download and data table.

        An empty table is shown as one sentence ("<caption>: none.") with no download. Returns nothing, so a call
        as a cell's last line shows the output once.
        """
        if isinstance(item, bundles.Table) and item.data.empty:
            _emit(bundles.empty_table_html(item.caption))
            return
        label = item.title if isinstance(item, bundles.Chart) else item.caption
        file = f"{self.notebook}-{bundles.slug(item.name or label)}.csv"
        shown = self._suppressed(item.data, item.child_level_counts, item.derived, file)
        csv_safe(shown).to_csv(self.downloads / file, index=False, lineterminator="\n")
        link = f"downloads/{file}"
        if isinstance(item, bundles.Chart):
            _emit(bundles.figure_html(item, png_bytes(item.figure), shown, link))
        else:
            _emit(bundles.table_html(shown, item.caption, row_header=item.row_header, link=link))

    def download(self, data: pd.DataFrame, name: str, *, lead: str, link_text: str) -> None:
        """Write ``data`` as a CSV download (published figures only: no suppression) and link it in one sentence,
        ``lead`` followed by the link (for lists too long to show on the page)."""
        file = f"{self.notebook}-{bundles.slug(name)}.csv"
        csv_safe(data).to_csv(self.downloads / file, index=False, lineterminator="\n")
        _emit(bundles.link_paragraph_html(lead, f"downloads/{file}", link_text))

    def heading(self, text: str, *, level: int = 2) -> None:
        """Emit a section heading worked out by the page (a Markdown output, so nbconvert renders a real heading
        with its anchor, exactly like a markdown cell's)."""
        display(Markdown(f"{'#' * level} {text}"))  # type: ignore[no-untyped-call]

    def say(self, text: str, *, kind: str = "text") -> None:
        """Emit a generated plain-English paragraph (escaped); ``kind="headline"`` for the page headline."""
        _emit(bundles.paragraph_html(text, kind))

    def say_list(self, items: Iterable[str]) -> None:
        """Emit generated sentences as a bulleted list (escaped)."""
        _emit(bundles.list_html(list(items)))

    def write_metrics(self, metrics: Mapping[str, Metric]) -> None:
        """Write this notebook's headline metrics to ``metrics_<notebook>.json`` for the front page."""
        for key, metric in metrics.items():
            if not isinstance(metric, Metric):
                raise TypeError(f"metric {key!r} of {self.notebook} is a {type(metric).__name__}, not a Metric")
        records = {key: self._counted(key, metric).record() for key, metric in metrics.items()}
        path = self.artefacts / f"metrics_{self.notebook}.json"
        path.write_text(json.dumps(jsonable(records), indent=2, sort_keys=True) + "\n", encoding="utf-8")

    def write_scorecard(self, record: Mapping[str, Any]) -> None:
        """Write the front page's headline and per-area statuses beside the metrics (``scorecard.json``), kept in
        the pack history for the next pack to compare with. Returns nothing, so a cell ending here shows nothing."""
        path = self.artefacts / history.SCORECARD_FILE
        path.write_text(json.dumps(dict(record), indent=2, sort_keys=True) + "\n", encoding="utf-8")

    def metrics(self) -> dict[str, dict[str, Metric]]:
        """Every notebook's metrics found in the artefacts folder, keyed by notebook name then metric id."""
        out: dict[str, dict[str, Metric]] = {}
        for path in sorted(self.artefacts.glob("metrics_*.json")):
            records = json.loads(path.read_text(encoding="utf-8"))
            try:
                out[path.stem.removeprefix("metrics_")] = {k: from_record(r) for k, r in records.items()}
            except (ValueError, AttributeError) as exc:
                raise InputError(path, f"not a valid metrics file ({exc})") from None
        return out

    def _suppressed(self, data: pd.DataFrame, counts: tuple[str, ...], derived: Mapping[str, tuple[str, str]],
                    file: str) -> pd.DataFrame:
        """Apply small-number suppression where the build suppresses, and record which columns were child-level.

        The record (``<artefacts>/disclosure_<notebook>.json``: CSV file → columns) lets the privacy tests check
        every published child-level count against the threshold.
        """
        if not counts:
            return data
        record = self.artefacts / f"disclosure_{self.notebook}.json"
        known = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
        known[file] = sorted(set(counts) | set(derived))
        record.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
        shown = data
        if self.suppress_small_counts:
            shown = disclosure.suppress(data, list(counts), threshold=self.config.disclosure.threshold,
                                        derived=dict(derived) or None)
        return self._linked(data, shown, list(counts), derived, file)

    def _counted(self, name: str, metric: Metric) -> Metric:
        """A metric whose value is a child-level count (``extras[CHILD_LEVEL_COUNT]`` is its cell's key) is
        registered with the page's cells, and withheld where that cell is hidden in a table."""
        key = metric.extra(linked.CHILD_LEVEL_COUNT)
        if not isinstance(key, str):
            return metric
        combined, own = self._registries()
        if combined.hidden(key) and self.suppress_small_counts:
            metric = metric.model_copy(update={"value": None})
        if combined.cells.get(key) is None:
            combined.cells[key] = None if metric.value is None else float(metric.value)
        own.cells[key] = combined.cells[key]
        own.places.append([key, f"metrics_{self.notebook}.json", name, -1])
        self._write_registry(own)
        return metric

    # --- the registry of child-level cells (secondary suppression across linked tables) -----------------------
    def _registries(self) -> tuple[linked.Registry, linked.Registry]:
        """(every page's registered cells so far, this page's own): the former read once from the other pages'
        ``<artefacts>/cells_<notebook>.json``."""
        if "registry" not in self._cache:
            combined = linked.Registry()
            for path in sorted(self.artefacts.glob("cells_*.json")):
                if path.stem != f"cells_{self.notebook}":
                    combined.merge(linked.Registry.from_record(json.loads(path.read_text(encoding="utf-8"))))
            self._cache["registry"] = (combined, linked.Registry())
        pair: tuple[linked.Registry, linked.Registry] = self._cache["registry"]
        return pair

    def _linked(self, data: pd.DataFrame, shown: pd.DataFrame, counts: list[str],
                derived: Mapping[str, tuple[str, str]], file: str) -> pd.DataFrame:
        """Register a child-level table's cells (keys declared in ``data.attrs["cells"]``, margins in
        ``data.attrs["sums"]``, percentages of a declared denominator in ``data.attrs["shares"]``, figures others
        publish that they add up to in ``data.attrs["known"]``, a column holding the mean of percentages in
        ``data.attrs["means"]``), then, where
        the build suppresses, hide further cells of it until no hidden cell of any page can be worked out
        (:func:`helpers.analysis.disclosure_linked.protect`); a percentage follows its counts."""
        combined, own = self._registries()
        keys = linked.table_keys(data, counts, data.attrs.get("cells"), file)
        before = len(combined.places), len(combined.sums)
        candidates = linked.register(combined, shown, data, keys, file)
        combined.sums += [(w, list(p)) for w, p in data.attrs.get("sums", [])]
        combined.known |= data.attrs.get("known", {})
        means = [linked.Mean(disclosure._numeric(shown[col].iloc[0]), [list(i) for i in items], [file, col, 0])
                 for col, items in data.attrs.get("means", {}).items()]
        combined.means += means
        own.means += means
        own.known |= data.attrs.get("known", {})
        combined.sums += linked.table_margins(data, counts, keys)
        pcts = linked.table_shares(data, keys, derived, data.attrs.get("shares", {}), file)
        before_shares = len(combined.shares)
        combined.shares += [s if _shown_number(shown, i, col) and not combined.pct_hidden(s.numerator, s.denominator)
                            else replace(s, value=None) for (i, col), s in pcts.items()]
        out = shown.copy()
        if self.suppress_small_counts:
            linked.protect(combined, candidates, self.config.disclosure.threshold)
            for (i, col), key in keys.items():
                if combined.hidden(key) and _shown_number(out, i, col):
                    out[col] = out[col].astype(object)
                    out.at[i, col] = disclosure.NOT_SHOWN
            for (i, col), s in pcts.items():
                if combined.pct_hidden(s.numerator, s.denominator) and _shown_number(out, i, col):
                    out[col] = out[col].astype(object)
                    out.at[i, col] = disclosure.NOT_SHOWN
        own.cells |= {key: combined.cells[key] for key in keys.values() if key in combined.cells}
        own.places += combined.places[before[0]:]
        own.sums += combined.sums[before[1]:]
        own.shares += combined.shares[before_shares:]
        self._write_registry(own)
        return out

    def _write_registry(self, own: linked.Registry) -> None:
        path = self.artefacts / f"cells_{self.notebook}.json"
        path.write_text(json.dumps(jsonable(own.record()), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _shown_number(frame: pd.DataFrame, row: object, col: str) -> bool:
    """True where a cell of a shown table holds a number (not a suppression label, not missing)."""
    return disclosure._numeric(frame.at[row, col]) is not None


def _emit(markup: str) -> None:
    display(HTML(markup))  # type: ignore[no-untyped-call]


#: Parsed SEN2 extracts kept in this process's memory (never on disk): a build reuses each kernel for several
#: notebooks, so a large extract is parsed once per kernel, not once per notebook.
_LOCAL: dict[tuple[str, int, int, object], tuple[sen2.Sen2Tables, pd.DataFrame]] = {}


def local_cases(path: Path, period_end: Any) -> tuple[sen2.Sen2Tables, pd.DataFrame]:
    """SEN2 tables and the derived case table, keyed by the file's identity (path, size, modification time)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, period_end)
    if key not in _LOCAL:
        _LOCAL.clear()
        tables = sen2.read(path, reference_date=period_end)
        _LOCAL[key] = (tables, case_table.derive(tables, period_end=period_end))
    return _LOCAL[key]


def jsonable(value: Any) -> Any:
    """Numbers and dates as JSON: numpy scalars to Python, NaN to None, dates to ISO strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 10)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def open_page(pack_config: str | Path, artefacts: str | Path, variant: str = "public",
              notebook: str = "notebook") -> Page:
    """Validate a notebook's parameters, load its pack and apply the chart style; :class:`InputError` if bad."""
    if variant not in VARIANTS:
        raise InputError("parameters", "unknown build variant", field="variant",
                         expected=" or ".join(VARIANTS), found=variant)
    config = load_pack(pack_config)
    folder = Path(artefacts)
    if not folder.is_absolute():
        folder = (config.root or Path.cwd()) / folder
    folder.mkdir(parents=True, exist_ok=True)
    use_style()
    return Page(config=config, artefacts=folder.resolve(), variant=variant, notebook=notebook)
