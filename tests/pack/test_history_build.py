"""Two quarters built one after the other: the history keeps both and the front page says what moved.

One slow test (three builds of the pages the scorecard reads, no PDF): June 2025, then September 2025, then a
third build that fails, which must leave both history entries as they were.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import docx
import pytest

from helpers.present import narrative
from helpers.pack import cli
from helpers.config import load_pack
from project_copy import copy_project

pytestmark = pytest.mark.slow

ONLY = "02_timeliness,03_ep_workforce,04_plans_and_reviews,08_inspection_readiness"


def build(project: Path, *args: str) -> int:
    return cli.main(["build", str(project / "config" / "demo.yaml"), "--no-pdf", "--jobs", "2", "--only", ONLY,
                     *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def metrics(folder: Path) -> dict[str, dict]:
    return {p.stem.removeprefix("metrics_"): json.loads(p.read_text()) for p in folder.glob("metrics_*.json")}


def test_since_the_last_pack_and_history_survive_a_failed_build(tmp_path: Path) -> None:
    from test_build import add_notebook

    project = copy_project(tmp_path / "project")
    config = project / "config" / "demo.yaml"
    text = config.read_text(encoding="utf-8")
    assert "period_end: 2025-09-30" in text
    config.write_text(text.replace("period_end: 2025-09-30", "period_end: 2025-06-30"), encoding="utf-8")
    pack = project / "reports" / "demo"
    assert build(project) == 0
    june = metrics(pack / "data")
    first = (pack / "downloads" / "08_inspection_readiness-since-last-pack.csv")
    assert not first.exists()  # no earlier pack: one sentence, no table
    assert "There is no earlier pack to compare with" in (pack / "index.html").read_text(encoding="utf-8")

    config.write_text(text, encoding="utf-8")  # September 2025
    assert build(project, "--force") == 0  # --force starts from an empty staging folder: history carried across
    september = metrics(pack / "data")
    entries = sorted(p.name for p in (pack / "history").iterdir())
    assert entries == ["2025-06-30", "2025-09-30"]
    assert metrics(pack / "history" / "2025-06-30") == june
    assert metrics(pack / "history" / "2025-09-30") == september
    built = json.loads((pack / "history" / "2025-06-30" / "manifest.json").read_text())["finished"][:10]

    cfg = load_pack(config)
    with open(pack / "downloads" / "08_inspection_readiness-since-last-pack.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["Measure"] for r in rows][:5] and len(rows) == len(cfg.action_plan)
    threshold = cfg.disclosure.threshold
    compared = 0
    for area, row in zip(cfg.action_plan, rows, strict=True):
        if area.metric is None:
            assert row["Previous pack (Jun 2025)"] == "not available"
            continue
        nb, key = area.metric.split(".")
        before, after = june[nb][key], september[nb][key]
        for record, column in ((before, "Previous pack (Jun 2025)"), (after, "This pack (Sep 2025)")):
            value, unit = record["value"], record["unit"]
            small = unit == "count" and 0 < value < threshold
            assert row[column] == ("fewer than 5" if small else narrative.fmt(value, unit)), (area.id, column)
        compared += 1
    assert compared == 6
    assert any(r["Previous pack (Jun 2025)"] != r["This pack (Sep 2025)"] for r in rows)  # the quarters differ
    page = (pack / "index.html").read_text(encoding="utf-8")
    day = int(built[8:10])
    assert "Compared with the pack for the period to 30 June 2025, built on " in page and f"{day} " in page
    # the Word versions say the same
    doc = docx.Document(str(pack / "pack.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Previous pack (Jun 2025)")
    assert [[c.text for c in r.cells][:3] for r in table.rows[1:]] == \
        [[r["Measure"], r["Previous pack (Jun 2025)"], r["This pack (Sep 2025)"]] for r in rows]
    cover = docx.Document(str(pack / "cover-report.docx"))
    assert [r.cells[1].text for r in cover.tables[1].rows[1:]] == [r["Previous pack (Jun 2025)"] for r in rows]

    kept = snapshot(pack / "history")
    add_notebook(project, "07_broken", "x = 1\n1 / 0")
    assert cli.main(["build", str(config), "--no-pdf", "--jobs", "2", "--only", ONLY + ",07_broken"]) == 1
    assert snapshot(pack / "history") == kept
    assert not list((project / "reports").glob(".staging-*"))
