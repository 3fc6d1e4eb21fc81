"""Early-support pilot: the two template readers (good files and each broken rule) and the evaluation, checked
against a direct statsmodels regression and a hand calculation on a small table written here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from helpers.analysis import pilot as analysis
from helpers.errors import InputError
from helpers.sources import pilot as source

ROOT = Path(__file__).resolve().parents[2]
MONTHS = [f"2024-{m:02d}" for m in range(1, 10)]  # the pilot starts in July: 6 months before, 3 from it
SCHOOLS = ["urn,start_date", "100001,2024-07-01", "100002,01/07/2024"]


def _requests_rows() -> list[str]:
    return [f"{urn},{month},{(i + urn) % 3},{200 + urn % 10}" for urn in (100001, 100002, 100003, 100004)
            for i, month in enumerate(MONTHS)]


def _write(tmp_path: Path, schools: list[str], requests: list[str]) -> tuple[Path, Path]:
    a, b = tmp_path / "schools.csv", tmp_path / "requests.csv"
    a.write_text("\n".join(schools) + "\n", encoding="utf-8")
    b.write_text("\n".join(["urn,month,requests,pupils", *requests]) + "\n", encoding="utf-8")
    return a, b


def _error(paths: tuple[Path, Path]) -> InputError:
    with pytest.raises(InputError) as info:
        source.read(*paths)
    return info.value


def test_templates_are_the_column_lists() -> None:
    folder = ROOT / "data" / "templates"
    assert (folder / "pilot_schools_template.csv").read_text(encoding="utf-8") == "urn,start_date\n"
    assert (folder / "pilot_requests_template.csv").read_text(encoding="utf-8") == "urn,month,requests,pupils\n"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert all(f"`{c}`" in readme for c in (*source.SCHOOL_COLUMNS, *source.REQUEST_COLUMNS))


def test_reads_good_files(tmp_path: Path) -> None:
    schools, requests = source.read(*_write(tmp_path, SCHOOLS, _requests_rows()))
    assert schools["urn"].tolist() == [100001, 100002]
    assert schools["start_date"].tolist() == [pd.Timestamp("2024-07-01")] * 2  # DD/MM/YYYY read too
    assert len(requests) == 36 and requests["month"].min() == pd.Timestamp("2024-01-01")
    assert requests["requests"].dtype == "int64"


def test_demo_files_read() -> None:
    schools, requests = source.read(ROOT / "data" / "demo" / "pilot_schools_northby.csv",
                                    ROOT / "data" / "demo" / "pilot_requests_northby.csv")
    assert len(schools) == 80 and requests["urn"].nunique() == 240


@pytest.mark.parametrize(("row", "field", "problem"), [
    ("10001,2024-09,1,200", "urn", "not a school URN"),
    ("100001,2024-13,1,200", "month", "not a real month"),
    ("100001,2024-10,-1,200", "requests", "a negative value"),
    ("100001,2024-10,1.5,200", "requests", "a count that is not a whole number"),
    ("100001,2024-10,300,200", "requests", "more requests than pupils"),
    ("100001,2024-10,1,0", "pupils", "a school with no pupils"),
    ("100001,2024-10,,200", "requests", "a required value is blank"),
    ("100001,2024-09,1,200", "month", "the same school and month appear twice"),
    ("100001,2099-01,1,200", "month", "a date in the future"),
])
def test_bad_request_rows_name_line_and_field(tmp_path: Path, row: str, field: str, problem: str) -> None:
    """The bad row is the last: line 38 of the requests file (header + 36 good rows)."""
    err = _error(_write(tmp_path, SCHOOLS, [*_requests_rows(), row]))
    assert (Path(err.file).name, err.where, err.field, err.problem) == ("requests.csv", "line 38", field, problem)
    assert err.expected


@pytest.mark.parametrize(("rows", "where", "field", "problem"), [
    (["urn,start_date", "100001,2024-07-01", "100001,2024-07-01"], "line 3", "urn", "the same school appears twice"),
    (["urn,start_date", "100001,2024-02-30"], "line 2", "start_date", "not a real date"),
    (["urn,start_date", "100001,2024-07-01", "100009,2024-07-01"], "line 3", "urn",
     "a pilot school has no rows in the requests file"),
    (["urn,start", "100001,2024-07-01"], "line 1", "start", "unknown column; did you mean start_date?"),
    (["urn", "100001"], "line 1", "start_date", "required columns are missing"),
    (["urn,start_date"], "line 2", None, "the template has no rows"),
])
def test_bad_school_files(tmp_path: Path, rows: list[str], where: str, field: str | None, problem: str) -> None:
    err = _error(_write(tmp_path, rows, _requests_rows()))
    assert (Path(err.file).name, err.where, err.field, err.problem) == ("schools.csv", where, field, problem)


def test_too_few_schools_or_months(tmp_path: Path) -> None:
    three = ["urn,start_date", "100001,2024-07-01", "100002,2024-07-01", "100003,2024-07-01"]
    assert _error(_write(tmp_path, three, _requests_rows())).problem == "too few schools to compare"
    late = ["urn,start_date", "100001,2024-03-01", "100002,2024-03-01"]  # only 2 months before the start
    err = _error(_write(tmp_path, late, _requests_rows()))
    assert err.problem.startswith("the months do not cover") and "6 months before March 2024" in str(err.expected)


# --- the evaluation on a hand-built table ---------------------------------------------------------------------

#: Requests a month in six schools of 1,000 pupils: three pilot schools (first three) starting in May 2024, four
#: months before and four from the start.
HAND = {100001: [3, 4, 3, 4, 2, 2, 3, 1], 100002: [5, 4, 6, 5, 3, 4, 3, 3], 100003: [2, 3, 2, 3, 2, 1, 2, 2],
        100004: [3, 3, 4, 3, 4, 4, 3, 4], 100005: [4, 5, 4, 5, 5, 5, 6, 5], 100006: [2, 2, 3, 2, 3, 2, 3, 3]}


def _hand_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    months = pd.date_range("2024-01-01", periods=8, freq="MS")
    requests = pd.DataFrame([{"urn": u, "month": m, "requests": r, "pupils": 1000}
                             for u, counts in HAND.items() for m, r in zip(months, counts, strict=True)])
    schools = pd.DataFrame({"urn": [100001, 100002, 100003], "start_date": pd.Timestamp("2024-05-01")})
    return schools, requests


def _direct_table() -> pd.DataFrame:
    """The same table built by hand for statsmodels: rate = requests ÷ 1,000 pupils × 1,000 × 12."""
    rows = [{"school": str(u), "month": m, "rate": 12.0 * r, "pilot": int(u <= 100003), "after": int(m >= 4)}
            for u, counts in HAND.items() for m, r in enumerate(counts)]
    table = pd.DataFrame(rows)
    table["d"] = table["pilot"] * table["after"]
    return table


def test_difference_in_differences_matches_statsmodels_and_the_hand_calculation() -> None:
    """By hand, mean requests a month per school: pilot before (3.5 + 5 + 2.5) / 3 = 11/3, after
    (2 + 3.25 + 1.75) / 3 = 7/3; others before (3.25 + 4.5 + 2.25) / 3 = 10/3, after (3.75 + 5.25 + 2.75) / 3 =
    11.75/3. Difference in differences (7/3 − 11/3) − (11.75/3 − 10/3) = −5.75/3 a month per 1,000 pupils,
    × 12 = −23.0 a year. The interval is statsmodels' own OLS with school and month dummies, clustered by school."""
    result = analysis.evaluate(*_hand_frames())
    table = _direct_table()
    fit = smf.ols("rate ~ d + C(school) + C(month)", data=table).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(table["school"])[0]})
    low, high = fit.conf_int(alpha=0.05).loc["d"]
    assert result.effect.value == pytest.approx(-23.0, abs=1e-9)
    assert result.effect.value == pytest.approx(fit.params["d"], abs=1e-9)
    assert (result.effect.lower_95, result.effect.upper_95) == pytest.approx((low, high), abs=1e-9)
    assert result.effect.p_value == pytest.approx(fit.pvalues["d"], rel=1e-9)
    groups = result.groups.set_index(["group", "period"])["rate"]
    assert groups[(analysis.PILOT, analysis.BEFORE)] == pytest.approx(12 * 11 / 3)
    assert result.relative_pct == pytest.approx(100 * -23.0 / (12 * 7 / 3 + 23.0))
    assert result.common_start and (result.pilot_schools, result.other_schools) == (3, 3)


