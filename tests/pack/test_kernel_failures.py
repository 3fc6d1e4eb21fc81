"""Two notebooks failing at once with ``--jobs 2`` end the build, exit 1, both failures reported (issue 22).

Before the fix, the two failed kernels were shut down and never replaced, so a third notebook waiting for a kernel
waited for ever (North Yorkshire's build hung for 91 minutes). Here one notebook raises, one kills its own kernel
(a dead kernel) and a third, healthy one is queued behind them. The build runs as the real command in its own
session; if it has not ended within the bound it is killed (with its kernels) and the test fails.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from project_copy import copy_project

pytestmark = pytest.mark.slow

COMMAND = Path(sys.executable).with_name("evidence-pack")
BOUND_SECONDS = 240  # the demo's 00_data_quality plus three tiny notebooks take about 30 s on 2 busy cores


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


def kill_tree(proc: subprocess.Popen[str]) -> None:
    try:
        parent = psutil.Process(proc.pid)
        family = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for p in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            p.kill()


def test_two_failures_at_once_end_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    add_notebook(project, "07_fails", "import time\ntime.sleep(1)\n1 / 0")
    add_notebook(project, "08_kernel_dies",
                 "import os, signal, time\ntime.sleep(1)\nos.kill(os.getpid(), signal.SIGKILL)")
    add_notebook(project, "09_healthy", "x = 1")
    proc = subprocess.Popen(
        [str(COMMAND), "build", "config/demo.yaml", "--no-pdf", "--jobs", "2", "--force",
         "--only", "07_fails,08_kernel_dies,09_healthy"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t = time.perf_counter()
    try:
        out, err = proc.communicate(timeout=BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        kill_tree(proc)
        proc.communicate()
        pytest.fail(f"the build was still running after {BOUND_SECONDS} s (a notebook waits for a kernel)")
    seconds = time.perf_counter() - t
    assert proc.returncode == 1, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "notebook 07_fails failed in cell 3: ZeroDivisionError" in lines[0]
    assert "notebook 08_kernel_dies failed" in lines[0] and "DeadKernelError" in lines[0]
    assert "09_healthy: finished" in out  # it ran on a replacement kernel
    assert seconds < BOUND_SECONDS
    assert not (project / "reports" / "demo").exists()  # nothing half-written
