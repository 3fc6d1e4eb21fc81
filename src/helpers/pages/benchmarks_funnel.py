"""The benchmarks page's funnel plot in words: its title, alt text, note, data table and the one-sentence verdict.

The numbers come from :mod:`helpers.analysis.benchmarks_funnel`; the figure from
:func:`helpers.pages.benchmarks_charts.funnel_plot`.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import funnel
from helpers.analysis.benchmarks_funnel import NEIGHBOUR_ROLE, further_from_baseline, outside_998
from helpers.present import narrative

#: Each PHE significance label as a short plain-English table cell (never PHE's raw "Low (0.001)").
SHORT_PLAIN: dict[str, str] = {
    "Low (0.001)": "Well below (outside the 99.8% limits)",
    "Low (0.025)": "Below (outside the 95% limits)",
    "High (0.001)": "Well above (outside the 99.8% limits)",
    "High (0.025)": "Above (outside the 95% limits)",
    "Not significant": "Within the limits",
}


def plain_label(value: object) -> str:
    """A significance label as a short plain-English table cell; missing → "–"."""
    return SHORT_PLAIN.get(str(value), "–") if isinstance(value, str) else "–"


def funnel_title(points: pd.DataFrame, la_code: str, la_name: str, year: int, baseline: float) -> str:
    """Headline for the funnel plot: the LA's 20-week figure beside England's (``baseline`` as a proportion)."""
    own = points[points["area_code"] == la_code]
    if own.empty:
        return f"{la_name} has no 20-week figure for {year}"
    value = float(own["value"].iloc[0])
    versus = narrative.compare(value, baseline * 100, "England", "%").split(", ", 1)[-1]
    return f"In {year}, {la_name} issued {narrative.fmt(value, '%')} of EHC plans within 20 weeks, {versus}"


def funnel_alt(points: pd.DataFrame, la_code: str, la_name: str, year: int, baseline: float) -> str:
    """Alt text for the funnel plot: what is drawn, where the LA sits and how many LAs lie outside 99.8%."""
    own = points[points["area_code"] == la_code]
    where = (f" at {narrative.fmt(own['value'].iloc[0], '%')} of {narrative.fmt(own['denominator'].iloc[0], 'count')}"
             " plans" if len(own) else "")
    others = ("; its statistical neighbours are triangles; each is labelled with its name. "
              if (points["role"] == NEIGHBOUR_ROLE).any() else ", labelled with its name. ")
    return (f"Funnel plot of the percentage of EHC plans issued within 20 weeks in {year} against the number of "
            f"plans issued (log scale), for {len(points)} councils. England's figure, "
            f"{narrative.fmt(baseline * 100, '%')}, is a horizontal line with funnel-shaped 95% and 99.8% limits "
            f"around it that narrow as councils get larger. {la_name} is a large diamond{where}{others}"
            f"{outside_998(points)} of the {len(points)} councils lie outside the 99.8% limits.")


def funnel_note(lines: pd.DataFrame) -> str | None:
    """Note under the funnel plot when the limits allowing for variation are not drawn
    (:func:`helpers.analysis.benchmarks_funnel.funnel_lines`)."""
    if lines["wide_lower_998"].notna().any():
        return None
    return ("Councils differ so much that, allowing for the usual variation between councils, the 99.8% limits run "
            "from almost 0% to almost 100% at every size, so they are not drawn: no council is outside them.")


def funnel_table(points: pd.DataFrame, baseline: float, la_name: str) -> pd.DataFrame:
    """The data behind the funnel plot: each council's counts, value, its own limits and labels (display columns).

    The LA first, then its neighbours, then every other council, each alphabetically.
    """
    bounds = funnel.limits(points["denominator"], baseline)
    limit_cols = ("lower_95", "upper_95", "lower_998", "upper_998")
    data = points.assign(**{c: bounds[c].to_numpy() * 100 for c in limit_cols})
    data["order"] = data["role"].map({la_name: 0, NEIGHBOUR_ROLE: 1}).fillna(2)
    for col in ("significance", "allowing_for_variation"):
        data[col] = data[col].map(plain_label)
    data = data.sort_values(["order", "area_name"])[[
        "area_name", "role", "denominator", "numerator", "value", *limit_cols, "significance",
        "allowing_for_variation"]].astype({"denominator": "Int64", "numerator": "Int64"})
    data.columns = ["Council", "Group", "Plans issued", "Within 20 weeks", "% within 20 weeks", "95% lower limit",
                    "95% upper limit", "99.8% lower limit", "99.8% upper limit", "Against England",
                    "Allowing for variation between councils"]
    return data


def funnel_verdict(la_name: str, value: float, baseline: float, label: str | None, wide: str | None, *,
                   further: int | None = None, councils: int | None = None) -> str | None:
    """The funnel plot's two tests told as one sentence: against England's limits for a council of this size
    (chance alone), and against the limits allowing for the usual differences between councils.

    ``value`` is the LA's percentage, ``baseline`` England's proportion (0-1); ``label`` and ``wide`` are the LA's
    :func:`helpers.analysis.funnel.label` readings against the plain and the wide limits; ``further`` of
    ``councils`` are further from England on the same side (said when the council is "not unusual", so the reader
    sees why). None when the LA has no point. The sentence never says "very unlikely to be chance" and then "not
    unusual" as if they disagreed: the first test asks whether the gap could be chance for one council, the second
    whether councils often differ this much.
    """
    if label is None or wide is None:
        return None
    mine = narrative.fmt(value, "%")
    england = narrative.fmt(baseline * 100, "%")
    side = "below" if value < baseline * 100 else "above"
    if label == "Not significant":
        head = (f"{la_name}'s {mine} is within the range chance alone would give a council of its size around "
                f"England's {england}, so it is not significantly different from England")
        if wide == "Not significant":
            return narrative.sentence(head)
    else:
        level = "99.8%" if label.endswith("(0.001)") else "95%"
        head = (f"{la_name}'s {mine} is {side} England's {england} by more than chance alone would explain for a "
                f"council of its size (outside the {level} limits)")
    if wide == "Not significant":
        tail = ("but councils differ widely, and allowing for the usual differences between councils it is not "
                "unusual among them")
        if further is not None and councils:
            counted = narrative.count_of(further, councils, "council", verb="is", verb_plural="are")
            tail += f" ({counted} further {side})"
    elif wide.endswith("(0.001)"):
        tail = ("and even allowing for the usual differences between councils it is outside the 99.8% limits: very "
                "unusual among councils (special-cause variation), so something specific to the council explains it")
    else:
        tail = ("and it stands out even allowing for the usual differences between councils (outside the 95% "
                "limits, though inside the 99.8% ones): worth watching")
    return narrative.sentence(f"{head}, {tail}")


def funnel_sentences(la_name: str, baseline: float, label: str | None, wide: str | None,
                     value: float | None = None, points: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """What the funnel plot says about the LA, as ``(text, kind)`` for ``page.say``: the single sentence of
    :func:`funnel_verdict` as the headline. Empty when the LA has no point (both labels None).

    ``value`` (the LA's percentage) is needed for the sentence; without it the side is read from the label.
    ``points`` (:func:`helpers.analysis.benchmarks_funnel.funnel_points`) lets the sentence say how many councils
    are further from England.
    """
    if label is None or wide is None:
        return []
    if value is None:
        value = baseline * 100 + (-1 if label.startswith("Low") else 1)
    further = councils = None
    if points is not None and len(points):
        further, councils = further_from_baseline(points, value, baseline), len(points)
    verdict = funnel_verdict(la_name, value, baseline, label, wide, further=further, councils=councils)
    return [(verdict, "headline")] if verdict else []
