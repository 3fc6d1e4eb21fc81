"""The therapies and outcomes returns (issue 16) keep the bad-input promise: a broken file ends the build with exit
code 2 and one message naming the file, the line and the column, and the last good pack is left as it was.

A project copy holding a good pack (``00_data_quality`` and ``06_improvement_evidence`` only) gets one broken cell
per case; ``evidence-pack build`` must refuse it without touching the pack, and ``evidence-pack check`` must refuse
it too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bad_input_cases import CONFIG, PLACE, set_cell
from project_copy import copy_project

from helpers.pack import cli
from helpers.pack.keys import sha256_file

THERAPIES = Path("data/demo/therapies_northby.csv")
OUTCOMES = Path("data/demo/outcomes_northby.csv")
NOTEBOOK = "06_improvement_evidence"
#: (id, file, CSV line, column, bad value, words the message must hold)
CASES = [
    ("therapies_negative_spend", THERAPIES, 5, "spend_gbp", "-120", ("line 5", "spend_gbp", "negative")),
    ("therapies_unknown_type", THERAPIES, 9, "therapy_type", "reiki", ("line 9", "therapy_type", "one of")),
    ("outcomes_score_out_of_range", OUTCOMES, 4, "score", "7", ("line 4", "score", "1 to 5")),
]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = cli.main(argv)
    return code, capsys.readouterr().err.splitlines()


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("improvement-inputs") / "project")
    assert cli.main(["build", str(project / CONFIG), "--no-pdf", "--only", NOTEBOOK]) == 0
    return project


@pytest.mark.slow
@pytest.mark.parametrize(("file", "line", "column", "value", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_build_rejects_broken_return_and_keeps_pack(built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    file: Path, line: int, column: str, value: str,
                                                    words: tuple[str, ...]) -> None:
    project = tmp_path / "project"
    shutil.copytree(built, project, symlinks=True)
    pack = project / "reports" / "demo"
    before = snapshot(pack)
    broken = set_cell(project / file, line, column, value)
    code, err = run(["build", str(project / CONFIG), "--no-pdf", "--only", NOTEBOOK], capsys)
    assert code == 2, err
    assert len(err) == 1 and "Traceback" not in err[0], err
    assert broken in err[0] and PLACE.search(err[0]), err
    assert all(w in err[0] for w in words), err
    assert snapshot(pack) == before
    assert not list((project / "reports").glob(".staging-*"))


def test_check_rejects_broken_therapies_return(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "project")
    broken = set_cell(project / THERAPIES, 5, "spend_gbp", "-120")
    code, err = run(["check", str(project / CONFIG)], capsys)
    assert code == 2 and len(err) == 1 and broken in err[0] and "line 5" in err[0]
