"""A Kent pack built from the real DfE release zips, exactly as downloaded (skipped without ../shared).

Expected values are DfE's published figures (DATA.md §1; ees_statistics.md §2.3): Kent (E10000016, DfE 886)
20-week timeliness excluding exceptions 28.7% in 2019 (546 of 1,903) and 33.3% in 2024; England 46.4% in 2024
(84,866 plans); Kent's ten statistical neighbours from DfE's 2025 list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from project_copy import copy_project

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

NEIGHBOURS = ("Essex", "East Sussex", "Devon", "Bexley", "Suffolk", "Norfolk", "Nottinghamshire", "West Sussex",
              "Bedford", "Somerset")


@pytest.fixture(scope="module")
def kent_pack(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path, ees_2025: Path, ees_2022: Path) -> Path:
    from helpers.pack import cli

    project = copy_project(tmp_path_factory.mktemp("kent") / "project")
    text = (project / "config" / "kent.example.yaml").read_text()
    text = text.replace("data/raw/education-health-and-care-plans_2025.zip", str(ees_2025))
    text = text.replace("data/raw/education-health-and-care-plans_2022.zip", str(ees_2022))
    text = text.replace("  # neighbours: data/raw/statistical_neighbours_lait_2025.csv",
                        f"  neighbours: {shared_dir / 'reference-data' / 'statistical_neighbours_lait_2025.csv'}")
    config = project / "config" / "kent.yaml"
    config.write_text(text)
    assert cli.main(["build", str(config), "--no-pdf"]) == 0
    return project / "reports" / "kent"


def test_data_tables_hold_published_timeliness(kent_pack: Path) -> None:
    ees = pd.read_parquet(kent_pack / "data" / "ees.parquet").set_index(["area_code", "year"])
    assert ees.loc[("886", 2019), "plans_issued_within_20_weeks_ex"] == 546
    assert ees.loc[("886", 2019), "plans_issued_ex"] == 1903
    assert round(ees.loc[("886", 2019), "pct_within_20_weeks_ex"], 1) == 28.7
    assert round(ees.loc[("886", 2024), "pct_within_20_weeks_ex"], 1) == 33.3
    assert ees.loc[("E92000001", 2024), "plans_issued_ex"] == 84866
    assert round(ees.loc[("E92000001", 2024), "pct_within_20_weeks_ex"], 1) == 46.4
    assert ees.loc[("886", 2014), "pct_within_20_weeks_ex"] == pytest.approx(11.5, abs=0.05)  # from the 2022 zip


def test_data_quality_page_names_kent_and_both_releases(kent_pack: Path) -> None:
    page = (kent_pack / "00_data_quality.html").read_text()
    assert "Kent" in page and "886" in page and "E10000016" in page
    assert "2014" in page and "Synthetic demonstration data" not in page


def test_timeliness_page_shows_published_values(kent_pack: Path) -> None:
    page = (kent_pack / "02_timeliness.html").read_text()
    for value in ("28.7", "33.3", "46.4", "South East"):
        assert value in page, value
    metrics = json.loads((kent_pack / "data" / "metrics_02_timeliness.json").read_text())
    assert metrics["pct_within_20_weeks_ex"]["value"] == pytest.approx(33.3, abs=0.05)
    assert metrics["pct_within_20_weeks_ex"]["england"] == pytest.approx(46.4, abs=0.05)


def test_growth_page_matches_release(kent_pack: Path) -> None:
    metrics = json.loads((kent_pack / "data" / "metrics_01_request_growth.json").read_text())
    assert metrics["requests_latest"]["value"] == 4001  # Kent requests 2024
    fc = metrics["requests_forecast_next_year"]
    assert fc["lower_95"] < fc["lower_80"] < fc["value"] < fc["upper_80"] < fc["upper_95"]
    page = (kent_pack / "01_request_growth.html").read_text()
    assert "likely range" in page.lower()


def test_benchmarks_page_shows_neighbours_and_funnel(kent_pack: Path) -> None:
    page = (kent_pack / "05_benchmarks.html").read_text()
    for name in NEIGHBOURS:
        assert name in page, name
    assert "funnel" in page.lower() and "2024" in page
