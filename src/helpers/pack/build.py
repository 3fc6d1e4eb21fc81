"""Build a pack: run the notebook DAG with papermill, render with nbconvert, swap into place on success.

Order: ``00_data_quality`` first, then the notebooks that depend only on it (in parallel, ``jobs`` at a time,
each rendered as soon as it finishes), then those that read other notebooks' metrics (``05``). A notebook declares
extra dependencies in its metadata (``metadata.evidence_pack.depends_on``).

Incremental: each notebook has an execution key (its source, parameters, input hashes, the ``helpers`` source,
its upstream keys) and a render key (execution key + template). Keys from the last good build live in
``<pack>/.cache/keys.json``; a notebook whose keys match is neither executed nor rendered again. The same file
records every output of the build with its SHA-256, and a build is "up to date" only when each one is still there
unchanged: a deleted or edited page is rendered again, a lost download, metrics file or table re-executes the
notebook that wrote it, a lost ``pack.pdf`` or workbook re-runs the finishing step. A ``keys.json`` that is not the
build's record (corrupt, truncated, edited) is discarded with a warning and the pack is built afresh.

Safety: everything is written into a staging folder beside the pack and swapped into ``reports/<pack>/`` only when
every notebook succeeded, so a failure (or a killed process) leaves the last good pack untouched. One build of a
pack runs at a time (an ``fcntl.flock`` on ``reports/.lock-<pack>``; a second is refused with a message). A
read-only or full ``reports/`` ends in one message (:class:`helpers.errors.OutputError`, exit 2).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Callable, Iterable, Iterator

from helpers.errors import BuildError, InputError, NotebookInputError, OutputError, unwritable
from helpers.config import PackConfig, check_disclosure, input_files, load_pack

if TYPE_CHECKING:
    from helpers.pack.kernels import KernelPool

SOURCE_NOTEBOOK = "00_data_quality"
CACHE = ".cache"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Task:
    """One notebook of the pack and the notebooks it reads from."""

    name: str
    path: Path
    depends_on: tuple[str, ...]


@dataclass
class BuildResult:
    pack_dir: Path
    executed: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    up_to_date: bool = False
    seconds: float = 0.0
    durations: dict[str, float] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def tree_hash(folder: Path, patterns: tuple[str, ...]) -> str:
    """Content hash of the files under ``folder`` matching ``patterns`` (names and bytes, sorted)."""
    h = hashlib.sha256()
    for pattern in patterns:
        for f in sorted(folder.rglob(pattern)):
            if "__pycache__" in f.parts or not f.is_file():
                continue
            h.update(str(f.relative_to(folder)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def helpers_root() -> Path:
    return Path(__file__).resolve().parents[1]


def _notebook_json(path: Path) -> dict:
    """A notebook file as plain JSON (nbformat's validator costs a second of imports; a no-op build needs none)."""
    return json.loads(path.read_text(encoding="utf-8"))


def discover(root: Path, only: list[str] | None = None) -> list[Task]:
    """The pack's notebooks (``notebooks/NN_*.ipynb``) with their dependencies, in a valid run order."""
    paths = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    names = [p.stem for p in paths]
    if only:
        unknown = [o for o in only if o not in names]
        if unknown:
            raise InputError("--only", "no such notebook", found=", ".join(unknown),
                             expected="one of " + ", ".join(names))
    tasks = []
    for p in paths:
        meta = _notebook_json(p).get("metadata", {}).get("evidence_pack", {})
        deps = [] if p.stem == SOURCE_NOTEBOOK else [SOURCE_NOTEBOOK]
        deps += [d for d in meta.get("depends_on", []) if d in names and d not in deps]
        tasks.append(Task(p.stem, p, tuple(deps)))
    if only:
        wanted = set(only) | {SOURCE_NOTEBOOK}
        tasks = [t for t in tasks if t.name in wanted]
        keep = {t.name for t in tasks}
        tasks = [Task(t.name, t.path, tuple(d for d in t.depends_on if d in keep)) for t in tasks]
    return tasks


def pack_dir_for(cfg: PackConfig, variant: str, reports: Path) -> Path:
    """``reports/<pack>`` for the public build, ``reports/<pack>-<variant>`` for the others."""
    return reports / (cfg.pack if variant == "public" else f"{cfg.pack}-{variant}")


def execution_keys(tasks: list[Task], cfg: PackConfig, variant: str, inputs: dict[str, str]) -> dict[str, str]:
    """Content key per notebook: source, parameters, inputs, helpers source, upstream keys."""
    code = tree_hash(helpers_root(), ("*.py",))
    config_text = cfg.source_path.read_bytes().decode("utf-8", "replace") if cfg.source_path else ""
    base = _sha(code, config_text, variant, json.dumps(inputs, sort_keys=True))
    keys: dict[str, str] = {}
    for t in tasks:
        keys[t.name] = _sha(base, sha256_file(t.path), *(keys[d] for d in t.depends_on))
    return keys


def template_hash() -> str:
    return tree_hash(helpers_root() / "templates", ("*",))


def _load_keys(pack_dir: Path, progress: Progress = print) -> dict:
    """The last good build's record (``.cache/keys.json``), or ``{}``; an unusable record is discarded with a
    warning (the build then starts afresh), never a traceback."""
    path = pack_dir / CACHE / "keys.json"
    if not path.exists():
        return {}
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
        problem = None if isinstance(keys, dict) else f"holds a JSON {type(keys).__name__}, not the build's record"
        if problem is None:
            bad = [k for k in ("execute", "render", "outputs") if not isinstance(keys.get(k, {}), dict)
                   or not all(isinstance(v, str) for v in keys.get(k, {}).values())]
            problem = f"its '{bad[0]}' entry is not a table of hashes" if bad else None
    except (OSError, ValueError) as exc:  # truncated or corrupt JSON, bytes that are not UTF-8, unreadable
        problem = f"cannot be read ({type(exc).__name__}: {str(exc)[:80]})"
    if problem is None:
        return keys
    progress(f"warning: {CACHE}/keys.json in {pack_dir.name} {problem}; discarded, so every page is built again")
    return {}


def output_hashes(pack: Path) -> dict[str, str]:
    """SHA-256 of every file of a built pack (outside ``.cache``), by path relative to the pack."""
    out = {}
    for f in sorted(pack.rglob("*")):
        rel = f.relative_to(pack)
        if rel.parts[0] != CACHE and f.is_file():
            out[rel.as_posix()] = sha256_file(f)
    return out


def output_owner(rel: str, names: set[str]) -> tuple[str, str | None]:
    """What to redo when an output is lost: ``("execute", nb)``, ``("render", nb)`` or ``("finish", None)``.

    Pages are rendered again from their executed notebook; an executed notebook, a metrics or disclosure record,
    a download (``<notebook>-<table>.csv``) or a shared table in ``data/`` (written by ``00_data_quality``) needs
    its notebook run again; the rest (glossary, print page, PDF, workbook, manifest) comes from finishing.
    """
    from helpers.pack.render import page_file

    folder, _, file = rel.rpartition("/")
    stem = file.rsplit(".", 1)[0]
    if folder == "executed" and stem in names:
        return "execute", stem
    if folder == "data":
        m = re.fullmatch(r"(?:metrics|disclosure)_(.+)\.json", file)
        if m:
            return ("execute", m.group(1)) if m.group(1) in names else ("finish", None)
        return "execute", SOURCE_NOTEBOOK
    if folder == "downloads" and file.split("-", 1)[0] in names and "-" in file:
        return "execute", file.split("-", 1)[0]
    if folder == "":
        page = next((n for n in names if page_file(n) == file), None)
        if page is not None:
            return "render", page
    return "finish", None


def lost_outputs(pack_dir: Path, recorded: dict[str, str]) -> list[str]:
    """Outputs the last build recorded that are gone or changed since (sorted)."""
    lost = []
    for rel, digest in sorted(recorded.items()):
        f = pack_dir / rel
        if not f.is_file() or sha256_file(f) != digest:
            lost.append(rel)
    return lost


@contextlib.contextmanager
def pack_lock(reports: Path, name: str) -> Iterator[None]:
    """Hold ``reports/.lock-<name>`` (``fcntl.flock``) for the build; refuse at once if another build has it.

    The lock is beside the pack rather than in it because the pack folder itself is swapped. The kernel drops the
    lock when the holder exits, however it exits (even SIGKILL), so a stale lock file never blocks a build.
    """
    path = reports / f".lock-{name}"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise OutputError(reports / name, "another build of this pack is running"
                              + (f" (process {holder})" if holder.isdigit() else ""),
                              expected="one build of a pack at a time: wait for it to finish, then build again"
                              ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the flock


def _clean_stale(reports: Path, name: str) -> None:
    """Remove staging folders left by killed builds; restore a pack left half-swapped."""
    for stale in reports.glob(f".staging-{name}-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(stale, ignore_errors=True)
    pack = reports / name
    for old in sorted(reports.glob(f".old-{name}-*")):
        if not pack.exists():
            old.rename(pack)
        else:
            shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _swap(staging: Path, pack_dir: Path) -> None:
    old = pack_dir.parent / f".old-{pack_dir.name}-{os.getpid()}"
    if pack_dir.exists():
        pack_dir.rename(old)
    try:
        staging.rename(pack_dir)
    except BaseException:
        if old.exists() and not pack_dir.exists():
            old.rename(pack_dir)  # put the last good pack back
        raise
    shutil.rmtree(old, ignore_errors=True)


def notebook_outputs(pack: Path, name: str) -> list[Path]:
    """Files in a pack that belong to one notebook (removed before it is re-executed)."""
    files = [pack / "executed" / f"{name}.ipynb", pack / "data" / f"metrics_{name}.json",
             pack / "data" / f"disclosure_{name}.json", pack / f"{name}.html"]
    files += list((pack / "downloads").glob(f"{name}-*"))
    return files


def source_cell_number(source: Path, cell_index: int) -> int:
    """1-based number, in the source notebook, of the executed notebook's cell ``cell_index``.

    papermill inserts its injected-parameters cell right after the ``parameters`` cell (or first if none).
    """
    cells = _notebook_json(source)["cells"]
    params = next((i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), -1)
    return cell_index + (0 if cell_index > params + 1 else 1)


def _failure_message(task: Task, exc: Exception, saved: Path) -> tuple[str, bool]:
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


_ERRNO = re.compile(r"\[Errno (\d+)\] ([^:'\"]+)")


def _errno_of(exc: BaseException) -> int:
    if isinstance(exc, OSError) and exc.errno:
        return exc.errno
    m = _ERRNO.search(str(getattr(exc, "evalue", "")))
    return int(m.group(1)) if m else 0


def _strerror_of(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    m = _ERRNO.search(str(getattr(exc, "evalue", "")))
    return m.group(2).strip() if m else str(exc)


def _kernel_unwritable(exc: BaseException) -> bool:
    """A notebook failed because the disk is full or read-only (an OSError inside the kernel). Not EACCES: in a
    notebook that is as likely an input the user cannot read, which is its own message."""
    return getattr(exc, "ename", "") == "OSError" and _errno_of(exc) in {errno.ENOSPC, errno.EROFS, errno.EDQUOT}


class Builder:
    """Builds one variant of one pack (see module docstring)."""

    def __init__(self, config: str | Path, *, variant: str | None = None, only: list[str] | None = None,
                 jobs: int | None = None, force: bool = False, pdf: bool = True,
                 reports: Path | None = None, progress: Progress = print, kernels: KernelPool | None = None,
                 notebook_parameters: dict[str, dict[str, str]] | None = None,
                 formats: Iterable[str] | None = None) -> None:
        from helpers.pack.outputs import parse_formats

        self.formats = parse_formats(formats)
        self.config_path = Path(config)
        self.cfg = load_pack(self.config_path)
        self.variant = variant or self.cfg.variants[0]
        self.root = self.cfg.root or Path.cwd()
        self.reports = reports or self.root / "reports"
        self.tasks = discover(self.root, only or self.cfg.notebooks)
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
                           "unchanged", expected=f"a writable folder with free disk space at {self._shown(self.reports)}")

    def run(self) -> BuildResult:
        """Build the pack (or say it is up to date), holding the pack's lock; see the module docstring."""
        try:
            self.reports.mkdir(parents=True, exist_ok=True)
            with pack_lock(self.reports, self.pack_dir.name):
                return self._run()
        except OSError as exc:  # a read-only or full reports/ (anything else is a bug: its traceback is kept)
            if unwritable(exc):
                raise self._unwritable(exc) from None
            raise

    def _run(self) -> BuildResult:
        from helpers.pack import history
        from helpers.pack import manifest, outputs, render

        t0 = time.perf_counter()
        started = dt.datetime.now(dt.UTC)
        if self.disclosure_warning:
            self.progress(self.disclosure_warning)
        _clean_stale(self.reports, self.pack_dir.name)
        inputs = self.input_hashes()
        exec_keys = execution_keys(self.tasks, self.cfg, self.variant,
                                   {**inputs, "parameters": json.dumps(self.notebook_parameters, sort_keys=True)})
        tmpl = template_hash()
        render_keys = {k: _sha(v, tmpl, str(render.pdf_wanted(self.pdf))) for k, v in exec_keys.items()}
        previous = {} if self.force else _load_keys(self.pack_dir, self.progress)
        prev_exec, prev_render = previous.get("execute", {}), previous.get("render", {})
        to_execute = {t.name for t in self.tasks if prev_exec.get(t.name) != exec_keys[t.name]
                      or not (self.pack_dir / "executed" / f"{t.name}.ipynb").exists()}
        to_render = {t.name for t in self.tasks if t.name in to_execute or prev_render.get(t.name) != render_keys[t.name]}
        finish = "outputs" not in previous  # no record of the outputs (first build, or an older record): make one
        if previous and not finish:
            names = {t.name for t in self.tasks}
            lost = lost_outputs(self.pack_dir, previous["outputs"])
            for rel in lost:
                kind, name = output_owner(rel, names)
                finish = True
                if kind == "execute":
                    to_execute.add(name)  # type: ignore[arg-type]
                    to_render.add(name)  # type: ignore[arg-type]
                elif kind == "render":
                    to_render.add(name)  # type: ignore[arg-type]
            if lost:
                shown = ", ".join(lost[:5]) + (f" and {len(lost) - 5} more" if len(lost) > 5 else "")
                self.progress(f"{self._shown(self.pack_dir)}: {len(lost)} output(s) missing or changed since the "
                              f"last build ({shown}); making them again")
        result = BuildResult(self.pack_dir)
        if not to_execute and not to_render and not finish and previous.get("variant") == self.variant \
                and previous.get("formats", sorted(self.formats)) == sorted(self.formats):
            result.up_to_date = True
            result.seconds = time.perf_counter() - t0
            self.progress(f"{self._shown(self.pack_dir)}: up to date")
            return result

        staging = self.reports / f".staging-{self.pack_dir.name}-{os.getpid()}"
        try:
            shutil.rmtree(staging, ignore_errors=True)
            if self.pack_dir.exists() and not self.force:
                shutil.copytree(self.pack_dir, staging, symlinks=True)
            for name in to_execute:
                for f in notebook_outputs(staging, name):
                    f.unlink(missing_ok=True)
            for sub in ("data", "executed", "downloads", CACHE):
                (staging / sub).mkdir(parents=True, exist_ok=True)
            history.carry(self.pack_dir, staging)  # the history survives --force and the swap
            self._run_dag(staging, to_execute, to_render, result)
            render.finish_pack(staging, self.cfg, self.variant, self.tasks, pdf=self.pdf, progress=self.progress)
            outputs.write_extras(staging, self.cfg, self.variant, self.tasks, self.formats, self.progress)
            manifest.write(staging, self.cfg, self.variant, self.tasks, inputs, started, result.durations)
            history.record(staging, self.cfg.period_end)
            (staging / CACHE / "keys.json").write_text(json.dumps(
                {"variant": self.variant, "execute": exec_keys, "render": render_keys,
                 "formats": sorted(self.formats), "outputs": output_hashes(staging)}, indent=2, sort_keys=True))
            _swap(staging, self.pack_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        result.seconds = time.perf_counter() - t0
        self.progress(f"built {self.pack_dir} in {result.seconds:.1f} s "
                      f"({len(result.executed)} executed, {len(result.rendered)} rendered)")
        return result

    def _task(self, name: str) -> Task:
        return next(t for t in self.tasks if t.name == name)

    def _execute(self, task: Task, staging: Path, pool: KernelPool) -> float:
        import papermill as pm

        with pool.kernel(task.name) as (km, kc):
            t = time.perf_counter()
            self.progress(f"  {task.name}: started")
            pm.execute_notebook(
                str(task.path), str(staging / "executed" / f"{task.name}.ipynb"),
                parameters={"pack_config": str(self.cfg.source_path), "artefacts": str(staging / "data"),
                            "variant": self.variant, **self.notebook_parameters.get(task.name, {})},
                cwd=str(self.root), progress_bar=False, log_output=False, kernel_name=pool.kernel_name,
                km=km, kc=kc, execution_timeout=900,
            )
        return time.perf_counter() - t

    def _run_dag(self, staging: Path, to_execute: set[str], to_render: set[str], result: BuildResult) -> None:
        """Execute and render in dependency order on a pool of warm kernels."""
        from helpers.pack.kernels import KernelPool

        if self.kernels is not None or not to_execute:  # nothing to execute: no kernel to start
            self._schedule(staging, to_execute, to_render, result, self.kernels)  # type: ignore[arg-type]
            return
        kernels = KernelPool(min(self.jobs, max(1, len(to_execute))), self.root)
        try:
            self._schedule(staging, to_execute, to_render, result, kernels)
        finally:
            kernels.shutdown()

    def _schedule(self, staging: Path, to_execute: set[str], to_render: set[str], result: BuildResult,
                  kernels: KernelPool) -> None:
        from helpers.pack import render

        pending = {t.name: t for t in self.tasks}
        done: set[str] = set()
        failed: dict[str, tuple[str, bool]] = {}
        skipped: set[str] = set()
        futures: dict[cf.Future, tuple[str, str]] = {}
        with cf.ThreadPoolExecutor(max_workers=self.jobs + 2) as pool:  # kernels cap executions at jobs
            def submit_ready() -> None:
                progressed = True
                while progressed:
                    progressed = False
                    for name, task in list(pending.items()):
                        if any(d in failed or d in skipped for d in task.depends_on):
                            skipped.add(name)
                            del pending[name]
                            progressed = True
                            self.progress(f"  {name}: skipped (an upstream notebook failed)")
                        elif all(d in done for d in task.depends_on):
                            del pending[name]
                            progressed = True
                            if name in to_execute:
                                futures[pool.submit(self._execute, task, staging, kernels)] = (name, "execute")
                                continue
                            done.add(name)
                            if name in to_render:
                                futures[pool.submit(render.render_notebook, staging, self.cfg, self.variant,
                                                    name, self.tasks, self.pdf)] = (name, "render")

            try:
                submit_ready()
                while futures:
                    finished, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
                    for fut in finished:
                        name, kind = futures.pop(fut)
                        try:
                            value = fut.result()
                        except Exception as exc:  # noqa: BLE001 - reported as one message below
                            if unwritable(exc) or _kernel_unwritable(exc):
                                raise OSError(_errno_of(exc), _strerror_of(exc)) from exc  # one message, exit 2
                            if kind == "render":
                                raise BuildError(f"rendering {name} failed: {type(exc).__name__}: {exc}") from exc
                            saved = self.reports / ".failed" / self.pack_dir.name / f"{name}.ipynb"
                            saved.parent.mkdir(parents=True, exist_ok=True)
                            executed = staging / "executed" / f"{name}.ipynb"
                            if executed.exists():
                                shutil.copy2(executed, saved)
                            failed[name] = _failure_message(self._task(name), exc, saved)
                            self.progress(f"  {name}: FAILED")
                            continue
                        if kind == "execute":
                            result.executed.append(name)
                            result.durations[name] = round(value, 2)
                            self.progress(f"  {name}: finished in {value:.1f} s")
                            done.add(name)
                            futures[pool.submit(render.render_notebook, staging, self.cfg, self.variant, name,
                                                self.tasks, self.pdf)] = (name, "render")
                        else:
                            result.rendered.append(name)
                    submit_ready()
            except BaseException as exc:  # a failure raised above, or Ctrl-C
                for fut in futures:
                    fut.cancel()
                if isinstance(exc, KeyboardInterrupt) and kernels is not None \
                        and any(kind == "execute" for _, kind in futures.values()):
                    # Stop now, not when the notebook ends: interrupt the running cells (the notebooks then
                    # fail at once), then stop the kernels. What nbclient logs meanwhile is noise after Ctrl-C
                    # (the CLI says one line).
                    muted = logging.root.manager.disable
                    logging.disable(logging.CRITICAL)
                    try:
                        kernels.interrupt()
                        cf.wait(list(futures), timeout=5)
                        kernels.shutdown()
                        pool.shutdown(wait=True, cancel_futures=True)
                    finally:
                        logging.disable(muted)
                raise
        if failed:
            if all(is_input for _, is_input in failed.values()):
                raise NotebookInputError(next(iter(failed.values()))[0])
            messages = "; ".join(m for m, _ in failed.values())
            raise BuildError(messages + (f" (not run: {', '.join(sorted(skipped))})" if skipped else ""))
