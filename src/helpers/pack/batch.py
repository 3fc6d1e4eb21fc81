"""``evidence-pack build CONFIG --all-las``: one public, DfE-only pack per LA in the release.

National work is done once: the release is read and validated once and handed to every LA's ``00_data_quality``
as a saved release (``release_cache``). Locally, LAs are built ``jobs`` at a time on a shared pool of warm
kernels; with ``--executor dask`` the same per-LA task runs on a Dask distributed cluster.
Output: ``reports/<pack>/<old_code>/`` per LA and ``reports/<pack>/index.html`` listing them.
"""

from __future__ import annotations

import concurrent.futures as cf
import html
import json
import os
import shutil
import time
from collections.abc import Callable
from multiprocessing import util
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.areas import Areas, councils, resolve_las
from helpers.config import PackConfig, load_pack
from helpers.errors import BuildError, InputError
from helpers.pack.build import Builder
from helpers.pack.kernels import KernelPool
from helpers.pack.render import pack_css
from helpers.sources import ees
from helpers.sources.ees_breakdowns import BREAKDOWNS_FILE, read_breakdowns

Progress = Callable[[str], None]


def la_config(base: dict[str, Any], old_code: str, name: str, own_codes: set[str] | None = None) -> dict[str, Any]:
    """The pack config for one LA: the base config with this LA, no local data, public variant.

    The release zips and the neighbours file (``inputs.neighbours``) are kept, so every LA's pack compares it
    with its own statistical neighbours; so is a custom comparator group (``comparators.custom``, without the LA
    itself: ``own_codes`` are its DfE number and every code it has had). A list of neighbours written into the
    base config (``comparators.neighbours``) names one council's neighbours and is dropped.
    """
    cfg = {k: v for k, v in base.items() if k not in ("source_path", "root")}
    # The DfE number alone identifies the LA: names repeat across reorganisations (Dorset 835 and 838).
    cfg.update(pack=old_code, title=f"{name} SEND evidence pack", la={"old_code": old_code}, variants=["public"])
    inputs = dict(cfg["inputs"])
    inputs.pop("sen2", None)
    inputs.pop("workforce", None)
    cfg["inputs"] = inputs
    cfg["action_plan"] = [a for a in cfg.get("action_plan", [])
                          if a.get("metric") in (None, "02_timeliness.pct_within_20_weeks_ex")]
    own = {old_code} | set(own_codes or ())
    comparators = {k: v for k, v in (cfg.get("comparators") or {}).items() if k != "neighbours"}
    if comparators.get("custom"):
        comparators["custom"] = [c for c in comparators["custom"] if str(c).strip().upper() not in own]
    cfg["comparators"] = comparators
    return cfg


def current_las(table: pd.DataFrame) -> pd.DataFrame:
    """LAs with published figures in the release's latest two years (not those abolished in reorganisations)."""
    las = ees.list_las(table)
    latest = int(table.loc[table["requests_received"].notna(), "year"].max())
    recent = table[(table["geographic_level"] == "Local authority") & (table["year"] >= latest - 1)]
    live = recent.loc[recent[["requests_received", "plans_issued_ex"]].notna().any(axis=1), "area_code"].unique()
    return las[las["old_code"].isin(live)].reset_index(drop=True)


_KERNELS: dict[str, Any] = {}


def _process_kernels(root: Path) -> KernelPool:
    """This process's warm kernel (one per worker process), shut down when the process ends.

    A worker forked from a process that already had one (a Dask test run in-process, then a local batch) must not
    use the parent's kernel: two processes signing messages with one session make the kernel refuse them.
    """
    if _KERNELS.get("pid") != os.getpid():  # none yet, or inherited through fork from the parent: never share it
        fresh = KernelPool(1, root)
        _KERNELS.update(pool=fresh, pid=os.getpid())
        util.Finalize(fresh, fresh.shutdown, exitpriority=10)
    pool: KernelPool = _KERNELS["pool"]
    return pool


def _failed(code: str, name: str, message: str) -> dict[str, object]:
    return {"code": code, "name": name, "seconds": 0.0, "timeliness": None, "period": None, "error": message}


