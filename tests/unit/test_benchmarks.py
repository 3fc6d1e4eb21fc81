"""helpers.analysis.benchmarks and helpers.pages.benchmarks*: ratio-of-sums comparator groups, Wilson/Byar
intervals, LAIT ranks and bands, rank intervals, the funnel and the page's wording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.areas import comparator_groups
from helpers.analysis.intervals import wilson_interval
from helpers.analysis import benchmarks as bm
from helpers.analysis import benchmarks_funnel as bf
from helpers.analysis import funnel
from helpers.pages import benchmarks_funnel as words
from helpers.pages import benchmarks_tables as tables
from helpers.pages.benchmarks_metrics import metrics as page_metrics
from helpers.sources import neighbours


def _ees() -> pd.DataFrame:
    """A tiny ees-shaped table: England, two regions, five LAs, 2023 and 2024.

    LA 101 changes its 9-character code between years (as Buckinghamshire did); its 3-digit area_code does not.
    LA 104 has DfE 'x' (NaN) for timeliness in 2024.
    """
    rows = []

    def add(year: int, level: str, code: str, name: str, region: str | None, la_code: str | None,
            x: float, n: float, req: float, plans: float) -> None:
        rows.append({"year": year, "geographic_level": level, "area_code": code, "area_name": name,
                     "la_code": la_code, "region_code": region, "region_name": {"E12000001": "North", "E12000002":
                                                                               "South"}.get(region or ""),
                     "plans_issued_within_20_weeks_ex": x, "plans_issued_ex": n, "requests_received": req,
                     "requests_decided_to_assess": req * 0.6, "requests_decided_not_to_assess": req * 0.3,
                     "requests_tribunal_related": np.nan, "plans_in_place": plans})

    for year, k in ((2023, 1.0), (2024, 1.1)):
        add(year, "Local authority", "101", "Aby", "E12000001", "E10000001" if year == 2023 else "E06000101",
            10, 20, 100 * k, 1000)
        add(year, "Local authority", "102", "Bby", "E12000001", "E06000102", 90, 100, 50, 500)
        add(year, "Local authority", "103", "Cby", "E12000002", "E06000103", 30, 60, 200, 2000 * k)
        add(year, "Local authority", "104", "Dby", "E12000002", "E06000104",
            np.nan if year == 2024 else 5, np.nan if year == 2024 else 10, 40, 400)
        add(year, "Local authority", "105", "Eby", "E12000001", "E06000105", 0, 5, 10, 100)
        add(year, "Regional", "E12000001", "North", "E12000001", None, 100, 125, 160, 1600)
        add(year, "National", "E92000001", "England", None, None, 200, 250, 400, 4000)
    return pd.DataFrame(rows)


TIMELINESS = bm.MEASURES["timeliness"]


def test_group_is_ratio_of_sums_not_mean_of_percentages() -> None:
    """Neighbours 101 and 102 in 2024: (10 + 90) / (20 + 100) = 100/120 = 83.33%, not (50% + 90%)/2 = 70%."""
    ees = _ees()
    values = bm.measure_values(ees, TIMELINESS)
    groups = comparator_groups(ees, "103", neighbours=["101", "102"])
    got = bm.group_values(values, groups, TIMELINESS, years=[2024]).set_index("group")
    assert got.at["Statistical neighbours", "value"] == pytest.approx(100 / 120 * 100)
    assert got.at["Statistical neighbours", "member_median"] == pytest.approx(70.0)
    assert got.at["Statistical neighbours", "member_min"] == pytest.approx(50.0)
    assert got.at["Cby", "value"] == pytest.approx(50.0)


def test_missing_la_values_are_left_out_and_counted() -> None:
    """Custom group {103, 104} in 2024: 104 is 'x', so the value is 103 alone, 30/60 = 50%, with one missing."""
    ees = _ees()
    values = bm.measure_values(ees, TIMELINESS)
    groups = comparator_groups(ees, "101", custom=["103", "104"], custom_name="Coastal")
    got = bm.group_values(values, groups, TIMELINESS, years=[2024]).set_index("group")
    assert got.at["Coastal", "value"] == pytest.approx(50.0)
    assert got.at["Coastal", "members_missing"] == 1
    assert got.at["Coastal", "denominator"] == 60


def test_england_and_region_use_published_rows_else_sum_of_las() -> None:
    """England's published row says 200/250 = 80%; North has a published row (100/125 = 80%); South has none,
    so it is the sum of its LAs with data in 2023: (30 + 5)/(60 + 10) = 50%."""
    ees = _ees()
    values = bm.measure_values(ees, TIMELINESS)
    north = bm.group_values(values, comparator_groups(ees, "101"), TIMELINESS, years=[2023]).set_index("group")
    assert north.at["England", "value"] == pytest.approx(80.0)
    assert north.at["North", "value"] == pytest.approx(80.0)
    south = bm.group_values(values, comparator_groups(ees, "103"), TIMELINESS, years=[2023]).set_index("group")
    assert south.at["South", "value"] == pytest.approx(50.0)
    assert south.at["South", "members"] == 2


def test_group_wilson_interval_matches_newcombe() -> None:
    """Newcombe (1998, Stat Med 17:857) Table I, Wilson score method: 81/263 -> 0.2553 to 0.3662."""
    lo, hi = wilson_interval(81, 263)
    assert (round(float(lo), 4), round(float(hi), 4)) == (0.2553, 0.3662)
    lo, hi = wilson_interval(np.array([15, 0, 1]), np.array([148, 20, 29]))
    assert np.allclose(lo, [0.0624, 0.0, 0.0061], atol=5e-5)
    assert np.allclose(hi, [0.1605, 0.1611, 0.1718], atol=5e-5)


def test_byar_interval_by_hand_and_against_exact_poisson() -> None:
    """O = 100, z = 1.959964: lower = 100·(1 − 1/900 − z/30)³ = 100·0.9335568³ = 81.362;
    upper = 101·(1 − 1/909 + z/(3·√101))³ = 101·1.0639073³ = 121.628. Byar approximates the exact (chi-square)
    Poisson limits, 81.364 and 121.627 for O = 100."""
    from scipy import stats

    lo, hi = bm.byar_interval(100)
    assert float(lo) == pytest.approx(81.362, abs=1e-3)
    assert float(hi) == pytest.approx(121.628, abs=1e-3)
    counts = np.array([10, 50, 500, 5000])
    lo, hi = bm.byar_interval(counts)
    assert np.allclose(lo, stats.chi2.ppf(0.025, 2 * counts) / 2, rtol=2e-3)
    assert np.allclose(hi, stats.chi2.ppf(0.975, 2 * counts + 2) / 2, rtol=2e-3)
    assert float(bm.byar_interval(0)[0]) == 0.0


def test_growth_is_ratio_of_sums_across_a_code_change() -> None:
    """Requests 2023 -> 2024: LA 101 100 -> 110 (its 9-character code changed), LA 102 50 -> 50.
    Group {101, 102}: (110 + 50)/(100 + 50) − 1 = 6.67%; LA 101 alone: +10%."""
    ees = _ees()
    measure = bm.MEASURES["requests_growth"]
    values = bm.measure_values(ees, measure)
    aby = values[(values.area_code == "101") & (values.year == 2024)]
    assert aby["value"].iloc[0] == pytest.approx(10.0)
    assert values[(values.area_code == "101") & (values.year == 2023)]["value"].isna().all()  # no 2022
    got = bm.group_values(values, comparator_groups(ees, "103", neighbours=["101", "102"]), measure,
                          years=[2024]).set_index("group")
    assert got.at["Statistical neighbours", "value"] == pytest.approx((160 / 150 - 1) * 100)


def test_refusal_rate_uses_decisions_as_denominator() -> None:
    """Refused 0.3R of decisions 0.6R + 0.3R = 33.3% for every LA in the synthetic table."""
    values = bm.measure_values(_ees(), bm.MEASURES["refusal_rate"])
    assert np.allclose(values["value"], 100 / 3)


def test_lait_bands_by_hand() -> None:
    """Nine LAs at 10, 20, ..., 90. R quantile type 7: Q25 = 30, Q50 = 50, Q75 = 70 (positions 3, 5, 7).
    Higher is better: (70, 90] -> A = {80, 90}; (50, 70] -> B = {60, 70}; (30, 50] -> C = {40, 50};
    [10, 30] -> D = {10, 20, 30}. Lower is better: A = {10, 20, 30}, B = {40, 50}, C = {60, 70}, D = {80, 90}."""
    values = pd.Series([10.0, 20, 30, 40, 50, 60, 70, 80, 90], index=list("abcdefghi"))
    q = bm.lait_quartiles(values)
    assert q.tolist() == [10, 30, 50, 70, 90]
    assert "".join(bm.lait_bands(values, higher_is_better=True)) == "DDDCCBBAA"
    assert "".join(bm.lait_bands(values, higher_is_better=False)) == "AAABBCCDD"


def test_lait_rank_ties_min_and_missing() -> None:
    values = pd.Series([90.0, 90.0, 80.0, np.nan, 70.0])
    assert bm.lait_rank(values, higher_is_better=True).tolist()[:3] == [1, 1, 3]
    assert np.isnan(bm.lait_rank(values, higher_is_better=True)[3])
    assert bm.lait_rank(values, higher_is_better=False).tolist()[4] == 1
    assert bm.lait_bands(values, higher_is_better=True).isna().tolist() == [False, False, False, True, False]


def test_lait_ranks_the_published_1dp_figure() -> None:
    """33.34% and 33.26% are both published as 33.3%, so LAIT ranks them equal."""
    ranks = bm.lait_rank(pd.Series([33.34, 33.26, 20.0]), higher_is_better=True)
    assert ranks.tolist() == [1, 1, 3]


def test_rank_intervals_are_seeded_and_sensible() -> None:
    """One LA at 990/1000 beats 20 LAs near 50% in every draw: rank 1, interval [1, 1]. A 1-of-2 LA could be
    anywhere: its interval is wide."""
    x = pd.Series([990.0] + [500.0 + i for i in range(20)] + [1.0], index=[f"L{i}" for i in range(22)])
    n = pd.Series([1000.0] * 21 + [2.0], index=x.index)
    a = bm.rank_intervals(x, n, draws=2000, seed=1)
    b = bm.rank_intervals(x, n, draws=2000, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert (a.loc["L0", ["rank_lower", "rank_upper", "median_rank"]] == 1).all()
    assert a.loc["L0", "p_top_quartile"] == 1.0
    assert a.loc["L21", "rank_upper"] - a.loc["L21", "rank_lower"] >= 15
    lower = bm.rank_intervals(x, n, higher_is_better=False, draws=2000, seed=1)
    assert lower.loc["L0", "median_rank"] >= 21  # worst when lower is better


def test_la_position_summarises_rank_band_and_interval() -> None:
    ees = _ees()
    values = bm.measure_values(ees, TIMELINESS)
    pos = bm.la_position(values, "102", 2024, TIMELINESS)
    # 2024 LA values: 50, 90, 50, (x), 0 -> 102 is best of 4
    assert (pos.value, pos.rank, pos.of, pos.band) == (90.0, 1, 4, "A")
    assert pos.rank_lower >= 1 and pos.rank_upper <= 4
    refusal = bm.la_position(bm.measure_values(ees, bm.MEASURES["refusal_rate"]), "102", 2024,
                             bm.MEASURES["refusal_rate"])
    assert refusal.rank is None and refusal.band is None


def test_kents_ten_neighbours_from_the_real_file(shared_dir: Path) -> None:
    """LAIT 2025 list (ees_statistics.md §6): Kent's neighbours, in rank order, become the comparator group."""
    table = neighbours.read(shared_dir / "reference-data" / "statistical_neighbours_lait_2025.csv")
    names = table.loc[table["la_code"] == "E10000016", "SN_name"].tolist()
    assert names == ["Essex", "East Sussex", "Devon", "Bexley", "Suffolk", "Norfolk", "Nottinghamshire",
                     "West Sussex", "Bedford", "Somerset"]


