"""The outcomes section of the improvement-evidence page: scores on the five-point scale and how they move.

``o = outcomes_facts(rows, hide_below)`` computes the section once from the template's rows
(:func:`helpers.sources.outcomes.read`); the other functions turn it into bundles and sentences. Every count is of
children, so every table and chart names its counts in ``child_level_counts`` and the build suppresses small ones;
the chart draws only the groups whose counts would all be shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import outcomes as calc
from helpers.metrics import Metric
from helpers.pages import improvement_charts as charts
from helpers.present.chart import Chart, Table
from helpers.sources.outcomes import AREAS

#: Said instead of the section when the pack has no outcomes return.
NO_OUTCOMES = (
    "With the council's outcomes tracking return (one row per child, outcome area and review, with the score on "
    "the five-point scale) this section would show how children score in each outcome area at their latest review "
    "and how scores moved between their last two reviews, the share improving, staying the same and declining, by "
    "outcome area and by age. Add it under inputs: outcomes in the pack config; the columns are in "
    "data/templates/README.md (template data/templates/outcomes_template.csv).")

#: How the scale and the comparison work, said at the top of the section.
SCALE_EXPLAINED = (
    "At each review every outcome in a child's EHC plan is scored from 1 (not yet started towards the outcome) to 5 "
    "(outcome achieved). Each child counts once in each outcome area they have: the tables use their latest review, "
    "and the movement compares their last two reviews. Small numbers are hidden in the public version of this pack "
    "so that no child can be identified.")

#: Each outcome area in a sentence, and as a table or chart label.
AREA_WORDS: dict[str, str] = {a: a for a in AREAS} | {
    "social, emotional and mental health": "social, emotional and mental health (SEMH)"}
AREA_LABELS: dict[str, str] = {a: w[0].upper() + w[1:] for a, w in AREA_WORDS.items()}
MOVE_HEADERS = {"improving": "Score went up", "stable": "Score the same", "declining": "Score went down"}
MOVE_LABELS = {"improving": "Children's outcome scores that went up between their last two reviews",
               "stable": "Children's outcome scores that stayed the same between their last two reviews",
               "declining": "Children's outcome scores that went down between their last two reviews"}


@dataclass(frozen=True)
class OutcomeFacts:
    """The section's numbers, and the smallest count the build shows (``hide_below``)."""

    latest: pd.DataFrame
    moves: pd.DataFrame
    overall: pd.DataFrame
    by_area: pd.DataFrame
    by_phase: pd.DataFrame
    hide_below: int
    last_review: pd.Timestamp


def outcomes_facts(rows: pd.DataFrame, hide_below: int) -> OutcomeFacts:
    """Everything the section shows, from the return's rows."""
    moves = calc.movements(rows)
    return OutcomeFacts(calc.latest_scores(rows), moves, calc.movement_shares(moves),
                        calc.movement_shares(moves, "outcome_area", tuple(a for a in AREAS
                                                                          if a in set(moves["outcome_area"]))),
                        calc.movement_shares(moves, "phase", tuple(p for p in calc.AGE_PHASES
                                                                   if p in set(moves["phase"]))),
                        hide_below, pd.Timestamp(rows["review_date"].max()))


def _shown(count: float, hide_below: int) -> bool:
    return count == 0 or count >= hide_below


def _shown_groups(shares: pd.DataFrame, hide_below: int) -> pd.DataFrame:
    """The groups whose counts (children compared, and each move) would all be shown."""
    keep = [all(_shown(r[c], hide_below) for c in ("compared", *calc.MOVES)) for _, r in shares.iterrows()]
    return shares[keep]


def headline(o: OutcomeFacts) -> str:
    """The section's message: the share of scores up, level and down between the last two reviews."""
    row = o.overall.iloc[0]
    if row["compared"] == 0:
        return "No child has two reviews in the same outcome area yet, so movement cannot be measured."
    if not all(_shown(row[m], o.hide_below) for m in calc.MOVES):
        return "Too few children have two reviews to report how their scores moved without identifying them."
    areas = _shown_groups(o.by_area, o.hide_below)
    worst = None if areas.empty else areas.sort_values("declining_pct", ascending=False).iloc[0]
    most = "" if worst is None else (f" Scores went down most often in {AREA_WORDS[worst['group']]}, for "
                                     f"{worst['declining_pct']:.0f}% of children.")
    return (f"Between their last two reviews {row['improving_pct']:.0f}% of children's outcome scores went up "
            f"(95% confidence interval {row['improving_low']:.0f}% to {row['improving_high']:.0f}%), "
            f"{row['stable_pct']:.0f}% stayed the same and {row['declining_pct']:.0f}% went down.{most}")


def distribution(o: OutcomeFacts) -> Table:
    """Children by outcome area and score at their latest review."""
    table = calc.score_distribution(o.latest, tuple(a for a in AREAS if a in set(o.latest["outcome_area"])))
    data = table.rename(columns={s: f"Score {s}" for s in calc.SCORES} | {"total": "Total"})
    data["outcome_area"] = data["outcome_area"].map(AREA_LABELS)
    data = data.rename(columns={"outcome_area": "Outcome area"})
    counts = tuple(c for c in data.columns if c != "Outcome area")
    return Table(data, "Children by score at their latest review, by outcome area", name="outcome-scores-latest",
                 child_level_counts=counts)


