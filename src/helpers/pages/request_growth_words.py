"""Words the request-growth page (01) and its charts share: measures by name, growth rates and likely ranges.

Numbers are written by :mod:`helpers.present.narrative` rules.
"""

from __future__ import annotations

import pandas as pd

from helpers.present import narrative

#: What each DfE measure is called in a sentence.
MEASURE_WORDS: dict[str, str] = {
    "requests_received": "requests for an EHC needs assessment",
    "new_plans": "new EHC plans",
    "plans_in_place": "EHC plans in place (January)",
}
#: Name of the statistical-neighbour group in comparisons and metrics.
SIMILAR_COUNCILS = "Similar councils"


def capitalised(text: str) -> str:
    """The text with its first letter in capitals (abbreviations keep theirs)."""
    return text[0].upper() + text[1:]


def grew(rate: float) -> str:
    """``"grew by 7.4% a year"``, ``"fell by 2.1% a year"`` or ``"stayed about level"`` for a yearly rate (fraction).

    "Level" when the rate rounds to 0.0% at the precision shown, so a sentence never says "grew by 0.0%".
    """
    shown = narrative.fmt(abs(rate) * 100, "%")
    if shown == "0.0%":
        return "stayed about level"
    return f"{'grew' if rate > 0 else 'fell'} by {shown} a year"


def likely_range(row: pd.Series) -> str:
    """``"about 4,300 (likely range 4,000 to 4,600)"`` for one forecast row (``mean``, ``lower``, ``upper``)."""
    return (f"about {narrative.fmt(row['mean'], 'count')} (likely range {narrative.fmt(row['lower'], 'count')} "
            f"to {narrative.fmt(row['upper'], 'count')})")


def years_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its ``year``/``Year``/``origin`` columns as text, so tables show 2024, not 2,024."""
    return frame.astype({c: str for c in ("year", "Year", "origin") if c in frame.columns})
