"""Action-plan scorecard: each RAG outcome hand-checked against RAG_RULE, findings and key messages."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import scorecard as sc
from helpers.pack.config import PackConfig

AS_OF = dt.date(2025, 9, 30)


def config(*areas: dict) -> PackConfig:
    return PackConfig.model_validate({
        "pack": "t", "title": "T", "la": {"name": "Northby"}, "period_end": AS_OF, "inputs": {"ees": ["x"]},
        "action_plan": list(areas),
    })


def area(**kw) -> dict:
    base = {"id": "A1", "title": "Issue plans within 20 weeks", "metric": "02_timeliness.pct",
            "baseline": 16.4, "baseline_label": "2022", "target": 60, "due": "2026-03-31",
            "evidence": "02_timeliness"}
    return {**base, **kw}


def metrics(**record) -> dict:
    rec = {"value": 33.3, "unit": "%", "label": "Plans issued within 20 weeks", "period": "2024"}
    return {"02_timeliness": {"pct": {**rec, **record}}}


def rate(area_kw: dict, record: dict) -> sc.AreaStatus:
    return sc.scorecard(config(area(**area_kw)), metrics(**record))[0]


def test_green_when_target_met():
    """62.0% ≥ target 60 → Green, whatever the trend."""
    s = rate({}, {"value": 62.0, "trend": "deteriorating"})
    assert s.rag == "Green"
    assert s.finding == ("Plans issued within 20 weeks: 62.0% in 2024, up 45.6 percentage points since the "
                         "baseline of 16.4% in 2022; meets the target of 60.0% due by 31 March 2026.")


def test_amber_when_not_met_but_spc_says_improving():
    """33.3% < 60: not met; SPC trend 'improving' → Amber."""
    assert rate({}, {"trend": "improving"}).rag == "Amber"


def test_amber_without_a_trend_test_when_better_than_baseline():
    """No tested trend; 33.3% is 16.9 points above the 16.4% baseline → improving → Amber."""
    s = rate({}, {})
    assert s.rag == "Amber"
    assert s.change == "Up 16.9 percentage points since the baseline"


def test_amber_on_trajectory_even_if_trend_not_significant():
    """Latest 50, previous 40 (a year earlier): +10/yr. Due 31 Mar 2026 is 182 days after 30 Sep 2025 = 0.498 yr →
    projected 50 + 10 × 0.498 = 54.98, short of 60: not on trajectory → Red. With target 54 it is → Amber."""
    assert rate({}, {"value": 50.0, "previous": 40.0, "trend": "no significant change"}).rag == "Red"
    assert rate({"target": 54}, {"value": 50.0, "previous": 40.0, "trend": "no significant change"}).rag == "Amber"


def test_red_when_not_met_and_getting_worse():
    """SPC 'deteriorating' → Red; and without a trend, 15.0% below the 16.4% baseline → Red."""
    assert rate({}, {"trend": "deteriorating"}).rag == "Red"
    assert rate({}, {"value": 15.0}).rag == "Red"


def test_red_when_no_change():
    """16.44% rounds to the baseline's 16.4%: no change, not met → Red."""
    assert rate({}, {"value": 16.44}).rag == "Red"


def test_red_when_due_date_passed_even_if_improving():
    assert rate({"due": "2025-06-30"}, {"trend": "improving"}).rag == "Red"


def test_lower_is_better_backlog():
    """Backlog of overdue assessments: 120 now, baseline 180, target 25, lower is better.
    120 > 25 → not met; 120 < 180 → improving → Amber. 20 ≤ 25 → Green. 200 > 180 → Red."""
    kw = {"metric": "02_timeliness.pct", "baseline": 180, "target": 25, "higher_is_better": False}
    assert rate(kw, {"value": 120, "unit": "count"}).rag == "Amber"
    assert rate(kw, {"value": 20, "unit": "count"}).rag == "Green"
    s = rate(kw, {"value": 200, "unit": "count"})
    assert s.rag == "Red" and s.change == "Up 11% since the baseline"  # 20/180 = 11.1%


def test_record_higher_is_better_used_when_area_does_not_say():
    """Area leaves higher_is_better unset; the record says lower is better: 120 vs baseline 180 is improving."""
    assert rate({"baseline": 180, "target": 25}, {"value": 120, "unit": "count", "higher_is_better": False}).rag \
        == "Amber"


def test_grey_when_no_metric_or_no_value():
    cfg = config(area(), {"id": "A6", "title": "Families feel informed while they wait",
                          "note": "needs a parent carer survey"})
    statuses = sc.scorecard(cfg, {"02_timeliness": {"pct": {"value": None, "unit": "%", "label": "x"}}})
    assert [s.rag for s in statuses] == ["Grey", "Grey"]
    assert statuses[1].finding == ("Families feel informed while they wait: no data in this pack "
                                   "(needs a parent carer survey).")
    assert sc.scorecard(config(area()), {})[0].rag == "Grey"  # notebook not run / metric missing


def test_benchmark_words_not_colour():
    """33.3% vs England 46.4% (higher is better) → worse; vs region 30.0% → better."""
    s = rate({}, {"england": 46.4, "region": 30.0})
    assert s.benchmark == "Worse than England (46.4%); better than the region (30.0%)"
    assert rate({}, {"benchmark": "In the lowest quartile (band D)"}).benchmark == "In the lowest quartile (band D)"


def test_trend_text():
    assert rate({}, {"trend": "improving"}).trend == "Improving"
    assert rate({}, {"previous": 28.7}).trend == "Up 4.6 percentage points on last year"
    assert rate({}, {}).trend == "Not available"


