"""Every current council's pages run, for all 153 councils (issue 22).

``test_every_current_council_is_found_with_its_comparators`` (in ``make test``, about 20 s): for every council
the parts of each notebook that depend on who the council is (finding it by each of its codes, its neighbours
from DfE's list, its comparator groups, its own series and headline sentences).

``test_every_current_council_runs_every_notebook`` (opt-in, ``SEND_EVERY_COUNCIL=1``: about 15 minutes on two
free cores, much longer on busy ones): each notebook's own code cells are executed in this process, council after
council, on the real 2025 and 2022
releases with DfE's 2025 neighbours list, exactly as written in ``notebooks/`` (so the test follows the pages as
they change). Only the expensive parts are replaced, each by the path the page already takes when it has no
result: drawing charts (the ``helpers.pages.*_charts`` figure functions return nothing, and the page object's
``png_bytes`` encodes nothing), the forecasts (``forecast.forecast_measure`` answers "too few years").
Everything else runs: finding the council by its codes, its neighbours and comparator groups, every sentence,
table, metric and the scorecard. The full builds, with the forecasts, are run by
``evidence-pack build CONFIG --all-las`` (issue 22's closing note gives that run's result).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import time
import traceback
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from helpers import areas
from helpers.analysis import forecast, growth
from helpers.areas import CodeHistory, share_code_history
from helpers.config import Inputs, LAConfig, PackConfig
from helpers.pack.batch import current_las
from helpers.present import page as page_module
from helpers.present.page import Page
from helpers.sources import ees

pytestmark = pytest.mark.real_data

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PLOTS = tuple(f"helpers.pages.{p.stem}" for p in sorted((ROOT / "src" / "helpers" / "pages").glob("*_charts.py")))


def code_cells(path: Path) -> list[str]:
    """The notebook's code cells after its ``parameters`` cell, as source text."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    return ["".join(c["source"]) for c in code if "parameters" not in c.get("metadata", {}).get("tags", [])]


@pytest.fixture(scope="module")
def release(ees_2025: Path, ees_2022: Path) -> ees.Release:
    return ees.read_release([ees_2025, ees_2022])


@pytest.fixture(scope="module")
def neighbours_file(shared_dir: Path) -> Path:
    path = shared_dir / "reference-data" / "statistical_neighbours_lait_2025.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


def test_every_current_council_is_found_with_its_comparators(release: ees.Release, neighbours_file: Path) -> None:
    from helpers.analysis import timeliness
    from helpers.areas import Areas, councils
    from helpers.pages import timeliness as timeliness_page
    from helpers.sources import neighbours

    table = share_code_history(release.table.copy())
    found = Areas(table)
    reference = councils()
    base = PackConfig(pack="council", title="t", la=LAConfig(old_code="886"), period_end=dt.date(2024, 12, 31),
                      inputs=Inputs(ees=[neighbours_file], neighbours=neighbours_file), source_path=Path("pack.yaml"))
    current = current_las(table)
    assert len(current) == 153 and set(current["old_code"]) == {k for k, c in reference.items() if not c.abolished}
    failures: list[str] = []
    for council in current.itertuples(index=False):
        try:
            ways = [LAConfig(old_code=council.old_code), LAConfig(name=council.name)]
            ways += [LAConfig(code=code) for code in reference[council.old_code].codes]
            las = {found.find_la(way, "pack.yaml") for way in ways}
            assert len(las) == 1, f"its codes and name find different councils: {las}"
            la = las.pop()
            cfg = base.model_copy(update={"la": LAConfig(old_code=la.old_code)})
            codes = neighbours.neighbours_for(la, cfg, table)
            assert len(codes) == 10 and la.old_code not in codes and all(c in found.las for c in codes), codes
            groups = areas.comparator_groups(table, la.old_code, neighbours=codes)
            kinds = {g.kind: g.members for g in groups}
            assert kinds["la"] == (la.old_code,) and len(kinds["neighbours"]) == 10, kinds
            requests = growth.annual_series(table, la.old_code, "requests_received", unbroken=False)
            assert len(requests) >= 2, "fewer than two years of requests"
            assert timeliness_page.headline(timeliness.annual_series(table, la.old_code, la.region_code))
        except Exception as exc:  # noqa: BLE001 - collected, reported together below
            failures.append(f"{council.name} ({council.old_code}): {type(exc).__name__}: {exc}")
    assert not failures, f"{len(failures)} councils fail:\n" + "\n".join(failures)


