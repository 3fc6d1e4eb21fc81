"""Therapies commissioning: the template reader (good file, one clear InputError per broken rule) and the analysis
(growth by the growth function, compliant share, concentration, unit costs, projection), checked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import therapies as calc
from helpers.analysis.growth import cagr
from helpers.errors import InputError
from helpers.sources import therapies

ROOT = Path(__file__).resolve().parents[2]
HEADER = ",".join(therapies.COLUMNS)
GOOD = [
    "2024-04,Alpha Speech Ltd,speech and language,QPL,4,12,720",
    "2024-04,Beta OT,Occupational therapy,non-preferred,2,6,£450",
    "01/05/2024,Alpha Speech Ltd,speech and language therapy,qpl,5,15,900",
    "2024-05,Gamma Play CIC,play therapy,personalised,,,300",
]


def _write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "therapies.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _error(tmp_path: Path, rows: list[str], header: str = HEADER) -> InputError:
    path = _write(tmp_path, rows, header)
    with pytest.raises(InputError) as info:
        therapies.read(path)
    assert info.value.message.startswith(str(path))
    return info.value


def test_template_header_is_the_column_list() -> None:
    text = (ROOT / "data" / "templates" / "therapies_template.csv").read_text(encoding="utf-8")
    assert text == HEADER + "\n"
    readme = (ROOT / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert all(f"`{column}`" in readme for column in therapies.COLUMNS)


def test_reads_a_good_file(tmp_path: Path) -> None:
    df = therapies.read(_write(tmp_path, GOOD))
    assert tuple(df.columns) == therapies.COLUMNS
    assert df["month"].tolist() == [pd.Timestamp("2024-04-01")] * 2 + [pd.Timestamp("2024-05-01")] * 2
    assert df["therapy_type"].tolist() == ["speech and language therapy", "occupational therapy",
                                           "speech and language therapy", "play therapy"]
    assert df["framework_status"].tolist() == ["QPL", "non-preferred", "QPL", "personalised"]
    assert df["spend_gbp"].tolist() == [720.0, 450.0, 900.0, 300.0]
    assert df["children"].isna().tolist() == [False, False, False, True]


@pytest.mark.parametrize(("rows", "header", "words"), [
    (["2024-04,A,CBT,QPL,1,100"], HEADER.replace(",hours", ""), ("line 1", "'hours'", "missing")),
    (["2024-04,A,CBT,QPL,1,2,100,x"], HEADER + ",notes", ("line 1", "'notes'", "unknown column")),
    (["2024-13,A,CBT,QPL,1,2,100"], HEADER, ("line 2", "'month'", "not a real month")),
    (["2099-01,A,CBT,QPL,1,2,100"], HEADER, ("line 2", "'month'", "in the future")),
    (["2024-04,,CBT,QPL,1,2,100"], HEADER, ("line 2", "'provider'", "blank")),
    (["2024-04,A,reiki,QPL,1,2,100"], HEADER, ("line 2", "'therapy_type'", "speech and language therapy")),
    (["2024-04,A,CBT,framework,1,2,100"], HEADER, ("line 2", "'framework_status'", "QPL, non-preferred")),
    (["2024-04,A,CBT,QPL,1,2,-100"], HEADER, ("line 2", "'spend_gbp'", "negative")),
    (["2024-04,A,CBT,QPL,1.5,2,100"], HEADER, ("line 2", "'children'", "whole number")),
    (["2024-04,A,CBT,QPL,one,2,100"], HEADER, ("line 2", "'children'", "not a number")),
    (["2024-04,A,CBT,QPL,0,2,100"], HEADER, ("line 2", "'children'", "no children")),
], ids=["missing-column", "unknown-column", "bad-month", "future-month", "blank-provider", "unknown-type",
        "unknown-arrangement", "negative-spend", "fractional-children", "text-children", "hours-no-children"])
def test_each_broken_rule_gives_one_clear_error(tmp_path: Path, rows: list[str], header: str,
                                                words: tuple[str, ...]) -> None:
    message = _error(tmp_path, rows, header).message
    assert all(w in message for w in words), message
    assert "therapies.csv" in message


def test_issue_growth_reproduced_by_the_growth_function() -> None:
    """£381,707 (2019-20) → £428,917 (2020-21): 428,917 / 381,707 − 1 = 0.12368 = 12.4% (issue 16)."""
    spend = pd.Series([381_707.0, 428_917.0], index=[2019, 2020])
    assert calc.spend_growth(spend) == cagr(spend)
    assert round(calc.spend_growth(spend) * 100, 1) == 12.4


def _rows(spec: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame({"month": pd.to_datetime([m for m, *_ in spec]), "provider": [p for _, p, *_ in spec],
                         "therapy_type": "CBT", "framework_status": [s for _, _, s, _ in spec],
                         "children": 1.0, "hours": 2.0, "spend_gbp": [v for *_, v in spec]})


def test_concentration_by_hand() -> None:
    """Six providers with spend 40, 20, 15, 10, 10, 5 (total 100, so the spend is the percentage share).

    Herfindahl = 40² + 20² + 15² + 10² + 10² + 5² = 1600 + 400 + 225 + 100 + 100 + 25 = 2,450;
    top five = 40 + 20 + 15 + 10 + 10 = 95%; an equal split of six = 10,000 / 6 = 1,666.7.
    """
    spend = [("A", 40.0), ("B", 20.0), ("C", 15.0), ("D", 10.0), ("E", 10.0), ("F", 5.0)]
    rows = _rows([("2024-05-01", p, "QPL", v) for p, v in spend])
    c = calc.concentration(calc.provider_spend(rows, 2024), 2024)
    assert c.herfindahl == pytest.approx(2450)
    assert c.top_share_pct == pytest.approx(95)
    assert c.equal_herfindahl == pytest.approx(10_000 / 6)
    assert c.providers == 6


def test_yearly_totals_compliant_share_and_complete_years() -> None:
    """March 2024 is in 2023-24; April 2024 starts 2024-25. 2024-25: QPL 60 + preferred 20 of 100 = 80%."""
    rows = _rows([("2024-03-01", "A", "non-preferred", 50.0), ("2024-04-01", "A", "QPL", 60.0),
                  ("2024-04-01", "B", "preferred", 20.0), ("2024-05-01", "C", "personalised", 20.0)])
    totals = calc.yearly_totals(rows, therapies.COMPLIANT)
    assert totals["year"].tolist() == [2023, 2024]
    assert totals["compliant_pct"].tolist() == [0.0, 80.0]
    assert not totals["complete"].any()  # one and two months only
    assert calc.complete_spend(totals).empty


def test_unit_costs_by_type() -> None:
    """Two rows of CBT: spend 100 + 200 = 300 for 1 + 1 child-months and 2 + 2 hours: £150 a child-month, £75/h."""
    rows = _rows([("2024-04-01", "A", "QPL", 100.0), ("2024-05-01", "B", "QPL", 200.0)])
    out = calc.by_type(rows).iloc[0]
    assert (out["per_child_month"], out["per_hour"]) == (150.0, 75.0)


def test_projection_from_plans_and_from_growth() -> None:
    """Spend £200,000 in 2024-25 with 1,000 plans in January 2025: £200 a plan. Forecast plans for January
    2026 = 1,100 (80% range 1,000 to 1,200) → 2025-26 spend £220,000 (£200,000 to £240,000)."""
    spend = pd.Series([180_000.0, 200_000.0], index=[2023, 2024])
    plans = pd.Series([900.0, 1000.0], index=[2024, 2025])
    forecast = pd.DataFrame({"year": [2026, 2026], "mean": [1100.0, 1100.0], "lower": [1000.0, 950.0],
                             "upper": [1200.0, 1250.0], "level": [0.8, 0.95]})
    p = calc.project_from_plans(spend, plans, forecast)
    assert p is not None and p.basis == "plans" and p.per_plan == 200.0
    assert p.table.to_dict("records") == [{"year": 2025, "spend": 220_000.0, "lower": 200_000.0,
                                           "upper": 240_000.0}]
    g = calc.project_from_growth(spend, years=2)
    assert g is not None and g.basis == "growth"
    assert g.table["spend"].tolist() == pytest.approx([200_000 * (10 / 9), 200_000 * (10 / 9) ** 2])
    assert calc.project_from_plans(spend, plans.drop(2025), forecast) is None


def test_demo_file_tells_the_story() -> None:
    """The demo return: the issue's two first years, the QPL from 2021-22, compliant spend rising."""
    rows = therapies.read(ROOT / "data" / "demo" / "therapies_northby.csv")
    totals = calc.yearly_totals(rows, therapies.COMPLIANT)
    assert totals["spend"].iloc[:2].tolist() == [381_707.0, 428_917.0]
    assert totals["complete"].all() and totals["providers"].iloc[0] > 47
    assert totals["compliant_pct"].iloc[0] < 40 and totals["compliant_pct"].iloc[-1] > 80
    assert np.all(np.diff(totals["spend"]) > 0)