def test_table_has_status_words_and_rule_mentions_every_status():
    table = sc.scorecard_table(sc.scorecard(config(area()), metrics()))
    assert table.loc[0, "Status"] == "Amber: not met yet, improving"
    assert table.loc[0, "Latest"] == "33.3% (2024)"
    assert table.loc[0, "Due"] == "31 Mar 2026"
    assert table.loc[0, "Baseline"] == "16.4%, 2022"
    for word in ("Green", "Amber", "Red", "Grey"):
        assert f"{word}:" in sc.RAG_RULE


def test_key_messages_worst_first_with_links():
    cfg = config(area(id="A1", title="Timeliness"),
                 area(id="A2", title="Decisions", metric="02_timeliness.dec", target=90),
                 area(id="A3", title="EP advice", metric="03_ep_workforce.adv", baseline=35, target=80,
                      evidence="03_ep_workforce"),
                 {"id": "A6", "title": "Families"})
    m = {"02_timeliness": {"pct": {"value": 33.3, "unit": "%", "label": "Plans in 20 weeks", "period": "2024"},
                           "dec": {"value": 95.0, "unit": "%", "label": "Decisions in 6 weeks"}},
         "03_ep_workforce": {"adv": {"value": 30.0, "unit": "%", "label": "EP advice in 6 weeks"}}}
    msgs = sc.key_messages(m, cfg)
    assert 3 <= len(msgs) <= 5
    assert msgs[0] == (("Of 4 action-plan areas, 1 is on target (Green), 1 is improving but not yet on target "
                        "(Amber), 1 is off target and not improving (Red) and 1 has no data in this pack (Grey)."),
                       "#scorecard")
    assert [href for _, href in msgs[1:]] == ["03_ep_workforce.html", "02_timeliness.html", "02_timeliness.html"]
    assert msgs[1][0].startswith("Red – EP advice in 6 weeks: 30.0%")  # Red first, status in words


def test_key_messages_fall_back_to_notebook_findings():
    """One rated area gives two messages (summary + its finding), so notebook findings fill up to five, skipping
    the metric the area already reports (01_request_growth.used)."""
    cfg = config(area(metric="01_request_growth.used"))
    m = {"01_request_growth": {"growth": {"value": 8.0, "unit": "%", "finding": "requests grew 8% a year"},
                               "used": {"value": 1.0, "unit": "%", "finding": "Already in the scorecard."}},
         "04_benchmarks": {"a": {"value": 1}, "b": {"value": 2, "finding": "Timeliness is in band D."}}}
    msgs = sc.key_messages(m, cfg)
    assert [href for _, href in msgs] == ["#scorecard", "02_timeliness.html", "01_request_growth.html",
                                          "04_benchmarks.html"]
    assert msgs[2:] == [("Requests grew 8% a year.", "01_request_growth.html"),
                        ("Timeliness is in band D.", "04_benchmarks.html")]


@pytest.mark.parametrize(("latest", "prev", "target", "due", "expected"), [
    (50.0, 40.0, 59.9, dt.date(2026, 9, 30), True),    # +10/yr × 365/365.25 yr → 59.99 meets 59.9
    (50.0, 40.0, 60.0, dt.date(2026, 9, 30), False),   # 59.99 < 60
    (50.0, None, 51.0, dt.date(2026, 9, 30), False),   # no previous: cannot project
])
def test_on_trajectory(latest, prev, target, due, expected):
    assert sc.on_trajectory(latest, prev, target, due, AS_OF, True) is expected


def test_small_count_hidden_in_public_build_but_rated_on_true_value():
    """Backlog of 3 cases (target 25, lower is better): Green on the true value; shown as 'fewer than 5'."""
    kw = {"baseline": 180, "target": 25, "higher_is_better": False}
    cfg = config(area(**kw))
    m = metrics(value=3, unit="count", previous=40)
    s = sc.scorecard(cfg, m, threshold=5)[0]
    assert s.rag == "Green" and s.latest_text == "fewer than 5"
    assert "3" not in s.finding.replace("31 March", "") and "fewer than 5" in s.finding
    assert s.finding == ("Plans issued within 20 weeks: fewer than 5 in 2024 (baseline 180 in 2022); meets the "
                         "target of 25 due by 31 March 2026.")
    assert sc.scorecard_table([s]).loc[0, "Latest"] == "fewer than 5 (2024)"
    assert sc.scorecard(cfg, m)[0].latest_text == "3"  # restricted/reviewer builds show it


def test_messages_and_rule_html_escape_and_link():
    out = sc.messages_html([("Plans <b> & more.", "03_ep_workforce.html"), ("Summary.", "#scorecard")])
    assert "Plans &lt;b&gt; &amp; more." in out
    assert '<a href="03_ep_workforce.html">Evidence: EP workforce page</a>' in out
    assert '<a href="#scorecard">Evidence: the scorecard below</a>' in out
    rule = sc.rule_html()
    assert 'id="scorecard"' in rule and rule.count("<li>") == 4


def test_headline_and_summary_metrics():
    cfg = config(area(), {"id": "A6", "title": "Families"})
    statuses = sc.scorecard(cfg, metrics(value=61.0))
    assert sc.headline("Northby", statuses, AS_OF) == \
        "Northby at 30 September 2025: 1 of 2 action-plan areas is on target."
    m = sc.summary_metrics(statuses, AS_OF)
    assert m["areas_green"]["value"] == 1 and m["areas_grey"]["value"] == 1 and m["areas_red"]["value"] == 0
    assert m["areas_green"]["period"] == "Sep 2025"


@pytest.mark.parametrize(("period", "expected"), [("30 Sep 2025", "at 30 Sep 2025"), ("2024", "in 2024"),
                                                  ("12 months to Sep 2025", "in the 12 months to Sep 2025"),
                                                  ("Sep 2025", "in Sep 2025")])
def test_period_phrase(period, expected):
    assert sc.period_phrase(period) == expected
