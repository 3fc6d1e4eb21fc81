"""The reporting-year 2026 release layout, read from the real sample in ../shared/ees/2026-sample.

Expected values are the numbers written in the sample's own CSV lines (read here with the csv module), or DfE's
published figures (reference/ees_statistics.md §2). Tests skip when ../shared is absent.
"""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.sources.ees import Release, list_las, read_release
from helpers.sources.ees_layouts import LAYOUT_2025, LAYOUT_2026

ZIP_2025 = "education-health-and-care-plans_2025.zip"


@pytest.fixture(scope="module")
def sample(shared_dir: Path) -> Path:
    path = shared_dir / "ees" / "2026-sample"
    if not path.is_dir():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture(scope="module")
def r26(sample: Path) -> Release:
    return read_release([sample])


@pytest.fixture(scope="module")
def with_2025(sample: Path, ees_2025: Path) -> Release:
    return read_release([ees_2025, sample])  # the newer release listed last: order must not matter


def value(table: pd.DataFrame, area_code: str, year: int, measure: str) -> float:
    row = table[(table["area_code"] == area_code) & (table["year"] == year)]
    assert len(row) == 1, f"expected one row for {area_code} {year}, found {len(row)}"
    return float(row[measure].iloc[0])


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_file_of_the_sample_is_read(r26: Release, sample: Path) -> None:
    """Each CSV of the sample appears in the files table, matched to the 2026 layout."""
    on_disk = sorted(p.relative_to(sample).as_posix() for p in sample.rglob("*.csv"))
    assert sorted(r26.files["file"]) == on_disk and len(on_disk) == 14
    assert set(r26.files["layout"]) == {LAYOUT_2026.name}
    assert set(r26.provenance["layout"]) == {LAYOUT_2026.name}
    assert set(r26.provenance["reporting_year"]) == {2026}  # annual_reviews.csv holds calendar year 2025
    spreadsheet = r26.files.set_index("file").loc["supporting-files/SEND appealable decisions rate 2024-2025.csv"]
    assert "not EES tidy format" in spreadsheet["note"]


def test_2019_percentages_exactly_as_in_the_file(r26: Release, sample: Path) -> None:
    """England and the first councils' 2019 rows: recomputed % (1 d.p.) equals pc_plans_issued_20_weeks_ex."""
    lines = [r for r in rows(sample / "data" / "timeliness_20_week.csv")
             if r["time_period"] == "2019" and r["breakdown"] == "All EHC plans"]
    checked = 0
    for line in lines:
        code = {"National": line["country_code"], "Regional": line["region_code"]}.get(
            line["geographic_level"], line["old_la_code"])
        if line["pc_plans_issued_20_weeks_ex"] in ("x", "z"):
            continue
        pct = value(r26.table, code, 2019, "pct_within_20_weeks_ex")
        assert round(pct, 1) == float(line["pc_plans_issued_20_weeks_ex"]), code
        assert value(r26.table, code, 2019, "plans_issued_ex") == float(line["plans_issued_den_ex"])
        checked += 1
    assert checked >= 20
    assert round(value(r26.table, "E92000001", 2019, "pct_within_20_weeks_ex"), 1) == 60.4  # 29,895 / 49,519


def test_new_measures_of_the_2026_layout(r26: Release) -> None:
    """Phase transfers (phase_transfers.csv, no breakdown columns) and the 2026 annual-review columns."""
    t = r26.table
    assert value(t, "E92000001", 2025, "phase_transfers_due") == 12_232  # due_25
    assert value(t, "E92000001", 2025, "phase_transfers_due_next_year") == 142_257  # due_26
    assert value(t, "E92000001", 2025, "phase_transfers_final") == 38_887  # final_25
    # annual_reviews.csv: the "All reviews of EHC plans" row comes after the age rows (filter by label)
    assert value(t, "E92000001", 2025, "reviews_expected") == 596_987  # review_expected_2025
    assert value(t, "E92000001", 2025, "reviews_completed") == 339_027  # review_completed_2025
    assert value(t, "E92000001", 2025, "reviews_decision_within_4_weeks") == 161_396  # decision_4_weeks
    # avg_weeks_issue_plan is 'x' for 2019 in the sample: read as missing, never as zero
    assert pd.isna(value(t, "E92000001", 2019, "avg_weeks_to_issue"))
    assert value(t, "E92000001", 2019, "requests_received") == 82_329  # "All requests for an EHC needs assessment"
    assert value(t, "E92000001", 2019, "new_plans") == 53_899  # "All new EHC plans"
    assert value(t, "E92000001", 2022, "plans_ceased") == 34_724  # ceased_plans.csv without not_rec
    assert value(t, "E92000001", 2019, "plans_in_place") == 353_995  # caseload.csv, 201819, 61 columns


