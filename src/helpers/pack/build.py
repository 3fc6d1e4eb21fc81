"""Build a pack: run the notebook DAG with papermill, render with nbconvert, swap into place on success.

The steps live in their own modules: :mod:`~helpers.pack.dag` (the notebooks and their order),
:mod:`~helpers.pack.keys` (what is up to date), :mod:`~helpers.pack.staging` (staging folder, swap, lock),
:mod:`~helpers.pack.execute` (papermill on warm kernels, failure reports), :mod:`~helpers.pack.render` (pages,
glossary, print page, PDF), :mod:`~helpers.pack.outputs` (Word documents, ``--formats``) and
:mod:`~helpers.pack.manifest`. The config is loaded once and passed to each.

A read-only or full ``reports/`` ends in one message (:class:`helpers.errors.OutputError`, exit 2).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from helpers.pack import history
from helpers.config import PackConfig, check_disclosure, input_files, load_pack
from helpers.errors import InputError, OutputError, unwritable
from helpers.pack import manifest, outputs, render
from helpers.pack.dag import Task, discover
from helpers.pack.execute import Notebooks, Scheduler
from helpers.pack.kernels import KernelPool
from helpers.pack.keys import Plan, execution_keys, load_keys, plan, render_keys, sha256_file
from helpers.pack.pdf import pdf_wanted
from helpers.pack.staging import clean_stale, pack_lock, staged

__all__ = ["BuildResult", "Builder", "Task", "discover", "pack_dir_for"]
Progress = Callable[[str], None]


@dataclass
class BuildResult:
    """What a build did: the pack folder, the notebooks executed and rendered, and how long it took."""

    pack_dir: Path
    executed: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    up_to_date: bool = False
    seconds: float = 0.0
    durations: dict[str, float] = field(default_factory=dict)


def pack_dir_for(cfg: PackConfig, variant: str, reports: Path) -> Path:
    """``reports/<pack>`` for the public build, ``reports/<pack>-<variant>`` for the others."""
    return reports / (cfg.pack if variant == "public" else f"{cfg.pack}-{variant}")


class Builder:
    """Builds one variant of one pack; ``config`` is a loaded config or the path of one."""

    def __init__(self, config: str | Path | PackConfig, *, variant: str | None = None,
                 only: list[str] | None = None, jobs: int | None = None, force: bool = False, pdf: bool = True,
                 reports: Path | None = None, progress: Progress = print, kernels: KernelPool | None = None,
                 notebook_parameters: dict[str, dict[str, str]] | None = None,
                 formats: Iterable[str] | None = None) -> None:
        self.formats = outputs.parse_formats(formats)
        self.cfg = config if isinstance(config, PackConfig) else load_pack(config)
        self.variant = variant or self.cfg.variants[0]
        self.root = self.cfg.root or Path.cwd()
        self.reports = reports or self.root / "reports"
        self.tasks = discover(self.root, only or self.cfg.notebooks, variant=self.variant)
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.force = force
        self.pdf = pdf and "pdf" in self.formats
        self.progress = progress
        self.pack_dir = pack_dir_for(self.cfg, self.variant, self.reports)
        self.kernels = kernels
        self.notebook_parameters = notebook_parameters or {}
        self.disclosure_warning = check_disclosure(self.cfg, self.variant)  # refuses a public threshold under 5

    def input_hashes(self) -> dict[str, str]:
        """SHA-256 of every input by ``role:path`` (relative to the project, so a moved or copied project with
        its pack stays up to date)."""
        out = {}
        for role, files in input_files(self.cfg).items():
            for f in files:
                try:
                    out[f"{role}:{self._shown(f)}"] = sha256_file(f)
                except OSError as exc:
                    raise InputError(self._shown(f), f"cannot read this input file ({exc.strerror or exc})",
                                     where=f"key 'inputs.{role}'", expected="a file you can read") from None
        return out

    def _shown(self, path: Path) -> Path:
        return path.relative_to(self.root) if path.is_relative_to(self.root) else path

    def _unwritable(self, exc: BaseException) -> OutputError:
        reason = getattr(exc, "strerror", None) or str(exc)
        return OutputError(self._shown(self.pack_dir), f"cannot write the pack ({reason}); the previous pack is "
                           "unchanged",
                           expected=f"a writable folder with free disk space at {self._shown(self.reports)}")

    def run(self) -> BuildResult:
        """Build the pack (or say it is up to date), holding the pack's lock."""
        try:
            self.reports.mkdir(parents=True, exist_ok=True)
            with pack_lock(self.reports, self.pack_dir.name):
                return self._run()
        except OSError as exc:  # a read-only or full reports/ (anything else is a bug: its traceback is kept)
            if unwritable(exc):
                raise self._unwritable(exc) from None
            raise

    def _plan(self, inputs: dict[str, str]) -> tuple[Plan, dict[str, Any]]:
        """What this build redoes (see :mod:`helpers.pack.keys`), and the last good build's record."""
        exec_keys = execution_keys(self.tasks, self.cfg, self.variant,
                                   {**inputs, "parameters": json.dumps(self.notebook_parameters, sort_keys=True)})
        previous = {} if self.force else load_keys(self.pack_dir, self.progress)
        todo = plan(self.tasks, self.pack_dir, exec_keys, render_keys(exec_keys, pdf_wanted(self.pdf)), previous)
        if todo.lost:
            shown = ", ".join(todo.lost[:5]) + (f" and {len(todo.lost) - 5} more" if len(todo.lost) > 5 else "")
            self.progress(f"{self._shown(self.pack_dir)}: {len(todo.lost)} output(s) missing or changed since the "
                          f"last build ({shown}); making them again")
        return todo, previous

    def _run(self) -> BuildResult:
        t0 = time.perf_counter()
        started = dt.datetime.now(dt.UTC)
        if self.disclosure_warning:
            self.progress(self.disclosure_warning)
        clean_stale(self.reports, self.pack_dir.name)
        inputs = self.input_hashes()
        todo, previous = self._plan(inputs)
        result = BuildResult(self.pack_dir)
        if todo.nothing_to_do(previous, self.variant, self.formats):
            result.up_to_date = True
            result.seconds = time.perf_counter() - t0
            self.progress(f"{self._shown(self.pack_dir)}: up to date")
            return result
        every = [t.name for t in discover(self.root, variant=self.variant)]
        with staged(self.pack_dir, fresh=self.force, re_execute=todo.to_execute, notebooks=every) as staging:
            history.carry(self.pack_dir, staging)  # the history survives --force and the swap
            self._execute(staging, todo, result)
            render.finish_pack(staging, self.cfg, self.variant, self.tasks, pdf=self.pdf, progress=self.progress)
            outputs.write_extras(staging, self.cfg, self.variant, self.tasks, self.formats, self.progress)
            manifest.write(staging, self.cfg, self.variant, self.tasks, inputs, started, result.durations)
            history.record(staging, self.cfg.period_end)
            todo.record(staging, self.variant, self.formats)
        result.seconds = time.perf_counter() - t0
        self.progress(f"built {self.pack_dir} in {result.seconds:.1f} s "
                      f"({len(result.executed)} executed, {len(result.rendered)} rendered)")
        return result

    def _execute(self, staging: Path, todo: Plan, result: BuildResult) -> None:
        """Execute and render the notebooks that need it, in dependency order, into ``staging``."""
        notebooks = Notebooks(self.tasks, self.cfg, self.variant, self.root, staging,
                              self.reports / ".failed" / self.pack_dir.name, self.progress, self.notebook_parameters)
        page = partial(render.render_notebook, staging, self.cfg, self.variant, tasks=self.tasks, pdf=self.pdf)
        scheduler = Scheduler(notebooks, page, self.jobs)
        scheduler.run(todo.to_execute, todo.to_render, self.kernels)
        result.executed, result.rendered, result.durations = scheduler.executed, scheduler.rendered, scheduler.durations
