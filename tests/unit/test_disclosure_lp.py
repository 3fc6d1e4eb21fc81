"""The LP audit of suppressed cells and secondary suppression across linked tables, against hand calculations."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pytest

from helpers.analysis.disclosure_audit import Published, feasible_intervals, narrow_cells, share_relations, total
from helpers.analysis.disclosure_linked import Registry, Share, protect, register, table_keys, table_margins


def two_way(hidden: set[str], cells: Mapping[str, float], rows: dict[str, list[str]],
            cols: dict[str, list[str]]) -> Published:
    """A table's cells with its row and column totals as relations."""
    margins = {**rows, **cols}
    return Published(shown={k: v for k, v in cells.items() if k not in hidden}, hidden=hidden,
                     relations=[total(whole, parts) for whole, parts in margins.items()])


def test_one_hidden_cell_of_a_2x2_table_with_margins_is_pinned() -> None:
    """
    ::

              c1  c2 | T
        r1     3   7 | 10
        r2     6   9 | 15
        T      9  16 | 25

    With only a = (r1, c1) hidden, a = 10 - 7 = 3 (and 9 - 6 = 3): the interval is [3, 3], width 0.
    """
    cells = {"a": 3, "b": 7, "c": 6, "d": 9, "r1": 10, "r2": 15, "c1": 9, "c2": 16}
    pub = two_way({"a"}, cells, {"r1": ["a", "b"], "r2": ["c", "d"]}, {"c1": ["a", "c"], "c2": ["b", "d"]})
    found = feasible_intervals(pub)["a"]
    assert found.low == pytest.approx(3) and found.high == pytest.approx(3)
    assert list(narrow_cells(feasible_intervals(pub), 5)) == ["a"]


def test_four_hidden_cells_in_two_rows_and_two_columns() -> None:
    """
    ::

              c1  c2  c3 | T
        r1     3   8   4 | 15
        r2     6   5   7 | 18
        T      9  13  11 | 33

    Hide a = 3, b = 8 (row 1) and c = 6, d = 5 (row 2). Shown: a + b = 15 - 4 = 11, c + d = 18 - 7 = 11,
    a + c = 9, b + d = 13. With a = t: b = 11 - t, c = 9 - t, d = 11 - c = 2 + t, all at least 0, so
    t is in [0, 9]: a in [0, 9] (width 9), b in [2, 11], c in [0, 9], d in [2, 11]. All at least 5 wide.
    """
    cells = {"a": 3, "b": 8, "e": 4, "c": 6, "d": 5, "f": 7, "r1": 15, "r2": 18, "c1": 9, "c2": 13, "c3": 11}
    pub = two_way({"a", "b", "c", "d"}, cells, {"r1": ["a", "b", "e"], "r2": ["c", "d", "f"]},
                  {"c1": ["a", "c"], "c2": ["b", "d"], "c3": ["e", "f"]})
    found = {k: (round(v.low, 6), round(v.high, 6)) for k, v in feasible_intervals(pub).items()}
    assert found == {"a": (0, 9), "b": (2, 11), "c": (0, 9), "d": (2, 11)}
    assert narrow_cells(feasible_intervals(pub), 5) == {}


def test_a_percentage_beside_its_denominator_gives_the_count_back() -> None:
    """Issue 20's example: 9 plans at 44.44...% within 20 weeks gives 4 within (4 / 9 = 44.44%)."""
    pub = Published(shown={"plans": 9}, hidden={"within"},
                    relations=share_relations(400 / 9, 1e-6, "within", "plans"))
    found = feasible_intervals(pub)["within"]
    assert found.low == pytest.approx(4, abs=1e-4) and found.high == pytest.approx(4, abs=1e-4)


def test_a_rounded_percentage_leaves_an_interval() -> None:
    """55% (whole numbers, so 54.5 to 55.5) of 563 plans: 306.8 to 312.5 within."""
    pub = Published(shown={"all": 563}, hidden={"mid"}, relations=share_relations(55, 0.5, "mid", "all"))
    found = feasible_intervals(pub)["mid"]
    assert found.low == pytest.approx(563 * 0.545) and found.high == pytest.approx(563 * 0.555)


def test_bounds_from_labels_and_unbounded_cells() -> None:
    """x + y = 7 with y at most 4 ("fewer than 5"): x in [3, 7]; with no relation a hidden cell is unbounded."""
    pub = Published(shown={"t": 7}, hidden={"x", "y", "z"}, relations=[total("t", ["x", "y"])], upper={"y": 4})
    found = feasible_intervals(pub)
    assert (found["x"].low, found["x"].high) == pytest.approx((3, 7))
    assert found["z"].high == float("inf")


def test_inconsistent_published_cells_are_a_clear_error() -> None:
    pub = Published(shown={"t": 7, "a": 9}, hidden={"b"}, relations=[total("t", ["a", "b"])])
    with pytest.raises(ValueError, match="inconsistent"):
        feasible_intervals(pub)


def test_protect_hides_a_complement_that_widens_the_interval() -> None:
    """Two months of 20 and 22 plans (6 and 7 within 20 weeks) are shown; a second table gives the same 42 plans
    by band: within 20 weeks 13, 20 to 52 weeks 28, over 52 weeks 1 (hidden). 42 - 13 - 28 = 1 gives it back.
    Hiding the smallest other band (13) would not help, as the months give 6 + 7 = 13; so the 28 is hidden, and
    over 52 weeks lies in [0, 29]."""
    reg = Registry(cells={"m1": 20, "m2": 22, "w1": 6, "w2": 7, "within": 13, "mid": 28, "over": None},
                   sums=[("all", ["m1", "m2"]), ("all", ["within", "mid", "over"]), ("within", ["w1", "w2"])])
    assert protect(reg, ["within", "mid"], 5) == {"mid"}
    found = feasible_intervals(reg.published())["over"]
    assert (found.low, found.high) == pytest.approx((0, 29))


def test_protect_drops_a_percentage_of_a_hidden_count() -> None:
    """30% of 10 within 3 (hidden) and its 10 plans shown: 3 is pinned; hiding the plans count (the only
    candidate) drops the percentage too."""
    reg = Registry(cells={"plans": 10, "within": None}, shares=[Share("within", "plans", 30.0)])
    assert protect(reg, ["plans"], 5) == {"plans"} and reg.shares == [Share("within", "plans", None)]


def test_table_keys_margins_and_register() -> None:
    """Default keys are file|column|row label; an 'All' row is the sum of the others; text cells are hidden."""
    data = pd.DataFrame({"stage": ["a", "b", "All"], "n": [3, 10, 13]})
    shown = data.assign(n=["fewer than 5", "not shown", 13])
    keys = table_keys(data, ["n"], None, "f.csv")
    assert keys[(2, "n")] == "f.csv|n|All"
    assert table_margins(data, ["n"], keys) == [("f.csv|n|All", ["f.csv|n|a", "f.csv|n|b"])]
    reg = Registry()
    assert register(reg, shown, data, keys, "f.csv") == ["f.csv|n|All"]
    assert reg.cells == {"f.csv|n|a": None, "f.csv|n|b": None, "f.csv|n|All": 13.0}
    assert Registry.from_record(reg.record()) == reg
