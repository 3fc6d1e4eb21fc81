"""``evidence-pack inspection CONFIG``: the inspection data request in minutes (restricted variant only).

Builds ``00_data_quality`` and ``10_inspection_data_request`` into ``reports/<pack>-restricted/`` (the page shows
counts, never names), then writes the person-level lists to
``reports/<pack>-restricted/inspection/inspection_lists.xlsx`` (folder 0o700, file 0o600) and a record of what
personal data were written and where, ``inspection/personal_data.json`` (0o600), which ``manifest.json`` carries
as ``personal_data`` (:func:`personal_data_record`, :func:`note_in_manifest`). The public pack never holds either.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from helpers.analysis import inspection, inspection_summary
from helpers.config import PackConfig, load_pack
from helpers.errors import InputError
from helpers.pack.build import Builder, Progress
from helpers.pack.keys import sha256_file
from helpers.pack.staging import pack_lock
from helpers.pages.inspection_request import describe_sample
from helpers.present import inspection_workbook as workbook
from helpers.present.page import local_cases

VARIANT = "restricted"
FOLDER = "inspection"
RECORD = "personal_data.json"


def write_lists(cfg: PackConfig, pack_dir: Path, la_name: str) -> dict[str, Any]:
    """Write the workbook and its record under ``<pack_dir>/inspection/``; returns the record."""
    if cfg.inputs.sen2 is None:
        raise InputError(cfg.source_path or "config", "no SEN2 person-level extract, so there are no lists",
                         where="key 'inputs.sen2'", expected="the SEN2 XML or flat CSV")
    tables, cases = local_cases(Path(cfg.inputs.sen2), cfg.period_end)
    list_one = inspection.list_one(tables, cfg.period_end)
    open_requests = inspection.open_requests(tables, cases)
    seed = inspection_summary.sample_seed(cfg.period_end)
    sample = inspection_summary.deep_dive_sample(list_one, seed)
    out = workbook.write_lists(pack_dir / FOLDER / workbook.WORKBOOK_NAME, la_name=la_name,
                               period_end=cfg.period_end, list_one=list_one, open_requests=open_requests,
                               sample=sample, sample_rule=describe_sample(sample, seed),
                               source_name=Path(str(cfg.inputs.sen2)).name, synthetic=cfg.synthetic)
    rows = {"List_1_EHC_plans": len(list_one), "Open_requests": len(open_requests), "Deep_dive_sample": len(sample)}
    record = personal_data_record(pack_dir, out, rows, seed)
    fd = os.open(pack_dir / FOLDER / RECORD, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, workbook.FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return record


def personal_data_record(pack_dir: Path, workbook_path: Path, rows: dict[str, int], seed: int) -> dict[str, Any]:
    """What the manifest says about personal data: that they were written, where, how many rows, the file's
    hash and permissions (no value from the lists)."""
    return {
        "personal_data_written": True,
        "marking": workbook.MARKING,
        "file": workbook_path.relative_to(pack_dir).as_posix(),
        "file_mode": oct(workbook_path.stat().st_mode & 0o777),
        "folder_mode": oct(workbook_path.parent.stat().st_mode & 0o777),
        "sha256": sha256_file(workbook_path),
        "rows": rows,
        "sample_seed": seed,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def run(config: str | Path, *, progress: Progress = print, reports: Path | None = None) -> dict[str, Any]:
    """Write the lists into ``reports/<pack>-restricted/inspection/``, then build the restricted pack, its
    inspection page included (the build copies the folder into the new pack, so its manifest can carry the
    record); returns the personal-data record, which is also put in ``manifest.json`` when the build did not
    (:func:`note_in_manifest`).
    """
    cfg = load_pack(config)
    # the whole restricted pack (what is up to date is not re-run), so the command adds the lists to it rather than
    # replacing it with two pages
    builder = Builder(config, variant=VARIANT, pdf=False, formats=["html"], progress=progress, reports=reports)
    builder.reports.mkdir(parents=True, exist_ok=True)
    with pack_lock(builder.reports, builder.pack_dir.name):  # not while a build of this pack is swapping it
        la_name = cfg.la.name or f"Council {cfg.la.old_code or cfg.la.code}"
        record = write_lists(cfg, builder.pack_dir, la_name)
    builder.run()
    note_in_manifest(builder.pack_dir, record)
    progress(f"personal data written to {record['file']} in {builder.pack_dir} (owner-only, {record['file_mode']})")
    return record


def note_in_manifest(pack_dir: Path, record: dict[str, Any]) -> None:
    """Put ``record`` in ``<pack_dir>/manifest.json`` as ``personal_data`` unless the build already did."""
    path = pack_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("personal_data") != record:
        manifest["personal_data"] = record
        path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def cli_main(args: argparse.Namespace, progress: Progress = print) -> int:
    """The ``inspection`` subcommand: ``args.config`` is the pack config; exit code 0 on success."""
    run(args.config, progress=progress)
    return 0