def build_one(config: str, shared: str, reports: str) -> dict[str, object]:
    """Build one LA's pack; returns its name, seconds and headline metric, or the error that stopped it.

    Runs in a worker process (local) or a Dask worker, on that process's warm kernel; one LA's failure never
    stops the others.
    """
    t = time.perf_counter()
    code = name = Path(config).stem  # what the record says if the config itself cannot be read
    try:
        cfg = load_pack(config)
        code, name = cfg.la.old_code or code, cfg.title.removesuffix(" SEND evidence pack")
        builder = Builder(cfg, variant="public", reports=Path(reports), pdf=False, jobs=1,
                          progress=lambda m: None, kernels=_process_kernels(cfg.root or Path.cwd()),
                          notebook_parameters={"00_data_quality": {"release_cache": shared}})
        result = builder.run()
    except Exception as exc:  # noqa: BLE001 - one LA's failure, whatever it is, is reported and never stops the rest
        message = getattr(exc, "message", None) or str(exc)
        if not isinstance(exc, (BuildError, InputError)):
            message = f"{type(exc).__name__}: {message}"
        return _failed(code, name, message)
    metrics_file = result.pack_dir / "data" / "metrics_02_timeliness.json"
    headline = json.loads(metrics_file.read_text()).get("pct_within_20_weeks_ex", {}) if metrics_file.exists() else {}
    return {"code": code, "name": name, "seconds": time.perf_counter() - t,
            "timeliness": headline.get("value"), "period": headline.get("period")}


