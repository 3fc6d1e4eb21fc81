"""The DfE release reader on the real 2025 and 2022 zips, checked against published figures.

Expected values are DfE's own published numbers (../shared/DATA.md §1; reference/ees_statistics.md §2), never
this reader's earlier output. Tests skip when ../shared is absent.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.config import LAConfig
from helpers.schemas import EES, EES_COLUMNS
from helpers.areas import CODE_HISTORY
from helpers.sources.ees import Release, find_la, list_las, read_release
from helpers.sources.ees_checks import totals_check


@pytest.fixture(scope="module")
def r25(ees_2025: Path) -> Release:
    return read_release([ees_2025])


@pytest.fixture(scope="module")
def both(ees_2025: Path, ees_2022: Path) -> Release:
    # older release listed last on purpose: "newer" is decided by the data, not by argument order
    return read_release([ees_2025, ees_2022])


def value(table: pd.DataFrame, area_code: str, year: int, measure: str) -> float:
    row = table[(table["area_code"] == area_code) & (table["year"] == year)]
    assert len(row) == 1, f"expected one row for {area_code} {year}, found {len(row)}"
    return float(row[measure].iloc[0])


# --- DATA.md §1 checks on the 2025 release ------------------------------------------------------------------


def test_england_2024_timeliness(r25: Release) -> None:
    """84,866 plans excluding exceptions; 46.4% within 20 weeks (published PC_plans_issued_20_weeks_ex)."""
    assert value(r25.table, "E92000001", 2024, "plans_issued_ex") == 84_866
    assert round(value(r25.table, "E92000001", 2024, "pct_within_20_weeks_ex"), 1) == 46.4
    assert value(r25.table, "E92000001", 2024, "plans_issued") == 90_392
    # plans_issued_gt_1_year / plans_issued_gt20weeks_ltYear (mixed case in the file): 7.2% over a year
    over = value(r25.table, "E92000001", 2024, "plans_issued_over_52_weeks")
    assert round(100 * over / 90_392, 1) == 7.2
    assert value(r25.table, "E92000001", 2024, "plans_issued_20_to_52_weeks") + over + value(
        r25.table, "E92000001", 2024, "plans_issued_within_20_weeks") == pytest.approx(90_392, abs=700)


def test_england_2019_timeliness(r25: Release) -> None:
    """60.4% = 29,895 / 49,519 (excluding exceptions); 58.7% including (31,313 / 53,327)."""
    assert value(r25.table, "E92000001", 2019, "plans_issued_within_20_weeks_ex") == 29_895
    assert round(value(r25.table, "E92000001", 2019, "pct_within_20_weeks_ex"), 1) == 60.4
    assert round(value(r25.table, "E92000001", 2019, "pct_within_20_weeks"), 1) == 58.7


def test_kent_timeliness_by_old_code(r25: Release) -> None:
    """Kent (886): 2019 546 of 1,903 = 28.7%; 2023 18.0%; 2024 33.3%."""
    t = r25.table
    assert value(t, "886", 2019, "plans_issued_within_20_weeks_ex") == 546
    assert value(t, "886", 2019, "plans_issued_ex") == 1_903
    assert round(value(t, "886", 2019, "pct_within_20_weeks_ex"), 1) == 28.7
    assert round(value(t, "886", 2023, "pct_within_20_weeks_ex"), 1) == 18.0
    assert round(value(t, "886", 2024, "pct_within_20_weeks_ex"), 1) == 33.3
    kent = t[t["area_code"] == "886"]
    assert set(kent["la_code"]) == {"E10000016"}
    assert set(kent["region_code"]) == {"E12000008"} and set(kent["area_name"]) == {"Kent"}


def test_medway_2024(r25: Release) -> None:
    assert round(value(r25.table, "887", 2024, "pct_within_20_weeks_ex"), 1) == 11.9


def test_buckinghamshire_code_change_joined_on_old_code(r25: Release) -> None:
    """825 is E10000002 in 2019 and 2023-24 but E06000060 in 2020-22 in the file: one series, latest code."""
    t = r25.table
    assert round(value(t, "825", 2021, "pct_within_20_weeks_ex"), 1) == 82.0
    assert round(value(t, "825", 2024, "pct_within_20_weeks_ex"), 1) == 32.1
    bucks = t[t["area_code"] == "825"]
    assert sorted(bucks["year"]) == list(range(2019, 2026))
    assert set(bucks["la_code"]) == {"E06000060"}
    assert r25.table.attrs[CODE_HISTORY]["825"] == ["E10000002", "E06000060"]
    row = r25.las.set_index("old_code").loc["825"]
    assert row["code"] == "E06000060" and "code changed" in row["note"]


def test_plans_in_place_from_academic_year_code(r25: Release) -> None:
    """caseload.csv time_period 202425 (academic year) is the January 2025 census: 638,745 plans."""
    assert value(r25.table, "E92000001", 2025, "plans_in_place") == 638_745
    assert value(r25.table, "E92000001", 2019, "plans_in_place") == 353_995  # 201819 -> January 2019


def test_requests_2023(r25: Release) -> None:
    assert value(r25.table, "E92000001", 2023, "requests_received") == 138_242
    assert value(r25.table, "E92000001", 2023, "requests_decided_not_to_assess") == 33_141


def test_x_becomes_nan(r25: Release) -> None:
    """requests_decided_to_assess is 'x' for every area before 2023 in the 2025 release."""
    t = r25.table
    assert t.loc[t["year"] <= 2022, "requests_decided_to_assess"].isna().all()
    assert value(t, "E92000001", 2023, "requests_decided_to_assess") == 92_985
    q = r25.quality.set_index(["file", "column"])
    assert q.loc[("data/requests.csv", "requests_decided_to_assess"), "n_x"] == 161 + 161 + 162 + 162 + 3


def test_misspelt_and_duplicated_columns(r25: Release) -> None:
    """number_decsion_4weeks feeds reviews_decision_within_4_weeks; review_meeting_prior_24 appears twice."""
    t = r25.table
    assert value(t, "E92000001", 2024, "reviews_decision_within_4_weeks") == 154_924
    assert value(t, "E92000001", 2024, "reviews_decision_over_4_weeks") == 193_835
    assert value(t, "E92000001", 2024, "reviews_expected") == 524_654
    q = r25.quality[r25.quality["file"] == "data/annual_reviews.csv"].set_index("column")
    assert "twice" in q.loc["review_meeting_prior_24", "note"].iloc[-1]
    assert "misspelt" in q.loc["outcome_maintan", "note"]
    assert q.loc["number_decsion_4weeks", "measure"] == "reviews_decision_within_4_weeks"
    a = r25.quality[r25.quality["file"] == "data/assessments.csv"].set_index("column")
    assert "misspelt" in a.loc["number_asssess_mediation_tribunal", "note"]


def test_upper_and_lower_case_pc_prefix_both_checked(r25: Release) -> None:
    """PC_plans_issued_20_weeks_ex (upper case) and pc_plans_issued_within_20_weeks are read as percentages."""
    cols = set(r25.quality.loc[r25.quality["file"] == "data/timeliness_20_week.csv", "column"])
    assert {"PC_plans_issued_20_weeks_ex", "pc_plans_issued_within_20_weeks"} <= cols


def test_headline_rows_only(r25: Release) -> None:
    """Breakdown rows (age, sex, ethnicity) are dropped: 2024 has England + 9 regions + 153 LAs, once each."""
    t = r25.table[r25.table["year"] == 2024]
    assert t.groupby("geographic_level").size().to_dict() == {"Local authority": 153, "National": 1, "Regional": 9}
    england = value(r25.table, "E92000001", 2024, "requests_received")
    assert england == 154_489


def test_las_that_appear_and_vanish(r25: Release) -> None:
    las = r25.las.set_index("old_code")
    assert las.loc["928", "name"] == "Northamptonshire" and las.loc["928", "last_year"] == 2021
    assert las.loc["940", "first_year"] == 2021 and "first appears" in las.loc["940", "note"]
    assert las.loc["909", "name"] == "Cumbria" and "last appears in 2023" in las.loc["909", "note"]
    assert las.loc["942", "name"] == "Cumberland" and las.loc["942", "first_year"] == 2023
    assert las.loc["815", "name"] == "North Yorkshire" and las.loc["933", "name"] == "Somerset"


def test_table_contract(r25: Release) -> None:
    t = r25.table
    assert tuple(t.columns) == EES_COLUMNS
    EES.validate(t)
    assert not t.duplicated(["year", "geographic_level", "area_code"]).any()
    assert set(t["source"]) == {"education-health-and-care-plans_2025.zip"}
    england = t[t["geographic_level"] == "National"]
    assert england["la_code"].isna().all() and england["region_code"].isna().all()


def test_percentages_recomputed_not_copied(r25: Release) -> None:
    """Regions' percentages are counts divided, e.g. South East 2024 38.2% (published to 1 d.p.)."""
    t = r25.table
    within = value(t, "E12000008", 2024, "plans_issued_within_20_weeks_ex")
    total = value(t, "E12000008", 2024, "plans_issued_ex")
    assert math.isclose(value(t, "E12000008", 2024, "pct_within_20_weeks_ex"), 100 * within / total)
    assert round(100 * within / total, 1) == 38.2


