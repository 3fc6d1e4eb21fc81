"""Implausible council-years: a year far from the council's own neighbouring years.

A published annual count can be wrong (a late or partial return, a system change): West Berkshire reports 0
requests in 2022 between 270 (2021) and 407 (2023); Medway 309 between 563 and 964. Such a year distorts
forecasts and comparisons, so it is flagged (the figure is still shown as published).

The rule (:func:`flag_series`), stated on the data-quality page (:mod:`helpers.pages.data_quality`):

1. for each year with at least one published year on each side, the *reference* is the median of the council's
   values up to :data:`WINDOW` years either side (the year itself left out);
2. its log ratio to the reference, d = log((value + 1) / (reference + 1)), is turned into a robust z-score
   against all the series' log ratios: z = (d − median d) / (1.4826 × MAD of d), the scale floored at
   :data:`MIN_SCALE` so that a very smooth series does not make a small wobble look extreme;
3. the year is flagged when |z| > :data:`Z_LIMIT`, the value is at least :data:`MIN_RATIO_GAP` (30%) away from
   the reference, and the gap is more than three times the chance variation of a count that size
   (3 × √reference, Poisson), so that small councils' natural swings (2 requests one year, 8 the next) are not
   flagged for being small.

Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Years either side of a year that form its reference (median).
WINDOW = 2
#: Robust z-score beyond which a year is implausible (a common cut-off for robust z-scores).
Z_LIMIT = 3.0
#: Floor on the robust scale of log ratios (≈ 5% change), so a smooth series never flags a small wobble.
MIN_SCALE = 0.05
#: A flagged value is at least this far (fraction) from its reference.
MIN_RATIO_GAP = 0.3
#: Consistency constant making the MAD estimate a standard deviation for normal data.
MAD_TO_SD = 1.4826

def flag_series(series: pd.Series) -> pd.DataFrame:
    """Score every year of one council's annual series (indexed by year) by the rule in the module notes.

    Returns one row per year: ``year``, ``value``, ``reference`` (median of neighbouring years; NaN for a first or
    last year, which is not scored), ``ratio`` (value ÷ reference), ``z`` (robust z-score) and ``flagged``.
    Missing values are dropped first.

    Worked example (Medway requests 2020–2024: 397, 563, 309, 964, 989): 2022's reference is the median of
    397, 563, 964, 989 = 763.5, ratio 309 / 763.5 = 0.40 (60% below); its log ratio −0.90 is far outside the
    other years' (within ±0.5), and 763.5 − 309 = 454 is far above 3√763.5 ≈ 83, so 2022 is flagged.
    """
    s = series.dropna().astype(float).sort_index()
    years = s.index.to_numpy(int)
    values = s.to_numpy(float)
    reference = np.full(len(s), np.nan)
    for i, year in enumerate(years):
        before = (years < year) & (years >= year - WINDOW)
        after = (years > year) & (years <= year + WINDOW)
        if before.any() and after.any():
            reference[i] = float(np.median(values[before | after]))
    d = np.log((values + 1.0) / (reference + 1.0))
    scored = np.isfinite(d)
    z = np.full(len(s), np.nan)
    if scored.sum() >= 3:
        centre = float(np.median(d[scored]))
        scale = max(MAD_TO_SD * float(np.median(np.abs(d[scored] - centre))), MIN_SCALE)
        z[scored] = (d[scored] - centre) / scale
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(reference > 0, values / reference, np.nan)
    gap = np.abs(values - reference)
    flagged = (np.abs(z) > Z_LIMIT) & (gap >= MIN_RATIO_GAP * reference) & (gap > 3.0 * np.sqrt(reference))
    return pd.DataFrame({"year": years, "value": values, "reference": reference, "ratio": ratio, "z": z,
                         "flagged": np.nan_to_num(flagged, nan=0).astype(bool)})


def flagged_years(series: pd.Series) -> list[int]:
    """The years of ``series`` flagged as implausible (:func:`flag_series`)."""
    scores = flag_series(series)
    return [int(y) for y in scores.loc[scores["flagged"], "year"]]


def flag_table(ees: pd.DataFrame, measures: Iterable[str], *, area_codes: Iterable[str] | None = None,
               first_year: int = 2016) -> pd.DataFrame:
    """Every flagged council-year in the DfE table for ``measures``: one row per (area, measure, year).

    ``ees``: the tidy release table (``area_code``, ``area_name``, ``year``, ``geographic_level`` and the measures);
    only local authorities (or ``area_codes``) from ``first_year`` are scored. Columns: ``area_code``,
    ``area_name``, ``measure``, ``year``, ``value`` (as published), ``reference``, ``ratio``, ``z``.
    """
    rows = ees.loc[ees["year"] >= first_year]
    if area_codes is not None:
        rows = rows.loc[rows["area_code"].isin(list(area_codes))]
    elif "geographic_level" in rows.columns:
        rows = rows.loc[rows["geographic_level"] == "Local authority"]
    out = []
    for (code, name), part in rows.groupby(["area_code", "area_name"], sort=True):
        for measure in measures:
            if measure not in part.columns:
                continue
            scores = flag_series(part.set_index("year")[measure])
            hit = scores.loc[scores["flagged"]]
            if len(hit):
                out.append(hit.drop(columns="flagged").assign(area_code=code, area_name=name, measure=measure))
    cols = ["area_code", "area_name", "measure", "year", "value", "reference", "ratio", "z"]
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.concat(out, ignore_index=True)[cols].sort_values(["area_name", "measure", "year"], ignore_index=True)


#: The DfE measures checked for implausible years (their names on the page: helpers.pages.data_quality).
CHECKED_MEASURES: tuple[str, ...] = ("requests_received", "new_plans", "plans_in_place")
