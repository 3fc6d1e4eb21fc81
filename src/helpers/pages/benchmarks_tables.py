"""The benchmarks page's sentences and display tables: who the comparators are, the LA's rank and band, the
measures side by side, and the neighbours one by one (numbers from :mod:`helpers.analysis.benchmarks`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.benchmarks import Figures, Measure, Position, lait_bands, lait_rank
from helpers.areas import LA_LEVEL, Group
from helpers.pages.benchmarks_funnel import plain_label
from helpers.present import narrative


def neighbours_sentence(la_name: str, codes: list[str], names: pd.Series) -> str:
    """Plain English: who the LA's statistical neighbours are, or that none are set (so only England and region)."""
    if not codes:
        return ("No statistical neighbours are set for this pack (add them to the pack config, or point the config "
                "at DfE's neighbour list), so the page compares with England and the region only.")
    return (f"{la_name}'s statistical neighbours are " + ", ".join(str(names[c]) for c in codes[:-1])
            + f" and {names[codes[-1]]}.")


def group_members(groups: list[Group], names: pd.Series) -> pd.DataFrame:
    """Display table of each comparator group and its member councils (``names`` maps area_code to name)."""
    rows = []
    for g in groups:
        if g.kind == "la":
            continue
        if g.kind in ("england", "region"):
            who = "All councils" + (" in the region" if g.kind == "region" else " in England")
        else:
            who = ", ".join(str(names.get(c, c)) for c in g.members)
        rows.append({"Group": g.name, "Councils": who,
                     "How the figure is worked out": "DfE's published figure" if g.published_code
                     else "Sum of the councils' counts"})
    return pd.DataFrame(rows)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_BAND_TEXT = {"A": "the best quarter of councils", "B": "the second-best quarter of councils",
              "C": "the second-worst quarter of councils", "D": "the worst quarter of councils"}


def position_sentence(la_name: str, pos: Position, measure: Measure, year: int) -> str:
    """Plain English: the LA's LAIT rank with its simulated interval and its quartile band."""
    if pos.rank is None:
        return f"{la_name} has no figure for {year}, so it cannot be ranked."
    best = "highest" if measure.higher_is_better else "lowest"
    text = (f"In {year} {la_name} ranked {_ordinal(pos.rank)} of {pos.of} councils "
            f"(1st = the {best} figure), which is quartile band {pos.band} in DfE's Local Authority Interactive "
            f"Tool (LAIT): {_BAND_TEXT[str(pos.band)]}.")
    if pos.rank_lower is not None and pos.rank_upper is not None:
        lo, hi = int(pos.rank_lower), int(pos.rank_upper)
        text += (f" Allowing for chance variation in each council's figure, its rank could plausibly be anywhere "
                 f"from {_ordinal(lo)} to {_ordinal(hi)} (95% interval), so small differences in rank mean little.")
    return text


def band_table(quartiles: pd.Series, measure: Measure) -> pd.DataFrame:
    """LAIT's "up to and including" thresholds per band, in the order A (best) to D."""
    q = quartiles
    if measure.higher_is_better:
        rows = [("A", f"above {q['75%']:.1f}", f"{q['100%']:.1f}"), ("B", f"above {q['50%']:.1f}", f"{q['75%']:.1f}"),
                ("C", f"above {q['25%']:.1f}", f"{q['50%']:.1f}"), ("D", f"from {q['0%']:.1f}", f"{q['25%']:.1f}")]
    else:
        rows = [("A", f"from {q['0%']:.1f}", f"{q['25%']:.1f}"), ("B", f"above {q['25%']:.1f}", f"{q['50%']:.1f}"),
                ("C", f"above {q['50%']:.1f}", f"{q['75%']:.1f}"), ("D", f"above {q['75%']:.1f}", f"{q['100%']:.1f}")]
    return pd.DataFrame(rows, columns=["Band", "From", "Up to and including"])


