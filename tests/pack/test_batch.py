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
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        out = build_all_las(project / "config" / "demo.yaml", executor="dask", scheduler=cluster.scheduler_address,
                            limit=1, progress=lambda m: None)
    check_la_pack(out / "301")


def test_batch_keeps_the_neighbours_file_and_builds_a_chosen_group(project: Path) -> None:
    """``--las 302,E09000002`` (a DfE number and a code) builds Barnet and Barking and Dagenham only, each compared
    with its own neighbours from the config's neighbours file (the batch used to drop it)."""
    import pandas as pd
    import yaml

    from helpers.pack import cli

    codes = pd.read_csv(project / "data" / "reference" / "la_codes.csv", dtype=str)
    london = codes[codes["old_code"].str.startswith("2")].head(10)  # inner London: City of London ... Westminster
    rows = ["la_code,la_name,SN,SN_code,SN_name,SN_prox"]
    for la_code, la_name in (("E09000002", "Barking and Dagenham"), ("E09000003", "Barnet")):
        rows += [f"{la_code},{la_name},{i + 1},{r.code},{r.name},Close" for i, r in enumerate(london.itertuples())]
    (project / "data" / "sn.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = project / "config" / "demo.yaml"
    cfg = yaml.safe_load(config.read_text())
    cfg["inputs"]["neighbours"] = "data/sn.csv"
    cfg["comparators"] = {"neighbours": list(cfg["comparators"]["neighbours"]), "custom": ["301", "202", "203"],
                          "custom_name": "Chosen councils"}
    config.write_text(yaml.safe_dump(cfg, sort_keys=False))
    assert cli.main(["build", str(config), "--las", "302,E09000002", "--jobs", "2"]) == 0
    out = project / "reports" / "demo"
    las = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    assert las == ["301", "302"]
    for code in las:
        check_la_pack(out / code)
        la_cfg = yaml.safe_load((out / "_configs" / f"{code}.yaml").read_text())
        assert la_cfg["inputs"]["neighbours"] == str(project / "data" / "sn.csv")
        assert "neighbours" not in la_cfg["comparators"]  # Northby's own list is not every council's
        assert code not in la_cfg["comparators"]["custom"]  # a council is never its own comparator
        page = (out / code / "05_benchmarks.html").read_text()
        assert "statistical neighbours are City of London, Camden, Greenwich" in page
    assert cli.main(["build", str(config), "--las", "302,Nowhere"]) == 2
