"""Repair a known DfE error on reading: a council figure equal to its whole region's total.

DfE's 2025 ``newplans.csv`` gives each of the 15 Yorkshire and The Humber councils the region's 2022 total
(6,078). Such a copy is replaced by the sum of the council's breakdown rows and listed (``Release.repairs``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.sources.ees_layouts import FileLayout


def repair_region_copies(table: pa.Table, columns: dict[str, int], keys: pd.DataFrame, measures: pd.DataFrame,
                          measure_columns: dict[str, int], spec: FileLayout,
                          member: str) -> list[dict[str, object]]:
    """Repair council values that equal their region's total (in place); return one record per repair.

    DfE's 2025 ``newplans.csv`` gives each of the 15 Yorkshire and The Humber councils the region's 2022 total
    (6,078). A council value equal to its region's figure, where other councils of the region have figures of
    their own, is such a copy; the repair is the sum of the file's ``repair_topic`` (Sex) rows for that council and
    year, which equals the headline for every other council-year in the file. Without such rows the value is
    set to missing rather than kept.
    """
    la = (keys["geographic_level"] == "Local authority").to_numpy()
    region = keys.loc[keys["geographic_level"] == "Regional", ["year", "area_code"]]
    out: list[dict[str, object]] = []
    topic = pc.utf8_trim_whitespace(table.column(columns["breakdown_topic"]))
    sex = table.filter(pc.equal(topic, spec.repair_topic))
    sex_keys = pd.DataFrame({
        "year": pd.to_numeric(pd.Series(sex.column(columns["time_period"]).to_pylist()).str[:4], errors="coerce"),
        "area_code": pd.Series(sex.column(columns["old_la_code"]).to_pylist()).str.strip(),
        "level": pd.Series(sex.column(columns["geographic_level"]).to_pylist()).str.strip()})
    for measure, column in measure_columns.items():
        regional = pd.Series(measures.loc[region.index, measure].to_numpy(),
                             index=pd.MultiIndex.from_frame(region))
        reg_value = pd.Series(list(zip(keys["year"], keys["region_code"], strict=True))).map(
            lambda k, regional=regional: regional.get(k, np.nan)).to_numpy()
        value = measures[measure].to_numpy(copy=True)
        copy = la & np.isfinite(value) & (value > 0) & (value == reg_value)
        if not copy.any():
            continue
        # a copy only when the council is not the whole region: two or more of its councils have a figure
        frame = keys.assign(value=value)
        others = frame[la & np.isfinite(value) & (value > 0)].groupby(["year", "region_code"]).size() - 1
        cells = pd.to_numeric(pd.Series(sex.column(column).to_pylist()).str.strip(), errors="coerce")
        sums = cells[sex_keys["level"] == "Local authority"].groupby(
            [sex_keys["year"], sex_keys["area_code"]]).sum(min_count=1)
        for i in np.flatnonzero(copy):
            k = keys.iloc[i]
            if others.get((k["year"], k["region_code"]), 0) == 0:
                continue
            repaired = sums.get((int(k["year"]), k["area_code"]), np.nan)
            measures.iloc[i, measures.columns.get_loc(measure)] = repaired
            out.append({"file": member, "year": int(k["year"]), "area_code": k["area_code"],
                        "area_name": k["area_name"], "region_name": k["region_name"], "measure": measure,
                        "published": float(value[i]), "repaired": float(repaired),
                        "reason": f"equal to the {k['region_name']} total; replaced by the sum of the file's "
                                  f"{spec.repair_topic} rows" if np.isfinite(repaired) else
                                  f"equal to the {k['region_name']} total and no {spec.repair_topic} rows to "
                                  "repair it from: set to missing"})
    return out