# --- both releases: series from 2014 --------------------------------------------------------------------------


def test_series_from_2014_with_both_releases(both: Release) -> None:
    """sen2_mi.csv (2022 release) supplies 2014-2018; the 2025 release wins from 2019."""
    t = both.table
    assert round(value(t, "886", 2014, "pct_within_20_weeks_ex"), 1) == 11.5
    assert round(value(t, "886", 2015, "pct_within_20_weeks_ex"), 1) == 86.2
    assert value(t, "E92000001", 2016, "requests_received") == 55_235
    assert value(t, "E92000001", 2017, "new_plans") == 42_162
    assert round(value(t, "E92000001", 2017, "pct_within_20_weeks_ex"), 1) == 64.9
    assert round(value(t, "E12000008", 2016, "pct_within_20_weeks_ex"), 1) == 43.1
    assert round(value(t, "825", 2017, "pct_within_20_weeks_ex"), 1) == 18.9
    # plans in place before 2019 come from sen2_age_caseload.csv (statements included until 2018)
    assert value(t, "E92000001", 2014, "plans_in_place") == 237_111
    assert value(t, "E92000001", 2018, "plans_in_place") == 319_819
    assert value(t, "886", 2014, "plans_in_place") == 6_452
    sources = t.groupby("year")["source"].agg(set)
    assert sources[2018] == {"education-health-and-care-plans_2022.zip"}
    assert sources[2019] == sources[2025] == {"education-health-and-care-plans_2025.zip"}
    assert value(t, "E92000001", 2024, "plans_issued_ex") == 84_866