def test_kent_against_neighbours_on_the_real_release(shared_dir: Path, ees_2025: Path) -> None:
    """Real 2025 release: Kent 2024 timeliness 33.3%, England 46.4% (DATA.md checks); ten neighbours resolved."""
    import datetime as dt

    from helpers.config import Comparators, Inputs, LAConfig, PackConfig
    from helpers.areas import LA
    from helpers.sources import ees as ees_reader

    ees = ees_reader.read_release(ees_2025).table
    cfg = PackConfig(pack="kent", title="Kent", la=LAConfig(code="E10000016", old_code="886"),
                     period_end=dt.date(2025, 9, 30), inputs=Inputs(
                         ees=[ees_2025], neighbours=shared_dir / "reference-data" /
                         "statistical_neighbours_lait_2025.csv"), comparators=Comparators())
    kent = LA("886", "E10000016", "Kent", "E12000008", "South East")
    codes = neighbours.neighbours_for(kent, cfg, ees)
    assert len(codes) == 10
    values = bm.measure_values(ees, TIMELINESS)
    groups = comparator_groups(ees, "886", neighbours=codes)
    got = bm.group_values(values, groups, TIMELINESS, years=[2024]).set_index("kind")
    assert round(got.at["la", "value"], 1) == 33.3
    assert round(got.at["england", "value"], 1) == 46.4
    assert got.at["region", "group"] == "South East"
    assert got.at["neighbours", "members"] == 10