def interval_table(group_rows: pd.DataFrame) -> pd.DataFrame:
    """Display table of each group's counts, value and 95% interval, from
    :func:`helpers.analysis.benchmarks.group_values` rows."""
    table = group_rows[["group", "denominator", "numerator", "value", "ci_lower", "ci_upper",
                        "members_reporting"]].astype({"denominator": "Int64", "numerator": "Int64"})
    table.columns = ["Area or group", "Plans issued", "Within 20 weeks", "% within 20 weeks",
                     "95% interval: lower", "95% interval: upper", "Councils with data"]
    return table


def summary_table(figures: list[Figures], groups: list[Group]) -> pd.DataFrame:
    """One row per measure with figures (:func:`helpers.analysis.benchmarks.latest_figures`), for the LA's latest
    year with data: the LA, each comparator group, the neighbours' range, and LAIT rank and band (where the
    measure has a polarity). Values in percent; display-ready columns."""
    rows = []
    for f in figures:
        row: dict[str, object] = {"Measure": f.measure.label, "Year": str(f.year)}
        for g in groups:
            row[g.name] = f.by_group[g.name]
        if any(g.kind == "neighbours" for g in groups):
            lo, hi = f.neighbours_range or (np.nan, np.nan)
            row["Neighbours' range"] = "–" if np.isnan(lo) else f"{lo:.1f} to {hi:.1f}"
        pos = f.position
        row["LAIT rank (1 = best)"] = f"{pos.rank} of {pos.of}" if pos.rank is not None else "Not applicable"
        row["LAIT quartile band"] = pos.band if pos.band is not None else "Not applicable"
        rows.append(row)
    return pd.DataFrame(rows)


def neighbour_table(values: pd.DataFrame, year: int, codes: list[str], points: pd.DataFrame) -> pd.DataFrame:
    """The LA and its neighbours in ``year``: value, LAIT rank and band among all LAs, and funnel labels.

    ``points`` is the funnel frame with ``area_code``, ``significance`` and ``allowing_for_variation``.
    """
    las = values[(values["geographic_level"] == LA_LEVEL) & (values["year"] == year)].set_index("area_code")
    rank = lait_rank(las["value"], True)
    band = lait_bands(las["value"], True)
    labels = points.set_index("area_code")
    rows = []
    for code in codes:
        here = code in las.index
        known = here and not np.isnan(las.at[code, "value"])
        rows.append({
            "Council": las.at[code, "area_name"] if here else code,
            "Plans issued": las.at[code, "denominator"] if here else None,
            "% within 20 weeks": las.at[code, "value"] if here else np.nan,
            "LAIT rank (1 = best)": f"{int(rank[code])} of {int(rank.notna().sum())}" if known else "No figure",
            "LAIT quartile band": band[code] if known else "–",
            "Against England": plain_label(labels.at[code, "significance"]) if code in labels.index else "–",
            "Allowing for variation between councils": plain_label(labels.at[code, "allowing_for_variation"])
            if code in labels.index else "–",
        })
    out = pd.DataFrame(rows)
    out["Plans issued"] = out["Plans issued"].astype("Int64")
    return out


def trends_alt(trends: pd.DataFrame, measures: list[Measure], la_name: str) -> str:
    """Alt text for the small multiples: what the LA's line does in each panel, and where England ended."""
    parts = [(f"Small multiple line charts, one per measure, of {la_name}, England, the region and comparator "
              "groups.")]
    for m in measures:
        panel = trends[trends["measure"] == m.label]
        own = panel[panel["kind"] == "la"].set_index("year")["value"]
        england = panel[panel["kind"] == "england"].dropna(subset=["value"])
        text = narrative.describe_series(own, unit="%", label=f"{la_name}: {m.label.replace(' (%)', '')}",
                                         chart="Panel")
        if len(england):
            text = text.rstrip(".") + (f"; England {narrative.fmt(england['value'].iloc[-1], '%')} in "
                                       f"{int(england['year'].iloc[-1])}.")
        parts.append(text)
    return " ".join(parts)
