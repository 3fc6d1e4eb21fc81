"""The improvement-evidence page modules: child-level counts are marked and suppressed, small groups are left out
of the chart, metrics carry no provider, price or child count, and a pack without an input says how to add it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.analysis import disclosure
from helpers.pages import improvement_outcomes as outcomes_page
from helpers.pages import improvement_therapies as therapies_page
from helpers.sources import outcomes, therapies

ROOT = Path(__file__).resolve().parents[2]


def _small_outcomes() -> pd.DataFrame:
    """Thirteen children in cognition and learning (8 up, 5 the same) and two in SEMH (one up, one down)."""
    rows = []
    for i in range(15):
        area = "cognition and learning" if i < 13 else "social, emotional and mental health"
        after = 3 if i < 8 or i == 13 else (2 if i < 13 else 1)
        for year, score in ((2024, 2), (2025, after)):
            rows.append({"child_id": f"C{i}", "outcome_area": area, "review_date": pd.Timestamp(year, 6, 1),
                         "age_at_review": 8 + year - 2024, "score": score})
    return pd.DataFrame(rows)


def test_outcome_counts_are_child_level_and_suppressed() -> None:
    o = outcomes_page.outcomes_facts(_small_outcomes(), hide_below=5)
    table = outcomes_page.distribution(o)
    assert set(table.child_level_counts) == {"Score 1", "Score 2", "Score 3", "Score 4", "Score 5", "Total"}
    shown = disclosure.suppress(table.data, table.child_level_counts, threshold=5)
    semh = shown[shown["Outcome area"].str.startswith("Social")].iloc[0]
    assert semh["Total"] == disclosure.primary_label(5)
    chart = outcomes_page.by_area_chart(o)
    assert "Children compared" in chart.child_level_counts and chart.note is not None  # SEMH left out
    assert all(pct in chart.derived for pct in ("Score went up (%)", "Score went down 95% CI high (%)"))
    assert "cognition and learning" in chart.title


def test_outcome_metrics_are_shares_with_intervals_and_hidden_when_small() -> None:
    o = outcomes_page.outcomes_facts(_small_outcomes(), hide_below=5)
    assert outcomes_page.metrics(o) == {}  # one child went down: too few to publish
    o = outcomes_page.outcomes_facts(_small_outcomes(), hide_below=1)
    m = outcomes_page.metrics(o)["outcomes_improving_pct"]
    assert m.value == 9 / 15 * 100 and m.lower_95 is not None and m.unit == "%"


def test_therapy_metrics_and_public_bundles_name_no_provider() -> None:
    rows = therapies.read(ROOT / "data" / "demo" / "therapies_northby.csv")
    t = therapies_page.therapies_facts(rows, None)
    names = set(rows["provider"])
    public = [therapies_page.spend_chart(t).data, therapies_page.compliant_chart(t).data,
              therapies_page.concentration_table(t).data]
    assert t.projection is not None and t.projection.basis == "growth"  # no plans forecast given
    public.append(therapies_page.projection_chart(t, t.projection).data)
    text = " ".join(frame.to_csv() for frame in public) + repr(therapies_page.metrics(t))
    assert not any(name in text for name in names)
    assert "Cost per hour" not in text
    assert set(therapies_page.providers(t).data["Provider"]) <= names


def test_without_inputs_the_page_says_how_to_add_them() -> None:
    assert "inputs: therapies" in therapies_page.NO_THERAPIES
    assert "data/templates/therapies_template.csv" in therapies_page.NO_THERAPIES
    assert "inputs: outcomes" in outcomes_page.NO_OUTCOMES
    assert "data/templates/outcomes_template.csv" in outcomes_page.NO_OUTCOMES
    assert outcomes.AREAS[2] in outcomes_page.AREA_WORDS
