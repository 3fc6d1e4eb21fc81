"""The committed synthetic DfE release (data/demo/ees) reads back with the real reader and adds up."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.demo import ees as demo
from helpers.demo import ees_breakdowns
from helpers.config import LAConfig
from helpers.sources.ees import Release, find_la, read_release
from helpers.sources.ees_checks import totals_check


@pytest.fixture(scope="module")
def release(root: Path) -> Release:
    return read_release([root / "data" / "demo" / "ees"])


def test_layout_matches_the_real_release(root: Path) -> None:
    """Same file names as the 2025 zip's data folder, UTF-8 BOM, x values, academic-year codes in caseload."""
    data = root / "data" / "demo" / "ees" / "data"
    assert sorted(p.name for p in data.iterdir()) == sorted([*demo.FILES, ees_breakdowns.NEEDS_FILE])
    caseload = (data / "caseload.csv").read_bytes()
    assert caseload.startswith(b"\xef\xbb\xbftime_period,time_identifier,geographic_level,")
    assert b"\n202425,Academic year,National," in caseload
    assert b",x," in (data / "requests.csv").read_bytes()


def test_every_la_and_region(release: Release, root: Path) -> None:
    real = pd.read_csv(root / "data" / "reference" / "la_codes.csv", dtype=str)
    t = release.table
    las_2024 = t[(t["year"] == 2024) & (t["geographic_level"] == "Local authority")]
    assert set(las_2024["area_code"]) == set(real["old_code"]) | {"999"}
    assert t.loc[t["geographic_level"] == "Regional", "area_code"].nunique() == 9
    assert sorted(t["year"].unique()) == list(range(2014, 2026))


def test_la_sums_equal_region_sums_equal_england(release: Release) -> None:
    check = totals_check(release.table)
    assert len(check) > 0
    assert (check["las_minus_england"] == 0).all() and (check["regions_minus_england"] == 0).all()
    t = release.table
    las = t[t["geographic_level"] == "Local authority"].groupby(["year", "region_code"])["plans_in_place"].sum()
    regions = t[t["geographic_level"] == "Regional"].set_index(["year", "area_code"])["plans_in_place"]
    assert (las.to_numpy() == regions.reindex(las.index).to_numpy()).all()


def test_england_calibrated_to_published_totals(release: Release) -> None:
    """Within 3% of DfE's England figures (ees_statistics.md §2.1): 154,489 requests and 97,747 new plans in
    2024, 46.4% within 20 weeks (excluding exceptions), 638,745 plans in place in January 2025."""
    e = release.table[release.table["geographic_level"] == "National"].set_index("year")
    assert e.loc[2024, "requests_received"] == pytest.approx(154_489, rel=0.03)
    assert e.loc[2024, "new_plans"] == pytest.approx(97_747, rel=0.03)
    assert e.loc[2025, "plans_in_place"] == pytest.approx(638_745, rel=0.03)
    assert e.loc[2024, "pct_within_20_weeks_ex"] == pytest.approx(46.4, abs=5)
    assert e.loc[2016, "requests_received"] == pytest.approx(55_235, rel=0.03)


def test_northby_resolves(release: Release) -> None:
    for config in (LAConfig(name="Northby"), LAConfig(old_code="999"), LAConfig(code="E06000999")):
        la = find_la(release.table, config, "config/demo.yaml")
        assert (la.old_code, la.code, la.name, la.region_code) == ("999", "E06000999", "Northby", "E12000002")


def test_totals_override_northby(tmp_path: Path) -> None:
    """demo_la_totals replace Northby's figures, and parts drawn from them stay within them."""
    totals = pd.DataFrame({"year": [2023, 2024], "requests_received": [787, 860], "plans_issued_ex": [455, 519],
                           "plans_issued_within_20_weeks_ex": [196, 147]})
    table = read_release([demo.write_release(tmp_path / "ees", seed=7, demo_la_totals=totals)]).table
    northby = table[table["area_code"] == "999"].set_index("year")
    assert northby.loc[2024, "requests_received"] == 860
    assert northby.loc[2024, "pct_within_20_weeks_ex"] == pytest.approx(100 * 147 / 519)
    assert northby.loc[2023, "plans_issued_ex"] <= northby.loc[2023, "plans_issued"]
    assert (totals_check(table)["las_minus_england"] == 0).all()
    plain = read_release([demo.write_release(tmp_path / "plain", seed=7)]).table
    others = (table["geographic_level"] == "Local authority") & (table["area_code"] != "999")
    pd.testing.assert_frame_equal(table[others].drop(columns="source"), plain[others].drop(columns="source"))


def test_same_seed_same_files(tmp_path: Path) -> None:
    a = demo.write_release(tmp_path / "a", seed=3) / "data"
    b = demo.write_release(tmp_path / "b", seed=3) / "data"
    for name in demo.FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes()
