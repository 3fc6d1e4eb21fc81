"""Action-plan scorecard: each RAG outcome hand-checked against RAG_RULE, findings and key messages.

Rules from :mod:`helpers.analysis.scorecard`; rows, messages and tables from :mod:`helpers.pages.inspection_readiness`
and its parts. Metrics are written here as plain records and read as typed :class:`~helpers.metrics.Metric`.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from helpers.analysis import scorecard as sc
from helpers.analysis.scorecard_baselines import BaselineCheck
from helpers.config import PackConfig
from helpers.errors import InputError
from helpers.metrics import Metric, from_record
from helpers.pages import inspection_readiness as front
from helpers.pages import inspection_readiness_messages as km
from helpers.pages import inspection_readiness_status as status
from helpers.present.page import Page

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


def typed(records: dict) -> dict[str, dict[str, Metric]]:
    """Plain records as ``page.metrics()`` gives them (a label, period and unit filled in where a test leaves
    them out)."""
    return {nb: {k: from_record({"label": k, "period": "", "unit": None, **r}) for k, r in recs.items()}
            for nb, recs in records.items()}


def rate(area_kw: dict, record: dict) -> status.AreaStatus:
    return status.scorecard(config(area(**area_kw)), typed(metrics(**record)))[0]


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


def test_a_straight_line_trajectory_no_longer_overrides_the_tested_trend():
    """Latest 50, previous 40, target 54: the old rule made this Amber because +10 a year would reach 54 by the due
    date, while the evidence page's trend test said "no significant change". One test decides now: Red, and the
    row says why."""
    s = rate({"target": 54}, {"value": 50.0, "previous": 40.0, "trend": "no significant change",
                              "trend_basis": "the DfE figures for 2020 to 2024"})
    assert s.rag == "Red"
    assert s.trend == "No significant change (trend test on the DfE figures for 2020 to 2024)"
    assert s.reason == ("Red because the trend test on the DfE figures for 2020 to 2024 finds no significant change, "
                        "although the figure is up 33.6 percentage points since the baseline: one comparison with the "
                        "baseline is not a trend.")


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
    statuses = status.scorecard(cfg, typed({"02_timeliness": {"pct": {"value": None, "unit": "%", "label": "x"}}}))
    assert [s.rag for s in statuses] == ["Grey", "Grey"]
    assert statuses[1].finding == ("Families feel informed while they wait: no data in this pack "
                                   "(needs a parent carer survey).")
    assert status.scorecard(config(area()), {})[0].rag == "Grey"  # notebook not run / metric missing


def test_benchmark_words_not_colour():
    """33.3% vs England 46.4% (higher is better) → worse; vs region 30.0% → better."""
    s = rate({}, {"england": 46.4, "region": 30.0})
    assert s.benchmark == "Worse than England (46.4%); better than the region (30.0%)"
    assert rate({}, {"benchmark": "In the lowest quartile (band D)"}).benchmark == "In the lowest quartile (band D)"


def test_trend_text():
    """The Trend column says whether the figure was tested, and by what; an untested change says "Not tested"."""
    assert rate({}, {"trend": "improving"}).trend == "Improving"
    assert rate({}, {"previous": 28.7}).trend == "Not tested; up 4.6 percentage points on last year"
    assert rate({}, {}).trend == "Not tested"
    assert rate({}, {"trend_phrase": "not tested: only 3 points (x), too few for a trend"}).trend == (
        "Not tested: only 3 points (x), too few for a trend")


B = "the DfE figures for 2020 to 2024"


@pytest.mark.parametrize(("case", "area_kw", "record", "rag", "trend", "reason"), [
    # the demo's contradiction: up since the baseline, but the page's test says deteriorating -> Red, said why
    ("up since baseline, tested deteriorating", {}, {"value": 43.5, "trend": "deteriorating", "trend_basis": B},
     "Red", f"Deteriorating (trend test on {B})",
     f"Red because the trend test on {B} finds a significant deterioration, although the figure is up 27.1 "
     "percentage points since the baseline: one comparison with the baseline is not a trend."),
    # Kent's contradiction: the front page said Improving while the page's trend was not rising clearly
    ("tested no change", {}, {"value": 33.3, "trend": "no significant change", "trend_basis": B},
     "Red", f"No significant change (trend test on {B})",
     f"Red because the trend test on {B} finds no significant change, although the figure is up 16.9 percentage "
     "points since the baseline: one comparison with the baseline is not a trend."),
    ("tested improving", {}, {"value": 33.3, "trend": "improving", "trend_basis": B},
     "Amber", f"Improving (trend test on {B})", f"Amber because the trend test on {B} finds a significant "
     "improvement."),
    # "Trend: Not available" beside "improving": now the row says there is no test and what decided it
    ("untested, better than baseline", {}, {"value": 33.3}, "Amber", "Not tested",
     "Amber because there is no trend test for it and the figure is better than the baseline (up 16.9 percentage "
     "points since the baseline)."),
    ("untested, too few figures", {}, {"value": 33.3, "trend_phrase": "not tested: too few figures to test"}, "Amber",
     "Not tested: too few figures to test",
     "Amber because there is no trend test for it and the figure is better than the baseline (up 16.9 percentage "
     "points since the baseline)."),
    ("untested, worse than baseline", {}, {"value": 15.0}, "Red", "Not tested",
     "Red because there is no trend test for it and the figure is not better than the baseline (down 1.4 "
     "percentage points since the baseline)."),
    ("met", {}, {"value": 62.0, "trend": "deteriorating", "trend_basis": B}, "Green",
     f"Deteriorating (trend test on {B})", "Green because the latest figure meets the target."),
    ("due passed", {"due": "2025-06-30"}, {"value": 33.3, "trend": "improving", "trend_basis": B}, "Red",
     f"Improving (trend test on {B})", "Red because the due date (30 June 2025) has passed without meeting the "
     "target."),
])
def test_status_and_trend_come_from_one_test(case, area_kw, record, rag, trend, reason):
    """A table of cases: the status follows the Trend column's test, and the row states the rule applied,
    especially where the change since the baseline seems to say otherwise. The Status meaning never says
    "improving" beside a Trend that a test found not improving."""
    s = rate(area_kw, record)
    assert (s.rag, s.trend, s.reason) == (rag, trend, reason), case
    row = front.scorecard_frame([s]).iloc[0]
    assert row["Why this status"] == reason
    if s.trend.lower().startswith(("deteriorating", "no significant change")):
        assert s.rag != "Amber"


def test_baseline_checked_against_the_packs_own_figure():
    """Demo: baseline 16.4% typed for "2022 (inspection)" against the pack's own 2022 figure, 82.5% (33 of 40 here):
    the check differs and the warning reaches the scorecard row; a baseline labelled "Sep 2024" is not checked."""
    import pandas as pd

    rows = []
    for year, x, n in ((2022, 33.0, 40.0), (2023, 10.0, 40.0)):
        for level, code in (("Local authority", "999"), ("National", "E92000001"), ("Regional", "E12000008")):
            rows.append({"year": year, "geographic_level": level, "area_code": code, "area_name": code,
                         "region_code": "E12000008", "plans_issued": n, "plans_issued_within_20_weeks": x,
                         "plans_issued_20_to_52_weeks": n - x, "plans_issued_over_52_weeks": 0.0,
                         "plans_issued_ex": n, "plans_issued_within_20_weeks_ex": x,
                         "plans_issued_20_to_52_weeks_ex": n - x, "plans_issued_over_52_weeks_ex": 0.0})
    ees = pd.DataFrame(rows)
    cfg = config(area(metric="02_timeliness.pct_within_20_weeks_ex", baseline_label="2022 (inspection)"),
                 area(id="A2", metric="02_timeliness.pct_within_20_weeks_ex", baseline=82.3, baseline_label="2022"),
                 area(id="A3", metric="02_timeliness.pct_within_20_weeks_ex", baseline_label="Sep 2024"))
    checks = status.baseline_checks(cfg, ees, "999", "E12000008")
    assert [(c.area_id, c.year, c.pack_value, c.differs) for c in checks] == [
        ("A1", 2022, 82.5, True), ("A2", 2022, 82.5, False)]
    assert status.baseline_warning(checks[0]).startswith(
        "the pack's own DfE figure for 2022 is 82.5%, not the 16.4% typed")
    assert status.baseline_sentence(checks).startswith("Warning: 1 of 2 checked action-plan baselines differs from")
    assert status.baseline_table(checks)["Check"].tolist() == ["Differs: check the config", "Matches"]
    m = {"02_timeliness": {"pct_within_20_weeks_ex": {"value": 25.0, "unit": "%", "label": "x"}}}
    row = front.scorecard_frame(status.scorecard(cfg, typed(m), checks=checks)).iloc[0]
    assert "Warning: the pack's own DfE figure for 2022 is 82.5%" in row["Baseline"]
    assert status.baseline_sentence(checks[1:]) == (
        "1 of 1 checked action-plan baseline matches the pack's own DfE figure for its year.")
    no_figure = BaselineCheck("A5", "Annual reviews", 40.0, "2023", 2023, None, "%")
    assert status.baseline_sentence([checks[1], no_figure]) == (
        "1 of 1 checked action-plan baseline matches the pack's own DfE figure for its year. 1 baseline could not be "
        'checked, as the release has no figure for its year: "Annual reviews" (2023).')


def _gap_metrics() -> dict:
    """Kent's and Medway's 2024 figures from the DfE release (as the benchmarks page records them)."""
    def rec(value, england, neighbours, hib, message, label):
        r = {"value": value, "england": england, "neighbours": neighbours, "unit": "%", "period": "2024",
             "compare": True, "message": message, "label": label}
        if hib is not None:
            r["higher_is_better"] = hib
        return r
    return {"05_benchmarks": {
        "refusal_rate_pct": rec(57.9, 27.8, 30.0, None, "57.9% of decisions on requests were refusals", "Refusals"),
        "reviews_4_weeks_pct": rec(33.6, 44.4, 40.0, True, "33.6% of annual reviews in 4 weeks", "Reviews"),
        "timeliness_pct": rec(33.3, 46.4, 40.0, True, "33.3% of plans in 20 weeks", "Timeliness"),
        "decisions_6_weeks_pct": rec(90.0, 84.8, 88.0, True, "90.0% of decisions in 6 weeks", "Decisions"),
        "tribunal_share_pct": rec(2.0, 3.0, 2.5, None, "2.0% tribunal", "Tribunal"),
        "requests_growth_pct": {"value": 20.0, "england": 10.0, "unit": "%"},  # not flagged compare: not ranked
    }}


def test_key_messages_lead_with_the_largest_gap_whether_or_not_on_the_action_plan():
    """Gaps (pp, the larger of England and neighbours): refusals 30.1 (no better direction), timeliness 13.1
    worse, reviews 10.8 worse, decisions 5.2 better (after the worse ones), tribunal 1.0 (under 5: left out)."""
    cfg = config(area(metric="02_timeliness.pct"))
    m = {**_gap_metrics(), **metrics(trend="no significant change")}
    ranked = sc.gaps(typed(m))
    assert [g.key for g in ranked] == ["refusal_rate_pct", "timeliness_pct", "reviews_4_weeks_pct",
                                       "decisions_6_weeks_pct"]
    assert [round(g.size, 1) for g in ranked] == [30.1, 13.1, 10.8, 5.2]
    assert [g.worse for g in ranked] == [None, True, True, False]
    msgs = km.key_messages(typed(m), cfg, la_name="Kent")
    assert msgs[0] == ("Kent: 57.9% of decisions on requests were refusals in 2024, above England (27.8%) and above "
                       "its statistical neighbours (30.0%).", "05_benchmarks.html")
    assert msgs[2][0] == ("Kent: 33.6% of annual reviews in 4 weeks in 2024, worse than England (44.4%) and worse "
                          "than its statistical neighbours (40.0%).")
    assert msgs[3][0] == ("Kent: 90.0% of decisions in 6 weeks in 2024, better than England (84.8%) and better than "
                          "its statistical neighbours (88.0%).")
    assert msgs[4][1] == "#scorecard" and msgs[5][0].startswith("Red – Plans issued within 20 weeks")
    assert len(msgs) <= 7


def test_medway_decisions_and_plans_over_a_year_appear():
    """Medway 2024: decisions within 6 weeks 22.8% against England's 84.8% (62.0 pp worse); plans taking over a
    year 27.8% against England's 6.8% (21.0 pp worse, lower is better)."""
    m = {"05_benchmarks": {
        "decisions_6_weeks_pct": {"value": 22.8, "england": 84.8, "unit": "%", "period": "2024", "compare": True,
                                  "higher_is_better": True, "message": "22.8% of decisions were made in 6 weeks"},
        "over_a_year_pct": {"value": 27.8, "england": 6.8, "unit": "%", "period": "2024", "compare": True,
                            "higher_is_better": False, "message": "27.8% of new EHC plans took more than a year"}}}
    msgs = km.key_messages(typed(m), config(), la_name="Medway")
    assert [t for t, _ in msgs] == [
        "Medway: 22.8% of decisions were made in 6 weeks in 2024, worse than England (84.8%).",
        "Medway: 27.8% of new EHC plans took more than a year in 2024, worse than England (6.8%)."]


