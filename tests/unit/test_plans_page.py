"""Wording of the "Plans in place and annual reviews" page (helpers.pages.plans_reviews*) on small frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.areas import Group
from helpers.pages.plans_reviews import PlansPage, headline, stock_flow_sentence
from helpers.pages.plans_reviews_annual import officer_time_sentence, phase_transfer_sentence

GROUPS = (Group("Kent", "la", ("886",)), Group("England", "england", ("886",), "E92000001", "National"))


def _ees(**extra: list[float]) -> pd.DataFrame:
    base = {"year": [2023, 2024, 2025], "area_code": ["886"] * 3, "plans_in_place": [900.0, 1000.0, 1100.0],
            "new_plans": [150.0, 160.0, np.nan], "plans_ceased": [40.0, 50.0, np.nan],
            "reviews_expected": [np.nan, 800.0, np.nan], "reviews_completed": [np.nan] * 3,
            "reviews_decision_within_4_weeks": [np.nan, 300.0, np.nan],
            "reviews_decision_over_4_weeks": [np.nan, 300.0, np.nan]}
    base.update(extra)
    frame = pd.DataFrame(base)
    england = frame.assign(area_code="E92000001")
    return pd.concat([frame, england], ignore_index=True)


def _page(ees: pd.DataFrame, hours: float | None = None) -> PlansPage:
    return PlansPage("Kent", "886", ees, pd.DataFrame(), GROUPS, hours)


def test_headline_states_the_number_and_change() -> None:
    text = headline(_page(_ees()))
    assert text.startswith("Kent maintained 1,100 EHC plans in January 2025, 10.0% more than a year before")


def test_officer_time_with_and_without_the_assumption() -> None:
    without = officer_time_sentence(_page(_ees()))
    assert "no agreed figure for the hours one review takes (the assumption annual_review_hours" in without
    text = officer_time_sentence(_page(_ees(), hours=3.7))
    # 800 due - 600 decided = 200 reviews x 3.7 hours = 740 hours = 20 weeks of 37 hours
    # the test release counts decisions, not completed reviews, so the sentence says what is known
    assert text.startswith("200 of the 800 reviews due in 2024 have no review decision recorded in the year")
    assert "740 hours: 20 weeks of one full-time officer" in text


def test_stock_flow_sentence() -> None:
    # January 2025: 1000 + 160 - 50 = 1110 expected, 1100 published
    assert ("The 1,000 plans of a year before, plus 160 new plans, minus 50 that ended, would give 1,110: the "
            "published figure is 10 fewer") in stock_flow_sentence(_page(_ees()))


def test_phase_transfer_sentence_only_when_published() -> None:
    nan = [np.nan] * 3
    assert phase_transfer_sentence(_page(_ees(phase_transfers_due=nan, phase_transfers_final=nan,
                                              phase_transfers_due_next_year=nan,
                                              phase_transfers_final_next_year=nan))) is None
    ees = _ees(phase_transfers_due=[np.nan, np.nan, 100.0], phase_transfers_final=[np.nan, np.nan, 90.0],
               phase_transfers_due_next_year=[np.nan, np.nan, 1500.0],
               phase_transfers_final_next_year=[np.nan, np.nan, 3.0])
    text = phase_transfer_sentence(_page(ees))
    assert text is not None and "for 2026, 1,500 are due (England 1,500)" in text


def test_local_overdue_reviews_sentence_follows_suppression() -> None:
    """Issue 15: reviews overdue from SEN2. 30 + 3 + 0 + 1 = 34 plans; 3 + 0 + 1 = 4 overdue is a small count, so
    the public sentence says "fewer than 5", as the table does; the reviewer build shows 4."""
    import datetime as dt
    from types import SimpleNamespace

    from helpers.analysis.inspection_summary import REVIEW_BANDS
    from helpers.pages import plans_reviews_local as local

    bands = pd.DataFrame({"band": list(REVIEW_BANDS), "count": [30, 3, 0, 1]})
    cfg = SimpleNamespace(period_end=dt.date(2025, 9, 30), disclosure=SimpleNamespace(threshold=5))
    public = SimpleNamespace(config=cfg, suppress_small_counts=True)
    reviewer = SimpleNamespace(config=cfg, suppress_small_counts=False)
    assert local.overdue_sentence(bands, public).startswith(  # type: ignore[arg-type]
        "In the council's own records, fewer than 5 of the 34 plans maintained on 30 September 2025")
    assert "records, 4 of the 34 plans" in local.overdue_sentence(bands, reviewer)  # type: ignore[arg-type]
    table = local.overdue_table(bands, public)  # type: ignore[arg-type]
    assert table.child_level_counts == ("Plans",) and table.data["Plans"].tolist() == [30, 3, 0, 1, 34]
