"""The assumptions and caveats log: every modelling assumption in the pack config, with its source and owner.

The Analysis Function's quality assurance guidance (the Aqua Book, and govcookiecutter's
``docs/aqa/assumptions_caveats.md``) asks that each assumption is logged with its value, its source, who owns it
and a quality rating, so that users know how far to trust the results. Assumptions priced in money (a locum day
rate) are commercial information (Local Government Act 1972, Schedule 12A, paragraph 3), so they are listed apart
for the notebook to put in a cell tagged ``exempt``. This is page 06 (``notebooks/09_assumptions.ipynb``): it
returns sentences, :class:`~helpers.present.chart.Table` bundles and :class:`~helpers.metrics.Metric` records.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.config import PackConfig
from helpers.config_assumptions import Assumption
from helpers.metrics import Metric
from helpers.present.chart import Table
from helpers.present.glossary_terms import TERMS

_QUALITY_ORDER = {"high": 0, "medium": 1, "low": 2}

#: What each quality rating means (after the Aqua Book's RAG-style confidence grading, written in words).
QUALITY_MEANING: dict[str, str] = {
    "high": "from legislation, published statistics or local records checked this year",
    "medium": "from published research or contracts that may not match local practice exactly",
    "low": "a local estimate not yet checked against data; results that use it are less certain",
}


def is_commercial(key: str, assumption: Assumption) -> bool:
    """True when the assumption is exempt from the public pack: its ``exempt`` flag, else any money value
    (key ending ``_gbp`` or a unit in pounds)."""
    if assumption.exempt is not None:
        return assumption.exempt
    unit = assumption.unit.lower()
    return key.lower().endswith("_gbp") or "gbp" in unit or "£" in unit or "pound" in unit


def name(key: str) -> str:
    """``"ep_hours_per_assessment"`` → ``"EP hours per assessment"`` (glossary abbreviations in capitals)."""
    words = [w.upper() if w.upper() in TERMS else w for w in key.split("_")]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def table(config: PackConfig, *, commercial: bool) -> pd.DataFrame:
    """The assumptions as a table, lowest quality first; ``commercial`` picks the money ones or the others."""
    ordered = sorted(config.assumptions.items(), key=lambda kv: (-_QUALITY_ORDER[kv[1].quality], kv[0]))
    rows = [
        {"Assumption": name(key), "Value": a.value, "Unit": a.unit,
         "What it is": a.description, "Source": a.source, "Owner": a.owner,
         "Quality": f"{a.quality.capitalize()}: {QUALITY_MEANING[a.quality]}"}
        for key, a in ordered if is_commercial(key, a) == commercial
    ]
    return pd.DataFrame(rows, columns=["Assumption", "Value", "Unit", "What it is", "Source", "Owner", "Quality"])


def public_table(config: PackConfig) -> Table:
    """The assumptions that are not commercial, as the page's table (lowest quality first)."""
    return Table(table(config, commercial=False), "Modelling assumptions: value, source, owner and quality rating",
                 name="assumptions")


def commercial_table(config: PackConfig) -> Table:
    """The commercial (money) assumptions, for the exempt cell only."""
    return Table(table(config, commercial=True), "Commercial assumptions: value, source, owner and quality rating",
                 name="assumptions-commercial")


#: Said in the exempt cell when the config has no commercial assumptions.
NO_COMMERCIAL = "The pack config has no commercial assumptions."