def test_summary_table_and_metrics_on_the_synthetic_table() -> None:
    """LA 103 (Cby, South) with neighbours 101 and 102 in 2024: timeliness 30/60 = 50%, neighbours
    (10 + 90)/(20 + 100) = 83.3%, England 200/250 = 80%; LA values 50, 90, 50, 0 (104 is x) rank Cby 2nd= of 4
    (ties take the lowest rank). Quartiles of (0, 50, 50, 90), type 7: Q25 = 37.5, Q50 = 50, Q75 = 60; higher is
    better, and 50 lies in (Q25, Q50], so band C."""
    ees = _ees()
    groups = comparator_groups(ees, "103", neighbours=["101", "102"])
    measures = [TIMELINESS, bm.MEASURES["tribunal_share"]]
    figures = [f for m in measures if (f := bm.latest_figures(ees, groups, m, "103")) is not None]
    table = tables.summary_table(figures, groups)
    assert table["Measure"].tolist() == [TIMELINESS.label]  # no tribunal data at all: left out
    row = table.iloc[0]
    assert (row["Cby"], row["England"], round(row["Statistical neighbours"], 1)) == (50.0, 80.0, 83.3)
    assert row["LAIT rank (1 = best)"] == "2 of 4"
    assert row["LAIT quartile band"] == "C"
    pos = bm.la_position(bm.measure_values(ees, TIMELINESS), "103", 2024, TIMELINESS)
    out = page_metrics(figures, "Cby", position=pos, year=2024, funnel_label="Low (0.001)",
                       funnel_label_wide="Not significant")
    assert out["timeliness_pct"].value == 50.0 and out["timeliness_pct"].england == 80.0
    assert out["timeliness_pct"].previous == 50.0  # 2023: 30/60
    assert out["timeliness_rank"].value == 2 and out["timeliness_rank"].extra("band") == "C"
    assert out["timeliness_funnel"].extra("special_cause") is False
    assert "tribunal_share_pct" not in out


