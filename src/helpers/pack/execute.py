"""Run the notebooks with papermill on a pool of warm kernels, in dependency order, and say why one failed.

Notebooks whose dependencies are done run at once (``jobs`` at a time); each is rendered as soon as it finishes.
A notebook that fails stops those downstream of it (reported as not run); the others carry on, and the build then
fails with one message naming every failed notebook, its cell and its error (the executed notebook is saved in
``reports/.failed/<pack>/``). A full or read-only disk inside a notebook ends as one :class:`OSError` (exit 2).
Ctrl-C interrupts the running cells at once and stops the kernels.
"""

from __future__ import annotations

import concurrent.futures as cf
import errno
import logging
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.config import PackConfig
from helpers.errors import BuildError, NotebookInputError, unwritable
from helpers.pack.dag import Task, source_cell_number
from helpers.pack.kernels import KernelPool

Progress = Callable[[str], None]
#: A cell running longer than this is stopped (the slowest real notebook runs for about a minute).
CELL_TIMEOUT_SECONDS = 900
_ERRNO = re.compile(r"\[Errno (\d+)\] ([^:'\"]+)")


def failure_message(task: Task, exc: Exception, saved: Path) -> tuple[str, bool]:
    """One message for a failed notebook; True when it was the user's input (InputError inside the notebook)."""
    if isinstance(exc, BuildError):  # raised by the kernel pool, already naming the notebook
        return str(exc), False
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    if ename == "InputError":
        return str(evalue), True
    cell = getattr(exc, "cell_index", None)
    where = f"cell {source_cell_number(task.path, cell)}" if isinstance(cell, int) else "a cell"
    return f"notebook {task.name} failed in {where}: {ename}: {evalue}. Executed notebook saved to {saved}", False


def errno_of(exc: BaseException) -> int:
    """The errno of an OSError, or of one raised inside a notebook (read from its message)."""
    if isinstance(exc, OSError) and exc.errno:
        return exc.errno
    m = _ERRNO.search(str(getattr(exc, "evalue", "")))
    return int(m.group(1)) if m else 0


def strerror_of(exc: BaseException) -> str:
    """The reason an OSError gives (``No space left on device``), also for one raised inside a notebook."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    m = _ERRNO.search(str(getattr(exc, "evalue", "")))
    return m.group(2).strip() if m else str(exc)


def kernel_unwritable(exc: BaseException) -> bool:
    """A notebook failed because the disk is full or read-only (an OSError inside the kernel). Not EACCES: in a
    notebook that is as likely an input the user cannot read, which is its own message."""
    return getattr(exc, "ename", "") == "OSError" and errno_of(exc) in {errno.ENOSPC, errno.EROFS, errno.EDQUOT}


@dataclass
class Notebooks:
    """One build's notebooks and where they run: what :class:`Scheduler` needs from the build."""

    tasks: list[Task]
    cfg: PackConfig
    variant: str
    root: Path
    staging: Path
    failed_dir: Path
    progress: Progress
    parameters: dict[str, dict[str, str]] = field(default_factory=dict)

    def task(self, name: str) -> Task:
        return next(t for t in self.tasks if t.name == name)

    def execute(self, task: Task, pool: KernelPool | None) -> float:
        """Run one notebook with papermill on a kernel of ``pool``; return the seconds it took."""
        import papermill as pm  # noqa: PLC0415 - a build with nothing to execute never imports papermill

        if pool is None:
            raise BuildError(f"notebook {task.name}: no kernels to run it on")

        with pool.kernel(task.name) as (km, kc):
            t = time.perf_counter()
            self.progress(f"  {task.name}: started")
            pm.execute_notebook(
                str(task.path), str(self.staging / "executed" / f"{task.name}.ipynb"),
                parameters={"pack_config": str(self.cfg.source_path), "artefacts": str(self.staging / "data"),
                            "variant": self.variant, **self.parameters.get(task.name, {})},
                cwd=str(self.root), progress_bar=False, log_output=False, kernel_name=pool.kernel_name,
                km=km, kc=kc, execution_timeout=CELL_TIMEOUT_SECONDS,
            )
        return time.perf_counter() - t

    def save_failed(self, name: str) -> Path:
        """Copy a failed notebook's executed file to ``reports/.failed/<pack>/`` (what the message names)."""
        saved = self.failed_dir / f"{name}.ipynb"
        saved.parent.mkdir(parents=True, exist_ok=True)
        executed = self.staging / "executed" / f"{name}.ipynb"
        if executed.exists():
            shutil.copy2(executed, saved)
        return saved


