"""The plans page's local section: annual reviews overdue at the period end, from the council's own SEN2 extract.

DfE publishes reviews per calendar year; only the council's own records show which plans are overdue now (last
review, or the plan's start when never reviewed, over 12 months before the period end:
:func:`helpers.analysis.inspection.review_overdue`, the same rule as the inspection lists). Counts are
child-level, so the table is suppressed like every other and the sentence follows it.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import disclosure, inspection, inspection_summary
from helpers.present import narrative
from helpers.present.chart import Table
from helpers.present.page import Page

#: Said when the pack has no SEN2 extract.
NO_SEN2 = ("This pack is built from the DfE release only. With the council's own case records (its SEN2 extract) "
           "this section would show the plans whose annual review is overdue now, and by how long.")


def overdue_by_band(page: Page) -> pd.DataFrame | None:
    """Plans maintained at the period end by time since the last review (bands of
    :data:`helpers.analysis.inspection_summary.REVIEW_BANDS`); None without a SEN2 extract."""
    tables = page.sen2_tables()
    if tables is None:
        return None
    bands = inspection_summary.reviews_by_band(inspection.list_one(tables, page.config.period_end))
    return bands[["band", "count"]]


def overdue_table(bands: pd.DataFrame, page: Page) -> Table:
    """The bands as a page table, with a total row (child-level counts: suppressed in public builds)."""
    data = pd.DataFrame({"Time since the last annual review": bands["band"], "Plans": bands["count"]})
    total = pd.DataFrame({"Time since the last annual review": ["Total"], "Plans": [int(bands["count"].sum())]})
    return Table(pd.concat([data, total], ignore_index=True),
                 f"Plans maintained on {page.config.period_end:%d %B %Y} by time since the last annual review "
                 "(the council's own records)", name="reviews-overdue-local", child_level_counts=("Plans",))


def overdue_sentence(bands: pd.DataFrame, page: Page) -> str:
    """How many plans are overdue a review, with small numbers shown as the public tables show them."""
    total = int(bands["count"].sum())
    overdue = int(bands.loc[bands["band"] != inspection_summary.REVIEW_BANDS[0], "count"].sum())

    def shown(n: int) -> str:
        small = page.suppress_small_counts and 0 < n < page.config.disclosure.threshold
        return disclosure.primary_label(page.config.disclosure.threshold) if small else narrative.fmt(n, "count")

    return (f"In the council's own records, {shown(overdue)} of the {shown(total)} plans maintained on "
            f"{page.config.period_end.day} {page.config.period_end:%B %Y} had no annual review in the 12 months "
            "before (timed from the plan's start where it has never been reviewed).")
