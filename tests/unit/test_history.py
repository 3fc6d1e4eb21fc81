"""Pack history: entries kept per period (helpers.pack.history), the previous pack found, and the "Since the last
pack" figures (helpers.analysis.history, in words by helpers.pages.inspection_readiness_history)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers.analysis.history import Current
from helpers.pack import history
from helpers.sources import history as earlier
from helpers.pages import inspection_readiness_history as since
from helpers.errors import InputError
from helpers.config import load_pack
from helpers.pack.outputs import parse_formats

ROOT = Path(__file__).resolve().parents[2]


def fake_pack(folder: Path, period: str, metrics: dict[str, dict], statuses: dict[str, str],
              finished: str = "2025-07-05T10:00:00+00:00") -> Path:
    (folder / "data").mkdir(parents=True)
    for nb, values in metrics.items():
        (folder / "data" / f"metrics_{nb}.json").write_text(json.dumps(values), encoding="utf-8")
    card = {"period_end": period, "headline": "", "areas": [{"id": k, "rag": v} for k, v in statuses.items()]}
    (folder / "data" / earlier.SCORECARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps({"config": {"period_end": period}, "finished": finished}))
    return folder


JUNE = {"02_timeliness": {"pct_within_20_weeks_ex": {"value": 38.0, "unit": "%", "label": "x", "period": "2024"},
                          "open_past_20_weeks": {"value": 40, "unit": "count", "label": "x", "period": "2024"}},
        "03_ep_workforce": {"advice_within_6_weeks_pct": {"value": 10.1, "unit": "%", "label": "x",
                                                          "period": "2024"}}}


def test_record_replaces_the_period_and_carry_keeps_history(tmp_path: Path) -> None:
    pack = fake_pack(tmp_path / "demo", "2025-06-30", JUNE, {"A1": "Red"})
    entry = history.record(pack, dt.date(2025, 6, 30))
    assert entry == pack / "history" / "2025-06-30"
    assert sorted(p.name for p in entry.iterdir()) == ["manifest.json", "metrics_02_timeliness.json",
                                                       "metrics_03_ep_workforce.json", "scorecard.json"]
    (entry / "stale.json").write_text("{}")
    (pack / "data" / "metrics_03_ep_workforce.json").unlink()
    history.record(pack, dt.date(2025, 6, 30))  # a rebuild for the same period replaces its entry
    assert sorted(p.name for p in entry.iterdir()) == ["manifest.json", "metrics_02_timeliness.json", "scorecard.json"]
    staging = tmp_path / "staging"
    staging.mkdir()
    history.carry(pack, staging)
    assert (staging / "history" / "2025-06-30" / "metrics_02_timeliness.json").read_bytes() == \
        (pack / "data" / "metrics_02_timeliness.json").read_bytes()
    (staging / "history" / "2025-06-30" / "scorecard.json").write_text("[]")
    history.carry(pack, staging)  # never overwrites the staging folder's own copy
    assert (staging / "history" / "2025-06-30" / "scorecard.json").read_text() == "[]"


def test_previous_is_the_latest_earlier_period(tmp_path: Path) -> None:
    pack = tmp_path / "demo"
    for period in ("2025-03-31", "2025-06-30", "2025-09-30"):
        src = fake_pack(tmp_path / f"src-{period}", period, JUNE, {"A1": "Red"})
        (pack / "history").mkdir(parents=True, exist_ok=True)
        history.record(src, dt.date.fromisoformat(period)).rename(pack / "history" / period)
    assert earlier.previous(pack, dt.date(2025, 9, 30)).period_end == dt.date(2025, 6, 30)
    assert earlier.previous(pack, dt.date(2025, 12, 31)).period_end == dt.date(2025, 9, 30)
    assert earlier.previous(pack, dt.date(2025, 3, 31)) is None  # only the same period: nothing earlier
    other = fake_pack(tmp_path / "other-pack", "2024-12-31", JUNE, {"A1": "Green"})
    chosen = earlier.previous(pack, dt.date(2025, 9, 30), compare_with=other)
    assert chosen.period_end == dt.date(2024, 12, 31) and chosen.statuses["A1"]["rag"] == "Green"
    assert since.description(chosen) == "the pack for the period to 31 December 2024, built on 5 July 2025"
    with pytest.raises(InputError, match="no earlier pack"):
        earlier.previous(pack, dt.date(2025, 9, 30), compare_with=tmp_path / "missing")


def test_compare_with_resolves_against_the_project_root() -> None:
    cfg = load_pack(ROOT / "config" / "demo.yaml").model_copy(update={"compare_with": Path("reports/old")})
    assert earlier.compare_folder(cfg) == ROOT / "reports" / "old"
    assert earlier.compare_folder(cfg.model_copy(update={"compare_with": None})) is None


def test_movements_previous_latest_change_and_status(tmp_path: Path) -> None:
    cfg = load_pack(ROOT / "config" / "demo.yaml")
    before = earlier.load_entry(fake_pack(tmp_path / "june", "2025-06-30", JUNE,
                                          {"A1": "Red", "A3": "Amber", "A4": "Red"}))
    rows = [{"id": "A1", "measure": "Plans within 20 weeks", "unit": "%", "latest": 43.5, "rag": "Amber"},
            {"id": "A3", "measure": "Open past 20 weeks", "unit": "count", "latest": 3, "rag": "Green"},
            {"id": "A4", "measure": "EP advice", "unit": "%", "latest": 10.1, "rag": "Red"},
            {"id": "A6", "measure": "Families informed", "unit": None, "latest": None, "rag": "Grey"}]
    moves = since.movements([Current.from_row(r) for r in rows], cfg, before)
    a1, a3, a4, a6 = (since.shown(m, threshold=5) for m in moves)
    # A1: 43.5 - 38.0 = 5.5 percentage points
    assert (moves[0].previous, moves[0].latest, a1.previous_text, a1.latest_text) == (38.0, 43.5, "38.0%", "43.5%")
    assert a1.change == "Up 5.5 percentage points since the previous pack" and a1.status_text == "Red to Amber"
    # A3: latest 3 is a small count: shown as "fewer than 5" and no change given
    assert (a3.previous_text, a3.latest_text, a3.change) == ("40", "fewer than 5", "Not shown (small number)")
    assert a3.status_text == "Amber to Green"
    assert a4.change == "No change since the previous pack" and a4.status_text == "Still Red"
    assert (a6.previous_text, a6.change, a6.status_text) == ("not available", "Not available",
                                                               "Grey (previous status not recorded)")
    sentence = since.summary_sentence(moves, before, dt.date(2025, 9, 30))
    assert sentence == ("Compared with the pack for the period to 30 June 2025, built on 5 July 2025: 2 of 4 "
                        "action-plan areas changed status (2 better).")
    assert since.summary_sentence([], None, dt.date(2025, 9, 30)).startswith(
        "There is no earlier pack to compare with")
    table = since.movement_table(moves[:1], before, dt.date(2025, 9, 30))
    assert list(table.columns) == ["Measure", "Previous pack (Jun 2025)", "This pack (Sep 2025)", "Change", "Status"]


def test_parse_formats() -> None:
    assert parse_formats(None) == {"html", "pdf", "docx", "xlsx"}
    assert parse_formats("docx") == {"html", "docx"}  # the pages are always written
    assert parse_formats(" PDF, html ") == {"html", "pdf"}
    with pytest.raises(InputError, match="unknown output format"):
        parse_formats("html,odt")
    with pytest.raises(InputError):
        parse_formats("")


def test_a_malformed_metrics_file_in_the_history_is_refused_naming_it(tmp_path: Path) -> None:
    """An earlier pack's metrics are read typed: a 95% range upside down stops the comparison with one message
    naming the file."""
    bad = {"02_timeliness": {"pct": {"value": 38.0, "unit": "%", "label": "x", "period": "2024", "lower_95": 40.0,
                                     "upper_95": 30.0}}}
    folder = fake_pack(tmp_path / "june", "2025-06-30", bad, {"A1": "Red"})
    with pytest.raises(InputError, match="not a valid metrics file") as caught:
        earlier.load_entry(folder)
    assert "metrics_02_timeliness.json" in str(caught.value)
    entry = earlier.load_entry(fake_pack(tmp_path / "ok", "2025-06-30", JUNE, {"A1": "Red"}))
    assert entry.metrics["02_timeliness"]["open_past_20_weeks"].value == 40