@pytest.mark.skipif(not os.environ.get("SEND_EVERY_COUNCIL"), reason="opt-in (SEND_EVERY_COUNCIL=1): long")
def test_every_current_council_runs_every_notebook(release: ees.Release, shared_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    neighbours_file = shared_dir / "reference-data" / "statistical_neighbours_lait_2025.csv"
    if not neighbours_file.exists():
        pytest.skip(f"{neighbours_file} not present")
    base = PackConfig(pack="council", title="Council SEND evidence pack", la=LAConfig(old_code="886"),
                      period_end=dt.date(2024, 12, 31), source_path=tmp_path / "pack.yaml",
                      inputs=Inputs(ees=list(release.files["release"].unique()), neighbours=neighbours_file))
    artefacts = tmp_path / "data"
    artefacts.mkdir()
    table = share_code_history(release.table.copy())  # as ctx.ees holds it
    state: dict[str, Any] = {}

    def open_page(pack_config: str, artefacts_: str, variant: str = "public", notebook: str = "notebook") -> Page:
        return Page(config=state["config"], artefacts=artefacts, variant=variant, notebook=notebook,
                    _cache={"ees": table})

    monkeypatch.setattr(page_module, "open_page", open_page)
    monkeypatch.setattr(ees, "load_release", lambda folder: release)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", lambda self, *a, **k: None)  # the table is already in memory
    monkeypatch.setattr(page_module, "_emit", lambda markup: None)
    monkeypatch.setattr(page_module, "display", lambda *a, **k: None)
    monkeypatch.setattr(page_module, "png_bytes", lambda fig: b"")
    monkeypatch.setattr(forecast, "forecast_measure", lambda *a, **k: None)
    for name in PLOTS:
        module = importlib.import_module(name)
        for attr, value in list(vars(module).items()):
            if callable(value) and getattr(value, "__module__", "") == name and not attr.startswith("_") \
                    and not attr.endswith("_alt"):
                monkeypatch.setattr(module, attr, lambda *a, **k: None)

    sources = {p.stem: [compile(c, f"{p.name} cell {i + 1}", "exec") for i, c in enumerate(code_cells(p))]
               for p in NOTEBOOKS}
    councils = current_las(table)
    failures: list[str] = []
    t0 = time.perf_counter()
    for council in councils.itertuples(index=False):
        state["config"] = base.model_copy(update={"la": LAConfig(old_code=council.old_code),
                                                  "title": f"{council.name} SEND evidence pack"})
        for old in artefacts.glob("metrics_*.json"):
            old.unlink()
        for cells in sources.values():
            namespace: dict[str, Any] = {"pack_config": "pack.yaml", "artefacts": str(artefacts),
                                         "variant": "public", "release_cache": "in memory",
                                         "display": lambda *a, **k: None}
            for cell in cells:
                try:
                    exec(cell, namespace)  # noqa: S102 - the project's own notebook code
                except Exception as exc:  # noqa: BLE001 - collected, reported together below
                    where = traceback.extract_tb(exc.__traceback__)[-1]
                    failures.append(f"{council.name} ({council.old_code}) {cell.co_filename}: "
                                    f"{type(exc).__name__}: {exc} [{where.filename}:{where.lineno}]")
                    break
    seconds = time.perf_counter() - t0
    assert len(councils) == 153 and isinstance(table.attrs["la_code_history"], CodeHistory)
    assert not failures, f"{len(failures)} failures in {seconds:.0f} s:\n" + "\n".join(failures)