def test_release_order_does_not_matter(both: Release, ees_2025: Path, ees_2022: Path) -> None:
    other = read_release([ees_2022, ees_2025])
    pd.testing.assert_frame_equal(other.table, both.table)


def test_las_over_both_releases(both: Release) -> None:
    las = both.las.set_index("old_code")
    assert "E10000002" in las.loc["825", "codes"] and "E06000060" in las.loc["825", "codes"]
    assert las.loc["837", "name"] == "Bournemouth" and las.loc["837", "last_year"] == 2019
    assert las.loc["839", "first_year"] == 2019
    files = both.files.set_index("file")
    assert files.loc["data/sen2_mi.csv", "source"] == "education-health-and-care-plans_2022.zip"
    # years each file supplies: sen2_mi.csv starts in 2014; for 2019 it fills the one area-year that the 2025
    # release's newplans.csv lacks (160 of 161 headline rows), which the provenance table shows
    assert files.loc["data/sen2_mi.csv", "years_used"] == "2014-2019"
    assert files.loc["data/sen2_age_caseload.csv", "years_used"] == "2010-2018"
    prov = both.provenance.set_index(["year", "source"])
    assert prov.loc[(2019, "education-health-and-care-plans_2022.zip"), "rows"] == 1


# --- folder form, list_las, find_la, totals_check -------------------------------------------------------------