def chosen_las(table: pd.DataFrame, current: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """The current LAs named in ``--las`` (DfE numbers, codes or names), in the order given."""
    wanted = resolve_las(table, items, file="--las", key="--las")
    gone = [w for w in wanted if w not in set(current["old_code"])]
    if gone:
        ref = councils().get(gone[0])
        after = ", ".join(f"{councils()[s].name} ({s})" for s in ref.successors if s in councils()) if ref else ""
        raise InputError("--las", "this council no longer exists, so it has no current pack",
                         expected=f"its successors: {after}" if after else "a current council",
                         found=gone[0])
    return current.set_index("old_code").loc[wanted].reset_index()


def la_configs(cfg: PackConfig, release: ees.Release, las: pd.DataFrame, folder: Path) -> list[str]:
    """Write one pack config per LA into ``folder`` (see :func:`la_config`); return their paths."""
    base = yaml.safe_load(cfg.source_path.read_text(encoding="utf-8")) if cfg.source_path else {}
    base["inputs"] = {"ees": [str(p) for p in cfg.inputs.ees]}
    if cfg.inputs.neighbours is not None:
        base["inputs"]["neighbours"] = str(cfg.inputs.neighbours)
    areas = Areas(release.table)
    folder.mkdir(exist_ok=True)
    paths = []
    for row in las.itertuples(index=False):
        path = folder / f"{row.old_code}.yaml"
        path.write_text(yaml.safe_dump(la_config(base, row.old_code, row.name, areas.codes_of(row.old_code)),
                                       sort_keys=False))
        paths.append(str(path))
    return paths


def _run_dask(paths: list[str], shared: Path, out: Path, scheduler: str | None,
              progress: Progress) -> list[dict[str, object]]:
    """Build each LA's pack on a Dask distributed cluster."""
    from dask.distributed import Client  # noqa: PLC0415 - dask is needed only with --executor dask

    try:
        client = Client(scheduler, timeout=30)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise InputError("--scheduler", "cannot reach the Dask scheduler", found=scheduler,
                         expected=f"the address of a running scheduler, e.g. tcp://127.0.0.1:8786 ({exc})") from None
    results: list[dict[str, object]] = []
    with client:
        futures = client.map(build_one, paths, shared=str(shared), reports=str(out), pure=False)
        for fut in futures:
            results.append(fut.result())
            progress(_line(results[-1]))
    return results


def _run_local(paths: list[str], shared: Path, out: Path, jobs: int | None,
               progress: Progress) -> list[dict[str, object]]:
    """Build each LA's pack in worker processes (not threads: rendering is Python work that would share a GIL)."""
    results: list[dict[str, object]] = []
    with cf.ProcessPoolExecutor(max_workers=max(1, jobs or 1)) as workers:
        futures = [workers.submit(build_one, p, str(shared), str(out)) for p in paths]
        for path, fut in zip(paths, futures, strict=True):
            try:
                results.append(fut.result())
            except cf.process.BrokenProcessPool as exc:  # a worker process died (killed, out of memory)
                code = Path(path).stem
                results.append(_failed(code, code, f"its worker process died ({exc})"))
            progress(_line(results[-1]))
    return results


def build_all_las(config: str | Path | PackConfig, *, jobs: int | None = None, force: bool = False,
                  executor: str = "local", scheduler: str | None = None, progress: Progress = print,
                  limit: int | None = None, las: list[str] | None = None) -> Path:
    """Build every LA's pack (or those named in ``las``); return the folder holding them and the landing page.

    ``config`` is the national config, loaded or the path of one."""
    cfg = config if isinstance(config, PackConfig) else load_pack(config)
    out = (cfg.root or Path.cwd()) / "reports" / cfg.pack
    if force:
        shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    release = ees.read_release(cfg.inputs.ees)
    shared = out / "_release"
    ees.save_release(release, shared)
    read_breakdowns(cfg.inputs.ees).to_parquet(shared / BREAKDOWNS_FILE, index=False)  # read once for every LA
    chosen = current_las(release.table)
    if las:
        chosen = chosen_las(release.table, chosen, las)
    if limit:
        chosen = chosen.head(limit)
    paths = la_configs(cfg, release, chosen, out / "_configs")
    progress(f"read the release once in {time.perf_counter() - t0:.1f} s; building {len(paths)} LA packs")
    if executor == "dask":
        results = _run_dask(paths, shared, out, scheduler, progress)
    else:
        results = _run_local(paths, shared, out, jobs, progress)
    write_landing_page(out, cfg.title, results, synthetic=cfg.synthetic)
    wall = time.perf_counter() - t0
    failed = [r for r in results if r.get("error")]
    progress(f"built {len(results) - len(failed)} LA packs in {wall:.0f} s "
             f"({wall / max(1, len(results)):.1f} s per LA)")
    if failed:
        raise BuildError(f"{len(failed)} of {len(results)} LA packs failed; first: {failed[0]['name']}: "
                         f"{failed[0]['error']}")
    return out


def _line(result: dict[str, object]) -> str:
    if result.get("error"):
        return f"  {result['name']}: FAILED: {result['error']}"
    return f"  {result['name']}: {result['seconds']:.1f} s"


def write_landing_page(out: Path, title: str, results: list[dict[str, object]], *, synthetic: bool) -> Path:
    """``index.html`` listing every LA's pack with its latest 20-week timeliness (DfE definition)."""
    def row(r: dict[str, object]) -> str:
        code, name = html.escape(str(r["code"])), html.escape(str(r["name"]))
        if r.get("error"):
            return f'<tr><th scope="row">{name}</th><td>{code}</td><td>not built (see the build log)</td></tr>'
        value = "–" if r["timeliness"] is None else f"{float(r['timeliness']):.1f}%"  # type: ignore[arg-type]
        return (f'<tr><th scope="row"><a href="{code}/index.html">{name}</a></th><td>{code}</td>'
                f'<td class="num">{value}</td></tr>')

    rows = "".join(row(r) for r in sorted(results, key=lambda r: str(r["name"])))
    banner = ('<div class="banner banner-synthetic" role="note"><strong>Synthetic demonstration data.</strong> '
              "The figures in these packs are made up.</div>") if synthetic else ""
    page = (f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1.0"><title>{html.escape(title)}: all councils</title>'
            f"<style>{pack_css()}</style></head><body>"
            f'<a class="skip-link" href="#main-content">Skip to main content</a>{banner}'
            f'<main id="main-content"><h1>{html.escape(title)}: every council</h1>'
            f"<p>One evidence pack per council, built from the DfE release only.</p>"
            f'<table class="data-table"><caption>Councils, with plans issued within 20 weeks (excluding exceptions), '
            f"latest year</caption><thead><tr><th scope=\"col\">Council</th><th scope=\"col\">DfE number</th>"
            f'<th scope="col">Within 20 weeks</th></tr></thead><tbody>{rows}</tbody></table></main></body></html>')
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
