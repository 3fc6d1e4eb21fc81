"""Killing a build part-way leaves the last good pack as it was; the next build cleans up after it.

The build is run as the real command (``.venv/bin/evidence-pack``) in its own session and killed with SIGKILL
(no chance to clean up) as soon as it reports a notebook started, i.e. while it is writing into its staging
folder. Its kernels run in sessions of their own (jupyter_client starts each kernel with
``start_new_session=True``), out of reach of the group kill: they are found as the build's child processes
before the kill and must exit on their own (ipykernel's parent poller ends a kernel whose parent has gone); any
still running 15 s later is killed by process id and fails ``test_orphaned_kernels_exit``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from project_copy import copy_project

from helpers.pack import cli
from helpers.pack.keys import sha256_file

pytestmark = pytest.mark.slow

COMMAND = Path(sys.executable).with_name("evidence-pack")


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def socket_folder(kernel: psutil.Process) -> Path:
    """The folder of a kernel's ZeroMQ ipc sockets, from the connection file named on its command line."""
    args = kernel.cmdline()
    info = json.loads(Path(args[args.index("-f") + 1]).read_text(encoding="utf-8"))
    return Path(info["ip"]).parent


def kill_mid_build(project: Path) -> tuple[list[str], list[int], list[Path]]:
    """Start a forced build and SIGKILL its process group once a notebook has started.

    Returns the build's output, its kernels still alive 15 s after the kill (they are then killed: orphaned
    kernels should exit on their own, as ipykernel's parent poller ends a kernel whose parent process is gone)
    and the kernels' socket folders.
    """
    proc = subprocess.Popen(
        [str(COMMAND), "build", "config/demo.yaml", "--no-pdf", "--only", "09_assumptions", "--force"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    kernels: list[psutil.Process] = []
    sockets: list[Path] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        for line in proc.stdout:
            lines.append(line)
            if "started" in line or time.monotonic() > deadline:
                break
        kernels = psutil.Process(proc.pid).children(recursive=True)
        sockets = sorted({socket_folder(k) for k in kernels})
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        _, alive = psutil.wait_procs(kernels, timeout=15)
        for kernel in alive:
            kernel.kill()
    return lines, [k.pid for k in alive], sockets


@dataclass
class Interrupted:
    project: Path
    before: dict[str, str]  # the pack before the killed build
    after_kill: dict[str, str]  # ... and right after it
    staging_left: list[Path]  # what the killed build left in reports/
    output: list[str]  # the killed build's output up to the kill
    kernels_alive: list[int]  # its kernels still running 15 s after the kill
    sockets: list[Path]  # its kernels' socket folders
    sockets_left: list[Path]  # those still there after the next build (removed by the fixture afterwards)
    next_build: int  # exit code of the next build
    next_output: str


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory: pytest.TempPathFactory) -> Interrupted:
    project = copy_project(tmp_path_factory.mktemp("interrupt") / "project")
    config = str(project / "config" / "demo.yaml")
    pack = project / "reports" / "demo"
    assert cli.main(["build", config, "--no-pdf", "--only", "09_assumptions"]) == 0
    before = snapshot(pack)
    output, alive, sockets = kill_mid_build(project)
    after_kill = snapshot(pack)
    staging_left = sorted((project / "reports").glob(".staging-demo-*"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["build", config, "--no-pdf", "--only", "09_assumptions", "--force"])
    sockets_left = [p for p in sockets if p.exists()]
    for folder in sockets_left:  # do not leave the killed build's litter in the shared temporary folder
        shutil.rmtree(folder)
    return Interrupted(project, before, after_kill, staging_left, output, alive, sockets, sockets_left, code,
                       out.getvalue())


def test_killed_mid_run(interrupted: Interrupted) -> None:
    """The kill came while the build was writing its staging folder, not before or after."""
    assert any("started" in line for line in interrupted.output), interrupted.output
    assert not any("] built " in line for line in interrupted.output), interrupted.output
    assert interrupted.staging_left, "the kill did not interrupt the staging step"


def test_orphaned_kernels_exit(interrupted: Interrupted) -> None:
    assert interrupted.kernels_alive == []


def test_pack_intact_after_kill(interrupted: Interrupted) -> None:
    assert "09_assumptions.html" in interrupted.before
    assert interrupted.after_kill == interrupted.before


def test_next_build_succeeds_and_cleans_up(interrupted: Interrupted) -> None:
    assert interrupted.next_build == 0
    assert "09_assumptions: started" in interrupted.next_output
    reports = interrupted.project / "reports"
    assert list(reports.glob(".staging-*")) == [] and list(reports.glob(".old-*")) == []
    assert (reports / "demo" / "09_assumptions.html").exists()


def test_no_stray_socket_folders(interrupted: Interrupted) -> None:
    """The next build removes the kernel socket folder the killed build left (its pid is dead)."""
    assert interrupted.sockets, "the killed build's kernels were not found"
    assert interrupted.sockets_left == []


@dataclass
class CtrlC:
    pack_before: dict[str, str]
    pack_after: dict[str, str]
    code: int
    stderr: str
    staging_left: list[Path]
    kernels_alive: list[int]  # the build's kernels still running 10 s after it exited
    next_output: str


def add_slow_notebook(project: Path) -> None:
    """``07_slow``: a page whose only code cell takes five minutes."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Slow\n\nA page that takes five minutes."),
        nbformat.v4.new_code_cell('pack_config = "config/demo.yaml"\nartefacts = "reports/demo/data"\n'
                                  'variant = "public"',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import time\ntime.sleep(300)"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, project / "notebooks" / "07_slow.ipynb")


@pytest.fixture(scope="module")
def ctrl_c(interrupted: Interrupted) -> CtrlC:
    """Ctrl-C (SIGINT to the build's process group, as a terminal sends it) while a five-minute notebook runs, on
    the pack the SIGKILL fixture left (built and whole). The build must stop within a minute: on a84b52b it waited
    for the running notebook to end."""
    project = interrupted.project
    pack = project / "reports" / "demo"
    before = snapshot(pack)
    add_slow_notebook(project)
    proc = subprocess.Popen(
        [str(COMMAND), "build", "config/demo.yaml", "--no-pdf", "--only", "09_assumptions,07_slow"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    kernels: list[psutil.Process] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "07_slow: started" in line:
                break
        kernels = psutil.Process(proc.pid).children(recursive=True)
        time.sleep(1)  # inside time.sleep(300)
        os.killpg(proc.pid, signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            err = "still running 60 s after Ctrl-C"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    _, alive = psutil.wait_procs(kernels, timeout=10)
    for kernel in alive:
        kernel.kill()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["build", str(project / "config" / "demo.yaml"), "--no-pdf", "--only", "09_assumptions"]) == 0
    return CtrlC(before, snapshot(pack), proc.returncode, err, sorted((project / "reports").glob(".staging-*")),
                 [k.pid for k in alive], out.getvalue())


def test_ctrl_c_exits_130_with_one_line(ctrl_c: CtrlC) -> None:
    assert ctrl_c.code == 130
    assert ctrl_c.stderr.strip() == "interrupted: the previous pack is unchanged", ctrl_c.stderr


def test_ctrl_c_leaves_pack_and_no_kernels(ctrl_c: CtrlC) -> None:
    assert ctrl_c.pack_after == ctrl_c.pack_before
    assert ctrl_c.staging_left == []
    assert ctrl_c.kernels_alive == []


def test_after_ctrl_c_the_pack_is_up_to_date(ctrl_c: CtrlC) -> None:
    """The lock is released and the cache untouched: the next build has nothing to do."""
    assert "up to date" in ctrl_c.next_output
