"""EP recruitment template: the reader (good file, each broken rule), the sums, and the independent-reports route
through the queue model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import recruitment as analysis
from helpers.analysis.workforce import EPAssumptions
from helpers.analysis.workforce_projection import Scenario
from helpers.analysis.workforce_service import service_now
from helpers.errors import InputError
from helpers.sources import recruitment as source
from helpers.sources import workforce

ROOT = Path(__file__).resolve().parents[2]
HEADER = ",".join(source.COLUMNS)
GOOD = ["2024-01,2,0,0,\"£10,500\",0", "2024-02,0,3,0,0,0", "2024-03,0,1,1,0,4", "2024-04,1,0,1,2800.50,6"]


def _write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "recruitment.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_template_is_the_column_list() -> None:
    text = (ROOT / "data" / "templates" / "ep_recruitment_template.csv").read_text(encoding="utf-8")
    assert text == HEADER + "\n"
    readme = (ROOT / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert all(f"`{c}`" in readme for c in source.COLUMNS)


def test_reads_a_good_file(tmp_path: Path) -> None:
    frame = source.read(_write(tmp_path, GOOD))
    assert frame["month"].tolist() == list(pd.date_range("2024-01-01", periods=4, freq="MS"))
    assert frame["campaign_cost_gbp"].tolist() == [10500.0, 0.0, 0.0, 2800.5]
    assert frame["appointments"].dtype == "int64"


@pytest.mark.parametrize(("row", "field", "problem"), [
    ("2024-13,0,0,0,0,0", "month", "not a real month"),
    ("2024-05,-1,0,0,0,0", "posts_advertised", "a negative value"),
    ("2024-05,0,1.5,0,0,0", "applications", "a count that is not a whole number"),
    ("2024-05,0,0,0,lots,0", "campaign_cost_gbp", "not a number"),
    ("2024-05,0,0,0,,0", "campaign_cost_gbp", "a required value is blank"),
    ("2024-04,0,0,0,0,0", "month", "the same month appears twice"),
    ("2023-12,0,0,0,0,0", "month", "months are not in date order"),
    ("2024-05,0,0,3,0,0", "appointments", "more appointments than applications, in total since the first month"),
    ("2024-05,0,5,2,0,0", "appointments", "more appointments than posts advertised, in total since the first month"),
])
def test_bad_rows_name_line_and_field(tmp_path: Path, row: str, field: str, problem: str) -> None:
    """The bad row is the fifth data row: line 6."""
    with pytest.raises(InputError) as info:
        source.read(_write(tmp_path, [*GOOD, row]))
    err = info.value
    assert (err.where, err.field, err.problem) == ("line 6", field, problem)
    assert err.message.startswith(str(tmp_path / "recruitment.csv")) and err.expected


def test_missing_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        source.read(_write(tmp_path, ["2024-01,0,0,0,0"], header=",".join(source.COLUMNS[:-1])))
    assert (info.value.problem, info.value.field) == ("required columns are missing", "independent_reports")


def test_sums_by_hand(tmp_path: Path) -> None:
    """Spend £10,500 + £2,800.50 = £13,300.50 for 2 appointments: £6,650.25 each. Posts 3, applications 4:
    1.33 a post, 2 of 3 posts filled (66.7%). The March appointment counts from the January advert (2 months),
    the April one from the April advert (0 months): 1 month on average."""
    s = analysis.summarise(source.read(_write(tmp_path, GOOD)))
    assert s.cost_per_appointment_gbp == pytest.approx(6650.25)
    assert s.applications_per_post == pytest.approx(4 / 3) and s.filled_pct == pytest.approx(200 / 3)
    assert analysis.months_to_fill(source.read(_write(tmp_path, GOOD))).tolist() == [2.0, 0.0]
    assert s.months_to_fill == 1.0 and s.reports_last_year == 10
    assert s.by_year["year"].tolist() == ["2023-24", "2024-25"]  # January-March 2024, April 2024


def test_route_scenarios_send_reports_back_after_a_year() -> None:
    base = Scenario("as_is", np.full(104, 10.0), np.full(104, 5.0), np.zeros(104))
    without, with_route = analysis.route_scenarios(base, 2.0, route_weeks=52)
    assert (without.demand_per_week == 12.0).all()
    assert (with_route.demand_per_week[:52] == 10.0).all() and (with_route.demand_per_week[52:] == 12.0).all()
    assert (without.in_house_fte == base.in_house_fte).all() and without.key == analysis.WITHOUT


def test_route_projection_on_the_demo_staffing_return() -> None:
    """With the route open the list after a year is shorter than without it (same seed, same staff)."""
    staffing = workforce.read(ROOT / "data" / "demo" / "ep_workforce_northby.csv")
    assumptions = EPAssumptions(17.4, 1100, 650, 7.4, 6, 4, 12, 0.5)
    now = service_now(staffing, assumptions)
    route = analysis.route_projection(staffing, now, assumptions, reports_per_week=2.0, growth_per_year=0.05,
                                      on_time_pct=80, start=pd.Timestamp("2025-09-30"), replications=20)
    out = analysis.route_outcomes(route, deadline_weeks=6).set_index("key")
    assert out.loc[analysis.WITH, "waiting_1_year"] < out.loc[analysis.WITHOUT, "waiting_1_year"]
    assert out.loc[analysis.WITH, "within_deadline_pct_first_year"] >= out.loc[
        analysis.WITHOUT, "within_deadline_pct_first_year"]
