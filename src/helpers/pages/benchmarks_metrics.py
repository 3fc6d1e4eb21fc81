"""The benchmarks page's metrics (docs/architecture.md "Metrics JSON") for the front page: each measure's latest LA
value with England, region and neighbours' figures, plus the 20-week rank, rank interval, LAIT band and funnel
position."""

from __future__ import annotations

from helpers.analysis.benchmarks import MEASURES, Figures, Position
from helpers.metrics import Metric
from helpers.pages.benchmarks_funnel import funnel_verdict
from helpers.pages.benchmarks_tables import position_sentence
from helpers.present import narrative

#: Each proportion's key message (``{value}`` is the LA's figure), ranked against England and the neighbours on
#: the front page (:func:`helpers.analysis.scorecard.gaps`).
MESSAGES: dict[str, str] = {
    "timeliness": "{value} of new EHC plans were issued within 20 weeks",
    "refusal_rate": "{value} of decisions on requests for an EHC needs assessment were refusals",
    "decisions_6_weeks": "{value} of decisions on whether to assess were made within the 6-week time limit",
    "reviews_4_weeks": "{value} of annual-review decisions were sent within 4 weeks of the meeting",
    "over_a_year": "{value} of new EHC plans took more than a year",
    "tribunal_share": "{value} of requests for an assessment were linked to a tribunal",
}


def measure_metric(f: Figures, finding: str | None = None) -> Metric:
    """One measure's latest figure with its comparators (and its key message for a proportion; ``finding`` if
    given)."""
    m, value = f.measure, f.by_kind["la"]
    record: dict[str, object] = {
        "value": value, "unit": "%", "label": m.label.replace(" (%)", ""), "period": str(f.year),
        "previous": f.previous, "england": f.by_kind["england"], "region": f.by_kind["region"],
        "neighbours": f.by_kind.get("neighbours"),
        "benchmark": narrative.compare(value, f.by_kind["england"], "England", "%"),
    }
    if m.higher_is_better is not None:
        record["higher_is_better"] = m.higher_is_better
    if m.kind == "proportion" and m.id in MESSAGES:
        record["compare"] = True
        record["message"] = MESSAGES[m.id].format(value=narrative.fmt(value, "%"))
    if finding is not None:
        record["finding"] = finding
    return Metric.model_validate(record)


def metrics(figures: list[Figures], la_name: str, *, position: Position, year: int, funnel_label: str | None,
            funnel_label_wide: str | None) -> dict[str, Metric]:
    """Every measure's :func:`measure_metric` as ``<id>_pct``, and the 20-week rank, neighbours and funnel
    position for the year the page reports."""
    finding = narrative.sentence(
        f"{la_name} issued {narrative.fmt(position.value, '%')} of plans within 20 weeks in {year}, "
        f"LAIT quartile band {position.band} (rank {position.rank} of {position.of})")
    out = {f"{f.measure.id}_pct": measure_metric(f, finding if f.measure.id == "timeliness" and position.rank
                                                 is not None else None) for f in figures}
    pct = out.get("timeliness_pct")
    if pct is None:
        return out
    if position.rank is not None:
        out["timeliness_rank"] = Metric(
            value=position.rank, unit="count", period=str(year), higher_is_better=False,
            label="National rank for plans issued within 20 weeks (1 = best, as in LAIT)",
            finding=position_sentence(la_name, position, MEASURES["timeliness"], year),
            extras={"of": position.of, "band": position.band,
                    "rank_interval": [position.rank_lower, position.rank_upper]})
        if pct.neighbours is not None:
            out["timeliness_neighbours_pct"] = Metric(
                value=pct.neighbours, unit="%", period=str(year), higher_is_better=True,
                label="Statistical neighbours' plans issued within 20 weeks (all their plans together)")
    if funnel_label is not None:
        out["timeliness_funnel"] = Metric(
            value=pct.value, unit="%", period=str(year), higher_is_better=True,
            label="Plans issued within 20 weeks: position on the funnel plot against England",
            finding=funnel_verdict(la_name, float(pct.value or 0), float(pct.england or 0) / 100, funnel_label,
                                   funnel_label_wide),
            extras={"funnel_position": funnel_label, "allowing_for_variation": funnel_label_wide,
                    "special_cause": bool(funnel_label_wide and funnel_label_wide.endswith("(0.001)"))})
    return out
