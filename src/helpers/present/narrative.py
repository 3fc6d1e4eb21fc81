"""Plain-English sentences from numbers, for councillors and inspectors.

Every generated sentence in the pack (key messages, scorecard findings, chart alt text) is built here so that the
same number is always written the same way. The wording follows the GOV.UK and ONS style guides: numerals, commas
in thousands, "per cent" written as ``%``, "percentage points" (never "%") for a change in a percentage, and
"not available" for a missing figure (GSS symbol guidance writes ``[x]``; a sentence spells it out).

Rounding rules (one place, used everywhere):

* percentages (unit ``"%"``): one decimal place, ``33.3%``;
* counts (unit ``"count"``): whole numbers with thousands separators, ``1,234``;
* weeks, months and FTE (full-time equivalent): one decimal place, trailing ``.0`` kept only for FTE
  (``4.0 FTE``), weeks and months pluralised (``1 week``, ``12.5 weeks``);
* a change in a percentage: percentage points to one decimal place (``down 3.2 percentage points``);
* a change in a count: relative change in per cent, to a whole number when 10% or more and to one decimal place
  below that (``up 12%``, ``down 3.5%``);
* a change in weeks, months or FTE: the absolute difference in those units (``up 2.5 weeks``);
* "no change" is written whenever the change rounds to zero at the precision it would be shown at, so a sentence
  never says "up 0.0 percentage points".
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from helpers.analysis.scorecard import shown_change

#: What a missing figure reads as in a sentence.
NOT_AVAILABLE = "not available"

#: Units that take one decimal place and are written after the number.
_WORD_UNITS = {"weeks": ("week", "weeks"), "months": ("month", "months")}


def is_missing(value: Any) -> bool:
    """True for None, NaN, ``pd.NA`` and ``pd.NaT``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def plural(n: float, singular: str, plural_form: str | None = None) -> str:
    """``"1 child"``, ``"3 children"``, ``"1,250 requests"``: the count with the right noun form.

    Whole numbers get thousands separators; a fractional ``n`` (e.g. 1.5 weeks) always takes the plural.
    """
    many = plural_form or f"{singular}s"
    number = f"{int(n):,}" if float(n).is_integer() else f"{n:,.1f}"
    return f"{number} {singular if float(n) == 1 else many}"


def count_of(part: int, whole: int, singular: str, plural_form: str | None = None, *, verb: str = "is",
             verb_plural: str = "are") -> str:
    """``"1 of 6 action-plan areas is"``, ``"0 of 1 action-plan area is"``, ``"2 of 6 areas are"``: a part of a
    whole with the noun agreeing with the whole and the verb with the part (singular for 1, or when the whole is 1).
    """
    noun = plural(whole, singular, plural_form)
    return f"{part:,} of {noun} {verb if part == 1 or whole == 1 else verb_plural}"


def fmt(value: Any, unit: str | None = None) -> str:
    """A number as it appears in a sentence, by the rounding rules in the module docstring.

    ``unit`` is one of the metrics-JSON units (``"%"``, ``"count"``, ``"weeks"``, ``"FTE"``, ``"months"``) or
    None for a plain number. Missing values read "not available".
    """
    if is_missing(value):
        return NOT_AVAILABLE
    x = float(value)
    if unit == "%":
        return f"{x:,.1f}%"
    if unit == "count":
        return f"{round(x):,}"
    if unit in _WORD_UNITS:
        one, many = _WORD_UNITS[unit]
        rounded = round(x, 1)
        text = f"{rounded:,.1f}".removesuffix(".0")
        return f"{text} {one if rounded == 1 else many}"
    if unit == "FTE":
        return f"{x:,.1f} FTE"
    return f"{round(x):,}" if x.is_integer() else f"{x:,.1f}"


def one_in(pct: float) -> str:
    """A percentage as a proportion a reader can picture: ``33.3`` → ``"about 1 in 3"``.

    Rule (hand-written: no library does this): 0 → "none", 100 → "all"; under 1% → "fewer than 1 in 100";
    below 50% the nearest "1 in n" (n = round(100 / pct)) when it is within 10% of the true value, otherwise the
    nearest "n in 10"; 50% and above the nearest "n in 10" ("about 7 in 10"), "almost all" from 95% up.
    """
    if is_missing(pct):
        return NOT_AVAILABLE
    p = float(pct)
    if not 0 <= p <= 100:
        raise ValueError(f"a percentage must be between 0 and 100, got {p}")
    if p in (0, 100):
        return "none" if p == 0 else "all"
    if p < 1 or p >= 95:
        return "fewer than 1 in 100" if p < 1 else "almost all"
    if p < 50:
        n = round(100 / p)
        if abs(100 / n - p) <= 0.1 * p:
            return f"about 1 in {n}"
    tenths = max(1, round(p / 10))
    return "about half" if tenths == 5 else f"about {tenths} in 10"


def _relative_text(change_pct: float) -> str:
    size = abs(change_pct)
    return f"{size:,.0f}%" if round(size) >= 10 else f"{size:.1f}%"