def _funnel_points() -> pd.DataFrame:
    values = bm.measure_values(_ees(), TIMELINESS)
    return bf.funnel_points(values, 2024, 0.8, la_code="103", la_name="Cby", neighbours=["101", "102"])


def test_funnel_points_roles_and_labels_by_hand() -> None:
    """2024 against England's 80% (104 is x, so left out). At 99.8% (z = 3.0902) a point is "Low (0.001)" when
    its Wilson upper bound is below 0.8 (the funnel limit is where that bound touches the baseline):
    Aby 10/20: centre 0.5, half-width 3.0902·√(0.0125 + 9.549/1600)/1.4775 = 0.284, upper 0.784 < 0.8;
    Cby 30/60: upper 0.5 + 0.185 = 0.685; Eby 0/5: upper 0.328 + 0.328 = 0.656. Bby 90/100: Wilson lower at
    95% = 0.8852 − 0.0596 = 0.826 > 0.8 but at 99.8% = 0.8651 − 0.0952 = 0.770 < 0.8, so "High (0.025)"."""
    points = _funnel_points().set_index("area_name")
    assert list(points.index) == ["Aby", "Bby", "Cby", "Eby"]
    assert points["role"].tolist() == [bf.NEIGHBOUR_ROLE, bf.NEIGHBOUR_ROLE, "Cby", bf.OTHER_ROLE]
    assert points["significance"].tolist() == ["Low (0.001)", "High (0.025)", "Low (0.001)", "Low (0.001)"]
    assert points["allowing_for_variation"].isin(funnel.LABELS).all()
    assert bf.funnel_labels(_funnel_points(), "103") == ("Low (0.001)", points.at["Cby", "allowing_for_variation"])
    assert bf.funnel_labels(_funnel_points(), "104") == (None, None)