class Scheduler:
    """Executes and renders the notebooks in dependency order (module docstring)."""

    def __init__(self, notebooks: Notebooks, render: Callable[[str], object], jobs: int) -> None:
        self.nb, self.render, self.jobs = notebooks, render, jobs
        self.executed: list[str] = []
        self.rendered: list[str] = []
        self.durations: dict[str, float] = {}
        self._pending = {t.name: t for t in notebooks.tasks}
        self._done: set[str] = set()
        self._failed: dict[str, tuple[str, bool]] = {}
        self._skipped: set[str] = set()
        self._futures: dict[cf.Future[Any], tuple[str, str]] = {}

    def run(self, to_execute: set[str], to_render: set[str], kernels: KernelPool | None) -> None:
        """Execute ``to_execute`` and render ``to_render`` (and what depends on them); raise on failures."""
        if kernels is None and to_execute:
            pool = KernelPool(min(self.jobs, max(1, len(to_execute))), self.nb.root)
            try:
                self._run(to_execute, to_render, pool)
            finally:
                pool.shutdown()
        else:  # nothing to execute (no kernel to start), or the caller's kernels
            self._run(to_execute, to_render, kernels)
        self._raise_failures()

    def _run(self, to_execute: set[str], to_render: set[str], kernels: KernelPool | None) -> None:
        with cf.ThreadPoolExecutor(max_workers=self.jobs + 2) as pool:  # kernels cap executions at jobs
            try:
                self._submit_ready(pool, to_execute, to_render, kernels)
                while self._futures:
                    finished, _ = cf.wait(list(self._futures), return_when=cf.FIRST_COMPLETED)
                    for fut in finished:
                        self._collect(pool, fut)
                    self._submit_ready(pool, to_execute, to_render, kernels)
            except BaseException as exc:  # a failure raised while collecting, or Ctrl-C
                for fut in self._futures:
                    fut.cancel()
                if isinstance(exc, KeyboardInterrupt) and kernels is not None \
                        and any(kind == "execute" for _, kind in self._futures.values()):
                    self._stop(pool, kernels)
                raise

    def _submit_ready(self, pool: cf.ThreadPoolExecutor, to_execute: set[str], to_render: set[str],
                      kernels: KernelPool | None) -> None:
        """Start every notebook whose dependencies are done; skip those downstream of a failure."""
        progressed = True
        while progressed:
            progressed = False
            for name, task in list(self._pending.items()):
                if any(d in self._failed or d in self._skipped for d in task.depends_on):
                    self._skipped.add(name)
                    del self._pending[name]
                    progressed = True
                    self.nb.progress(f"  {name}: skipped (an upstream notebook failed)")
                elif all(d in self._done for d in task.depends_on):
                    del self._pending[name]
                    progressed = True
                    if name in to_execute:
                        self._futures[pool.submit(self.nb.execute, task, kernels)] = (name, "execute")
                        continue
                    self._done.add(name)
                    if name in to_render:
                        self._futures[pool.submit(self.render, name)] = (name, "render")

    def _collect(self, pool: cf.ThreadPoolExecutor, fut: cf.Future[Any]) -> None:
        """Record one finished execution (then render it) or rendering; a failure is recorded or raised."""
        name, kind = self._futures.pop(fut)
        try:
            value = fut.result()
        except Exception as exc:  # noqa: BLE001 - reported as one message below
            if unwritable(exc) or kernel_unwritable(exc):
                raise OSError(errno_of(exc), strerror_of(exc)) from exc  # one message, exit 2
            if kind == "render":
                raise BuildError(f"rendering {name} failed: {type(exc).__name__}: {exc}") from exc
            self._failed[name] = failure_message(self.nb.task(name), exc, self.nb.save_failed(name))
            self.nb.progress(f"  {name}: FAILED")
            return
        if kind == "render":
            self.rendered.append(name)
            return
        self.executed.append(name)
        self.durations[name] = round(value, 2)
        self.nb.progress(f"  {name}: finished in {value:.1f} s")
        self._done.add(name)
        self._futures[pool.submit(self.render, name)] = (name, "render")

    def _stop(self, pool: cf.ThreadPoolExecutor, kernels: KernelPool) -> None:
        """After Ctrl-C stop now, not when the notebook ends: interrupt the running cells (the notebooks then fail
        at once), then stop the kernels. What nbclient logs meanwhile is noise (the CLI says one line)."""
        muted = logging.root.manager.disable
        logging.disable(logging.CRITICAL)
        try:
            kernels.interrupt()
            cf.wait(list(self._futures), timeout=5)
            kernels.shutdown()
            pool.shutdown(wait=True, cancel_futures=True)
        finally:
            logging.disable(muted)

    def _raise_failures(self) -> None:
        if not self._failed:
            return
        if all(is_input for _, is_input in self._failed.values()):
            raise NotebookInputError(next(iter(self._failed.values()))[0])
        messages = "; ".join(m for m, _ in self._failed.values())
        skipped = f" (not run: {', '.join(sorted(self._skipped))})" if self._skipped else ""
        raise BuildError(messages + skipped)
