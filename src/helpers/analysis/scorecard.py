"""The action-plan scorecard and key messages on the pack's front page.

Each area of the LA's Written Statement of Action (WSOA) or priority action plan (``action_plan`` in the pack
config) names a metric from a notebook's metrics JSON, a baseline, a target and a due date. :func:`scorecard`
looks each one up and rates it Red, Amber, Green or Grey by :data:`RAG_RULE`, which the page prints in words.
The status is always returned as a word, never only as a colour (WCAG 2.2 success criterion 1.4.1, "Use of
Colour"). Sentences come from :mod:`helpers.present.narrative`, so numbers read the same as everywhere else in the pack.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.analysis import disclosure
from helpers.present import narrative
from helpers.config import ActionArea, PackConfig

GREEN, AMBER, RED, GREY = "Green", "Amber", "Red", "Grey"

#: The rating rule per status, shown on the front page exactly as written here. "Improving" is the evidence page's
#: own trend test where it has one (the Trend column names it), so the scorecard and the page cannot disagree.
RAG_RULES: dict[str, str] = {
    GREEN: "the latest figure meets the target.",
    AMBER: "the target is not met yet, but the figure is improving: a statistically significant improvement by the "
           "trend test on the evidence page where it tests the trend (the Trend column names the test), otherwise "
           "better than the baseline.",
    RED: "the target is not met and the figure is not improving by that rule (a change since the baseline that the "
         "trend test does not find significant does not count), or the due date has passed without meeting it.",
    GREY: "no figure in this pack; the area needs local evidence.",
}
#: The whole rule as one paragraph.
RAG_RULE = " ".join(f"{word}: {text}" for word, text in RAG_RULES.items())

#: What each status means, for a key beside the table.
RAG_MEANING: dict[str, str] = {
    GREEN: "target met",
    AMBER: "not met yet, improving",
    RED: "not met, not improving",
    GREY: "no data, needs local evidence",
}


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
                   RED: "off target and not improving", GREY: "no data in this pack"}[self.rag]
        return f"{self.rag} – {self.measure}: {self.latest_text}{when}, {meaning} (scorecard below)."


@dataclass(frozen=True)
class BaselineCheck:
    """An action-plan baseline typed in the config beside the pack's own figure for the same year."""

    area_id: str
    title: str
    baseline: float
    baseline_label: str
    year: int
    pack_value: float | None
    unit: str

    @property
    def differs(self) -> bool:
        """True when the pack has a figure for the year and it is more than :data:`BASELINE_TOLERANCE` away."""
        return self.pack_value is not None and abs(self.pack_value - self.baseline) > BASELINE_TOLERANCE

    @property
    def warning(self) -> str | None:
        """The warning shown on the data-quality page and the scorecard row, or None when they agree."""
        if not self.differs:
            return None
        return (f"the pack's own DfE figure for {self.year} is {narrative.fmt(self.pack_value, self.unit)}, not the "
                f"{narrative.fmt(self.baseline, self.unit)} typed as the baseline; check the baseline in the pack "
                "config, as the change since the baseline uses it")


#: How far (in the metric's unit, percentage points here) a typed baseline may be from the pack's own figure before
#: it is flagged: half a point allows for a baseline written to whole numbers in an inspection report.
BASELINE_TOLERANCE = 0.5


def _published_series(ref: str, ees: pd.DataFrame, la_code: str, region_code: str | None) -> pd.Series | None:
    """The council's published yearly figure (year → value) for the metrics the DfE release holds, else None."""
    from helpers.analysis import timeliness

    if ref == "02_timeliness.pct_within_20_weeks_ex":
        annual = timeliness.annual_series(ees, la_code, region_code)
        return annual[annual["level"] == "la"].set_index("year")["pct_within_20_weeks_ex"]
    shares = {"02_timeliness.decisions_within_6_weeks_pct": ("requests_decided_within_6_weeks",
                                                             "requests_decided_over_6_weeks"),
              "02_timeliness.reviews_within_4_weeks_pct": ("reviews_decision_within_4_weeks",
                                                           "reviews_decision_over_4_weeks")}
    if ref in shares:
        if not set(shares[ref]) <= set(ees.columns):
            return None
        share = timeliness.annual_share(ees, la_code, region_code, *shares[ref])
        return share[share["level"] == "la"].set_index("year")["pct"]
    return None