def test_unzipped_folder_reads_the_same(r25: Release, ees_2025: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(ees_2025) as archive:
        archive.extractall(tmp_path / "release_2025")
    folder = read_release([tmp_path / "release_2025"])
    pd.testing.assert_frame_equal(folder.table.drop(columns="source"), r25.table.drop(columns="source"))
    assert set(folder.table["source"]) == {"release_2025"}
    assert list(folder.files["file"]) == list(r25.files["file"])  # paths inside the release, as in the zip
    pd.testing.assert_frame_equal(folder.quality.drop(columns="source"), r25.quality.drop(columns="source"))


def test_list_las(r25: Release) -> None:
    las = list_las(r25)
    assert list(las.columns) == ["old_code", "code", "name", "region_name"]
    kent = las[las["old_code"] == "886"].iloc[0]
    assert (kent["code"], kent["name"], kent["region_name"]) == ("E10000016", "Kent", "South East")
    assert las["old_code"].is_unique and len(las) == 158  # 153 current + 5 that vanished since 2019


@pytest.mark.parametrize("config", [
    {"code": "E10000016"}, {"old_code": "886"}, {"name": "kent"}, {"name": " KENT ", "old_code": "886"},
])
def test_find_la_kent(r25: Release, config: dict[str, str]) -> None:
    la = find_la(r25.table, LAConfig(**config), "config.yaml")
    assert (la.old_code, la.code, la.name, la.region_code, la.region_name) == (
        "886", "E10000016", "Kent", "E12000008", "South East")


def test_find_la_former_code_after_parquet(r25: Release, tmp_path: Path) -> None:
    """E10000002 (Buckinghamshire's code before 2020) still finds 825 after the table goes through parquet."""
    r25.table.to_parquet(tmp_path / "ees.parquet")
    table = pd.read_parquet(tmp_path / "ees.parquet")
    la = find_la(table, LAConfig(code="E10000002"), "config.yaml")
    assert (la.old_code, la.code) == ("825", "E06000060")


def test_find_la_successor_code_dfe_has_not_adopted(r25: Release) -> None:
    """North Yorkshire became unitary E06000065 in April 2023; the 2025 release still codes it E10000023."""
    la = find_la(r25.table, LAConfig(code="E06000065"), "config.yaml")
    assert (la.old_code, la.name) == ("815", "North Yorkshire")


def test_find_la_not_found_suggests(r25: Release) -> None:
    with pytest.raises(InputError) as err:
        find_la(r25.table, LAConfig(name="Kentt"), "config.yaml")
    assert "did you mean 'Kent'" in str(err.value) and "la.name" in str(err.value)
    with pytest.raises(InputError, match="different LAs"):
        find_la(r25.table, LAConfig(name="Kent", old_code="887"), "config.yaml")


def test_totals_check(r25: Release) -> None:
    """Regions add up to England exactly; LA sums show the LAs missing (x) in 2023 and DfE's 2022 new-plans slip."""
    check = totals_check(r25.table).set_index(["year", "measure"])
    row = check.loc[(2024, "requests_received")]
    assert row["england"] == 154_489 and row["regions_minus_england"] == 0 and row["las_minus_england"] == 0
    assert (check["regions_minus_england"].dropna() == 0).all()
    assert check.loc[(2023, "requests_received"), "las_minus_england"] < 0  # three LAs are 'x' in 2023
    assert check.loc[(2023, "requests_received"), "las_reporting"] == 150
    # the 2025 release's newplans.csv gives the 15 Yorkshire and The Humber councils the region's 2022 total
    # (6,078 each; 14 x 6,078 = 85,092 too many); repaired from their Sex rows the councils come within 350 of
    # England (the region's own Sex rows add up to 5,728 + 2 unknown, not 6,078)
    assert check.loc[(2022, "new_plans"), "las_minus_england"] == -350


def test_yorkshire_region_total_repaired(r25: Release) -> None:
    """Each Y&H council's 2022 new plans = 6,078 in the file; the repair is the sum of its Sex rows."""
    rep = r25.repairs.set_index("area_code")
    assert len(rep) == 15 and set(rep["published"]) == {6078} and set(rep["year"]) == {2022}
    assert rep.loc["815", "area_name"] == "North Yorkshire" and rep.loc["815", "repaired"] == 814
    assert rep.loc["370", "repaired"] == 109 + 210  # Barnsley: Female 109 + Male 210 (newplans.csv Sex rows)
    assert value(r25.table, "815", 2022, "new_plans") == 814
    assert value(r25.table, "E12000003", 2022, "new_plans") == 6078  # the region row is not touched


def test_save_and_load_release(r25: Release, tmp_path: Path) -> None:
    """A batch build reads the zip once: the saved release loads back identical, code history included."""
    from helpers.sources.ees import load_release, save_release

    loaded = load_release(save_release(r25, tmp_path / "saved"))
    pd.testing.assert_frame_equal(loaded.table, r25.table)
    pd.testing.assert_frame_equal(loaded.las, r25.las)
    assert loaded.table.attrs[CODE_HISTORY]["825"] == ["E10000002", "E06000060"]
    (tmp_path / "saved" / "las.parquet").unlink()
    with pytest.raises(InputError, match="saved release file not found"):
        load_release(tmp_path / "saved")


def test_data_quality_counts_current_councils_and_checks_headline_rows_only(r25: Release) -> None:
    """153 councils in 2025 (158 ever seen since 2019); totals add headline rows only, so after the Yorkshire
    repair 2022 new plans are within 350 of England (not 151,798 against 66,706), and no excuse is invented."""
    from helpers.analysis import dataquality
    from helpers.pages import data_quality

    assert dataquality.current_councils(r25.table) == 153
    totals = dataquality.totals(r25.table)
    checks = data_quality.totals_table(totals).data
    row = checks[(checks["Year"] == "2022") & (checks["Measure"] == "new_plans")].iloc[0]
    assert row["Sum of councils"] == 66_356 and row["England"] == 66_706
    assert row["Councils with a figure"] == row["Councils that year"] == 152
    sentence = data_quality.totals_sentence(totals)
    assert "did not submit" not in sentence and "published no figure (x)" in sentence
    rep = data_quality.repairs_table(r25).data
    assert len(rep) == 15 and set(rep["Published"]) == {6078}
    assert "15 Yorkshire and The Humber councils in 2022" in data_quality.repairs_sentence(r25)
    by_file = data_quality.missing_table(r25).data
    assert len(by_file) <= 15 and by_file["Not available (x)"].sum() == r25.quality["n_x"].sum()
