"""Attack a built public pack as a reader could: from every child-level number it publishes (CSV downloads and
metrics, with the relations its pages registered), work out each suppressed count's feasible interval by linear
programming (helpers.analysis.disclosure_pack). Every interval must be at least the threshold wide.

Also with the labels as bounds ("fewer than 5" is 1 to 4): no primary-suppressed cell may be narrowed below
[1, 4], i.e. the published numbers tell a reader nothing beyond the label.

Run on the demo pack and on a second synthetic extract with many small cells: the demo SEN2 generator with about
a tenth of the requests (some 6 a month) and its matching synthetic DfE release (so the published years link to
the months), built from a throwaway copy of the project.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from project_copy import copy_project

from helpers.analysis.disclosure_pack import PackCells, audit, audit_labels, pack_cells
from helpers.demo import __main__ as demo_data
from helpers.demo import sen2 as demo_sen2
from helpers.pack.build import Builder

pytestmark = pytest.mark.slow

THRESHOLD = 5
#: Share of the demo's request volume in the small extract.
SMALL = 0.1


def registries(pack: Path) -> list[dict[str, Any]]:
    """The cell registries the pack's pages wrote (``data/cells_<notebook>.json``)."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((pack / "data").glob("cells_*.json"))]


def tables(pack: Path) -> dict[str, pd.DataFrame]:
    """Every CSV download as text, as a reader sees it."""
    return {p.name: pd.read_csv(p, dtype=str, keep_default_na=False) for p in (pack / "downloads").glob("*.csv")}


def read_pack(pack: Path) -> PackCells:
    """Every registered child-level cell of a pack with the value its CSVs and metrics show."""
    metrics = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (pack / "data").glob("metrics_*.json")}
    return pack_cells(registries(pack), tables(pack), metrics)


@pytest.fixture(scope="module")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A public pack built from demo-style data with a tenth of the requests (many cells of 1 to 4)."""
    project = copy_project(tmp_path_factory.mktemp("small") / "project")
    demo = project / "data" / "demo"
    with pytest.MonkeyPatch.context() as mp:  # the demo generator (SEN2, workforce and DfE release) at a tenth
        mp.setattr(demo_sen2, "_SEASON", {m: v * SMALL for m, v in demo_sen2._SEASON.items()})
        assert demo_data.main(["--out", str(demo), "--seed", "7"]) == 0
    small = demo / "sen2_northby.xml"  # small enough to be written uncompressed; the config names the .xml.gz
    (demo / "sen2_northby.xml.gz").write_bytes(gzip.compress(small.read_bytes(), mtime=0))
    small.unlink()
    builder = Builder(project / "config" / "demo.yaml", variant="public", reports=project / "reports", pdf=False,
                      progress=lambda m: None)
    return builder.run().pack_dir


def check(pack: Path, least_hidden: int) -> None:
    cells = read_pack(pack)
    intervals, narrow = audit(cells, THRESHOLD)
    assert len(intervals) >= least_hidden, "too few suppressed cells for the audit to mean anything"
    assert narrow == {}, {k: (v.low, v.high) for k, v in narrow.items()}
    # using the labels too, no "fewer than 5" cell is narrowed below what its label alone says
    assert cells.small and audit_labels(cells, THRESHOLD) == {}


def test_demo_pack_suppressed_cells_cannot_be_worked_out(demo_build: Path) -> None:
    check(demo_build, least_hidden=5)


def test_small_extract_suppressed_cells_cannot_be_worked_out(small_build: Path) -> None:
    check(small_build, least_hidden=30)


def test_no_percentage_beside_a_hidden_count(small_build: Path) -> None:
    """A registered percentage shows a number only where its numerator and denominator are both shown."""
    hidden = read_pack(small_build).published.hidden
    shown = tables(small_build)
    checked = 0
    for record in registries(small_build):
        for num, den, _, _, (file, column, row) in record["shares"]:
            if (num in hidden or den in hidden) and file in shown:  # (an exempt table is not in a public pack)
                text = shown[file].iloc[row][column]
                assert pd.isna(pd.to_numeric(text.replace(",", ""), errors="coerce")), (file, column, row, text)
                checked += 1
    assert checked > 10
