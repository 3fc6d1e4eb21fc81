"""All-LA batch: one DfE-only pack per LA from one read of the release, locally and on a Dask cluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from project_copy import copy_project
from helpers.pack.batch import build_all_las

pytestmark = pytest.mark.slow


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def check_la_pack(pack: Path) -> dict:
    assert (pack / "index.html").exists() and (pack / "02_timeliness.html").exists()
    manifest = json.loads((pack / "manifest.json").read_text())
    assert manifest["variant"] == "public"
    assert not any(k.startswith(("sen2", "workforce")) for k in manifest["inputs_sha256"])  # DfE data only
    return json.loads((pack / "data" / "metrics_02_timeliness.json").read_text())


def test_local_batch_builds_each_la_and_a_landing_page(project: Path) -> None:
    out = build_all_las(project / "config" / "demo.yaml", jobs=2, limit=2, progress=lambda m: None)
    las = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    assert las == ["301", "302"]  # Barking and Dagenham, Barnet: first two by name
    landing = (out / "index.html").read_text()
    for code in las:
        metrics = check_la_pack(out / code)
        assert f'href="{code}/index.html"' in landing
        assert f"{metrics['pct_within_20_weeks_ex']['value']:.1f}%" in landing
    assert (out / "_release" ).is_dir()  # the release was read once and shared


def test_dask_executor_runs_the_same_tasks(project: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        out = build_all_las(project / "config" / "demo.yaml", executor="dask", scheduler=cluster.scheduler_address,
                            limit=1, progress=lambda m: None)
    check_la_pack(out / "301")
