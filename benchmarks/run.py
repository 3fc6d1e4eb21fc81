"""``make bench``: build speed against the plain papermill + nbconvert loop, printed as ratios.

Runs in a throwaway copy of the project so ``reports/`` is untouched. One run each (timings on a shared machine
vary by a few per cent): (a) each notebook executed with the ``papermill`` command line and converted with the
``jupyter nbconvert`` command line, serially; (b) this project's cold build; (c) a no-op rebuild; (d) a rebuild
after editing one notebook; (e) the all-LA batch on the real 2025 release when ``../shared`` is present;
(f) peak memory. Then the real-zip reader against a bare ``pyarrow.csv`` read, and the queue simulation
against ``ciw`` (``benchmarks/bench_simulate.py``), and (g) forecast quality on the real release
(``benchmarks/forecast_quality.py``; ``benchmarks/run.py --only forecast`` runs just that part).
Environment: ``BENCH_LAS`` = LAs in the all-LA batch (default 12; ``all`` for every LA).
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SEND_SHARED_DIR", ROOT.parent / "shared"))
BIN = Path(sys.executable).parent


def copy_project(dest: Path) -> Path:
    for name in ("notebooks", "config", "data/demo", "data/reference"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def timed(cmd: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - t


def plain_loop(project: Path) -> float:
    """(a) papermill CLI then jupyter nbconvert CLI per notebook, serially, in DAG order."""
    from helpers.pack.dag import discover

    out = project / "plain"
    (out / "data").mkdir(parents=True)
    total = 0.0
    for task in discover(project):
        executed = out / f"{task.name}.ipynb"
        total += timed([str(BIN / "papermill"), str(task.path), str(executed), "-p", "pack_config",
                        str(project / "config" / "demo.yaml"), "-p", "artefacts", str(out / "data"),
                        "--no-progress-bar"], project)
        total += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], project)
    return total


def build(project: Path, *extra: str) -> float:
    return timed([str(BIN / "evidence-pack"), "build", str(project / "config" / "demo.yaml"), "--no-pdf", *extra],
                 project)


def edit_notebook(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source += "\n"
    nbformat.write(nb, path)


def reader_ratio() -> str:
    """Reading the real 2025 zip with the project's reader against a bare pyarrow.csv read of the same CSVs."""
    import pyarrow.csv as pacsv

    from helpers.sources import ees

    zpath = SHARED / "ees" / "education-health-and-care-plans_2025.zip"
    if not zpath.exists():
        return "reader vs bare pyarrow: skipped (../shared absent)"
    members = [m for m in zipfile.ZipFile(zpath).namelist() if m.startswith("data/") and m.endswith(".csv")]

    def bare() -> None:
        with zipfile.ZipFile(zpath) as z:
            for m in members:
                pacsv.read_csv(io.BytesIO(z.read(m)))

    bare()
    t = time.perf_counter()
    bare()
    t_bare = time.perf_counter() - t
    t = time.perf_counter()
    ees.read_release([zpath])
    t_ours = time.perf_counter() - t
    return (f"read 2025 zip: project reader {t_ours:.2f} s, bare pyarrow {t_bare:.2f} s, "
            f"ratio {t_ours / t_bare:.2f}x (target <= 3x)")


def batch(project: Path) -> str:
    zpath = SHARED / "ees" / "education-health-and-care-plans_2025.zip"
    if not zpath.exists():
        return "(e) all-LA batch: skipped (../shared absent)"
    from helpers.pack.batch import build_all_las

    n = os.environ.get("BENCH_LAS", "12")
    cfg = project / "config" / "all-las.yaml"
    cfg.write_text((project / "config" / "kent.example.yaml").read_text()
                   .replace("pack: kent", "pack: all-las")
                   .replace("data/raw/education-health-and-care-plans_2025.zip", str(zpath))
                   .replace("    - data/raw/education-health-and-care-plans_2022.zip",
                            f"    - {SHARED / 'ees' / 'education-health-and-care-plans_2022.zip'}"))
    t = time.perf_counter()
    out = build_all_las(cfg, jobs=os.cpu_count(), progress=lambda m: None, limit=None if n == "all" else int(n))
    wall = time.perf_counter() - t
    count = len([p for p in out.iterdir() if (p / "index.html").exists()])
    return f"(e) all-LA batch: {count} LAs in {wall:.0f} s = {wall / max(count, 1):.1f} s per LA (target < 10 s)"


def forecast_quality() -> str:
    """(g) forecast quality on the real 2025 release (``benchmarks/forecast_quality.py``); ``BENCH_FORECAST_LAS``
    limits the councils (default: all)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import forecast_quality as fq

    n = os.environ.get("BENCH_FORECAST_LAS")
    return fq.report(fq.run(int(n) if n else None))


def main() -> None:
    if "--only" in sys.argv:
        only = sys.argv[sys.argv.index("--only") + 1] if len(sys.argv) > sys.argv.index("--only") + 1 else ""
        if only != "forecast":
            sys.exit(f"benchmarks/run.py: --only takes 'forecast', got {only!r}")
        print(forecast_quality())
        return
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        a = plain_loop(project)
        b = build(project, "--force")
        c = build(project)
        edit_notebook(project / "notebooks" / "05_benchmarks.ipynb")
        d = build(project)
        print(f"(a) plain papermill + nbconvert loop : {a:6.1f} s")
        print(f"(b) cold build                      : {b:6.1f} s   b/a = {b / a:.2f} (target <= 0.5)")
        print(f"(c) no-op rebuild                   : {c:6.1f} s   c/a = {c / a:.3f} (target < 1 s)")
        print(f"(d) one notebook edited             : {d:6.1f} s   d/a = {d / a:.2f}")
        print(batch(project))
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    print(f"(f) peak memory (largest single process): {peak / 1024:.0f} MiB")
    print(reader_ratio())
    sim = ROOT / "benchmarks" / "bench_simulate.py"
    if sim.exists():
        print(subprocess.run([sys.executable, str(sim)], capture_output=True, text=True).stdout.strip())
    print(forecast_quality())


if __name__ == "__main__":
    main()