def test_2025_checks_still_pass_beside_the_2026_layout(with_2025: Release, ees_2025: Path) -> None:
    """Kent 2019 28.7%, 2024 33.3%; England 2024 46.4% (published), with the sample given beside the 2025 zip."""
    t = with_2025.table
    assert round(value(t, "886", 2019, "pct_within_20_weeks_ex"), 1) == 28.7
    assert round(value(t, "886", 2024, "pct_within_20_weeks_ex"), 1) == 33.3
    assert round(value(t, "E92000001", 2024, "pct_within_20_weeks_ex"), 1) == 46.4
    assert round(value(t, "887", 2024, "pct_within_20_weeks_ex"), 1) == 11.9  # Medway
    # England 2019 comes from the newer release (it has that row); Kent 2019 from the 2025 zip (the sample stops
    # before Kent), each row's source says which
    assert value(t, "E92000001", 2019, "plans_issued_ex") == 49_519
    sources = t.set_index(["area_code", "year"])["source"]
    assert sources[("E92000001", 2019)] == "2026-sample" and sources[("886", 2019)] == ZIP_2025
    prov = with_2025.provenance
    assert set(prov.loc[prov["source"] == "2026-sample", "layout"]) == {LAYOUT_2026.name}
    assert set(prov.loc[prov["source"] == ZIP_2025, "layout"]) == {LAYOUT_2025.name}
    assert list_las(with_2025).equals(list_las(read_release([ees_2025])))  # list-las works on it


def test_2025_zip_with_2026_timeliness_file(ees_2025: Path, tmp_path: Path) -> None:
    """The issue's reproduction: the 2025 release with the 2026 changes applied to timeliness_20_week.csv alone."""
    folder = tmp_path / "rel"
    with zipfile.ZipFile(ees_2025) as archive:
        archive.extractall(folder)
    path = folder / "data" / "timeliness_20_week.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = (lines[0].replace("PC_", "pc_").replace("ltYear", "ltyear")
              + ",avg_weeks_issue_plan,avg_weeks_issue_plan_exc")
    body = [line.replace("All EHC plans issued", "All EHC plans") + ",x,x" for line in lines[1:]]
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    release = read_release([folder])
    assert round(value(release.table, "886", 2024, "pct_within_20_weeks_ex"), 1) == 33.3
    files = release.files.set_index("file")
    assert files.loc["data/timeliness_20_week.csv", "layout"] == LAYOUT_2026.name
    assert files.loc["data/requests.csv", "layout"] == LAYOUT_2025.name


def test_unknown_label_names_file_label_closest_match_and_layouts(sample: Path, tmp_path: Path) -> None:
    """A renamed headline label: one message with the file, the expected label, 'did you mean' and the layouts."""
    folder = tmp_path / "rel"
    shutil.copytree(sample, folder)
    path = folder / "data" / "timeliness_20_week.csv"
    os_text = path.read_text(encoding="utf-8").replace("All EHC plans,All EHC plans", "All EHC plan,All EHC plan")
    path.chmod(0o644)
    path.write_text(os_text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_release([folder])
    e = err.value
    assert e.file.endswith("data/timeliness_20_week.csv") and e.field == "breakdown"
    assert e.expected == "'All EHC plans'" and e.found == "did you mean 'All EHC plan'?"
    assert "2026 topic files" in e.problem and "also tried 2025 topic files" in e.problem


def test_missing_measure_column_names_closest(sample: Path, tmp_path: Path) -> None:
    folder = tmp_path / "rel"
    shutil.copytree(sample, folder)
    path = folder / "data" / "newplans.csv"
    path.chmod(0o644)
    path.write_text(path.read_text(encoding="utf-8").replace("new_ehc_plans,", "new_ehc_plan,", 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_release([folder])
    assert err.value.field == "new_ehc_plans" and err.value.found == "did you mean 'new_ehc_plan'?"
    assert err.value.where == "line 1 (header)"


@pytest.mark.slow
def test_data_quality_page_from_the_2026_sample_and_2025_zip(tmp_path_factory: pytest.TempPathFactory,
                                                             sample: Path, ees_2025: Path) -> None:
    """The page says which release and layout each year came from, lists the Yorkshire repairs with both values,
    counts current councils (153, not 158 ever seen), and keeps the column list to a CSV download."""
    from project_copy import copy_project
    from helpers.pack import cli

    project = copy_project(tmp_path_factory.mktemp("ees2026") / "project")
    text = (project / "config" / "kent.example.yaml").read_text()
    text = text.replace("    - data/raw/education-health-and-care-plans_2025.zip",
                        f"    - {sample}\n    - {ees_2025}")
    text = text.replace("    - data/raw/education-health-and-care-plans_2022.zip", "")
    config = project / "config" / "kent.yaml"
    config.write_text(text)
    assert cli.main(["build", str(config), "--no-pdf", "--jobs", "1", "--only", "00_data_quality"]) == 0
    pack = project / "reports" / "kent"
    page = (pack / "00_data_quality.html").read_text()
    assert "2026 topic files" in page and "2025 topic files" in page and "2026-sample" in page
    assert "153 councils (5 more that have since merged or been abolished)" in page
    assert "North Yorkshire" in page and "6,078" in page and "814" in page
    assert "did not submit" not in page
    full = pack / "downloads" / "00_data_quality-missing-values-all-columns.csv"
    assert full.exists() and len(full.read_text().splitlines()) > 200
    assert "download the full list (CSV)" in page
    summary = (pack / "downloads" / "00_data_quality-missing-values.csv").read_text().splitlines()
    assert len(summary) <= 40  # one row per file, about a page
