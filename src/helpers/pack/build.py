"""Build a pack: run the notebook DAG with papermill, render with nbconvert, swap into place on success.

Order: ``00_data_quality`` first, then the notebooks that depend only on it (in parallel, ``jobs`` at a time,
each rendered as soon as it finishes), then those that read other notebooks' metrics (``05``). A notebook declares
extra dependencies in its metadata (``metadata.evidence_pack.depends_on``).

Incremental: each notebook has an execution key (its source, parameters, input hashes, the ``helpers`` source,
its upstream keys) and a render key (execution key + template). Keys from the last good build live in
``<pack>/.cache/keys.json``; a notebook whose keys match is neither executed nor rendered again.

Safety: everything is written into a staging folder beside the pack and swapped into ``reports/<pack>/`` only when
every notebook succeeded, so a failure (or a killed process) leaves the last good pack untouched.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from helpers.errors import BuildError, InputError, NotebookInputError
from helpers.pack.config import PackConfig, input_files, load_pack

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


def _load_keys(pack_dir: Path) -> dict[str, dict[str, str]]:
    try:
        return json.loads((pack_dir / CACHE / "keys.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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
    staging.rename(pack_dir)
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
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    if ename == "InputError":
        return str(evalue), True
    cell = getattr(exc, "cell_index", None)
    where = f"cell {source_cell_number(task.path, cell)}" if isinstance(cell, int) else "a cell"
    return f"notebook {task.name} failed in {where}: {ename}: {evalue}. Executed notebook saved to {saved}", False


class Builder:
    """Builds one variant of one pack (see module docstring)."""

    def __init__(self, config: str | Path, *, variant: str | None = None, only: list[str] | None = None,
                 jobs: int | None = None, force: bool = False, pdf: bool = True,
                 reports: Path | None = None, progress: Progress = print, kernels: "KernelPool | None" = None,
                 notebook_parameters: dict[str, dict[str, str]] | None = None,
                 formats: "Iterable[str] | None" = None) -> None:
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

    def input_hashes(self) -> dict[str, str]:
        out = {}
        for role, files in input_files(self.cfg).items():
            for f in files:
                out[f"{role}:{f}"] = sha256_file(f)
        return out

    def run(self) -> BuildResult:
        from helpers import history
        from helpers.pack import manifest, outputs, render

        t0 = time.perf_counter()
        started = dt.datetime.now(dt.timezone.utc)
        self.reports.mkdir(parents=True, exist_ok=True)
        _clean_stale(self.reports, self.pack_dir.name)
        inputs = self.input_hashes()
        exec_keys = execution_keys(self.tasks, self.cfg, self.variant,
                                   {**inputs, "parameters": json.dumps(self.notebook_parameters, sort_keys=True)})
        tmpl = template_hash()
        render_keys = {k: _sha(v, tmpl, str(render.pdf_wanted(self.pdf))) for k, v in exec_keys.items()}
        previous = {} if self.force else _load_keys(self.pack_dir)
        prev_exec, prev_render = previous.get("execute", {}), previous.get("render", {})
        to_execute = {t.name for t in self.tasks if prev_exec.get(t.name) != exec_keys[t.name]
                      or not (self.pack_dir / "executed" / f"{t.name}.ipynb").exists()}
        to_render = {t.name for t in self.tasks if t.name in to_execute or prev_render.get(t.name) != render_keys[t.name]}
        result = BuildResult(self.pack_dir)
        if not to_execute and not to_render and previous.get("variant") == self.variant \
                and previous.get("formats", sorted(self.formats)) == sorted(self.formats):
            result.up_to_date = True
            result.seconds = time.perf_counter() - t0
            self.progress(f"{self.pack_dir.relative_to(self.root) if self.pack_dir.is_relative_to(self.root) else self.pack_dir}: up to date")
            return result

        staging = self.reports / f".staging-{self.pack_dir.name}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        if self.pack_dir.exists() and not self.force:
            shutil.copytree(self.pack_dir, staging, symlinks=True)
        for name in to_execute:
            for f in notebook_outputs(staging, name):
                f.unlink(missing_ok=True)
        for sub in ("data", "executed", "downloads", CACHE):
            (staging / sub).mkdir(parents=True, exist_ok=True)
        history.carry(self.pack_dir, staging)  # the history survives --force and the swap
        try:
            self._run_dag(staging, to_execute, to_render, result)
            render.finish_pack(staging, self.cfg, self.variant, self.tasks, pdf=self.pdf, progress=self.progress)
            outputs.write_extras(staging, self.cfg, self.variant, self.tasks, self.formats, self.progress)
            manifest.write(staging, self.cfg, self.variant, self.tasks, inputs, started, result.durations)
            history.record(staging, self.cfg.period_end)
            (staging / CACHE / "keys.json").write_text(json.dumps(
                {"variant": self.variant, "execute": exec_keys, "render": render_keys,
                 "formats": sorted(self.formats)}, indent=2, sort_keys=True))
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

    def _execute(self, task: Task, staging: Path, pool: "KernelPool") -> float:
        import papermill as pm

        with pool.kernel() as (km, kc):
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

        if self.kernels is not None:
            self._schedule(staging, to_execute, to_render, result, self.kernels)
            return
        kernels = KernelPool(min(self.jobs, max(1, len(to_execute))), self.root)
        try:
            self._schedule(staging, to_execute, to_render, result, kernels)
        finally:
            kernels.shutdown()

    def _schedule(self, staging: Path, to_execute: set[str], to_render: set[str], result: BuildResult,
                  kernels: "KernelPool") -> None:
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

            submit_ready()
            while futures:
                finished, _ = cf.wait(list(futures), return_when=cf.FIRST_COMPLETED)
                for fut in finished:
                    name, kind = futures.pop(fut)
                    try:
                        value = fut.result()
                    except Exception as exc:  # noqa: BLE001 - reported as one message below
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
        if failed:
            if all(is_input for _, is_input in failed.values()):
                raise NotebookInputError(next(iter(failed.values()))[0])
            messages = "; ".join(m for m, _ in failed.values())
            raise BuildError(messages + (f" (not run: {', '.join(sorted(skipped))})" if skipped else ""))
