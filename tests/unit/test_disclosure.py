"""Small-number suppression on hand-worked tables (expected cells worked out in each docstring)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis.disclosure import NOT_SHOWN, suppress


def test_primary_suppression_keeps_zero_and_threshold():
    """Threshold 5: 1..4 hidden, 0 and 5 shown; the input frame is not changed."""
    df = pd.DataFrame({"month": ["Jan", "Feb", "Mar", "Apr"], "requests": [0, 1, 4, 5]})
    out = suppress(df, ["requests"])
    assert out["requests"].tolist() == [0, "fewer than 5", "fewer than 5", 5]
    assert df["requests"].tolist() == [0, 1, 4, 5]


def test_other_threshold_and_other_columns_untouched():
    df = pd.DataFrame({"area": ["x", "y"], "children": [9, 12], "published": [3, 2]})
    out = suppress(df, ["children"], threshold=10)
    assert out["children"].tolist() == ["fewer than 10", 12]
    assert out["published"].tolist() == [3, 2]  # a published DfE figure is not passed, so not suppressed


def test_missing_values_stay_missing():
    df = pd.DataFrame({"k": ["a", "b"], "n": [float("nan"), 3.0]})
    out = suppress(df, ["n"])
    assert pd.isna(out.at[0, "n"]) and out.at[1, "n"] == "fewer than 5"


def test_secondary_suppression_against_a_total_row():
    """Stage counts 3, 10, 20 with Total 33: 3 is hidden, but 33 - 10 - 20 = 3 gives it back, so the next-smallest
    cell (10) is hidden too. The overdue column (0, 7, 12; total 19) has nothing hidden and is shown in full."""
    df = pd.DataFrame({"stage": ["awaiting decision", "being assessed", "plan issued", "Total"],
                       "open": [3, 10, 20, 33], "overdue": [0, 7, 12, 19]})
    out = suppress(df, ["open", "overdue"])
    assert out["open"].tolist() == ["fewer than 5", NOT_SHOWN, 20, 33]
    assert out["overdue"].tolist() == [0, 7, 12, 19]


def test_secondary_skips_zero_cells_and_falls_back_to_hiding_the_total():
    """Counts 2, 0 with Total 2: the only other cell is 0 (hiding it protects nothing), so the total is hidden."""
    df = pd.DataFrame({"group": ["a", "b", "All"], "n": [2, 0, 2]})
    out = suppress(df, ["n"])
    # the total (2) is itself below the threshold, so it is primary-suppressed already
    assert out["n"].tolist() == ["fewer than 5", 0, "fewer than 5"]
    df = pd.DataFrame({"group": ["a", "b", "All"], "n": [3, 0, 9]})  # impossible as a sum, but tests the rule
    assert suppress(df, ["n"])["n"].tolist() == ["fewer than 5", 0, NOT_SHOWN]


def test_two_way_table_with_row_and_column_totals():
    """
    ::

                 boys girls Total
        0-4         2     6     8
        5-10        8     9    17
        11-15      15    11    26
        Total      25    26    51

    Primary: (0-4, boys) = 2. Column boys has one hidden cell and a shown total 25 → hide the next smallest, 8
    (5-10). Row 0-4 has one hidden and a shown total 8 → hide girls 6. Row 5-10 now has boys hidden and total 17
    → hide girls 9. Column girls then has two hidden cells (6, 9): safe; every row and column now has 0 or 2
    hidden. Four unknowns, rank-3 equations: no cell can be recovered.
    """
    df = pd.DataFrame({"age": ["0-4", "5-10", "11-15", "Total"], "boys": [2, 8, 15, 25], "girls": [6, 9, 11, 26],
                       "Total": [8, 17, 26, 51]})
    out = suppress(df, ["boys", "girls", "Total"])
    assert out["boys"].tolist() == ["fewer than 5", NOT_SHOWN, 15, 25]
    assert out["girls"].tolist() == [NOT_SHOWN, NOT_SHOWN, 11, 26]
    assert out["Total"].tolist() == [8, 17, 26, 51]


def test_groups_each_with_their_own_total():
    """Two stacked years; only 2024 has a small cell (4), so only 2024 gets a complement (its next smallest, 6)."""
    df = pd.DataFrame({"year": [2023] * 3 + [2024] * 3,
                       "stage": ["a", "b", "Total", "a", "b", "Total"],
                       "n": [7, 8, 15, 4, 6, 10]})
    out = suppress(df, ["n"], group_by="year")
    assert out["n"].tolist() == [7, 8, 15, "fewer than 5", NOT_SHOWN, 10]


def test_derived_percentages_hidden_with_their_counts():
    """within = 3 of 40 plans (7.5%) → 3 hidden, and 7.5% hidden (7.5% x 40 = 3). 12 of 30 = 40% is shown."""
    df = pd.DataFrame({"month": ["Jan", "Feb"], "within": [3, 12], "plans": [40, 30], "pct": [7.5, 40.0]})
    out = suppress(df, ["within", "plans"], derived={"pct": ("within", "plans")})
    assert out["within"].tolist() == ["fewer than 5", 12]
    assert out["pct"].tolist() == [NOT_SHOWN, 40.0]


def test_unknown_column_is_a_clear_error():
    df = pd.DataFrame({"n": [1]})
    with pytest.raises(ValueError, match="no column"):
        suppress(df, ["count"])