def test_pre_trend_matches_statsmodels() -> None:
    """Before the start only: each school its own level, each month its own effect, pilot schools their own slope
    per year; the slope's estimate and interval are statsmodels' own."""
    table = _direct_table()
    before = table[table["after"] == 0].assign(years=lambda d: d["month"] / 12)
    fit = smf.ols("rate ~ pilot:years + C(school) + C(month)", data=before).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(before["school"])[0]})
    trend = analysis.evaluate(*_hand_frames()).pre_trend
    assert trend.value == pytest.approx(fit.params["pilot:years"], abs=1e-9)
    low, high = fit.conf_int(alpha=0.05).loc["pilot:years"]
    assert (trend.lower_95, trend.upper_95) == pytest.approx((low, high), abs=1e-9)


def test_terms_keep_only_whole_terms() -> None:
    """January-April 2024 is the spring term (whole); May-August the summer term (whole)."""
    terms = analysis.terms(analysis.panel(*_hand_frames()))
    assert terms["term"].unique().tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-05-01")]
    spring = terms[(terms["term"] == pd.Timestamp("2024-01-01")) & (terms["group"] == analysis.PILOT)]
    assert spring["requests"].iloc[0] == 14 + 20 + 10
    assert np.isclose(spring["rate"].iloc[0], 12 * 11 / 3)