def quality_sentence(config: PackConfig, *, commercial_shown: bool = True) -> str:
    """``"The pack uses 6 assumptions: 1 rated high quality, 4 medium and 1 low."`` (commercial ones included).

    With ``commercial_shown`` False (the public pack, where the exempt cell is removed) the sentence also says how
    many the table below lists and that the commercial ones appear only in the restricted version, so the count
    matches what the reader sees.
    """
    n = len(config.assumptions)
    if n == 0:
        return "This pack's config lists no modelling assumptions."
    counts = {q: sum(a.quality == q for a in config.assumptions.values()) for q in ("high", "medium", "low")}
    low = [name(k) for k, a in config.assumptions.items() if a.quality == "low"]
    text = (f"The pack uses {n} modelling assumption{'s' if n != 1 else ''}: {counts['high']} rated high quality, "
            f"{counts['medium']} medium and {counts['low']} low.")
    hidden = sum(is_commercial(k, a) for k, a in config.assumptions.items())
    if hidden and not commercial_shown:
        prices = "is a price" if hidden == 1 else "are prices"
        text += (f" The table below lists {n - hidden}; the other {hidden} {prices}"
                 " paid under contract (commercial information), shown only in the restricted version.")
    if low:
        many = len(low) > 1
        text += (f" Check the low-rated one{'s' if many else ''} ({', '.join(low)}) before relying on results "
                 f"that use {'them' if many else 'it'}.")
    return text


_PERCENT_IN_SOURCE = re.compile(r"\((\d{1,3}(?:\.\d+)?)%\)")


def source_mismatches(config: PackConfig) -> list[str]:
    """Assumptions whose value is a share (0-1) but whose source quotes a different percentage in brackets
    ("... decided to assess (65%)" beside a value of 0.7): each as a sentence, so the page can flag it."""
    out = []
    for key, a in config.assumptions.items():
        quoted = _PERCENT_IN_SOURCE.search(a.source or "")
        if not quoted or not 0 < float(a.value) <= 1:
            continue
        if round(float(a.value) * 100) != round(float(quoted.group(1))):
            out.append(f"{name(key)}: the value is {float(a.value):g} ({float(a.value) * 100:g}%) but its source "
                       f"quotes {quoted.group(1)}%.")
    return out


def mismatch_warnings(config: PackConfig) -> list[str]:
    """One sentence for each :func:`source_mismatches` problem, asking the reader to check the assumption."""
    return [f"Check this assumption: {problem}" for problem in source_mismatches(config)]


def caveats(config: PackConfig) -> list[str]:
    """Plain-English caveats that apply to the whole pack, chosen from what the config says about its inputs."""
    out = []
    if config.synthetic:
        out.append("The data in this pack are synthetic: made up for demonstration. They describe no real council "
                   "or child, and no conclusion should be drawn from them.")
    out.append("The Department for Education publishes its figures once a year, about six months after the year "
               "ends, and may revise them later; the pack uses the latest release it was given.")
    if config.inputs.sen2 is None:
        out.append("No local case data were supplied, so monthly and up-to-date measures (open cases, weeks "
                   "overdue, monthly timeliness) are not available in this pack.")
    else:
        out.append("Monthly figures come from the council's own case extract. They can differ slightly from the "
                   "published figures because records are corrected after the annual return.")
    if config.inputs.workforce is None:
        out.append("No educational psychologist staffing data were supplied, so workforce measures are not "
                   "available in this pack.")
    out.append("Forecasts and scenarios show what would happen if the stated assumptions held; they are not "
               "predictions, and their ranges show the uncertainty from past variation only.")
    out.append(f"To protect children's privacy, counts from 1 to {config.disclosure.threshold - 1} from the "
               f"council's own case data are shown as 'fewer than {config.disclosure.threshold}' in the public "
               "version, and other cells are hidden where a total would reveal them.")
    return out


def summary_metrics(config: PackConfig) -> dict[str, Metric]:
    """The page's metrics: how many assumptions, and how many rated low.

    Counts only: no assumption's value goes into the metrics, so commercial values never leave the exempt cell.
    """
    period = f"{config.period_end:%b %Y}"
    return {
        "assumptions": Metric(value=len(config.assumptions), unit="count", period=period,
                              label="Modelling assumptions logged"),
        "assumptions_low_quality": Metric(value=sum(a.quality == "low" for a in config.assumptions.values()),
                                          unit="count", period=period, higher_is_better=False,
                                          label="Modelling assumptions rated low quality"),
    }