def test_table_has_status_words_and_rule_mentions_every_status():
    table = front.scorecard_frame(status.scorecard(config(area()), typed(metrics())))
    assert table.loc[0, "Status"] == "Amber: not met yet, moving towards it"
    assert table.loc[0, "Latest"] == "33.3% (2024)"
    assert table.loc[0, "Due"] == "31 Mar 2026"
    assert table.loc[0, "Baseline"] == "16.4%, 2022"
    for word in ("Green", "Amber", "Red", "Grey"):
        assert f"{word}:" in km.RAG_RULE


def test_key_messages_worst_first_with_links():
    cfg = config(area(id="A1", title="Timeliness"),
                 area(id="A2", title="Decisions", metric="02_timeliness.dec", target=90),
                 area(id="A3", title="EP advice", metric="03_ep_workforce.adv", baseline=35, target=80,
                      evidence="03_ep_workforce"),
                 {"id": "A6", "title": "Families"})
    m = {"02_timeliness": {"pct": {"value": 33.3, "unit": "%", "label": "Plans in 20 weeks", "period": "2024"},
                           "dec": {"value": 95.0, "unit": "%", "label": "Decisions in 6 weeks"}},
         "03_ep_workforce": {"adv": {"value": 30.0, "unit": "%", "label": "EP advice in 6 weeks"}}}
    msgs = km.key_messages(typed(m), cfg)
    assert 3 <= len(msgs) <= 5
    assert msgs[0] == (("Of 4 action-plan areas, 1 is on target (Green), 1 is moving towards its target but not yet "
                        "on it (Amber), 1 is off target and not moving towards it (Red) and 1 has no data in this pack "
                        "(Grey)."),
                       "#scorecard")
    assert [href for _, href in msgs[1:]] == ["03_ep_workforce.html", "02_timeliness.html", "02_timeliness.html"]
    assert msgs[1][0] == "Red – EP advice in 6 weeks: 30.0%, off target and not moving towards it (scorecard below)."