def baseline_checks(config: PackConfig, ees: pd.DataFrame, la_code: str,
                    region_code: str | None) -> list[BaselineCheck]:
    """Each action-plan baseline whose label starts with a year (e.g. ``"2022 (inspection)"``) and whose metric the
    DfE release publishes, beside the pack's own figure for that year. A label that starts with a month
    ("Sep 2024") or names no year is not checked: DfE's figures are for calendar years."""
    out = []
    for area in config.action_plan:
        if area.baseline is None or not area.metric or not area.baseline_label:
            continue
        found = re.match(r"\s*((?:19|20)\d{2})\b", area.baseline_label)
        if not found:
            continue
        series = _published_series(area.metric, ees, la_code, region_code)
        if series is None:
            continue
        year = int(found.group(1))
        value = series.get(year)
        out.append(BaselineCheck(area.id, area.title, float(area.baseline), area.baseline_label, year,
                                 None if value is None or narrative.is_missing(value) else float(value), "%"))
    return out


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
        parts = "; ".join(f"{c.title}: {c.warning}" for c in wrong)
        text = narrative.sentence(
            f"Warning: {narrative.count_of(len(wrong), len(known), 'checked action-plan baseline', verb='differs', verb_plural='differ')} "
            f"from the pack's own DfE figure for its year. {parts}")
    elif known:
        text = (f"{narrative.count_of(len(known), len(known), 'checked action-plan baseline', verb='matches', verb_plural='match')} "
                "the pack's own DfE figure for its year.")
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


def lookup(metrics: dict[str, dict[str, Any]], ref: str | None) -> dict[str, Any] | None:
    """The metric record for ``'<notebook>.<metric id>'`` in ``ctx.metrics()`` output, or None if absent."""
    if not ref or "." not in ref:
        return None
    notebook, metric = ref.split(".", 1)
    record = metrics.get(notebook, {}).get(metric)
    return record if isinstance(record, dict) else None


def _better(a: float, b: float, higher_is_better: bool) -> bool:
    return a > b if higher_is_better else a < b


