"""Every broken input in the corpus ends the CLI with exit code 2 and one message naming the file and the place.

The end-to-end contract of ``evidence-pack`` (``helpers.pack.cli``), not the readers' own tests
(``tests/unit/test_*_errors.py`` check each reader's messages in detail): for each case of
``bad_input_cases.CASES`` a copy of the demo project gets one broken input and ``evidence-pack check`` must exit 2
with exactly one stderr line, no traceback, the broken file's name, a place in it and the case's words. For one
case per input, ``evidence-pack build`` on a project that already holds a good pack must also exit 2 and leave
that pack byte for byte as it was, with no staging folder left behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bad_input_cases import CASES, CONFIG, PLACE, Case, write_neighbours
from project_copy import copy_project

from helpers.pack import cli
from helpers.pack.keys import sha256_file


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("bad-inputs") / "project")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = cli.main(argv)
    err = capsys.readouterr().err
    return code, err.splitlines()


def assert_one_clear_message(code: int, err: list[str], case: Case, broken: str) -> None:
    assert code == 2, (case.id, code, err)
    assert len(err) == 1, (case.id, err)
    message = err[0]
    assert "Traceback" not in message
    assert broken in message, (case.id, message)
    missing = [w for w in case.words if w.lower() not in message.lower()]
    assert not missing, (case.id, missing, message)
    if case.place:
        assert PLACE.search(message), (case.id, "no line/row/element/key in", message)


def test_corpus_size() -> None:
    """At least 30 cases, and every reader and the config are covered."""
    assert len(CASES) >= 30
    assert {c.reader for c in CASES} == {"ees", "sen2", "workforce", "neighbours", "config"}
    assert len({c.id for c in CASES}) == len(CASES)


def test_unbroken_copy_passes_check(pristine: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The cases break a valid project: the copy (with the generated neighbours list) passes ``check``."""
    project = tmp_path / "project"
    shutil.copytree(pristine, project)
    write_neighbours(project)
    code, err = run(["check", str(project / CONFIG)], capsys)
    assert code == 0 and err == []


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=c.xfail, strict=True)]
                                               if c.xfail else []) for c in CASES])
def test_check_rejects_bad_input(case: Case, pristine: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    shutil.copytree(pristine, project)
    broken = case.mutate(project)
    code, err = run(["check", str(project / CONFIG)], capsys)
    assert_one_clear_message(code, err, case, broken)


BUILD_CASES = ("ees_text_in_count", "sen2_broken_nesting", "wf_negative_fte", "cfg_typo_key")


@pytest.fixture(scope="module")
def built(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project holding a good pack (00 and 06 only, to keep the test fast)."""
    project = tmp_path_factory.mktemp("bad-inputs-built") / "project"
    shutil.copytree(pristine, project)
    code = cli.main(["build", str(project / CONFIG), "--no-pdf", "--only", "09_assumptions"])
    assert code == 0
    return project


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c.id in BUILD_CASES], ids=lambda c: c.id)
def test_build_rejects_bad_input_and_keeps_pack(case: Case, built: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    shutil.copytree(built, project, symlinks=True)
    pack = project / "reports" / "demo"
    before = snapshot(pack)
    broken = case.mutate(project)
    code, err = run(["build", str(project / CONFIG), "--no-pdf", "--only", "09_assumptions"], capsys)
    assert_one_clear_message(code, err, case, broken)
    assert snapshot(pack) == before
    assert not list((project / "reports").glob(".staging-*"))