def test_key_messages_fall_back_to_notebook_findings():
    """One rated area gives two messages (summary + its finding), so notebook findings fill up to five, skipping
    the metric the area already reports (01_request_growth.used)."""
    cfg = config(area(metric="01_request_growth.used"))
    m = {"01_request_growth": {"growth": {"value": 8.0, "unit": "%", "finding": "requests grew 8% a year"},
                               "used": {"value": 1.0, "unit": "%", "finding": "Already in the scorecard."}},
         "05_benchmarks": {"a": {"value": 1}, "b": {"value": 2, "finding": "Timeliness is in band D."}}}
    msgs = km.key_messages(typed(m), cfg)
    assert [href for _, href in msgs] == ["#scorecard", "02_timeliness.html", "01_request_growth.html",
                                          "05_benchmarks.html"]
    assert msgs[2:] == [("Requests grew 8% a year.", "01_request_growth.html"),
                        ("Timeliness is in band D.", "05_benchmarks.html")]


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
    s = status.scorecard(cfg, typed(m), threshold=5)[0]
    assert s.rag == "Green" and s.latest_text == "fewer than 5"
    assert "3" not in s.finding.replace("31 March", "") and "fewer than 5" in s.finding
    assert s.finding == ("Plans issued within 20 weeks: fewer than 5 in 2024 (baseline 180 in 2022); meets the "
                         "target of 25 due by 31 March 2026.")
    assert front.scorecard_frame([s]).loc[0, "Latest"] == "fewer than 5 (2024)"
    assert status.scorecard(cfg, typed(m))[0].latest_text == "3"  # restricted/reviewer builds show it


