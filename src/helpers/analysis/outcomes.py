"""Outcomes on the five-point scale in numbers: scores at the latest review, and movement between a child's last
two reviews in each outcome area (a transition table; the share improving, stable and declining, with Wilson
intervals), overall, by area and by age phase.

Pure functions on the frame of :func:`helpers.sources.outcomes.read` (``child_id``, ``outcome_area``,
``review_date``, ``age_at_review``, ``score``). Every count here is of children: the page marks them child-level so
the build suppresses small ones. Each child counts once per outcome area (their latest review, or their last two);
a child scored in several areas counts in each, so the overall shares weigh children with more areas more.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.intervals import wilson_interval

SCORES: tuple[int, ...] = (1, 2, 3, 4, 5)
#: Age phases by age at the review (whole years): label → (youngest, oldest).
AGE_PHASES: dict[str, tuple[int, int]] = {"Under 5": (0, 4), "5 to 10": (5, 10), "11 to 15": (11, 15),
                                          "16 to 25": (16, 25)}
MOVES: tuple[str, ...] = ("improving", "stable", "declining")


def age_phase(ages: pd.Series) -> pd.Series:
    """The :data:`AGE_PHASES` label of each age."""
    labels = pd.Series("", index=ages.index, dtype=object)
    for label, (low, high) in AGE_PHASES.items():
        labels[(ages >= low) & (ages <= high)] = label
    return labels


def latest_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Each child's latest review in each outcome area."""
    ordered = rows.sort_values(["child_id", "outcome_area", "review_date"], kind="stable")
    return ordered.groupby(["child_id", "outcome_area"], sort=False).tail(1).reset_index(drop=True)


def score_distribution(latest: pd.DataFrame, areas: tuple[str, ...]) -> pd.DataFrame:
    """Children by outcome area (rows, in ``areas`` order) and score at the latest review (columns 1-5), with a
    ``total`` column."""
    counts = pd.crosstab(latest["outcome_area"], latest["score"]).reindex(index=list(areas), columns=list(SCORES),
                                                                          fill_value=0)
    counts = counts.fillna(0).astype(int)
    counts["total"] = counts.sum(axis=1)
    return counts.rename_axis(index="outcome_area", columns=None).reset_index()


def movements(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per child and area with two or more reviews: the last two scores (``before``, ``after``), the later
    review's date and age phase, and ``move`` (improving, stable or declining)."""
    ordered = rows.sort_values(["child_id", "outcome_area", "review_date"], kind="stable")
    last_two = ordered.groupby(["child_id", "outcome_area"], sort=False).tail(2)
    before = last_two.groupby(["child_id", "outcome_area"], sort=False).nth(0)
    after = last_two.groupby(["child_id", "outcome_area"], sort=False).nth(1)
    pairs = before[["child_id", "outcome_area", "score"]].merge(
        after[["child_id", "outcome_area", "score", "review_date", "age_at_review"]],
        on=["child_id", "outcome_area"], suffixes=("_before", "_after"))
    out = pairs.rename(columns={"score_before": "before", "score_after": "after"})
    out["phase"] = age_phase(out["age_at_review"])
    out["move"] = np.select([out["after"] > out["before"], out["after"] < out["before"]],
                            ["improving", "declining"], "stable")
    return out.reset_index(drop=True)


def transition_table(moves: pd.DataFrame) -> pd.DataFrame:
    """Children by score at the earlier review (rows 1-5) and at the later review (columns 1-5), with a
    ``total`` column: the diagonal is stable, above it improving, below it declining."""
    table = pd.crosstab(moves["before"], moves["after"]).reindex(index=list(SCORES), columns=list(SCORES),
                                                                 fill_value=0)
    table = table.fillna(0).astype(int)
    table["total"] = table.sum(axis=1)
    return table.rename_axis(index="before", columns=None).reset_index()


def movement_shares(moves: pd.DataFrame, by: str | None = None, order: tuple[str, ...] = (),
                    level: float = 0.95) -> pd.DataFrame:
    """Children improving, stable and declining, and each as a share (%) with its Wilson ``level`` interval.

    One row per value of ``by`` (in ``order`` when given, else sorted), or one row for all when ``by`` is None.
    Columns: ``group``, ``compared``, then for each move ``<move>``, ``<move>_pct``, ``<move>_low``,
    ``<move>_high`` (percentages, 0-100).
    """
    groups = [("all", moves)] if by is None else [
        (g, moves[moves[by] == g]) for g in (order or tuple(sorted(moves[by].unique())))]
    records = []
    for name, part in groups:
        record: dict[str, object] = {"group": name, "compared": len(part)}
        for move in MOVES:
            count = int((part["move"] == move).sum())
            low, high = wilson_interval(count, len(part), level)
            record |= {move: count, f"{move}_pct": 100 * count / len(part) if len(part) else np.nan,
                       f"{move}_low": 100 * float(low), f"{move}_high": 100 * float(high)}
        records.append(record)
    return pd.DataFrame.from_records(records)