def _meets(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


#: Trend words that come from a statistical test on the evidence page.
TESTED = ("improving", "deteriorating", "no significant change")


def direction(latest: float, reference: float | None, unit: str | None, higher_is_better: bool,
              trend: str | None = None) -> str:
    """``"improving"``, ``"deteriorating"`` or ``"no significant change"``.

    A tested trend from the evidence page (the metrics record's ``trend``, e.g. from SPC) wins. Without one the
    latest figure is compared with ``reference``; a difference that rounds to nothing at the shown precision
    (:func:`helpers.present.narrative.change`) is no change.
    """
    if trend in TESTED:
        return trend
    if reference is None or narrative.is_missing(reference):
        return "no significant change"
    if narrative.change(latest, reference, unit).startswith("no change"):
        return "no significant change"
    return "improving" if _better(latest, reference, higher_is_better) else "deteriorating"


def on_trajectory(latest: float, previous: float | None, target: float, due: dt.date | None, as_of: dt.date,
                  higher_is_better: bool) -> bool:
    """Would the last year's change, continued in a straight line to the due date, meet the target?

    ``previous`` is the value a year earlier (the metrics contract's ``previous``). A straight line is the simple
    projection committees use for trajectories; the evidence pages give modelled forecasts.
    """
    if previous is None or narrative.is_missing(previous) or due is None:
        return False
    years = (due - as_of).days / 365.25
    return _meets(latest + (latest - previous) * max(years, 0.0), target, higher_is_better)


def rag_status(latest: float | None, target: float | None, *, higher_is_better: bool, direction_word: str,
               due: dt.date | None, as_of: dt.date, trajectory: bool = False) -> str:
    """The status word by :data:`RAG_RULE`. An area without a target cannot be Green.

    ``direction_word`` is :func:`direction`'s word: the evidence page's tested trend where it has one. A straight-
    line trajectory (:func:`on_trajectory`) no longer makes an area Amber (``trajectory`` is ignored): it is a
    second, untested rule that could rate a row Amber while its own page says the trend shows no change.
    """
    if latest is None or narrative.is_missing(latest):
        return GREY
    if target is not None and _meets(latest, target, higher_is_better):
        return GREEN
    if due is not None and as_of > due:
        return RED
    if direction_word == "improving":
        return AMBER
    return RED


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
    return f"Red because there is no trend test for it and the figure is not better than {reference} ({change})."


def _benchmark(record: dict[str, Any], latest: float, unit: str | None, higher_is_better: bool) -> str:
    if record.get("benchmark"):
        return str(record["benchmark"])
    parts = []
    for key, name in (("england", "England"), ("region", "the region")):
        other = record.get(key)
        if other is None or narrative.is_missing(other):
            continue
        shown = narrative.fmt(other, unit)
        if narrative.fmt(latest, unit) == shown:
            parts.append(f"same as {name} ({shown})")
        else:
            word = "better" if _better(latest, float(other), higher_is_better) else "worse"
            parts.append(f"{word} than {name} ({shown})")
    return narrative.sentence("; ".join(parts)).rstrip(".") if parts else "No comparison available"


def period_phrase(period: str) -> str:
    """``"at 30 Sep 2025"`` for a date, ``"in the 12 months to Sep 2025"`` for a rolling period, else ``"in 2024"``."""
    if re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", period):
        return f"at {period}"
    if re.match(r"\d+ (months|weeks|quarters|years) to ", period):
        return f"in the {period}"
    return f"in {period}"


def _target_phrase(latest: float, target: float | None, due: dt.date | None, unit: str | None,
                   higher_is_better: bool) -> str:
    if target is None:
        return "no target set"
    when = f" due by {due.day} {due:%B %Y}" if due else ""
    if _meets(latest, target, higher_is_better):
        return f"meets the target of {narrative.fmt(target, unit)}{when}"
    return f"not yet at the target of {narrative.fmt(target, unit)}{when}"


def assess(area: ActionArea, metrics: dict[str, dict[str, Any]], as_of: dt.date,
           threshold: int | None = None, checks: list[BaselineCheck] | None = None) -> AreaStatus:
    """Rate one action-plan area against the metrics (see :data:`RAG_RULE`).

    With ``threshold`` (public builds), a latest count from 1 to ``threshold - 1`` is shown as "fewer than 5" and
    its change is not given, as :mod:`helpers.analysis.disclosure` does for tables; the rating still uses the true value.
    ``checks`` (:func:`baseline_checks`) add a warning where the typed baseline differs from the pack's own figure.
    The Trend column and the rating use the metric's ``trend`` only when it is a tested verdict (:data:`TESTED`);
    ``reason`` states the rule applied in words.
    """
    record = lookup(metrics, area.metric)
    href = f"{area.evidence or area.metric.split('.', 1)[0]}.html" if (area.evidence or area.metric) else None
    if record is None or narrative.is_missing(record.get("value")):
        why = area.note or ("the evidence page did not produce this figure" if area.metric
                            else "needs local evidence")
        return AreaStatus(area.id, area.title, (record or {}).get("label", area.title), (record or {}).get("unit"),
                          None, area.baseline, area.baseline_label, None, narrative.NOT_AVAILABLE,
                          area.target, area.due,
                          "Not available", "Not tested", "Not available", GREY,
                          narrative.sentence(f"{area.title}: no data in this pack ({why.rstrip('.')})"), href,
                          "Grey because this pack has no figure for it.")
    unit = record.get("unit")
    hib = area.higher_is_better if "higher_is_better" in area.model_fields_set \
        else bool(record.get("higher_is_better", True))
    latest = float(record["value"])
    previous = record.get("previous")
    recorded = record.get("trend")
    tested = recorded if recorded in TESTED else None
    reference_value = area.baseline if area.baseline is not None else previous
    word = direction(latest, reference_value, unit, hib, tested)
    rag = rag_status(latest, area.target, higher_is_better=hib, direction_word=word, due=area.due, as_of=as_of)
    small = threshold is not None and unit == "count" and 0 < latest < threshold
    latest_text = disclosure.primary_label(threshold) if small else narrative.fmt(latest, unit)  # type: ignore[arg-type]
    change = "change not shown (small number)" if small else \
        narrative.change(latest, area.baseline, unit, since="the baseline")
    basis = record.get("trend_basis")
    if tested is not None:
        trend = narrative.sentence(f"{tested} (trend test on {basis})" if basis else tested).rstrip(".")
    elif recorded:
        trend = narrative.sentence(str(record.get("trend_phrase") or f"not tested: {recorded}")).rstrip(".")
    elif previous is not None and not narrative.is_missing(previous) and not small:
        trend = "Not tested; " + narrative.change(latest, previous, unit)
    else:
        trend = "Not tested"
    if area.baseline is not None:
        ref_words = "the baseline"
        ref_change = change
    else:
        ref_words = "last year"
        ref_change = narrative.change(latest, previous, unit) if previous is not None else "no earlier figure"
    reason = _reason(rag, tested=tested, basis=basis, higher_is_better=hib, change=ref_change.lower()
                     if not small else "", reference=ref_words, due=area.due, as_of=as_of)
    period = record.get("period")
    baseline_text = ""
    if area.baseline is not None:
        when = f" in {area.baseline_label}" if area.baseline_label else ""
        baseline_text = f" (baseline {narrative.fmt(area.baseline, unit)}{when})" if small else \
            f", {change} of {narrative.fmt(area.baseline, unit)}{when}"
    finding = narrative.sentence(
        f"{record.get('label', area.title)}: {latest_text}"
        + (f" {period_phrase(str(period))}" if period else "")
        + baseline_text
        + f"; {_target_phrase(latest, area.target, area.due, unit, hib)}")
    warning = next((c.warning for c in checks if c.area_id == area.id), None) if checks else None
    return AreaStatus(area.id, area.title, str(record.get("label", area.metric)), unit,
                      None if period is None else str(period), area.baseline, area.baseline_label, latest,
                      latest_text, area.target, area.due, narrative.sentence(change).rstrip("."), trend,
                      _benchmark(record, latest, unit, hib), rag, finding, href, reason, warning)


def scorecard(config: PackConfig, metrics: dict[str, dict[str, Any]], *,
              threshold: int | None = None, checks: list[BaselineCheck] | None = None) -> list[AreaStatus]:
    """Every ``config.action_plan`` area rated at the pack's period end, in config order (``threshold``: see
    :func:`assess`; pass ``config.disclosure.threshold`` in public builds; ``checks``: :func:`baseline_checks`)."""
    return [assess(area, metrics, config.period_end, threshold, checks) for area in config.action_plan]


def scorecard_table(statuses: list[AreaStatus]) -> pd.DataFrame:
    """The scorecard as a table of words and formatted numbers, ready for ``charts.show_table``."""
    rows = []
    for s in statuses:
        rows.append({
            "Area": s.title,
            "Measure": s.measure,
            "Baseline": (narrative.fmt(s.baseline, s.unit) + (f", {s.baseline_label}" if s.baseline_label else "")
                         + (f". Warning: {s.warning}" if s.warning else ""))
            if s.baseline is not None else "None set",
            "Latest": s.latest_text + (f" ({s.period})" if s.period else ""),
            "Change since baseline": s.change,
            "Target": narrative.fmt(s.target, s.unit) if s.target is not None else "None set",
            "Due": f"{s.due.day} {s.due:%b %Y}" if s.due else "Not set",
            "Trend": s.trend,
            "Compared with others": s.benchmark,
            "Status": f"{s.rag}: {RAG_MEANING[s.rag]}",
            "Why this status": s.reason,
        })
    return pd.DataFrame(rows, columns=["Area", "Measure", "Baseline", "Latest", "Change since baseline", "Target",
                                       "Due", "Trend", "Compared with others", "Status", "Why this status"])


def _count_phrase(n: int, word: str, meaning: str) -> str:
    return f"{n} {'is' if n == 1 else 'are'} {meaning} ({word})"


@dataclass(frozen=True)
class Gap:
    """One metric's distance from England and the statistical neighbours, for ranking key messages."""

    notebook: str
    key: str
    record: dict[str, Any]
    size: float
    worse: bool | None

    @property
    def href(self) -> str:
        return f"{self.notebook}.html"


#: The one assessment-demand / EP-hours figure (written once from counts by the growth page): the front page quotes
#: its finding as written and never recomputes it. It links to the record's ``evidence`` page when the record names
#: one (e.g. the EP page that repeats it), otherwise to the page that wrote it.
DEMAND_METRIC = ("01_request_growth", "ep_hours_next_year")

#: Gaps smaller than this many percentage points are not key messages.
MIN_GAP = 5.0


def gaps(metrics: dict[str, dict[str, Any]]) -> list[Gap]:
    """Every metric flagged ``compare`` (a percentage with England's figure, from the benchmarks page) ranked by its
    gap: the larger of its distances from England and from the statistical neighbours, in percentage points.

    Gaps in the unfavourable direction and gaps of measures with no better direction (e.g. refusals) come first,
    largest first; favourable gaps after them. Gaps under :data:`MIN_GAP` points are left out.
    """
    out = []
    for notebook in sorted(metrics):
        for key, r in sorted(metrics[notebook].items()):
            if not isinstance(r, dict) or not r.get("compare") or r.get("unit") != "%":
                continue
            value, england = r.get("value"), r.get("england")
            if narrative.is_missing(value) or narrative.is_missing(england):
                continue
            diffs = [float(value) - float(england)]
            if not narrative.is_missing(r.get("neighbours")):
                diffs.append(float(value) - float(r["neighbours"]))
            diff = max(diffs, key=abs)
            if abs(diff) < MIN_GAP:
                continue
            hib = r.get("higher_is_better")
            worse = None if hib is None else (diff < 0) == bool(hib)
            out.append(Gap(notebook, key, r, abs(diff), worse))
    return sorted(out, key=lambda g: (g.worse is False, -g.size, g.notebook, g.key))


def gap_sentence(la_name: str, gap: Gap) -> str:
    """A ranked gap in plain words: ``"Kent: 57.9% of decisions on requests were refusals in 2024, above England
    (27.8%) and above its statistical neighbours (26.6%)."``; "better"/"worse" where the measure has a better
    direction, "above"/"below" where it has none."""
    r = gap.record
    text = r.get("message") or f"{r.get('label', gap.key)} was {narrative.fmt(r['value'], '%')}"
    period = f" in {r['period']}" if r.get("period") else ""
    value = float(r["value"])
    hib = r.get("higher_is_better")
    parts = []
    for key, name in (("england", "England"), ("neighbours", "its statistical neighbours")):
        other = r.get(key)
        if narrative.is_missing(other):
            continue
        shown = narrative.fmt(other, "%")
        if narrative.fmt(value, "%") == shown:
            parts.append(f"the same as {name} ({shown})")
        elif hib is None:
            parts.append(f"{'above' if value > float(other) else 'below'} {name} ({shown})")
        else:
            parts.append(f"{'better' if _better(value, float(other), bool(hib)) else 'worse'} than {name} ({shown})")
    return narrative.sentence(f"{la_name}: {text}{period}, " + " and ".join(parts))


def key_messages(metrics: dict[str, dict[str, Any]], config: PackConfig, *,
                 threshold: int | None = None, checks: list[BaselineCheck] | None = None,
                 la_name: str | None = None) -> list[tuple[str, str]]:
    """The front page's key messages, each with the link to its evidence, at most seven.

    First the largest gaps against England and the statistical neighbours among all the evidence
    (:func:`gaps`, up to four), whether or not the action plan covers them; then the assessment-demand / EP-hours
    finding (:data:`DEMAND_METRIC`, as the growth page wrote it); then the scorecard in one sentence
    (linking to ``#scorecard``), then the rated areas' findings, Red first, then Amber, then Green; then, if fewer than three
    messages so far, each notebook's first metric ``finding`` (of a metric with a value) in metric-id order,
    skipping metrics an area already reports. Numbers are the metrics' own, never recomputed here (so the
    EP-hours figure is the EP page's).
    """
    name = la_name or config.la.name or "The council"
    messages: list[tuple[str, str]] = [(gap_sentence(name, g), g.href) for g in gaps(metrics)[:4]]
    demand = metrics.get(DEMAND_METRIC[0], {}).get(DEMAND_METRIC[1])
    if isinstance(demand, dict) and demand.get("finding") and not narrative.is_missing(demand.get("value")):
        page = str(demand.get("evidence") or DEMAND_METRIC[0])
        messages.append((narrative.sentence(str(demand["finding"])), f"{page.removesuffix('.html')}.html"))
    statuses = scorecard(config, metrics, threshold=threshold, checks=checks)
    if statuses:
        counts = {w: sum(s.rag == w for s in statuses) for w in (GREEN, AMBER, RED, GREY)}
        parts = [_count_phrase(counts[GREEN], GREEN, "on target"),
                 _count_phrase(counts[AMBER], AMBER, "improving but not yet on target"),
                 _count_phrase(counts[RED], RED, "off target and not improving")]
        if counts[GREY]:
            parts.append(f"{counts[GREY]} {'has' if counts[GREY] == 1 else 'have'} no data in this pack ({GREY})")
        messages.append((narrative.sentence(
            f"Of {narrative.plural(len(statuses), 'action-plan area')}, {', '.join(parts[:-1])} and {parts[-1]}"),
            "#scorecard"))
    order = {RED: 0, AMBER: 1, GREEN: 2}
    for s in sorted((s for s in statuses if s.rag in order), key=lambda s: order[s.rag]):
        if len(messages) == 7:
            break
        messages.append((s.message, s.evidence_href or "#scorecard"))
    if len(messages) < 3:
        used = {area.metric for area in config.action_plan} | {".".join(DEMAND_METRIC)}
        for notebook in sorted(metrics):
            found = [r["finding"] for key, r in sorted(metrics[notebook].items())
                     if isinstance(r, dict) and r.get("finding") and not narrative.is_missing(r.get("value"))
                     and f"{notebook}.{key}" not in used]
            if found and len(messages) < 5 and all(narrative.sentence(found[0]) != m for m, _ in messages):
                messages.append((narrative.sentence(found[0]), f"{notebook}.html"))
    return messages


def _page_name(href: str) -> str:
    """``"03_ep_workforce.html"`` → ``"EP workforce"``; ``"#scorecard"`` → ``"the scorecard below"``."""
    if href.startswith("#"):
        return "the scorecard below"
    from helpers.present.glossary import TERMS

    words = href.removesuffix(".html").split("_")[1:] or [href]
    text = " ".join(w.upper() if w.upper() in TERMS else w for w in words)
    return text[0].upper() + text[1:] + " page"


def messages_html(messages: list[tuple[str, str]]) -> str:
    """Key messages as a list, each sentence followed by a descriptive link to its evidence (escaped)."""
    items = "".join(
        f'<li>{html.escape(text)} <a href="{html.escape(href)}">Evidence: {html.escape(_page_name(href))}</a></li>'
        for text, href in messages)
    return f'<ul class="key-messages">{items}</ul>'


def rule_html() -> str:
    """The RAG rule in words, one status per list item, with the ``scorecard`` anchor the key messages link to."""
    items = "".join(f"<li><strong>{word}</strong>: {html.escape(text)}</li>" for word, text in RAG_RULES.items())
    return (f'<div id="scorecard" class="rag-rule"><p>How each area is rated (the status is written in words, '
            f'not shown by colour alone):</p><ul>{items}</ul></div>')


def headline(la_name: str, statuses: list[AreaStatus], as_of: dt.date) -> str:
    """The page headline: ``"Northby at 30 September 2025: 1 of 6 action-plan areas is on target."``."""
    when = f"{as_of.day} {as_of:%B %Y}"
    if not statuses:
        return f"{la_name} at {when}: the pack config lists no action-plan areas to rate."
    green = sum(s.rag == GREEN for s in statuses)
    return f"{la_name} at {when}: {narrative.count_of(green, len(statuses), 'action-plan area')} on target."


def summary_metrics(statuses: list[AreaStatus], as_of: dt.date) -> dict[str, dict[str, Any]]:
    """The front page's metrics record (metrics JSON contract): how many areas have each status."""
    period = f"{as_of:%b %Y}"
    return {
        f"areas_{word.lower()}": {"value": sum(s.rag == word for s in statuses), "unit": "count",
                                  "label": f"Action-plan areas rated {word} ({RAG_MEANING[word]})",
                                  "period": period}
        for word in (GREEN, AMBER, RED, GREY)
    }
