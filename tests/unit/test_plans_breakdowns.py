"""The breakdowns reader (helpers.sources.ees_breakdowns) against published DfE values and bad inputs.

Published values are read from the real 2025 release (../shared/ees/education-health-and-care-plans_2025.zip);
each test names the file and CSV line the value comes from. Tests needing it skip when ../shared is absent.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.sources import ees_breakdowns_layouts as lay
from helpers.sources.ees_breakdowns import COLUMNS, read_breakdowns
from helpers.sources.ees_breakdowns_appeals import APPEALS, DECISIONS, read_appeals

LEAD = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "new_la_code,old_la_code,la_name,breakdown_topic,breakdown")


@pytest.fixture(scope="module")
def real(ees_2025: Path, ees_2022: Path) -> pd.DataFrame:
    return read_breakdowns([ees_2022, ees_2025])


def _value(frame: pd.DataFrame, year: int, code: str, breakdown: str, category: str) -> float:
    row = frame[(frame["year"] == year) & (frame["area_code"] == code) & (frame["breakdown"] == breakdown)
                & (frame["category"] == category)]
    assert len(row) == 1, row
    return float(row["count"].iloc[0])


def test_england_plans_in_place_january_2025(real: pd.DataFrame) -> None:
    # data/caseload.csv line 13028: 202425,Academic year,National,...,All EHC plans,All EHC plans,638745
    for breakdown in ("placement", "age", "need"):
        assert _value(real, 2025, "E92000001", breakdown, lay.ALL) == 638_745


def test_kent_plans_in_place_january_2025(real: pd.DataFrame) -> None:
    # data/caseload.csv line 23794: 202425,...,E10000016,886,Kent,All EHC plans,All EHC plans,20635
    assert _value(real, 2025, "886", "placement", lay.ALL) == 20_635
    assert list(real.columns) == list(COLUMNS)


def test_kent_independent_special_share_2025(real: pd.DataFrame) -> None:
    # data/caseload.csv line 23794: special_independent = 1487 of ehcplans = 20635 (7.2%)
    count = _value(real, 2025, "886", "placement", lay.SPECIAL_INDEPENDENT)
    assert count == 1_487
    assert round(count / 20_635 * 100, 1) == 7.2
    # same line: special_total 8050 (39.0%) = LA maintained 5428 + academy/free 999 + independent 1487 + NM 136
    special = sum(_value(real, 2025, "886", "placement", c) for c in lay.SPECIAL if c != lay.HOSPITAL)
    assert special == 8_050


def test_kent_autism_share_2025(real: pd.DataFrame) -> None:
    # data/sen_needs_all_plans.csv line 9699: Kent 202425 ehc_plans 20635, number_asd 9535, asd_pc 46.2
    count = _value(real, 2025, "886", "need", "Autistic spectrum disorder")
    assert count == 9_535
    assert round(count / _value(real, 2025, "886", "need", lay.ALL) * 100, 1) == 46.2


def test_placements_add_up_to_the_total_england_2025(real: pd.DataFrame) -> None:
    # data/caseload.csv line 13028: the leaf placement columns sum to ehcplans (638,745) in 2025
    rows = real[(real["year"] == 2025) & (real["area_code"] == "E92000001") & (real["breakdown"] == "placement")]
    assert rows.loc[rows["category"] != lay.ALL, "count"].sum() == 638_745


def test_2022_release_supplies_early_years(real: pd.DataFrame) -> None:
    # 2022 zip data/sen2_estab_caseload.csv: England 2015 Total/Total total_all; the 2025 zip starts at 2019
    assert _value(real, 2015, "E92000001", "placement", lay.ALL) == 240_183
    years = set(real.loc[real["breakdown"] == "age", "year"])
    assert {2016, 2021, 2024, 2025} <= years


def _folder(tmp_path: Path, body: str, name: str = "caseload.csv", header: str | None = None) -> Path:
    data = tmp_path / "release" / "data"
    data.mkdir(parents=True)
    header = header or f"{LEAD},ehcplans,special_independent,mainstream_academy"
    (data / name).write_bytes(("\ufeff" + header + "\n" + body).encode("utf-8"))
    return tmp_path / "release"


ENGLAND_ROW = "202425,Academic year,National,E92000001,England,,,,,,All EHC plans,All EHC plans,"


def test_bom_x_and_academic_year(tmp_path: Path) -> None:
    out = read_breakdowns(_folder(tmp_path, ENGLAND_ROW + "100,x,60\n"))
    assert set(out["year"]) == {2025}
    assert set(out["category"]) == {lay.ALL, lay.MAINSTREAM}  # x is left out, not a zero


def test_newest_release_wins(tmp_path: Path) -> None:
    old = _folder(tmp_path / "a", ENGLAND_ROW + "100,10,60\n")
    new = _folder(tmp_path / "b", ENGLAND_ROW + "100,20,60\n" + ENGLAND_ROW.replace("202425", "202526")
                  + "110,20,60\n")
    out = read_breakdowns([old, new])
    assert _value(out, 2025, "E92000001", "placement", lay.SPECIAL_INDEPENDENT) == 20


def test_text_in_a_count_names_file_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_breakdowns(_folder(tmp_path, ENGLAND_ROW + "100,ten,60\n"))
    assert err.value.where == "line 2" and err.value.field == "special_independent"
    assert err.value.file.endswith("caseload.csv") and err.value.found == "ten"


def test_bad_time_period_and_la_code(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an academic year|not a time period"):
        read_breakdowns(_folder(tmp_path / "a", ENGLAND_ROW.replace("202425", "202427") + "1,1,0\n"))
    la = "202425,Academic year,Local authority,E92000001,England,E12000008,South East,E10000016,88,Kent,"
    with pytest.raises(InputError) as err:
        read_breakdowns(_folder(tmp_path / "b", la + "All EHC plans,All EHC plans,1,1,0\n"))
    assert err.value.field == "old_la_code" and err.value.expected == "three digits such as 886"


def test_missing_total_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="required column") as err:
        read_breakdowns(_folder(tmp_path, ENGLAND_ROW + "1,0\n", header=f"{LEAD},special_independent,x"))
    assert err.value.field == "ehcplans"


def test_not_utf8_in_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "release.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data/caseload.csv", (LEAD + ",ehcplans\n").encode() + b"\xff\xfe")
    with pytest.raises(InputError, match="not UTF-8") as err:
        read_breakdowns(path)
    assert err.value.file == f"{path}/data/caseload.csv"


def test_no_breakdown_files_gives_an_empty_frame(tmp_path: Path) -> None:
    out = read_breakdowns(_folder(tmp_path, "", name="requests.csv"))
    assert out.empty and list(out.columns) == list(COLUMNS)


def test_age_bands() -> None:
    assert lay.age_band("under 3") == "Under 5" and lay.age_band("age 4") == "Under 5"
    assert lay.age_band("age 10") == "Age 5 to 10" and lay.age_band("age 16") == "Age 16 to 19"
    assert lay.age_band("age 25") == "Age 20 to 25" and lay.age_band("unknown") is None


def test_kent_tribunal_appeal_rate_2024(real: pd.DataFrame) -> None:
    # supporting-files/SEND Tribunals and appeal rate 2014-2024.csv line 143: Kent, 886, ... 2024: "1,559",
    # "23,692", 6.60%; line 174 "England Total": 2024 "22,276", "689,739", 3.20%
    appeals = _value(real, 2024, "886", "appeals", APPEALS)
    decisions = _value(real, 2024, "886", "appeals", DECISIONS)
    assert (appeals, decisions) == (1_559, 23_692) and round(appeals / decisions * 100, 1) == 6.6
    assert _value(real, 2024, "E92000001", "appeals", APPEALS) == 22_276


def test_appeals_table_cells() -> None:
    text = ("Title,,,,\n,,,,\nLocal Authority,LA code,2023,,,2024,,\n"
            ",,Appeals registered,Total Appealable Decisions,Rate,"
            "Appeals registered,Total Appealable Decisions,Rate\n"
            "NORTH EAST,,,,,,,\nDarlington,841, - ,450,0.00%,~,\"1,192\",0.70%\n"
            "\"England Total4,9\",,5,900,1%,..,..,..\n")
    out = read_appeals(text.encode(), "appeals.csv").set_index(["year", "area_code", "category"])["count"]
    assert out[(2023, "841", APPEALS)] == 0 and out[(2024, "841", DECISIONS)] == 1_192
    assert (2024, "841", APPEALS) not in out.index and out[(2023, "E92000001", DECISIONS)] == 900
    with pytest.raises(InputError) as err:
        read_appeals(text.replace("\"1,192\"", "many").encode(), "appeals.csv")
    assert err.value.where == "line 6" and err.value.field == "Total Appealable Decisions"


def test_kent_ceased_plans_by_reason_2024(real: pd.DataFrame) -> None:
    # data/ceased_plans.csv line 19856: Kent 2024 All ceased EHC plans: max_age 32, needs_met 102, he 122,
    # employ 276, transfer 306, no_engage 918, moved_outside_eng 39, deceased 19, not_rec 0, other 267; total 2081
    assert _value(real, 2024, "886", "ceased_reason", lay.ALL) == 2_081
    assert _value(real, 2024, "886", "ceased_reason", "Young person no longer wishes to engage") == 918
    assert _value(real, 2024, "886", "ceased_reason", "Other reason, or not recorded") == 267
    ages = real[(real["year"] == 2024) & (real["area_code"] == "886") & (real["breakdown"] == "ceased_age")]
    assert ages.loc[ages["category"] != lay.ALL, "count"].sum() == 2_081


def test_headline_only_file_has_no_breakdown(tmp_path: Path) -> None:
    out = read_breakdowns(_folder(tmp_path, ENGLAND_ROW + "100\n", header=f"{LEAD},ehcplans"))
    assert out.empty


def test_2026_layout_sample(shared_dir: Path) -> None:
    sample = shared_dir / "ees" / "2026-sample"
    if not sample.is_dir():
        pytest.skip(f"{sample} not present")
    out = read_breakdowns(sample)
    # data/caseload.csv line 2: 201819 England: special_academy 35065, special_free_school x (2026 column split)
    assert _value(out, 2019, "E92000001", "placement", lay.SPECIAL_ACADEMY) == 35_065
    # supporting-files/SEND appealable decisions rate 2024-2025.csv line 144: Kent,886,1559,14675,10.60%,1756,13802
    assert _value(out, 2025, "886", "appeals", APPEALS) == 1_756
    assert _value(out, 2025, "886", "appeals", DECISIONS) == 13_802
    # the newer release wins for 2024: DfE's revised count of appealable decisions (23,692 in the 2025 release)
    both = read_breakdowns([shared_dir / "ees" / "education-health-and-care-plans_2025.zip", sample])
    assert _value(both, 2024, "886", "appeals", DECISIONS) == 14_675