def test_messages_and_rule_html_escape_and_link():
    out = km.messages_html([("Plans <b> & more.", "03_ep_workforce.html"), ("Summary.", "#scorecard")])
    assert "Plans &lt;b&gt; &amp; more." in out
    assert '<a href="03_ep_workforce.html">Evidence: EP workforce page</a>' in out
    assert '<a href="#scorecard">Evidence: the scorecard below</a>' in out
    rule = km.rule_html()
    assert 'id="scorecard"' in rule and rule.count("<li>") == 4


def test_headline_grammar_via_narrative():
    statuses = status.scorecard(config(area()), typed(metrics()))
    # one area: "the one action-plan area is not on target", not "0 of 1 action-plan area is on target"
    assert km.headline("Kent", statuses, AS_OF) == \
        "Kent at 30 September 2025: the one action-plan area is not on target."
    assert km.scorecard_sentence(statuses) == \
        "The one action-plan area is moving towards its target but not yet on it (Amber)."


def test_headline_and_summary_metrics():
    cfg = config(area(), {"id": "A6", "title": "Families"})
    statuses = status.scorecard(cfg, typed(metrics(value=61.0)))
    assert km.headline("Northby", statuses, AS_OF) == \
        "Northby at 30 September 2025: 1 of 2 action-plan areas is on target."
    m = front.summary_metrics(statuses, AS_OF)
    assert m["areas_green"].value == 1 and m["areas_grey"].value == 1 and m["areas_red"].value == 0
    assert m["areas_green"].period == "Sep 2025"


