"""EP supply and demand (helpers.analysis.workforce, workforce_service, workforce_projection) and the EP page's
sentences, tables and metrics (helpers.pages.ep_workforce*) against hand calculations and the §9.6 worked example.

Reference: ``modelling_methods.md`` §6 (stock-flow, hours conversion, §6.3 worked conversion) and §9.6 (EP queue:
backlog 400, throughput 10/week, demand 12/week, 6-week deadline, 17.4 h per assessment, 37 h per FTE-week).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import workforce, workforce_projection, workforce_service
from helpers.config import PackConfig
from helpers.errors import InputError
from helpers.metrics import Metric
from helpers.pages import (ep_workforce, request_growth_demand, ep_workforce_metrics, ep_workforce_tables,
                           ep_workforce_text)

#: §9.6: 17.4 h per assessment, 37 productive hours per FTE-week (= 37 × 52 per year), 6-week deadline.
WORKED = workforce.EPAssumptions(hours_per_assessment=17.4, productive_hours_per_fte_year=37 * 52,
                                 locum_day_rate_gbp=650, locum_hours_per_day=7.4, advice_deadline_weeks=6,
                                 cases_in_progress_per_fte=4, plan_weeks_outside_ep_advice=12, case_weeks_cv=0.5)


def test_worked_example_fte():
    """§9.6: current 10/wk × 17.4 / 37 = 4.70 FTE; relief 26.692/wk → 12.55 FTE; sustain 12.667/wk → 5.96 FTE."""
    assert workforce.fte_needed(10 * 52, 17.4, 37 * 52) == pytest.approx(4.70, abs=5e-3)
    in_house = 10 * 17.4 / 37
    need = workforce.locum_need(400, 12, in_house, WORKED, weeks_to_clear=26)
    assert need.in_house_per_week == pytest.approx(10)
    assert need.target_queue_size == pytest.approx(18)
    assert need.relief_per_week == pytest.approx(26.692, abs=5e-4)
    assert need.relief_fte == pytest.approx(12.55, abs=5e-3)
    assert need.sustain_fte == pytest.approx(5.96, abs=5e-3)
    assert need.locum_fte_clear == pytest.approx(12.552 - 4.703, abs=2e-3)
    assert need.locum_fte_sustain == pytest.approx(5.957 - 4.703, abs=2e-3)


def test_worked_example_locum_cost():
    """Locum hours are paid at £650 per 7.4-hour day = £87.84/h. Clearing: 7.849 FTE × 37 h × 26 weeks × 87.84 =
    £663,263; sustaining: 1.254 FTE × 37 × 52 × 87.84 = £211,942 a year."""
    need = workforce.locum_need(400, 12, 10 * 17.4 / 37, WORKED, weeks_to_clear=26)
    hourly = 650 / 7.4
    assert need.cost_clear_gbp == pytest.approx(need.locum_fte_clear * 37 * 26 * hourly)
    assert need.cost_clear_gbp == pytest.approx(663_263, rel=2e-3)
    assert need.cost_sustain_per_year_gbp == pytest.approx(211_942, rel=2e-3)
    assert workforce.locum_cost_gbp([1.0] * 52, WORKED) == pytest.approx(37 * 52 * hourly)


def test_no_locums_when_in_house_covers_demand():
    need = workforce.locum_need(10, 12, 20.0, WORKED, weeks_to_clear=26)
    assert need.locum_fte_clear == 0 and need.locum_fte_sustain == 0 and need.cost_clear_gbp == 0


def test_worked_conversion_6_3():
    """§6.3: 1,000 assessments × 17.4 h = 17,400 h → 13.38 FTE at 1,300 h, 11.6 FTE at 1,500 h."""
    assert workforce.demand_hours(1000, 17.4) == pytest.approx(17_400)
    np.testing.assert_allclose(workforce.fte_needed(1000, 17.4, np.array([1300, 1500])), [13.38, 11.6], atol=5e-3)
    assert workforce.capacity_hours(13.38, 1300) == pytest.approx(17_394)


def test_assumption_derived_quantities():
    """1,100 h a year = 21.154 h a week → 1.2157 assessments per FTE-week at 17.4 h; 4 cases at once take
    4 / 1.2157 = 3.29 weeks each; EP advice must come within 20 − 12 = 8 weeks for a 20-week plan."""
    a = dataclasses.replace(WORKED, productive_hours_per_fte_year=1100)
    assert a.productive_hours_per_fte_week == pytest.approx(21.154, abs=1e-3)
    assert a.assessments_per_fte_week == pytest.approx(1.2157, abs=1e-4)
    assert a.weeks_per_case == pytest.approx(3.290, abs=1e-3)
    assert a.plan_budget_weeks == 8


def test_service_lanes():
    np.testing.assert_array_equal(workforce.service_lanes([4.7, 0.1, -1.0, 2.5], 4), [19, 0, 0, 10])


def test_stock_flow_hand_calculation():
    """FTE 10, 10% leave a period, 1 FTE joins each period, 2 qualifiers in period 1, establishment 12:
    period 0: 10 − 1 + 1 = 10 (2 vacant); period 1: 10 − 1 + 1 + 2 = 12 (none vacant); period 2: 12 − 1.2 + 1 = 11.8."""
    out = workforce.stock_flow(10, 3, leaving_rate=0.1, joiners_fte=1, qualifiers_fte=[0, 2, 0], establishment_fte=12)
    np.testing.assert_allclose(out["fte_start"], [10, 10, 12])
    np.testing.assert_allclose(out["leavers_fte"], [1, 1, 1.2])
    np.testing.assert_allclose(out["fte_end"], [10, 12, 11.8])
    np.testing.assert_allclose(out["vacancies_fte"], [2, 0, 0.2])
    capped = workforce.stock_flow(11, 2, leaving_rate=0.0, joiners_fte=[0.5, 2.0], qualifiers_fte=[1.0, 0.0],
                                  establishment_fte=12)
    # period 0: 0.5 joins, then only 0.5 of the 1 qualifier fits; period 1: full, nobody joins
    np.testing.assert_allclose(capped[["joiners_fte", "qualifiers_fte", "fte_end"]], [[0.5, 0.5, 12], [0, 0, 12]])
    with pytest.raises(ValueError):
        workforce.stock_flow(10, 3, leaving_rate=1.5)


def _staffing() -> pd.DataFrame:
    """Three 4-week periods (28 days apart)."""
    return pd.DataFrame({
        "period_end": pd.to_datetime(["2025-01-28", "2025-02-25", "2025-03-25"]),
        "establishment_fte": [12.0, 12.0, 12.0], "eps_in_post_fte": [10.0, 9.0, 10.0], "locum_fte": [1.0, 1.0, 0.0],
        "vacancies_fte": [2.0, 3.0, 2.0], "joiners_fte": [0.0, 0.0, 1.0], "leavers_fte": [0.0, 1.0, 0.0],
        "trainees": [2, 2, 2], "advice_requests_received": [40, 40, 20], "advice_completed": [30, 32, 48],
        "advice_completed_within_6_weeks": [15, 16, 12], "locum_spend_gbp": [10_000.0, 10_000.0, 0.0],
    })


def test_waiting_list_is_a_floored_running_balance():
    """Received − completed: +10 → 10; +8 → 18; −28 → 0 (floored, not −10)."""
    wf = _staffing()
    np.testing.assert_allclose(workforce.waiting_list(wf), [10, 18, 0])
    shuffled = wf.iloc[[2, 0, 1]]
    np.testing.assert_allclose(workforce.waiting_list(shuffled), [0, 10, 18])  # aligned to the input rows


def test_blank_cells():
    """The template allows blanks: a blank locum cell is no locums; a month with blank counts leaves the list as
    it was (10 → 10 → 0), rather than resetting it."""
    wf = _staffing()
    wf.loc[1, ["locum_fte", "advice_requests_received"]] = np.nan
    np.testing.assert_allclose(workforce.waiting_list(wf), [10, 10, 0])
    out = workforce.supply_demand(wf, WORKED)
    np.testing.assert_allclose(out["supply_fte"], [11, 9, 10])
    assert np.isnan(out.loc[1, "fte_needed"])


def test_supply_demand_hand_calculation():
    """Period 1: 40 requests in 4 weeks = 520 a year × 17.4 h = 9,048 h; at 37 × 52 = 1,924 h per FTE that needs
    4.7027 FTE against 11 supplied (gap −6.297); 15 of 30 on time = 50%."""
    out = workforce.supply_demand(_staffing(), WORKED)
    np.testing.assert_allclose(out["period_weeks"], [4, 4, 4])
    assert out.loc[0, "demand_hours_per_year"] == pytest.approx(9048)
    assert out.loc[0, "capacity_hours_per_year"] == pytest.approx(11 * 1924)
    assert out.loc[0, "fte_needed"] == pytest.approx(4.7027, abs=1e-4)
    assert out.loc[0, "gap_fte"] == pytest.approx(4.7027 - 11, abs=1e-4)
    np.testing.assert_allclose(out["advice_within_6_weeks_pct"], [50, 50, 25])
    np.testing.assert_allclose(out["waiting_end"], [10, 18, 0])


def test_observed_flows():
    """Over the last year (all 3 periods, 12 weeks): 1 FTE left from 10·4 + 9·4 + 10·4 = 116 FTE-weeks →
    0.008621 per FTE-week; 1 FTE joined in 12 weeks → 0.08333 per week."""
    flows = workforce.observed_flows(_staffing())
    assert flows.weeks_observed == pytest.approx(12)
    assert flows.leaving_rate_per_week == pytest.approx(1 / 116)
    assert flows.joiners_fte_per_week == pytest.approx(1 / 12)


#: A unit of the right kind for each assumption (the config checks the unit's family).
UNITS = {"ep_hours_per_assessment": "hours", "productive_hours_per_fte_year": "hours per FTE per year",
         "locum_day_rate_gbp": "GBP per day", "locum_hours_per_day": "hours per day", "advice_deadline_weeks": "weeks",
         "ep_cases_in_progress_per_fte": "cases per FTE", "plan_weeks_outside_ep_advice": "weeks",
         "ep_case_weeks_cv": "ratio"}


def _config(assumptions: dict) -> PackConfig:
    return PackConfig.model_validate({
        "pack": "t", "title": "t", "la": {"name": "Northby"}, "period_end": dt.date(2025, 9, 30),
        "inputs": {"ees": ["x"]}, "assumptions": {
            k: {"value": v, "unit": UNITS[k], "description": "d", "source": "s"} for k, v in assumptions.items()},
    })


def _config_file(tmp_path, assumptions: dict):
    """The same config as a YAML file, loaded as a build loads it (so a bad value fails with an InputError)."""
    import yaml

    from helpers.config import load_pack

    (tmp_path / "pyproject.toml").write_text("")
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({
        "pack": "t", "title": "t", "la": {"name": "Northby"}, "period_end": "2025-09-30", "inputs": {"ees": ["x"]},
        "assumptions": {k: {"value": v, "unit": UNITS[k], "description": "d", "source": "s"}
                        for k, v in assumptions.items()}}))
    return load_pack(path, check_inputs=False)


FULL = {"ep_hours_per_assessment": 17.4, "productive_hours_per_fte_year": 1100, "locum_day_rate_gbp": 650,
        "locum_hours_per_day": 7.4, "advice_deadline_weeks": 6, "ep_cases_in_progress_per_fte": 4,
        "plan_weeks_outside_ep_advice": 12, "ep_case_weeks_cv": 0.5}


def test_assumptions_from_config():
    a = ep_workforce.ep_assumptions(_config(FULL))
    assert a.hours_per_assessment == 17.4 and a.cases_in_progress_per_fte == 4 and a.plan_budget_weeks == 8


def test_missing_assumption_names_the_key():
    values = {k: v for k, v in FULL.items() if k != "ep_hours_per_assessment"}
    with pytest.raises(InputError) as err:
        ep_workforce.ep_assumptions(_config(values))
    assert err.value.field == "assumptions.ep_hours_per_assessment"


@pytest.mark.parametrize("change, field", [
    ({"productive_hours_per_fte_year": 0}, "assumptions.productive_hours_per_fte_year.value"),
    ({"plan_weeks_outside_ep_advice": 20}, "assumptions.plan_weeks_outside_ep_advice.value"),
])
def test_bad_assumptions_name_the_key(tmp_path, change, field):
    """An impossible value is refused when the config is loaded (not later in the notebook), naming the key."""
    with pytest.raises(InputError) as err:
        _config_file(tmp_path, {**FULL, **change})
    assert f"key '{field}'" in err.value.message


def test_demand_path_compounds_yearly():
    """10 a week growing 10% a year: 11 a week after 52 weeks, 12.1 after 104."""
    path = workforce_projection.demand_path(10, 0.10, 105)
    np.testing.assert_allclose(path[[0, 52, 104]], [10, 11, 12.1])


def test_standard_scenarios():
    """At 37 h per FTE-week and 17.4 h per case one FTE does 2.1264 cases a week. Demand 12/wk, 4.7027 FTE in
    house (10 a week), nobody leaving or joining, no growth: sustaining 12.667/wk needs 5.957 FTE, so 2 recruits
    (1.254 rounded up); package C tops up to the 26-week relief FTE 12.552 (locums 7.849) for 26 weeks, then to
    5.957 (locums 1.254)."""
    in_house = 10 * 17.4 / 37
    flows = workforce.Flows(leaving_rate_per_week=0.0, joiners_fte_per_week=0.0, weeks_observed=52)
    out = {s.key: s for s in workforce_projection.standard_scenarios(
        weeks=60, demand_per_week=12, growth_per_year=0.0, in_house_fte=in_house, locum_fte=1.0, flows=flows,
        backlog=400, assumptions=WORKED)}
    assert list(out) == ["as_is", "flat_demand", "recruit", "locum_a", "locum_b", "locum_c"]
    np.testing.assert_allclose(out["as_is"].locum_fte, 1.0)
    np.testing.assert_allclose(out["as_is"].in_house_fte, in_house)
    assert ep_workforce_text.choice_name("recruit", out["recruit"].recruits) == "Recruit 2 more EPs"
    np.testing.assert_allclose(out["recruit"].in_house_fte[[25, 26]], [in_house, in_house + 2])
    np.testing.assert_allclose(out["locum_c"].locum_fte[[0, 25, 26, 59]], [7.849, 7.849, 1.254, 1.254], atol=1e-3)


def test_project_extremes():
    """Plenty of staff (20 FTE = 80 cases in progress for 2 requests a week, no backlog): advice within 6 weeks
    for ~all from week 0, list at target from week 0, no locum cost. No staff at all: never; everyone who arrived
    is still waiting at the end (2 a week × 30 weeks ≈ 60)."""
    weeks = 30
    def scenario(key, fte):
        return workforce_projection.Scenario(key, np.full(weeks, 2.0), np.full(weeks, fte), np.zeros(weeks))
    weekly, outcomes = workforce_projection.project([scenario("plenty", 20.0), scenario("none", 0.0)], 0, WORKED,
                                         on_time_pct=80, replications=40, seed=1)
    plenty, none = outcomes.set_index("key").loc["plenty"], outcomes.set_index("key").loc["none"]
    assert plenty["weeks_to_advice_deadline"] == 0 and plenty["weeks_to_clear_backlog"] == 0
    assert plenty["advice_within_deadline_pct_last_year"] > 95 and plenty["locum_cost_gbp"] == 0
    assert np.isnan(none["weeks_to_advice_deadline"]) and np.isnan(none["weeks_to_plan_deadline"])
    assert none["waiting_end"] == pytest.approx(60, rel=0.1)
    assert set(weekly["key"]) == {"plenty", "none"} and len(weekly) == 2 * weeks


def test_standard_scenarios_without_a_backlog_or_a_gap():
    """Nobody waiting beyond the target size (18 at 12/wk) and 10 FTE in house (21.3/wk, more than the 12.667
    needed): no locum packages and no recruitment choice."""
    flows = workforce.Flows(leaving_rate_per_week=0.0, joiners_fte_per_week=0.0, weeks_observed=52)
    out = workforce_projection.standard_scenarios(weeks=10, demand_per_week=12, growth_per_year=0.05, in_house_fte=10,
                                       locum_fte=0, flows=flows, backlog=18, assumptions=WORKED)
    assert [s.key for s in out] == ["as_is", "flat_demand"]


# --- the EP page: the service today, sentences, tables and metrics ------------------------------------------------

def _long_staffing() -> pd.DataFrame:
    """16 periods of 4 weeks (64 weeks). Every period: 30 requests, 26 completed. The last 13 periods (52 weeks):
    13 of 26 on time, 5 EPs in post; the 3 before: all 26 on time, 6 EPs; 0.5 FTE locums in the last period."""
    n = 16
    recent = np.arange(n) >= n - 13
    return pd.DataFrame({
        "period_end": pd.Timestamp("2025-09-30") - pd.to_timedelta(28 * np.arange(n)[::-1], unit="D"),
        "establishment_fte": 7.0, "eps_in_post_fte": np.where(recent, 5.0, 6.0),
        "locum_fte": np.r_[np.zeros(n - 1), 0.5], "vacancies_fte": 1.0, "joiners_fte": 0.0, "leavers_fte": 0.0,
        "trainees": 0, "advice_requests_received": 30, "advice_completed": 26,
        "advice_completed_within_6_weeks": np.where(recent, 13, 26), "locum_spend_gbp": 1_000.0,
    })


def test_service_now_hand_calculation():
    """Last 52 weeks = 13 periods: 390 requests → 7.5 a week; 338 completed → 6.5 a week; 169 of 338 on time = 50%
    (100% the 12 weeks before). List +4 a period × 16 = 64; wait 64 / 6.5 = 9.846 weeks; target list
    7.5 × 6 / 4 = 11.25. FTE needed 7.5 × 52 × 17.4 / 1,924 = 3.527 against 5 + 0.5 = 5.5 (gap −1.973, "more
    than"). EPs in post 52 weeks before the last period end: 6."""
    now = workforce_service.service_now(_long_staffing(), WORKED)
    assert now.demand_per_week == pytest.approx(7.5)
    assert now.throughput_per_week == pytest.approx(6.5)
    assert now.on_time_pct == pytest.approx(50) and now.on_time_pct_year_before == pytest.approx(100)
    assert now.backlog == 64 and now.wait_weeks == pytest.approx(64 / 6.5)
    assert now.target_list == pytest.approx(11.25)
    assert now.fte_needed == pytest.approx(7.5 * 17.4 / 37)
    assert now.gap_fte == pytest.approx(7.5 * 17.4 / 37 - 5.5) and ep_workforce_text.gap_words(now) == "more than"
    assert now.fte_in_post_year_ago == 6
    labels = ep_workforce_text.CLEARING_LABELS
    assert [labels[w] for w in now.needs] == ["6 months", "1 year", "2 years"] and now.hold is now.needs[52]
    assert now.supply["fte_needed_3_month_average"].iloc[-1] == pytest.approx(7.5 * 17.4 / 37)  # 30 every period


def test_capacity_table_and_note():
    """64 waiting > 11.25 target → rows for now, holding, and clearing in 6 months / 1 year / 2 years. Holding
    needs 7.5 + 4 / 6 = 8.1667 a week = 3.841 FTE (37 / 17.4 = 2.1264 assessments per FTE-week): the 5 in post
    are enough, and clearing in a year (7.5 + 52.75 / 52 = 8.514 a week = 4.004 FTE) needs no extra. Pressure
    2 × 9.846 / 6 = 3.3."""
    now = workforce_service.service_now(_long_staffing(), WORKED)
    table = ep_workforce_tables.capacity_table(now)
    assert len(table) == 5 and table["Capacity"].iloc[-1] == "Clear the list to its target size in 2 years"
    assert table.loc[1, "EP FTE"] == pytest.approx(8.1667 * 17.4 / 37, abs=1e-3)
    assert table.loc[3, "Assessments a week"] == pytest.approx(7.5 + 52.75 / 52)
    assert (table["Extra FTE needed"] == 0).all()
    note = ep_workforce_text.capacity_note(now, WORKED)
    assert "about 11 children waiting" in note and "3.8 FTE" in note and "the EPs in post are enough." in note
    assert "Clearing the list" not in note and "is 3.3;" in note
    no_list = dataclasses.replace(now, backlog=5.0)
    assert len(ep_workforce_tables.capacity_table(no_list)) == 2


def test_when_and_reached():
    """30 Sep 2025 + 47 weeks = 25 Aug 2026; + 21 weeks = 24 Feb 2026."""
    start = pd.Timestamp("2025-09-30")
    assert ep_workforce_text.when_text(47, start) == "in about 47 weeks (August 2026)"
    assert ep_workforce_text.when_text(0, start) == "straight away"
    assert ep_workforce_text.when_text(np.nan, start) == "not within the three years"
    assert ep_workforce_text.reached_text(21, start) == "would be reached in about 21 weeks (February 2026)"
    assert ep_workforce_text.reached_text(np.nan, start) == "would not be reached within the three years"


def _ees(requests: list[float], assessments: list[float], first_year: int) -> pd.DataFrame:
    years = range(first_year, first_year + len(requests))
    return pd.DataFrame({"year": list(years), "area_code": "999", "requests_received": requests,
                         "assessments_completed": assessments})


def test_dfe_demand_and_growth():
    """533 assessments × 17.4 h = 9,274.2 h; ÷ 1,924 h = 4.820 FTE. Requests 2018–2024, the last five years
    2019 → 2024 double: (200 / 100)^(1/5) − 1 = 14.87% a year. Page 1's metric wins when it has a value."""
    ees = _ees([90, 100, 110, 130, 150, 170, 200], [300, 320, 350, 400, 450, 500, 533], 2018)
    demand = workforce.dfe_demand(ees, "999", WORKED)
    assert demand["year"].tolist() == list(range(2018, 2025))
    assert demand["ep_hours"].iloc[-1] == pytest.approx(9274.2)
    assert demand["fte_needed"].iloc[-1] == pytest.approx(4.8203, abs=1e-4)
    rate, source = ep_workforce.demand_growth(ees, "999", {})
    assert rate == pytest.approx(2 ** 0.2 - 1) and source.endswith("2019-2024")
    from_01 = Metric(value=6.0, unit="%", label="Requests: average yearly growth", period="2020-2025")
    rate, source = ep_workforce.demand_growth(ees, "999", {"requests_cagr_5y": from_01})
    assert rate == pytest.approx(0.06) and source.endswith("2020-2025")
    rate, source = ep_workforce.demand_growth(_ees([100], [300], 2024), "999", {})
    assert rate == 0 and source.startswith("no growth")


def _projection() -> workforce_projection.Projection:
    """Hand-made outcomes: as now the list grows to 300; package C clears it in 20 weeks, A in 80."""
    outcomes = pd.DataFrame({
        "key": ["as_is", "recruit", "locum_a", "locum_c"],
        "scenario": ["As now", "Recruit 2 more EPs", "Locum package A", "Locum package C"],
        "locum_fte_mean": [0.5, 0.5, 2.0, 3.0], "in_house_fte_end": [5.0, 7.0, 5.0, 5.0],
        "weeks_to_advice_deadline": [np.nan, np.nan, 90.0, 26.0], "weeks_to_plan_deadline": [np.nan, 120.0, 80.0, 20.0],
        "weeks_to_clear_backlog": [np.nan, np.nan, 80.0, 20.0],
        "advice_within_deadline_pct_last_year": [10, 40, 90, 91],
        "waiting_end": [300.4, 120.0, 20.0, 19.6], "locum_cost_gbp": [123_456.0, 123_456.0, 600_000.0, 900_000.0],
    })
    return workforce_projection.Projection(weekly=pd.DataFrame(), outcomes=outcomes, start=pd.Timestamp("2025-09-30"),
                                on_time_pct=80.0, replications=10)


def test_projection_sentences_and_tables():
    """Packages fastest first (C, then A); package C clears in 20 weeks (30 Sep 2025 + 140 days = Feb 2026)."""
    now = workforce_service.service_now(_long_staffing(), WORKED)
    projection = _projection()
    assert projection.packages == ["locum_c", "locum_a"]
    assert ep_workforce_text.projection_title(projection).endswith("target size in about 20 weeks (February 2026)")
    assert ep_workforce_text.headline("Northby", pd.DataFrame(), now, projection).endswith(
        "grow to about 300 in three years.")
    table = ep_workforce_tables.outcomes_table(projection)
    never = "Not within 3 years"
    assert table["Weeks until the backlog is cleared"].tolist() == [never, never, "80", "20"]
    assert table["Children waiting after 3 years"].tolist() == [300, 120, 20, 20]
    assert "Weeks until 80% of advice is within 6 weeks" in table.columns
    costs = ep_workforce_tables.cost_table(projection)
    assert costs["Locum cost over 3 years (£)"].iloc[0] == 123_000 and costs.iloc[0, 2] == 41_000
    said = ep_workforce_text.findings(pd.DataFrame(), now, projection, WORKED)
    assert len(said) == 5
    assert "'Recruit 2 more EPs'" in said[2] and "do not clear the children already waiting" in said[2]
    assert "package C (about 3.0 FTE of locums on average)" in said[3] and "in about 26 weeks" in said[3]
    assert "package A, in about 90 weeks" in said[3]


def test_sentences_name_the_packages_offered_and_a_falling_list():
    """Only packages B and C offered (the EPs in post would clear the list within two years): the sentences name
    B as the slowest, never A. As now the list falls from the staffing table's 64 to 40.2 (rounded 40). With C
    alone there is no 'slowest'."""
    now = workforce_service.service_now(_long_staffing(), WORKED)
    assert round(now.backlog) == 64
    outcomes = _projection().outcomes.iloc[[0, 2, 3]].assign(key=["as_is", "locum_b", "locum_c"],
                                                              waiting_end=[40.2, 20.0, 19.6])
    two = workforce_projection.Projection(pd.DataFrame(), outcomes, pd.Timestamp("2025-09-30"), 80.0, 10)
    assert ep_workforce_text.headline("Northby", pd.DataFrame(), now, two).endswith(
        "64 requests are waiting or being worked on, and as now the list would fall to about 40 in three years.")
    said = ep_workforce_text.findings(pd.DataFrame(), now, two, WORKED)[-2]
    assert said.startswith("Locums can clear the list: package C")
    assert "the slowest, package B, in about 90 weeks" in said
    assert "package A" not in " ".join(ep_workforce_text.findings(pd.DataFrame(), now, two, WORKED))
    only_b = workforce_projection.Projection(pd.DataFrame(), outcomes.iloc[[0, 1]], pd.Timestamp("2025-09-30"),
                                             80.0, 10)
    said = ep_workforce_text.findings(pd.DataFrame(), now, only_b, WORKED)[-2]
    assert said.startswith("Locums can clear the list: package B") and "slowest" not in said
    assert "locum package B would bring" in ep_workforce_text.projection_title(only_b)
    level = outcomes.iloc[[0]].assign(waiting_end=[64.3])
    flat = workforce_projection.Projection(pd.DataFrame(), level, pd.Timestamp("2025-09-30"), 80.0, 10)
    assert ep_workforce_text.headline("Northby", pd.DataFrame(), now, flat).endswith(
        "the list would stay about the same.")


def test_page_metrics():
    """Without local data: the DfE FTE needed and a null timeliness metric only. With it: the service metrics and
    three per choice, and never a cost."""
    demand = pd.DataFrame({"year": [2024], "assessments": [533.0], "ep_hours": [9274.2], "fte_needed": [4.82]})
    end = pd.Timestamp("2025-09-30")
    bare = {k: m.record() for k, m in ep_workforce_metrics.page_metrics(demand, None, None, end).items()}
    assert set(bare) == {"ep_fte_needed_dfe", "advice_within_6_weeks_pct"}
    assert bare["ep_fte_needed_dfe"]["period"] == "2024" and bare["advice_within_6_weeks_pct"]["value"] is None
    assert ep_workforce_text.headline("Northby", demand, None, None).startswith("In 2024 the assessments completed")
    assert ep_workforce_text.findings(demand, None, None, WORKED)[-1].startswith("Without local staffing data")
    now = workforce_service.service_now(_long_staffing(), WORKED)
    full = {k: m.record() for k, m in ep_workforce_metrics.page_metrics(demand, now, _projection(), end).items()}
    assert len(full) == 2 + 6 + 3 * 4
    assert full["ep_fte_in_post"]["previous"] == 6 and full["ep_waiting_list"]["value"] == 64
    assert full["advice_within_6_weeks_pct"]["previous"] == pytest.approx(100)
    assert full["weeks_to_clear_backlog_as_is"]["value"] is None and full["ep_gap_fte"]["period"] == "Sep 2025"
    assert not any("cost" in key or "£" in str(record) for key, record in full.items())


# --- one figure for assessments and EP hours (issue 21) ------------------------------------------------------------

def test_next_year_demand_metric_is_the_scenario_figure_with_the_latest_actual_beside_it():
    """Trend continues: 4,000 requests in 2025 × 0.694 = 2,776 assessments × 17.4 hours = 48,302.4 hours; at
    WORKED's 1,924 statutory hours per FTE-year (37 × 52) that is 25.1 FTE. The 2024 actual (3,197 assessments,
    55,627.8 hours) is in the same sentence, so the front page and the EP page cannot disagree."""
    plan = pd.DataFrame({"scenario": ["Trend continues", "Trend continues", "Growth stops"],
                         "year": [2025, 2026, 2025], "requests": [4000.0, 4100.0, 4000.0]})
    plan["assessments"] = plan["requests"] * 0.694
    plan["ep_hours"] = plan["assessments"] * 17.4
    rate = workforce.AssessmentRate(0.694, 8087.0, 11658.0, 2022, 2024, own=True)
    demand = pd.DataFrame({"year": [2024], "assessments": [3197.0], "ep_hours": [3197 * 17.4],
                           "fte_needed": [3197 * 17.4 / (37 * 52)]})
    record = request_growth_demand.ep_hours_metric(
        request_growth_demand.Demand(rate, WORKED, plan, demand))["ep_hours_next_year"].record()
    assert record["value"] == pytest.approx(48302.4) and record["period"] == "2025"
    assert record["assessments"] == pytest.approx(2776.0) and record["fte"] == pytest.approx(48302.4 / 1924)
    assert record["finding"] == (
        "If requests follow the forecast, 2025 would bring about 2,776 assessments (69.4% of requests, the share "
        "completed in 2022-2024: 8,087 assessments for 11,658 requests), needing about 48,302 hours of EP time "
        "(25.1 FTE). In 2024 the 3,197 assessments completed needed about 55,628 hours (28.9 FTE).")


def test_ep_page_sections_that_need_the_staffing_return_are_shown_only_with_it():
    """Without the staffing file the EP page's supply, waiting, capacity, projection and method sections are not
    headed and explained over empty space: each explanation is emitted only when ``now`` exists, and one sentence
    says what the section would show and how to add the input."""
    import json
    from pathlib import Path

    nb = json.loads((Path(__file__).parents[2] / "notebooks" / "03_ep_workforce.ipynb").read_text())
    headings = ("## EP supply against demand", "## How long children wait", "## What it would take",
                "## Three years ahead", "## How the projection works")
    for heading in headings:
        cells = [c for c in nb["cells"] if heading in "".join(c["source"])]
        assert len(cells) == 1 and cells[0]["cell_type"] == "code", heading
        assert "".join(cells[0]["source"]).startswith("if now is not None:"), heading
    text = " ".join("".join(c["source"]) for c in nb["cells"])
    assert "page.say(ep_workforce.NO_STAFFING_DATA)" in text
    assert "Add it under inputs: workforce in the pack config" in ep_workforce.NO_STAFFING_DATA


def test_the_page_names_the_choices():
    """The analysis keys each choice; the page names it, one recruit in the singular."""
    outcomes = pd.DataFrame({"key": ["as_is", "recruit", "locum_c"], "recruits": [0.0, 1.0, 0.0]})
    weekly = pd.DataFrame({"key": ["as_is", "recruit"]})
    named = ep_workforce_text.with_names(
        workforce_projection.Projection(weekly, outcomes, pd.Timestamp("2025-09-30"), 80.0, 1))
    assert named.outcomes["scenario"].tolist() == [
        "As now", "Recruit 1 more EP", "Locum package C: clear the list in 6 months"]
    assert named.weekly["scenario"].tolist() == ["As now", "Recruit 1 more EP"]
    assert list(named.outcomes.columns[:2]) == ["key", "scenario"]