def transitions(o: OutcomeFacts) -> Table:
    """Children by score at the earlier review (rows) and the later review (columns)."""
    table = calc.transition_table(o.moves)
    data = table.rename(columns={s: f"Now {s}" for s in calc.SCORES} | {"total": "Total",
                                                                         "before": "Score at the review before"})
    data["Score at the review before"] = [f"Was {s}" for s in table["before"]]
    counts = tuple(c for c in data.columns if c != "Score at the review before")
    return Table(data, "Children by score at their last two reviews: the diagonal stayed the same, right of it "
                 "went up, left of it went down", name="outcome-score-movement", child_level_counts=counts)


def _shares_data(shares: pd.DataFrame, group_header: str,
                 labels: list[str]) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """A shares table with plain headers, and each percentage's (numerator, denominator) for suppression."""
    data = pd.DataFrame({group_header: labels, "Children compared": shares["compared"].to_numpy()})
    derived: dict[str, tuple[str, str]] = {}
    for move, header in MOVE_HEADERS.items():
        data[header] = shares[move].to_numpy()
        wanted = (("pct", "(%)"),) if move == "stable" else (("pct", "(%)"), ("low", "95% CI low (%)"),
                                                               ("high", "95% CI high (%)"))
        for suffix, words in wanted:
            column = f"{header} {words}"
            data[column] = shares[f"{move}_{suffix}"].round(1).to_numpy()
            derived[column] = (header, "Children compared")
    return data, derived


def by_area_chart(o: OutcomeFacts) -> Chart:
    """Share of children whose score went up and down, by outcome area, with 95% intervals."""
    labels = [AREA_LABELS[g] for g in o.by_area["group"]]
    data, derived = _shares_data(o.by_area, "Outcome area", labels)
    counts = ("Children compared", *MOVE_HEADERS.values())
    drawn = _shown_groups(o.by_area, o.hide_below)
    best = None if drawn.empty else drawn.sort_values("improving_pct", ascending=False).iloc[0]
    title = ("How often scores went up and down, by outcome area" if best is None else
             f"Scores went up most often in {AREA_WORDS[best['group']]} ({best['improving_pct']:.0f}% of children)")
    alt = (f"Horizontal bar chart of the share of children whose score went up and went down between their last two "
           f"reviews in each of {len(drawn)} outcome areas, with 95% confidence intervals.")
    hidden = len(o.by_area) - len(drawn)
    note = (f"{hidden} outcome area(s) with too few children are left out of the chart." if hidden else None)
    return Chart(charts.movement_bars(drawn, [AREA_LABELS[g] for g in drawn["group"]]), title, alt, data,
                 name="outcome-movement-by-area", child_level_counts=counts, derived=derived, note=note)


def by_phase(o: OutcomeFacts) -> Table:
    """Children whose score went up, stayed the same or went down, by age at the later review."""
    data, derived = _shares_data(o.by_phase, "Age at the later review", list(o.by_phase["group"]))
    return Table(data, "Movement between the last two reviews by age", name="outcome-movement-by-age",
                 child_level_counts=("Children compared", *MOVE_HEADERS.values()), derived=derived)


def phase_sentence(o: OutcomeFacts) -> str:
    """Which age group's scores went up most and least often (only groups whose counts are shown)."""
    shown = _shown_groups(o.by_phase, o.hide_below)
    if len(shown) < 2:
        return "Too few children in each age group to compare them."
    ranked = shown.sort_values("improving_pct", ascending=False)
    top, low = ranked.iloc[0], ranked.iloc[-1]
    overlap = top["improving_low"] <= low["improving_high"]
    verdict = ("the intervals overlap, so the difference may be chance" if overlap
               else "the intervals do not overlap, so the difference is unlikely to be chance alone")
    return (f"Scores went up most often for children aged {top['group'].lower()} ({top['improving_pct']:.0f}%) and "
            f"least often for those aged {low['group'].lower()} ({low['improving_pct']:.0f}%); {verdict}.")


def metrics(o: OutcomeFacts) -> dict[str, Metric]:
    """Headline outcome metrics: shares only (no child counts), when their counts would be shown."""
    row = o.overall.iloc[0]
    if row["compared"] == 0 or not all(_shown(row[m], o.hide_below) for m in calc.MOVES):
        return {}
    period = f"last two reviews to {o.last_review:%B %Y}"
    return {f"outcomes_{move}_pct": Metric(
        value=float(row[f"{move}_pct"]), unit="%", period=period, higher_is_better=move == "improving"
        if move != "stable" else None, lower_95=float(row[f"{move}_low"]), upper_95=float(row[f"{move}_high"]),
        label=MOVE_LABELS[move])
        for move in calc.MOVES}
