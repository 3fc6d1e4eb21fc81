"""The front page's scorecard rows in words: each action-plan area's latest figure, change, trend, comparison,
status and the reason for it, and the check of typed baselines against the pack's own DfE figures.

The status itself comes from :func:`helpers.analysis.scorecard.rate`; this module writes it down, always as a word,
never only as a colour (WCAG 2.2 success criterion 1.4.1, "Use of Colour"). Numbers are written by
:mod:`helpers.present.narrative`, so they read the same as everywhere else in the pack.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from helpers.analysis import disclosure
from helpers.analysis import scorecard as rules
from helpers.analysis import scorecard_baselines
from helpers.analysis.scorecard import AMBER, GREEN, GREY, RED, Area
from helpers.analysis.scorecard_baselines import BaselineCheck
from helpers.config import PackConfig
from helpers.metrics import Metric
from helpers.present import narrative


@dataclass(frozen=True)
class AreaStatus:
    """One scorecard row: an action-plan area with its latest figure, change, trend, benchmark and rating."""

    id: str
    title: str
    measure: str
    unit: str | None
    period: str | None
    baseline: float | None
    baseline_label: str | None
    latest: float | None
    latest_text: str
    target: float | None
    due: dt.date | None
    change: str
    trend: str
    benchmark: str
    rag: str
    finding: str
    evidence_href: str | None
    reason: str = ""
    warning: str | None = None

    @property
    def message(self) -> str:
        """The key message for this area: its status and latest figure only, the numbers its evidence page shows
        (the baseline, target and due date are in the scorecard table below)."""
        when = f" {period_phrase(self.period)}" if self.period else ""
        meaning = {GREEN: "on target", AMBER: "not on target yet, but improving",
                   RED: "off target and not moving towards it", GREY: "no data in this pack"}[self.rag]
        return f"{self.rag} – {self.measure}: {self.latest_text}{when}, {meaning} (scorecard below)."


def areas_from_config(config: PackConfig) -> list[Area]:
    """The config's action plan as plain :class:`~helpers.analysis.scorecard.Area` values."""
    return [Area(a.id, a.title, a.metric, a.baseline, a.baseline_label, a.target, a.due,
                 a.higher_is_better if "higher_is_better" in a.model_fields_set else None, a.evidence, a.note)
            for a in config.action_plan]


def period_phrase(period: str) -> str:
    """``"at 30 Sep 2025"`` for a date, ``"in the 12 months to Sep 2025"`` for a rolling period, else ``"in 2024"``."""
    if re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", period):
        return f"at {period}"
    if re.match(r"\d+ (months|weeks|quarters|years) to ", period):
        return f"in the {period}"
    return f"in {period}"


def _reason(rag: str, *, tested: str | None, basis: str | None, higher_is_better: bool, change: str,
            reference: str, due: dt.date | None, as_of: dt.date) -> str:
    """Why the row has its status, in one sentence naming the rule and the test; when the change since the baseline
    seems to point the other way from the status, the sentence says why it does not decide it."""
    if rag == GREEN:
        return "Green because the latest figure meets the target."
    if rag == GREY:
        return "Grey because this pack has no figure for it."
    if due is not None and as_of > due:
        return f"Red because the due date ({due.day} {due:%B %Y}) has passed without meeting the target."
    moved = change and not change.startswith(("no change", "change"))
    better = moved and (change.startswith("up") == higher_is_better)
    if tested is not None:
        test = f"the trend test on {basis}" if basis else "the evidence page's trend test"
        found = {"improving": "finds a significant improvement", "deteriorating": "finds a significant deterioration",
                 "no significant change": "finds no significant change"}[tested]
        text = f"{rag} because {test} {found}"
        if rag == RED and better:
            text += f", although the figure is {change}: one comparison with the baseline is not a trend"
        elif rag == AMBER and moved and not better:
            text += f", although the figure is {change}"
        return text + "."
    if rag == AMBER:
        return f"Amber because there is no trend test for it and the figure is better than {reference} ({change})."
    why = ("there is no trend test and no earlier figure to show it moving towards its target"
           if change == "no earlier figure" else
           f"there is no trend test for it and the figure is not better than {reference} ({change})")
    return f"Red because {why}."


