"""Assumptions log: every config assumption listed once, money assumptions kept apart for the exempt cell."""

from __future__ import annotations

import datetime as dt

from helpers.config import PackConfig
from helpers.pages import assumptions as a


def config(**kw) -> PackConfig:
    base = {
        "pack": "t", "title": "T", "la": {"name": "Northby"}, "period_end": dt.date(2025, 9, 30),
        "inputs": {"ees": ["x"]}, "synthetic": True,
        "assumptions": {
            "ep_hours_per_assessment": {"value": 17.4, "unit": "hours", "description": "d", "source": "DfE 2019",
                                        "quality": "medium"},
            "productive_hours_per_fte_year": {"value": 1100, "unit": "hours", "description": "d", "source": "local",
                                              "quality": "low", "owner": "PEP"},
            "locum_day_rate_gbp": {"value": 650, "unit": "GBP per day", "description": "d", "source": "contract"},
        },
    }
    return PackConfig.model_validate({**base, **kw})


def test_every_assumption_listed_once_split_by_commercial():
    cfg = config()
    public = a.table(cfg, commercial=False)
    exempt = a.table(cfg, commercial=True)
    assert public["Assumption"].tolist() == ["Productive hours per FTE year", "EP hours per assessment"]  # low first
    assert exempt["Assumption"].tolist() == ["Locum day rate GBP"]
    assert public.loc[0, "Owner"] == "PEP" and public.loc[1, "Owner"] == "Performance team"  # config default
    assert public.loc[0, "Quality"].startswith("Low:")
    assert list(public.columns) == ["Assumption", "Value", "Unit", "What it is", "Source", "Owner", "Quality"]


def test_quality_sentence_counts_and_names_low_rated():
    assert a.quality_sentence(config()) == (
        "The pack uses 3 modelling assumptions: 0 rated high quality, 2 medium and 1 low. Check the low-rated one "
        "(Productive hours per FTE year) before relying on results that use it.")
    assert a.quality_sentence(config(assumptions={})) == "This pack's config lists no modelling assumptions."


def test_caveats_follow_the_inputs():
    demo = a.caveats(config(inputs={"ees": ["x"], "sen2": "s.xml"}))
    assert demo[0].startswith("The data in this pack are synthetic")
    assert any("council's own case extract" in c for c in demo)
    real = a.caveats(config(synthetic=False))
    assert not any("synthetic" in c for c in real)
    assert any(c.startswith("No local case data were supplied") for c in real)
    assert any("shown as 'fewer than 5'" in c for c in real)


def test_summary_metrics_are_counts_only():
    m = a.summary_metrics(config())
    assert m["assumptions"].value == 3 and m["assumptions_low_quality"].value == 1
    assert "650" not in repr(m)  # the commercial day rate never reaches the metrics


def test_public_sentence_counts_what_the_public_table_shows():
    """3 assumptions, 1 commercial (the locum day rate), so the public table lists 2 (the demo: 9 and 8)."""
    text = a.quality_sentence(config(), commercial_shown=False)
    assert "The pack uses 3 modelling assumptions" in text
    assert "The table below lists 2; the other 1 is a price paid under contract" in text
    assert len(a.table(config(), commercial=False)) == 2


def test_value_and_quoted_source_percentage_must_agree():
    wrong = config(assumptions={"assessment_conversion": {
        "value": 0.7, "unit": "share", "description": "d", "source": "DfE: 101,045 of 154,489 (65%)"}})
    assert a.source_mismatches(wrong) == [
        "Assessment conversion: the value is 0.7 (70%) but its source quotes 65%."]
    right = config(assumptions={"assessment_conversion": {
        "value": 0.65, "unit": "share", "description": "d", "source": "DfE: 101,045 of 154,489 (65%)"}})
    assert a.source_mismatches(right) == []


def test_demo_config_assumptions_match_their_sources():
    from pathlib import Path

    from helpers.config import load_pack

    demo = load_pack(Path(__file__).resolve().parents[2] / "config" / "demo.yaml", check_inputs=False)
    assert a.source_mismatches(demo) == []


def test_page_bundles_and_warnings():
    """The page shows the public table and, in the exempt cell, the commercial one, each as a Table bundle with its
    caption and download name; a source that quotes another percentage becomes a sentence to check."""
    public, commercial = a.public_table(config()), a.commercial_table(config())
    assert public.caption == "Modelling assumptions: value, source, owner and quality rating"
    assert public.name == "assumptions" and len(public.data) == 2
    assert commercial.name == "assumptions-commercial" and commercial.data["Assumption"].tolist() == [
        "Locum day rate GBP"]
    assert a.commercial_table(config(assumptions={})).data.empty
    wrong = config(assumptions={"assessment_conversion": {
        "value": 0.7, "unit": "share", "description": "d", "source": "DfE: 101,045 of 154,489 (65%)"}})
    assert a.mismatch_warnings(wrong) == [
        "Check this assumption: Assessment conversion: the value is 0.7 (70%) but its source quotes 65%."]
    assert a.mismatch_warnings(config()) == []
