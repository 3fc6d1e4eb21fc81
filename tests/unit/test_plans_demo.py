"""The demo release's breakdowns (helpers.demo.ees_breakdowns): readable, adding up, reproducible."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from helpers.demo import ees_breakdowns
from helpers.sources.ees_breakdowns import read_breakdowns
from helpers.sources.ees_breakdowns_layouts import ALL

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "ees"


def test_demo_breakdowns_add_up() -> None:
    b = read_breakdowns(DEMO)
    assert {"placement", "age", "need"} <= set(b["breakdown"])
    northby = b[(b["area_code"] == "999") & (b["year"] == 2025)]
    northby_2024 = b[(b["area_code"] == "999") & (b["year"] == 2024)]
    for breakdown in ("ceased_reason", "ceased_age"):
        rows = northby_2024[northby_2024["breakdown"] == breakdown]
        assert rows.loc[rows["category"] != ALL, "count"].sum() == rows.loc[rows["category"] == ALL, "count"].sum()
    for breakdown in ("placement", "age", "need"):
        rows = northby[northby["breakdown"] == breakdown]
        assert rows.loc[rows["category"] != ALL, "count"].sum() == rows.loc[rows["category"] == ALL, "count"].sum()
    la = b[(b["geographic_level"] == "Local authority") & (b["breakdown"] == "placement")]
    england = b[(b["geographic_level"] == "National") & (b["breakdown"] == "placement")]
    summed = la.groupby(["year", "category"])["count"].sum()
    pd.testing.assert_series_equal(summed, england.set_index(["year", "category"])["count"], check_names=False)


def test_write_is_reproducible_and_idempotent(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "ees")
    data = tmp_path / "ees" / "data"
    ees_breakdowns.write(data, 20251)  # committed files were written with the demo seed
    for name in ("caseload.csv", "sen_needs_all_plans.csv", "ceased_plans.csv"):
        assert (data / name).read_bytes() == (DEMO / "data" / name).read_bytes()