def _benchmark(metric: Metric, latest: float, unit: str | None, higher_is_better: bool) -> str:
    if metric.benchmark:
        return metric.benchmark
    parts = []
    for other, name in ((metric.england, "England"), (metric.region, "the region")):
        if other is None:
            continue
        shown = narrative.fmt(other, unit)
        if narrative.fmt(latest, unit) == shown:
            parts.append(f"same as {name} ({shown})")
        else:
            word = "better" if rules.better(latest, float(other), higher_is_better) else "worse"
            parts.append(f"{word} than {name} ({shown})")
    return narrative.sentence("; ".join(parts)).rstrip(".") if parts else "No comparison available"


def _target_phrase(latest: float, target: float | None, due: dt.date | None, unit: str | None,
                   higher_is_better: bool) -> str:
    if target is None:
        return "no target set"
    when = f" due by {due.day} {due:%B %Y}" if due else ""
    if rules.meets(latest, target, higher_is_better):
        return f"meets the target of {narrative.fmt(target, unit)}{when}"
    return f"not yet at the target of {narrative.fmt(target, unit)}{when}"


def _trend_text(metric: Metric, tested: str | None, latest: float, small: bool) -> str:
    """The Trend column: the tested verdict and its basis, the page's reason for not testing, or the change on the
    year before marked as not tested."""
    if tested is not None:
        basis = metric.trend_basis
        return narrative.sentence(f"{tested} (trend test on {basis})" if basis else tested).rstrip(".")
    if metric.trend_phrase:  # the page's own words for why it did not test the trend
        return narrative.sentence(metric.trend_phrase).rstrip(".")
    if metric.previous is not None and not small:
        return "Not tested; " + narrative.change(latest, metric.previous, metric.unit)
    return "Not tested"


def _grey(area: Area, metric: Metric | None, href: str | None) -> AreaStatus:
    why = area.note or ("the evidence page did not produce this figure" if area.metric else "needs local evidence")
    return AreaStatus(area.id, area.title, metric.label if metric else area.title, metric.unit if metric else None,
                      None, area.baseline, area.baseline_label, None, narrative.NOT_AVAILABLE, area.target, area.due,
                      "Not available", "Not tested", "Not available", GREY,
                      narrative.sentence(f"{area.title}: no data in this pack ({why.rstrip('.')})"), href,
                      "Grey because this pack has no figure for it.")


def assess(area: Area, metrics: dict[str, dict[str, Metric]], as_of: dt.date,
           threshold: int | None = None, checks: list[BaselineCheck] | None = None) -> AreaStatus:
    """Rate one action-plan area (:func:`helpers.analysis.scorecard.rate`) and write its row.

    With ``threshold`` (public builds), a latest count from 1 to ``threshold - 1`` is shown as "fewer than 5" and
    its change is not given, as :mod:`helpers.analysis.disclosure` does for tables; the rating still uses the true
    value. ``checks`` (:func:`baseline_checks`) add a warning where the typed baseline differs from the pack's own
    figure. ``reason`` states the rule applied in words.
    """
    rating = rules.rate(area, metrics, as_of)
    href = f"{area.evidence or str(area.metric).split('.', 1)[0]}.html" if (area.evidence or area.metric) else None
    metric, latest = rating.metric, rating.latest
    if metric is None or latest is None:
        return _grey(area, metric, href)
    unit, hib, previous = metric.unit, rating.higher_is_better, metric.previous
    small = threshold is not None and unit == "count" and 0 < latest < threshold
    latest_text = disclosure.primary_label(threshold) if small and threshold else narrative.fmt(latest, unit)
    change = "change not shown (small number)" if small else \
        narrative.change(latest, area.baseline, unit, since="the baseline")
    if area.baseline is not None:
        ref_words, ref_change = "the baseline", change
    else:
        ref_words = "last year"
        ref_change = narrative.change(latest, previous, unit) if previous is not None else "no earlier figure"
    reason = _reason(rating.rag, tested=rating.tested, basis=metric.trend_basis, higher_is_better=hib,
                     change=ref_change.lower() if not small else "", reference=ref_words, due=area.due, as_of=as_of)
    baseline_text = ""
    if area.baseline is not None:
        when = f" in {area.baseline_label}" if area.baseline_label else ""
        baseline_text = f" (baseline {narrative.fmt(area.baseline, unit)}{when})" if small else \
            f", {change} of {narrative.fmt(area.baseline, unit)}{when}"
    finding = narrative.sentence(
        f"{metric.label}: {latest_text}" + (f" {period_phrase(metric.period)}" if metric.period else "")
        + baseline_text + f"; {_target_phrase(latest, area.target, area.due, unit, hib)}")
    warning = next((baseline_warning(c) for c in checks if c.area_id == area.id), None) if checks else None
    return AreaStatus(area.id, area.title, metric.label, unit, metric.period, area.baseline, area.baseline_label,
                      latest, latest_text, area.target, area.due, narrative.sentence(change).rstrip("."),
                      _trend_text(metric, rating.tested, latest, small), _benchmark(metric, latest, unit, hib),
                      rating.rag, finding, href, reason, warning)


