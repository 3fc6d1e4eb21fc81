"""``evidence-pack check``: validate the config and read every input through its reader, without notebooks."""

from __future__ import annotations

from typing import Any

from helpers.config import PackConfig, check_disclosure
from helpers.sources import ees, neighbours, outcomes, pilot, recruitment, sen2, therapies, workforce


def check_inputs(cfg: PackConfig) -> dict[str, Any]:
    """Read and validate every configured input; raise InputError on the first problem; return a summary.

    Also refuses what the build would refuse: a public variant with a disclosure threshold under 5 and no
    ``disclosure.threshold_override``."""
    warnings = [w for w in (check_disclosure(cfg, v) for v in cfg.variants) if w]

    release = ees.read_release(cfg.inputs.ees)
    la = ees.find_la(release.table, cfg.la, file=cfg.source_path or "config")
    if cfg.inputs.neighbours is not None:
        neighbours.read(cfg.inputs.neighbours)  # validated even when the config lists the neighbours itself
    found = neighbours.neighbours_for(la, cfg, release.table)
    years = release.table["year"]
    summary: dict[str, Any] = {
        "la": f"{la.name} (code {la.code}, DfE number {la.old_code}, {la.region_name})",
        "ees": f"{len(release.table):,} rows, years {int(years.min())}–{int(years.max())}",
    }
    if cfg.inputs.sen2 is not None:
        tables = sen2.read(cfg.inputs.sen2, reference_date=cfg.period_end)
        summary["sen2"] = f"{len(tables.persons):,} persons, {len(tables.requests):,} requests"
    if cfg.inputs.workforce is not None:
        staff = workforce.read(cfg.inputs.workforce)
        summary["workforce"] = f"{len(staff):,} periods"
    summary.update(_local_evidence(cfg))
    summary["neighbours"] = f"{len(found)} statistical neighbours" if found else "no statistical neighbours configured"
    if warnings:
        summary["disclosure"] = warnings[0].removeprefix("warning: ")
    return summary


def _local_evidence(cfg: PackConfig) -> dict[str, str]:
    """The council's own improvement-evidence inputs (issue 16), each read through its reader when configured."""
    found: dict[str, str] = {}
    if cfg.inputs.therapies is not None:
        found["therapies"] = f"{len(therapies.read(cfg.inputs.therapies)):,} rows"
    if cfg.inputs.outcomes is not None:
        found["outcomes"] = f"{len(outcomes.read(cfg.inputs.outcomes)):,} scores"
    if cfg.inputs.pilot_schools is not None and cfg.inputs.pilot_requests is not None:
        schools, requests = pilot.read(cfg.inputs.pilot_schools, cfg.inputs.pilot_requests)
        found["pilot"] = f"{len(schools):,} pilot schools, {len(requests):,} school-months"
    if cfg.inputs.recruitment is not None:
        found["recruitment"] = f"{len(recruitment.read(cfg.inputs.recruitment)):,} months"
    return found