@pytest.mark.parametrize(("period", "expected"), [("30 Sep 2025", "at 30 Sep 2025"), ("2024", "in 2024"),
                                                  ("12 months to Sep 2025", "in the 12 months to Sep 2025"),
                                                  ("Sep 2025", "in Sep 2025")])
def test_period_phrase(period, expected):
    assert status.period_phrase(period) == expected


def test_demand_message_quotes_the_growth_pages_figure_unchanged():
    """The EP-hours figure is written once (01_request_growth.ep_hours_next_year); the front page quotes it."""
    m = {**_gap_metrics(), "01_request_growth": {"ep_hours_next_year": {
        "value": 55_700, "unit": "count", "finding": "about 55,700 EP hours for 3,197 assessments in 2025"}}}
    msgs = km.key_messages(typed(m), config(), la_name="Kent")
    assert msgs.index(("About 55,700 EP hours for 3,197 assessments in 2025.", "01_request_growth.html")) == 4
    m["01_request_growth"]["ep_hours_next_year"]["evidence"] = "03_ep_workforce"
    assert ("About 55,700 EP hours for 3,197 assessments in 2025.", "03_ep_workforce.html") in km.key_messages(
        typed(m), config(), la_name="Kent")


@pytest.mark.parametrize(("record", "why"), [
    ({"value": 33.3, "unit": "percent", "label": "Plans", "period": "2024"}, "unit"),
    ({"value": 33.3, "unit": "%", "label": "Plans", "period": "2024", "lower_95": 40.0, "upper_95": 30.0},
     "range lower 40.0 is above upper 30.0"),
])
def test_a_malformed_metrics_record_is_refused_naming_the_file(tmp_path, record, why):
    """The front page reads every notebook's metrics typed: a record with an unknown unit or a 95% range upside
    down stops it with one clear message naming the file, not a wrong scorecard row."""
    bad = tmp_path / "metrics_02_timeliness.json"
    bad.write_text(json.dumps({"pct": record}), encoding="utf-8")
    page = Page(config=config(area()), artefacts=tmp_path, variant="public", notebook="08_inspection_readiness")
    with pytest.raises(InputError, match="not a valid metrics file") as caught:
        page.metrics()
    assert "metrics_02_timeliness.json" in str(caught.value) and why in str(caught.value)


def test_write_metrics_refuses_a_plain_dict(tmp_path):
    page = Page(config=config(area()), artefacts=tmp_path, variant="public", notebook="08_inspection_readiness")
    with pytest.raises(TypeError, match="is a dict, not a Metric"):
        page.write_metrics({"areas_green": {"value": 1, "unit": "count", "label": "Green", "period": "Sep 2025"}})
    assert not (tmp_path / "metrics_08_inspection_readiness.json").exists()
    page.write_metrics(front.summary_metrics([], AS_OF))
    assert set(page.metrics()["08_inspection_readiness"]) == {"areas_green", "areas_amber", "areas_red", "areas_grey"}