def change(current: Any, previous: Any, unit: str | None, *, since: str = "last year") -> str:
    """The change from ``previous`` to ``current`` in words: ``"up 12% on last year"``.

    Percentages change in percentage points, counts in relative per cent, weeks/months/FTE in their own units
    (module docstring). ``since`` completes the phrase: ``"last year"`` gives "on last year", anything else
    (e.g. ``"the baseline"``) gives "since the baseline". A change that rounds to zero reads "no change".
    """
    link = "on" if since in ("last year", "the previous year", "the previous period", "the previous quarter") \
        else "since"
    if is_missing(current) or is_missing(previous):
        return f"change {link} {since} {NOT_AVAILABLE}"
    now, before = float(current), float(previous)
    diff = shown_change(now, before, unit)  # the one rounding rule, shared with the scorecard's direction
    if unit == "%":
        amount = f"{abs(diff):.1f} percentage point{'' if abs(diff) == 1 else 's'}"
    elif unit == "count" or unit is None:
        if before == 0:
            return f"no change {link} {since}" if now == 0 else f"up from none {link} {since}"
        amount = _relative_text(diff)
    else:
        amount = fmt(abs(diff), unit) if unit in _WORD_UNITS or unit == "FTE" else f"{abs(diff):.1f}"
    if diff == 0:
        return f"no change {link} {since}"
    return f"{'up' if diff > 0 else 'down'} {amount} {link} {since}"


def _period_text(period: Any) -> str:
    if isinstance(period, pd.Timestamp):
        return str(period.strftime("%b %Y"))
    if isinstance(period, float) and period.is_integer():
        return str(int(period))
    return str(period)


def record_phrase(series: pd.Series) -> str | None:
    """``"the highest since 2019"`` / ``"the lowest since 2019"`` / ``"the highest on record"`` for the last value.

    ``series`` is indexed by period in time order. The phrase names the most recent earlier period whose value was
    at least as extreme; "on record" means no earlier value was. Returns None unless the latest value beats at
    least the two periods before it (beating only last year is just "up on last year"), or when there are fewer
    than three values.
    """
    values = series.dropna()
    if len(values) < 3:
        return None
    latest = values.iloc[-1]
    earlier = values.iloc[:-1]
    for word, beaten in (("highest", earlier >= latest), ("lowest", earlier <= latest)):
        if beaten.iloc[-1]:
            continue
        if not beaten.any():
            return f"the {word} on record (since {_period_text(values.index[0])})"
        last = beaten[beaten].index[-1]
        if len(earlier) - 1 - beaten.index.get_loc(last) >= 2:
            return f"the {word} since {_period_text(last)}"
    return None


def compare(value: Any, other: Any, other_name: str, unit: str | None) -> str:
    """``"33.3%, below England's 46.4%"``: a value beside a comparator's.

    Equal when the two round to the same shown figure ("the same as England's"). Missing → "not available".
    """
    mine = fmt(value, unit)
    owner = f"{other_name}'" if other_name.endswith("s") else f"{other_name}'s"
    if is_missing(value):
        return f"{mine} (so no comparison with {owner} {fmt(other, unit)})"
    if is_missing(other):
        return f"{mine} ({owner} figure {NOT_AVAILABLE})"
    theirs = fmt(other, unit)
    if mine == theirs:
        return f"{mine}, the same as {owner}"
    return f"{mine}, {'above' if float(value) > float(other) else 'below'} {owner} {theirs}"


def describe_series(data: pd.DataFrame | pd.Series, column: str | None = None, *, unit: str | None = None,
                    label: str | None = None, period: str | None = None, chart: str = "Line chart") -> str:
    """Alt text for a time series: ``"Line chart of X from 2019 to 2024: rose from A to B, peaking at C in 2022."``

    ``data`` is a Series indexed by period, or a frame with the values in ``column`` and the periods in
    ``period`` (default: the index). The sentence gives the overall direction (rose / fell / no change, judged at
    the shown precision), the highest point when it lies between the ends and otherwise the lowest such point,
    and names periods with no data.
    """
    if isinstance(data, pd.DataFrame):
        if column is None:
            raise ValueError("describe_series needs the column to describe")
        values = data.set_index(period)[column] if period else data[column]
    else:
        values = data
    name = label or (column or values.name or "the values")
    name = str(name).replace("_", " ")
    periods = [_period_text(p) for p in values.index]
    if len(values) == 0 or values.isna().all():
        return f"{chart} of {name}: no data available."
    span = f"from {periods[0]} to {periods[-1]}" if len(periods) > 1 else f"for {periods[0]}"
    known = values.dropna()
    first, last = known.iloc[0], known.iloc[-1]
    first_p, last_p = _period_text(known.index[0]), _period_text(known.index[-1])
    if len(known) == 1:
        body = f"{fmt(first, unit)} in {first_p}"
    elif fmt(first, unit) == fmt(last, unit):
        body = f"the same at the start and end ({fmt(last, unit)})"
    else:
        verb = "rose" if last > first else "fell"
        body = f"{verb} from {fmt(first, unit)} in {first_p} to {fmt(last, unit)} in {last_p}"
    if len(known) >= 3:
        inner = known.iloc[1:-1]
        hi, lo = inner.idxmax(), inner.idxmin()
        if known[hi] > max(first, last):
            body += f", peaking at {fmt(known[hi], unit)} in {_period_text(hi)}"
        elif known[lo] < min(first, last):
            body += f", with a low of {fmt(known[lo], unit)} in {_period_text(lo)}"
    gaps = [_period_text(p) for p, v in values.items() if is_missing(v)]
    if gaps:
        body += f"; no data for {', '.join(gaps)}"
    return f"{chart} of {name} {span}: {body}."


def sentence(text: str) -> str:
    """Capitalise the first letter and end with a full stop (generated fragments → a sentence)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