def scorecard(config: PackConfig, metrics: dict[str, dict[str, Metric]], *,
              threshold: int | None = None, checks: list[BaselineCheck] | None = None) -> list[AreaStatus]:
    """Every ``config.action_plan`` area rated at the pack's period end, in config order (``threshold``: see
    :func:`assess`; pass ``config.disclosure.threshold`` in public builds; ``checks``: :func:`baseline_checks`)."""
    return [assess(area, metrics, config.period_end, threshold, checks) for area in areas_from_config(config)]


def baseline_checks(config: PackConfig, ees: pd.DataFrame, la_code: str,
                    region_code: str | None) -> list[BaselineCheck]:
    """The config's typed baselines beside the pack's own DfE figures
    (:func:`helpers.analysis.scorecard_baselines.baseline_checks`)."""
    return scorecard_baselines.baseline_checks(areas_from_config(config), ees, la_code, region_code)


def baseline_warning(check: BaselineCheck) -> str | None:
    """The warning shown on the data-quality page and the scorecard row, or None when they agree."""
    if not check.differs:
        return None
    return (f"the pack's own DfE figure for {check.year} is {narrative.fmt(check.pack_value, check.unit)}, not the "
            f"{narrative.fmt(check.baseline, check.unit)} typed as the baseline; check the baseline in the pack "
            "config, as the change since the baseline uses it")


def baseline_sentence(checks: list[BaselineCheck]) -> str:
    """One sentence for the data-quality page: which baselines match the pack's own figure, which differ (a
    warning) and which could not be checked because DfE has no figure for their year."""
    if not checks:
        return ("No action-plan baseline could be checked against the DfE release (none names a calendar year of a "
                "published measure).")
    known = [c for c in checks if c.pack_value is not None]
    wrong = [c for c in known if c.differs]
    unknown = [c for c in checks if c.pack_value is None]
    if wrong:
        parts = "; ".join(f"{c.title}: {baseline_warning(c)}" for c in wrong)
        counted = narrative.count_of(len(wrong), len(known), "checked action-plan baseline", verb="differs",
                                     verb_plural="differ")
        text = narrative.sentence(f"Warning: {counted} from the pack's own DfE figure for its year. {parts}")
    elif known:
        counted = narrative.count_of(len(known), len(known), "checked action-plan baseline", verb="matches",
                                     verb_plural="match")
        text = f"{counted} the pack's own DfE figure for its year."
    else:
        text = ""
    if unknown:
        names = ", ".join(f'"{c.title}" ({c.year})' for c in unknown)
        text += (f" {narrative.plural(len(unknown), 'baseline')} could not be checked, as the release has no figure "
                 f"for {'its' if len(unknown) == 1 else 'their'} year: {names}.")
    return text.strip()


def baseline_table(checks: list[BaselineCheck]) -> pd.DataFrame:
    """The checks as a display table."""
    return pd.DataFrame([{
        "Action-plan area": c.title, "Baseline in the config": narrative.fmt(c.baseline, c.unit),
        "Baseline label": c.baseline_label, "Year checked": str(c.year),
        "Pack's own figure for that year": narrative.fmt(c.pack_value, c.unit),
        "Check": "Differs: check the config" if c.differs else
        ("No figure for that year" if c.pack_value is None else "Matches"),
    } for c in checks], columns=["Action-plan area", "Baseline in the config", "Baseline label", "Year checked",
                                 "Pack's own figure for that year", "Check"])
