"""Faults during a build end in one message and leave the last good pack as it was (issues 20 and 23).

Reproduced on a84b52b: after a page, a download, a metrics file or ``ees.parquet`` was deleted the next build
said "up to date" (and the front page linked to the missing page); a ``keys.json`` holding ``[1, 2]`` stopped
every build with an ``AttributeError`` traceback; a read-only ``reports/`` and a full disk at the manifest ended in
``PermissionError`` / ``OSError`` tracebacks (exit 1); nothing stopped a second build of the same pack.

One small pack (``--only 09_assumptions``: the data quality and assumptions pages) is built once; each test works
on a copy of that project, which is up to date (the build's keys do not depend on where the project is).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from project_copy import copy_project

from helpers.pack import cli
from helpers.pack.keys import sha256_file

pytestmark = pytest.mark.slow

COMMAND = Path(sys.executable).with_name("evidence-pack")
ONLY = ["--only", "09_assumptions"]


def build(project: Path, *args: str) -> int:
    return cli.main(["build", str(project / "config" / "demo.yaml"), "--no-pdf", "--jobs", "1", *ONLY, *args])


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("faults") / "project")
    assert build(project) == 0
    return project


@pytest.fixture()
def project(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(built, dest, symlinks=True)
    capsys.readouterr()
    return dest


def test_copy_is_up_to_date(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project) == 0
    out = capsys.readouterr().out
    assert "up to date" in out and "started" not in out


def test_edited_page_and_lost_finishing_files_are_made_again(project: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """An edited page is rendered again and a deleted glossary or workbook re-made, without running notebooks."""
    pack = project / "reports" / "demo"
    good = (pack / "09_assumptions.html").read_bytes()
    (pack / "09_assumptions.html").write_text("<p>edited by hand</p>", encoding="utf-8")
    (pack / "glossary.html").unlink()
    (pack / "downloads" / "all-tables.xlsx").unlink()
    assert build(project) == 0
    out = capsys.readouterr().out
    assert "up to date" not in out and "started" not in out, out
    assert "3 output(s) missing or changed" in out and "09_assumptions.html" in out
    assert (pack / "glossary.html").exists() and (pack / "downloads" / "all-tables.xlsx").exists()
    page = (pack / "09_assumptions.html").read_bytes()
    assert b"edited by hand" not in page and len(page) > len(good) // 2
    assert build(project) == 0
    assert "up to date" in capsys.readouterr().out


def test_lost_data_re_executes_the_notebook_that_wrote_it(project: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert build(project) == 0
    assert "up to date" in capsys.readouterr().out  # so what runs next is due to the loss alone
    pack = project / "reports" / "demo"
    download = next((pack / "downloads").glob("09_assumptions-*.csv"))
    lost = [pack / "data" / "ees.parquet", pack / "data" / "metrics_09_assumptions.json", download]
    before = {f: f.read_bytes() for f in lost}
    for f in lost:
        f.unlink()
    assert build(project) == 0
    out = capsys.readouterr().out
    assert "up to date" not in out
    assert "00_data_quality: started" in out and "09_assumptions: started" in out
    for f in lost:
        assert f.read_bytes() == before[f], f  # the same bytes as before (the build is deterministic)
    assert build(project) == 0
    assert "up to date" in capsys.readouterr().out


def test_keys_json_not_an_object_is_discarded_with_a_warning(project: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (project / "reports" / "demo" / ".cache" / "keys.json").write_text("[1, 2]", encoding="utf-8")
    assert build(project) == 0
    out = capsys.readouterr()
    assert "warning: .cache/keys.json in demo holds a JSON list" in out.out
    assert "00_data_quality: started" in out.out and out.err == ""
    assert build(project) == 0
    assert "up to date" in capsys.readouterr().out


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_read_only_reports_is_one_message(project: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``reports/`` made read-only (as root, whom permissions do not stop, creating a folder in it fails as it
    would for anyone else)."""
    reports = project / "reports"
    before = snapshot(reports / "demo")
    real_mkdir = os.mkdir

    def mkdir(path: str | os.PathLike, *args: object, **kwargs: object) -> None:
        if Path(path).resolve().is_relative_to(reports.resolve()):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        real_mkdir(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "mkdir", mkdir)
    reports.chmod(0o555)
    try:
        assert build(project, "--force") == 2
    finally:
        reports.chmod(0o755)
    message = one_line(capsys.readouterr().err)
    assert "reports/demo" in message and "Permission denied" in message and "previous pack is unchanged" in message
    assert snapshot(reports / "demo") == before
    assert not list(reports.glob(".staging-*"))


def test_full_disk_at_manifest_is_one_message(project: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat

    from helpers.pack import manifest

    reports = project / "reports"
    before = snapshot(reports / "demo")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(manifest, "write", full)
    nb_path = project / "notebooks" / "09_assumptions.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[0].source += "\n\nAn extra sentence."
    nbformat.write(nb, nb_path)
    assert build(project) == 2
    message = one_line(capsys.readouterr().err)
    assert "No space left on device" in message and "previous pack is unchanged" in message
    assert snapshot(reports / "demo") == before
    assert not list(reports.glob(".staging-*"))


def test_second_build_at_once_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second build of the same pack, started while the first runs, is refused at once with one message; the
    first finishes and its pack and cache are whole (the next build is up to date)."""
    first = subprocess.Popen([str(COMMAND), "build", "config/demo.yaml", "--no-pdf", "--jobs", "1", *ONLY, "--force"],
                             cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert first.stdout is not None
        for line in first.stdout:
            if "started" in line:
                break
        assert build(project) == 2
        message = one_line(capsys.readouterr().err)
        assert "another build of this pack is running" in message and f"process {first.pid}" in message
        rest = first.communicate(timeout=300)[0]
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, rest
    assert "built " in rest
    assert build(project) == 0
    assert "up to date" in capsys.readouterr().out


def test_deleted_pdf_is_printed_again(demo_build: Path, tmp_path: Path, root: Path) -> None:
    """The demo pack with its PDF (built once per session); ``pack.pdf`` deleted from a copy is printed again,
    with no notebook run."""
    from helpers.pack.build import Builder
    from helpers.pack.pdf import find_chromium

    if find_chromium() is None or not (demo_build / "pack.pdf").exists():
        pytest.skip("Chromium is not installed: no PDF to lose")
    reports = tmp_path / "reports"
    shutil.copytree(demo_build, reports / "demo", symlinks=True)
    (reports / "demo" / "pack.pdf").unlink()
    said: list[str] = []
    result = Builder(root / "config" / "demo.yaml", reports=reports, progress=said.append).run()
    assert not result.up_to_date and result.executed == []
    assert (reports / "demo" / "pack.pdf").stat().st_size > 10_000
    assert any("pack.pdf" in line and "missing or changed" in line for line in said), said