def test_funnel_lines_in_percent_and_wide_limits_on_the_logit_scale() -> None:
    """Councils all exactly at 80% give φ < 1 and τ² = 0, so the wide 99.8% limits are the plain logit ones: at the
    largest axis point n, expit(logit 0.8 ± 3.0902/√(n × 0.8 × 0.2)). Very spread councils (a large τ²) still get
    wide limits strictly inside 0-100% at every size (on the arcsine scale they were clipped to 0% and 100%, so no
    council could ever be outside them); they are drawn, and there is no note."""
    even = pd.DataFrame({"numerator": [40.0, 80.0, 160.0, 400.0], "denominator": [50.0, 100.0, 200.0, 500.0]})
    lines = bf.funnel_lines(even, 0.8)
    n = lines["n"].iloc[-1]
    half = 3.090232 / np.sqrt(n * 0.16)
    centre = np.log(0.8 / 0.2)
    assert lines["wide_lower_998"].iloc[-1] == pytest.approx(100 / (1 + np.exp(-(centre - half))), abs=1e-4)
    assert lines["wide_upper_998"].iloc[-1] == pytest.approx(100 / (1 + np.exp(-(centre + half))), abs=1e-4)
    assert (lines["baseline"] == 80.0).all()
    assert lines["upper_95"].iloc[-1] < lines["upper_998"].iloc[-1] < 100
    assert words.funnel_note(lines) is None
    spread = bf.funnel_lines(_funnel_points(), 0.8)
    assert (spread["wide_lower_998"] > 0).all() and (spread["wide_upper_998"] < 100).all()
    assert spread["wide_lower_998"].iloc[-1] > 5 and spread["wide_upper_998"].iloc[-1] < 99.7
    assert spread["wide_lower_998"].iloc[-1] < spread["lower_998"].iloc[-1]
    assert words.funnel_note(spread) is None
    flat = spread.assign(wide_lower_998=np.nan, wide_upper_998=np.nan)
    assert "not drawn" in words.funnel_note(flat)


def test_funnel_title_alt_and_table() -> None:
    points = _funnel_points()
    assert words.funnel_title(points, "103", "Cby", 2024, 0.8) == (
        "In 2024, Cby issued 50.0% of EHC plans within 20 weeks, below England's 80.0%")
    assert words.funnel_title(points, "104", "Dby", 2024, 0.8) == "Dby has no 20-week figure for 2024"
    alt = words.funnel_alt(points, "103", "Cby", 2024, 0.8)
    assert "for 4 councils" in alt and "at 50.0% of 60 plans" in alt and "triangles" in alt
    assert alt.endswith("3 of the 4 councils lie outside the 99.8% limits.")
    no_neighbours = points.assign(role=points["role"].replace(bf.NEIGHBOUR_ROLE, bf.OTHER_ROLE))
    assert "triangles" not in words.funnel_alt(no_neighbours, "103", "Cby", 2024, 0.8)
    table = words.funnel_table(points, 0.8, "Cby")
    assert table["Council"].tolist() == ["Cby", "Aby", "Bby", "Eby"]  # LA, neighbours A-Z, others
    assert table["Plans issued"].dtype == "Int64"
    cby = table.iloc[0]
    expected = funnel.limits([60.0], 0.8)
    assert cby["99.8% lower limit"] == pytest.approx(100 * expected["lower_998"].iloc[0])
    assert cby["Against England"] == "Well below (outside the 99.8% limits)"
    assert set(table["Allowing for variation between councils"]) <= set(words.SHORT_PLAIN.values())


