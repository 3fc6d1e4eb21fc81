"""Outcomes on the five-point scale: the template reader (good file, one clear InputError per broken rule) and
the analysis (latest scores, transitions, shares improving / stable / declining with Wilson intervals), by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from helpers.analysis import outcomes as calc
from helpers.errors import InputError
from helpers.sources import outcomes

ROOT = Path(__file__).resolve().parents[2]
HEADER = ",".join(outcomes.COLUMNS)
GOOD = [
    "NB-1,communication and interaction,2023-05-10,7,2",
    "NB-1,Communication and Interaction,2024-05-12,8,3",
    "NB-1,SEMH,10/05/2024,8,2",
    "NB-2,cognition and learning,2024-01-20,14,4",
]


def _write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "outcomes.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_template_header_is_the_column_list() -> None:
    text = (ROOT / "data" / "templates" / "outcomes_template.csv").read_text(encoding="utf-8")
    assert text == HEADER + "\n"
    readme = (ROOT / "data" / "templates" / "README.md").read_text(encoding="utf-8")
    assert all(f"`{column}`" in readme for column in outcomes.COLUMNS)


def test_reads_a_good_file(tmp_path: Path) -> None:
    df = outcomes.read(_write(tmp_path, GOOD))
    assert tuple(df.columns) == outcomes.COLUMNS
    assert df["outcome_area"].tolist() == ["communication and interaction", "communication and interaction",
                                           "social, emotional and mental health", "cognition and learning"]
    assert df["review_date"].iloc[2] == pd.Timestamp("2024-05-10")
    assert df["score"].tolist() == [2, 3, 2, 4]


@pytest.mark.parametrize(("rows", "header", "words"), [
    (["NB-1,SEMH,2024-01-01,8"], HEADER.replace(",score", ""), ("line 1", "'score'", "missing")),
    (["NB-1,SEMH,2024-01-01,8,6"], HEADER, ("line 2", "'score'", "1 to 5")),
    (["NB-1,SEMH,2024-01-01,8,2.5"], HEADER, ("line 2", "'score'", "whole number")),
    (["NB-1,SEMH,2024-02-30,8,2"], HEADER, ("line 2", "'review_date'", "not a real date")),
    (["NB-1,SEMH,2099-01-01,8,2"], HEADER, ("line 2", "'review_date'", "future")),
    (["NB-1,behaviour,2024-01-01,8,2"], HEADER, ("line 2", "'outcome_area'", "preparing for adulthood")),
    (["NB-1,SEMH,2024-01-01,30,2"], HEADER, ("line 2", "'age_at_review'", "0 to 25")),
    (["A123456789012,SEMH,2024-01-01,8,2"], HEADER, ("line 2", "'child_id'", "unique pupil number")),
    (["NB-1,SEMH,2024-01-01,8,", ], HEADER, ("line 2", "'score'", "blank")),
    (["NB-1,SEMH,2024-01-01,8,2", "NB-1,semh,2024-01-01,8,3"], HEADER, ("line 3", "'review_date'", "twice")),
    (["NB-1,SEMH,2024-01-01,9,2", "NB-1,SEMH,2025-01-01,8,3"], HEADER, ("line 3", "'age_at_review'", "younger")),
], ids=["missing-column", "score-out-of-range", "fractional-score", "impossible-date", "future-date",
        "unknown-area", "age-out-of-range", "upn-as-id", "blank-score", "repeated-review", "younger-later"])
def test_each_broken_rule_gives_one_clear_error(tmp_path: Path, rows: list[str], header: str,
                                                words: tuple[str, ...]) -> None:
    path = _write(tmp_path, rows, header)
    with pytest.raises(InputError) as info:
        outcomes.read(path)
    message = info.value.message
    assert message.startswith(str(path)) and all(w in message for w in words), message


def _reviews(pairs: list[tuple[int, int]], area: str = "cognition and learning", age: int = 8) -> pd.DataFrame:
    rows = []
    for i, (before, after) in enumerate(pairs):
        rows += [{"child_id": f"C{i}", "outcome_area": area, "review_date": pd.Timestamp("2023-06-01"),
                  "age_at_review": age, "score": 1},  # an older review: only the last two count
                 {"child_id": f"C{i}", "outcome_area": area, "review_date": pd.Timestamp("2024-06-01"),
                  "age_at_review": age, "score": before},
                 {"child_id": f"C{i}", "outcome_area": area, "review_date": pd.Timestamp("2025-06-01"),
                  "age_at_review": age + 1, "score": after}]
    return pd.DataFrame(rows)


def test_transition_shares_by_hand() -> None:
    """Ten children's last two reviews: 2→3, 2→3, 3→4, 1→2 (4 up), 3→3, 2→2, 4→4, 5→5 (4 the same), 4→3, 3→2
    (2 down). Shares: improving 4/10 = 40%, stable 4/10 = 40%, declining 2/10 = 20%. The transition table has 2 in
    (2, 3), 1 each in (3, 4), (1, 2), (3, 3), (2, 2), (4, 4), (5, 5), (4, 3), (3, 2); row totals 1, 3, 3, 2, 1.
    Wilson 95% for 4/10: 16.8% to 68.7% (statsmodels' proportion_confint, method wilson)."""
    pairs = [(2, 3), (2, 3), (3, 4), (1, 2), (3, 3), (2, 2), (4, 4), (5, 5), (4, 3), (3, 2)]
    moves = calc.movements(_reviews(pairs))
    shares = calc.movement_shares(moves).iloc[0]
    assert (shares["compared"], shares["improving"], shares["stable"], shares["declining"]) == (10, 4, 4, 2)
    assert (shares["improving_pct"], shares["stable_pct"], shares["declining_pct"]) == (40.0, 40.0, 20.0)
    low, high = proportion_confint(4, 10, method="wilson")
    assert (shares["improving_low"], shares["improving_high"]) == pytest.approx((100 * low, 100 * high))
    assert round(shares["improving_low"], 1) == 16.8 and round(shares["improving_high"], 1) == 68.7
    table = calc.transition_table(moves).set_index("before")
    assert table.loc[2, 3] == 2 and table.loc[4, 3] == 1 and table.loc[1, 1] == 0
    assert table["total"].tolist() == [1, 3, 3, 2, 1]


def test_latest_scores_distribution_and_phases() -> None:
    """Latest review per child and area: C0 scores 3 (was 2), C1 scores 5 (was 4); phases from age at the later
    review: 8 + 1 = 9 → "5 to 10"."""
    rows = _reviews([(2, 3), (4, 5)])
    latest = calc.latest_scores(rows)
    dist = calc.score_distribution(latest, ("cognition and learning", "sensory and physical"))
    assert dist.iloc[0][[1, 2, 3, 4, 5, "total"]].tolist() == [0, 0, 1, 0, 1, 2]
    assert dist.iloc[1]["total"] == 0
    by_phase = calc.movement_shares(calc.movements(rows), "phase", tuple(calc.AGE_PHASES))
    assert by_phase["compared"].tolist() == [0, 2, 0, 0]
    assert calc.age_phase(pd.Series([0, 4, 5, 10, 11, 15, 16, 25])).tolist() == [
        "Under 5", "Under 5", "5 to 10", "5 to 10", "11 to 15", "11 to 15", "16 to 25", "16 to 25"]


def test_demo_file_reads_and_semh_lags() -> None:
    rows = outcomes.read(ROOT / "data" / "demo" / "outcomes_northby.csv")
    shares = calc.movement_shares(calc.movements(rows), "outcome_area", outcomes.AREAS).set_index("group")
    assert shares["declining_pct"].idxmax() == "social, emotional and mental health"
    assert shares["improving_pct"].idxmin() == "social, emotional and mental health"
