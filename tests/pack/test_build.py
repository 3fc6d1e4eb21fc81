"""The build: exit codes and messages, the last good pack survives failures, incremental rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from project_copy import copy_project
from helpers.pack import cli
from helpers.pack.keys import sha256_file

pytestmark = pytest.mark.slow


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def build(project: Path, *args: str) -> int:
    return cli.main(["build", str(project / "config" / "demo.yaml"), "--no-pdf", "--jobs", "2", *args])


def add_notebook(project: Path, name: str, code: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# {name}\n\nA test page."),
        nbformat.v4.new_code_cell('pack_config = "config/demo.yaml"\nartefacts = "reports/demo/data"\n'
                                  'variant = "public"',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(code),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, project / "notebooks" / f"{name}.ipynb")


def test_failing_notebook_keeps_last_good_pack(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project, "--only", "09_assumptions") == 0
    pack = project / "reports" / "demo"
    before = {p.name: sha256_file(p) for p in pack.glob("*.html")}
    add_notebook(project, "07_broken", "x = 1\n1 / 0")
    assert build(project, "--only", "09_assumptions,07_broken") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "07_broken" in err[0] and "cell 3" in err[0] and "ZeroDivisionError" in err[0]
    assert "Traceback" not in err[0]
    assert {p.name: sha256_file(p) for p in pack.glob("*.html")} == before
    assert (project / "reports" / ".failed" / "demo" / "07_broken.ipynb").exists()
    assert not list((project / "reports").glob(".staging-*"))


def test_bad_input_inside_build_exits_2_with_one_message(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project, "--only", "09_assumptions") == 0
    index = (project / "reports" / "demo" / "index.html").read_bytes()
    requests = project / "data" / "demo" / "ees" / "data" / "requests.csv"
    lines = requests.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",lots"
    requests.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert build(project, "--only", "09_assumptions") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "requests.csv" in err[0] and "Traceback" not in err[0], err
    assert (project / "reports" / "demo" / "index.html").read_bytes() == index


def test_config_error_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = project / "config" / "demo.yaml"
    cfg.write_text(cfg.read_text().replace("period_end:", "period_ends:"))
    assert build(project) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "demo.yaml" in err and "did you mean 'period_end'" in err


def test_unknown_la_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = project / "config" / "demo.yaml"
    text = cfg.read_text().replace('old_code: "999"', 'old_code: "998"')
    cfg.write_text(text.replace("name: Northby", "name: Nowhere"))
    assert build(project, "--only", "00_data_quality") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "998" in err


def test_incremental_rebuild(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project, "--only", "09_assumptions") == 0
    capsys.readouterr()
    assert build(project, "--only", "09_assumptions") == 0
    out = capsys.readouterr().out
    assert "up to date" in out and "started" not in out
    nb_path = project / "notebooks" / "09_assumptions.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[0].source += "\n\nAn extra sentence."
    nbformat.write(nb, nb_path)
    assert build(project, "--only", "09_assumptions") == 0
    out = capsys.readouterr().out
    assert "09_assumptions: started" in out and "00_data_quality: started" not in out
    manifest = json.loads((project / "reports" / "demo" / "manifest.json").read_text())
    assert manifest["executed_this_build"] == ["09_assumptions"]


def test_manifest_records_provenance(demo_build: Path, root: Path) -> None:
    manifest = json.loads((demo_build / "manifest.json").read_text())
    assert manifest["config"]["la"]["old_code"] == "999"
    hashes = manifest["inputs_sha256"]
    workforce = "workforce:data/demo/ep_workforce_northby.csv"
    assert hashes[workforce] == sha256_file(root / "data" / "demo" / "ep_workforce_northby.csv")
    assert manifest["packages"]["papermill"] and manifest["packages"]["pandas"]
    assert set(manifest["parameters"]) >= {"00_data_quality", "02_timeliness", "08_inspection_readiness"}
    assert all(v > 0 for v in manifest["notebook_seconds"].values())
    assert "git_commit" in manifest["code"]