def test_funnel_verdict_is_one_sentence_for_each_case() -> None:
    """Both funnel tests told together: a gap bigger than chance for the council's size, then whether councils
    usually differ that much. Never the old pair "very unlikely to be chance" + "not unusual" as two claims."""
    assert words.funnel_sentences("Cby", 0.8, None, None) == []
    chance_only = words.funnel_verdict("Kent", 33.3, 0.464, "Low (0.001)", "Not significant")
    assert chance_only == ("Kent's 33.3% is below England's 46.4% by more than chance alone would explain for a "
                           "council of its size (outside the 99.8% limits), but councils differ widely, and allowing "
                           "for the usual differences between councils it is not unusual among them.")
    special = words.funnel_verdict("Cby", 2.0, 0.8, "Low (0.001)", "Low (0.001)")
    assert special.startswith("Cby's 2.0% is below England's 80.0%") and "very unusual among councils" in special
    watch = words.funnel_verdict("Cby", 95.0, 0.8, "High (0.025)", "High (0.025)")
    assert "above England's 80.0%" in watch and "outside the 95% limits" in watch and "worth watching" in watch
    same = words.funnel_verdict("Cby", 79.0, 0.8, "Not significant", "Not significant")
    assert same == ("Cby's 79.0% is within the range chance alone would give a council of its size around England's "
                    "80.0%, so it is not significantly different from England.")
    for text in (chance_only, special, watch, same):
        assert text.count(". ") == 0 and text.endswith(".")
    assert words.funnel_sentences("Kent", 0.464, "Low (0.001)", "Not significant", value=33.3) == [
        (chance_only, "headline")]
    medway = words.funnel_verdict("Medway", 11.9, 0.464, "Low (0.001)", "Not significant", further=13, councils=151)
    assert medway.endswith("it is not unusual among them (13 of 151 councils are further below).")
    points = pd.DataFrame({"value": [5.0, 11.9, 30.0, 60.0]})
    got = words.funnel_sentences("Medway", 0.464, "Low (0.001)", "Not significant", value=11.9, points=points)
    assert got[0][0].endswith("(1 of 4 councils is further below).")


def test_names_neighbours_sentence_and_report_year() -> None:
    ees = _ees()
    names = bm.area_names(ees)
    assert names["101"] == "Aby" and names["E92000001"] == "England"
    assert tables.neighbours_sentence("Cby", ["101", "102", "105"], names) == (
        "Cby's statistical neighbours are Aby, Bby and Eby.")
    assert tables.neighbours_sentence("Cby", [], names).startswith("No statistical neighbours are set")
    values = bm.measure_values(ees, TIMELINESS)
    assert bm.report_year(values, "104") == 2023  # 104 is x in 2024
    assert bm.report_year(values, "999") == 2024  # not in the table: the latest year anyone has


def test_interval_table_and_measures_with_la_values() -> None:
    ees = _ees()
    groups = comparator_groups(ees, "103", neighbours=["101", "102"])
    rows = bm.group_values(bm.measure_values(ees, TIMELINESS), groups, TIMELINESS, years=[2024])
    table = tables.interval_table(rows).set_index("Area or group")
    assert table.at["Statistical neighbours", "Plans issued"] == 120
    assert table.at["Statistical neighbours", "Within 20 weeks"] == 100
    assert table["Plans issued"].dtype == "Int64"
    refusal = bm.MEASURES["refusal_rate"]
    trends = bm.trend_table(ees, groups, [TIMELINESS, refusal])
    trends.loc[(trends["measure"] == refusal.label) & (trends["kind"] == "la"), "value"] = np.nan
    assert bm.measures_with_la_values(trends, [TIMELINESS, refusal]) == [TIMELINESS]
