"""The improvement-evidence page (``notebooks/06_improvement_evidence.ipynb``): the council's own evidence that no
national file holds, starting with therapies commissioning and outcomes on the five-point scale (issue 16).

``ev = improvement.evidence(page)`` reads the two optional inputs (``inputs: therapies`` and ``inputs: outcomes``
in the pack config) and computes each section once; without an input its section is None and the page says what
it would show and how to supply it. The sections' bundles and sentences are in
:mod:`helpers.pages.improvement_therapies` and :mod:`helpers.pages.improvement_outcomes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.analysis import forecast
from helpers.analysis.forecast import MeasureForecast
from helpers.analysis.therapies import year_label
from helpers.metrics import Metric
from helpers.pages import improvement_outcomes as outcomes
from helpers.pages import improvement_therapies as therapies
from helpers.present.page import Page
from helpers.sources import outcomes as outcomes_source
from helpers.sources import therapies as therapies_source

NO_THERAPIES = therapies.NO_THERAPIES
NO_OUTCOMES = outcomes.NO_OUTCOMES


@dataclass(frozen=True)
class Evidence:
    """The page's sections: None where the pack has no such input."""

    la_name: str
    therapies: therapies.TherapyFacts | None
    outcomes: outcomes.OutcomeFacts | None


def plans_forecast(page: Page) -> MeasureForecast | None:
    """The plans-in-place forecast of the request-growth page (stock and flow from forecast new plans), made the
    same way from the same DfE release; None with too few years."""
    code = page.la.old_code
    return forecast.plans_in_place_forecast(page.ees, code, forecast.forecast_measure(page.ees, code, "new_plans"))


def evidence(page: Page) -> Evidence:
    """Read the page's optional inputs and compute its sections."""
    inputs = page.config.inputs
    therapy = None
    if inputs.therapies is not None:
        therapy = therapies.therapies_facts(therapies_source.read(inputs.therapies), plans_forecast(page))
    outcome = None
    if inputs.outcomes is not None:
        outcome = outcomes.outcomes_facts(outcomes_source.read(inputs.outcomes), page.hide_below)
    return Evidence(page.la.name, therapy, outcome)


def headline(ev: Evidence) -> str:
    """The page headline: one sentence per section the pack has, or what the page needs."""
    parts = []
    if ev.therapies is not None:
        first, last = ev.therapies.totals.iloc[0], ev.therapies.totals.iloc[-1]
        parts.append(f"{last['compliant_pct']:.0f}% of {ev.la_name}'s therapy spend in "
                     f"{year_label(int(last['year']))} was bought under a compliant arrangement, against "
                     f"{first['compliant_pct']:.0f}% in {year_label(int(first['year']))}.")
    if ev.outcomes is not None:
        parts.append(outcomes.headline(ev.outcomes))
    if not parts:
        return (f"This page needs {ev.la_name}'s own records of therapies commissioning and of outcomes on the "
                "five-point scale; neither is in this pack yet.")
    return " ".join(parts)


def metrics(ev: Evidence) -> dict[str, Metric]:
    """The page's headline metrics (no provider, price or child count)."""
    out: dict[str, Metric] = {}
    if ev.therapies is not None:
        out |= therapies.metrics(ev.therapies)
    if ev.outcomes is not None:
        out |= outcomes.metrics(ev.outcomes)
    return out
