"""Combine releases into the one wide ``ees`` table: each figure from the newest release holding it.

"Newest" is the release's reporting year (a calendar year of activity + 1, or the January census year), so
argument order does not matter. The choice is made per measure and area-year: a newer release that holds only
some rows (a partial download) adds to an older one instead of blanking it. LAs are keyed on DfE's 3-digit
``old_la_code``, which is stable when the 9-character code changes (Buckinghamshire ``E10000002`` ->
``E06000060``); percentages are recomputed from counts, never taken from the file or averaged.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers.areas import CODE_HISTORY
from helpers.schemas import EES, EES_COLUMNS, EES_LEVELS, EES_MEASURES, EES_PERCENTAGES, validate
from helpers.sources.ees_release import Release, ReleaseData

_INDEX = ["year", "geographic_level", "area_code"]


def combine(releases: list[ReleaseData]) -> Release:
    """One wide table and its data-quality frames (see :class:`~helpers.sources.ees_release.Release`)."""
    order = sorted(range(len(releases)), key=lambda i: (-releases[i].reporting_year, i))
    labels = {rank: releases[i].label for rank, i in enumerate(order)}
    long, all_keys = _stack(releases, order)
    table, las = _wide_table(long, all_keys, labels, releases)
    used = long.assign(source=long["_rank"].map(labels))
    repairs = pd.DataFrame([{"source": r.label, **rep} for r in releases for p in r.parts for rep in p.repairs],
                           columns=["source", "file", "year", "area_code", "area_name", "region_name", "measure",
                                    "published", "repaired", "reason"])
    return Release(table=table, quality=pd.concat([r.quality for r in releases], ignore_index=True),
                   files=_files_used(releases, used), las=las, repairs=repairs,
                   provenance=_provenance(releases, used))


def _stack(releases: list[ReleaseData], order: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every figure as one long row (newest release first, one per area-year and measure), and every key row."""
    long_parts, key_parts = [], []
    for rank, i in enumerate(order):
        rel = releases[i]
        for part in rel.parts:
            if part.measures.empty:
                continue
            key_parts.append(part.keys.assign(source=rel.label, _rank=rank))
            m = part.measures.set_axis(pd.MultiIndex.from_frame(part.keys[_INDEX]))
            stacked = m.stack(future_stack=True).rename("value").reset_index()
            stacked.columns = [*_INDEX, "measure", "value"]
            long_parts.append(stacked.assign(_rank=rank, _file=part.info["file"]))
    long = pd.concat(long_parts, ignore_index=True).sort_values("_rank", kind="stable")
    long = long.drop_duplicates([*_INDEX, "measure"], keep="first")
    all_keys = pd.concat(key_parts, ignore_index=True).sort_values("_rank", kind="stable")
    return long, all_keys


def _wide_table(long: pd.DataFrame, all_keys: pd.DataFrame, labels: dict[int, str],
                releases: list[ReleaseData]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The validated wide table (latest names and codes, recomputed percentages) and the LA register."""
    index = _INDEX
    wide = long.pivot(index=index, columns="measure", values="value").reindex(columns=list(EES_MEASURES))
    supplier = long.groupby(index)["_rank"].min().rename("_supplier").reset_index()
    all_keys = all_keys.merge(supplier, on=index)
    first_keys = all_keys[all_keys["_rank"] == all_keys["_supplier"]].drop_duplicates(index)
    first_keys = first_keys.assign(source=first_keys["_supplier"].map(labels))
    keys_for_names = all_keys.drop_duplicates(index).drop(columns=["source"])

    las, history = la_register(keys_for_names)
    latest = _latest_attributes(keys_for_names, las)
    table = first_keys[index + ["source"]].merge(latest, on=["geographic_level", "area_code"], how="left")
    table = table.join(wide, on=index)
    for pct, (num, den) in EES_PERCENTAGES.items():
        table[pct] = (100 * table[num] / table[den]).where(table[den] > 0)
    table["year"] = table["year"].astype("int64")
    for col in ("geographic_level", "area_code", "area_name", "la_code", "region_code", "region_name", "source"):
        table[col] = table[col].astype("str").where(table[col].notna(), None)
    for col in (*EES_MEASURES, *EES_PERCENTAGES):
        table[col] = table[col].astype("float64")
    level_order = {lv: i for i, lv in enumerate(EES_LEVELS)}
    table = (table.assign(_level=table["geographic_level"].map(level_order))
             .sort_values(["year", "_level", "area_code"]).drop(columns="_level").reset_index(drop=True))
    table = table[list(EES_COLUMNS)]
    row_labels = table["source"] + ": " + table["year"].astype(str) + " " + table["area_name"]
    table = validate(table, EES, " + ".join(str(r.path) for r in releases), row_labels=row_labels)
    table.attrs[CODE_HISTORY] = history
    return table, las


def _files_used(releases: list[ReleaseData], used: pd.DataFrame) -> pd.DataFrame:
    """Each release's files with the years each supplies to the table (``years_used``)."""
    files = []
    for rel in releases:
        chosen = used[used["source"] == rel.label]
        by_file = chosen.groupby("_file")["year"].agg(lambda ys: span(sorted(set(int(y) for y in ys))))
        files.append(rel.files.assign(years_used=rel.files["file"].map(by_file).fillna("")))
    return pd.concat(files, ignore_index=True)


def _provenance(releases: list[ReleaseData], used: pd.DataFrame) -> pd.DataFrame:
    """Which release and layout each year's figures came from, newest release first within a year."""
    layouts = {r.label: (r.layout, r.reporting_year) for r in releases}
    prov = (used.groupby(["year", "source"])
            .agg(files=("_file", lambda f: ", ".join(sorted({Path(x).name for x in f}))),
                 rows=("area_code", lambda a: int(len(set(zip(used.loc[a.index, "geographic_level"], a,
                                                                    strict=True))))))
            .reset_index())
    prov.insert(2, "layout", prov["source"].map(lambda s: layouts[s][0]))
    prov.insert(3, "reporting_year", prov["source"].map(lambda s: layouts[s][1]).astype("int64"))
    prov["year"] = prov["year"].astype("int64")
    return prov.sort_values(["year", "reporting_year"], ascending=[True, False], ignore_index=True)


def span(years: Sequence[int]) -> str:
    """``[2014, 2015, 2016, 2019]`` -> ``"2014-2016, 2019"``."""
    out: list[str] = []
    for y in sorted(years):
        if out and out[-1].split("-")[-1] == str(y - 1):
            out[-1] = out[-1].split("-")[0] + f"-{y}"
        else:
            out.append(str(y))
    return ", ".join(out)


def la_register(keys: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Every LA seen, its codes over time, and whether it appears or vanishes within the table's years.

    The latest code of an LA is the code that *first appeared* most recently, not the code of the latest
    year: DfE's 2025 release labels Buckinghamshire ``E06000060`` for 2020-2022 but reverts to the pre-2020
    ``E10000002`` for 2023-2024, and the unitary code is the current one (ONS Register of Geographic Codes).
    """
    la = keys[keys["geographic_level"] == "Local authority"].sort_values("year", kind="stable")
    years_by_code: dict[str, dict[str, set[int]]] = {}
    last: dict[str, tuple[str, str, str]] = {}
    for old, code, year, name, region, region_name in zip(la["area_code"], la["la_code"], la["year"],
                                                          la["area_name"], la["region_code"], la["region_name"],
                                                          strict=True):
        years_by_code.setdefault(old, {}).setdefault(code, set()).add(int(year))
        last[old] = (name, region, region_name)
    lo, hi = (int(la["year"].min()), int(la["year"].max())) if len(la) else (0, 0)
    rows, history = [], {}
    for old in sorted(years_by_code):
        codes = sorted(years_by_code[old].items(), key=lambda kv: (min(kv[1]), max(kv[1])))
        history[old] = [c for c, _ in codes]
        described = "; ".join(f"{c} ({span(sorted(ys))})" for c, ys in codes)
        first = min(min(ys) for _, ys in codes)
        final = max(max(ys) for _, ys in codes)
        notes = [f"code changed: {described}"] if len(codes) > 1 else []
        notes += [f"first appears in {first}"] if first > lo else []
        notes += [f"last appears in {final}"] if final < hi else []
        name, region, region_name = last[old]
        rows.append({"old_code": old, "code": history[old][-1], "codes": described, "name": name,
                     "region_code": region, "region_name": region_name, "first_year": first,
                     "last_year": final, "note": "; ".join(notes)})
    columns = ["old_code", "code", "codes", "name", "region_code", "region_name", "first_year", "last_year", "note"]
    return pd.DataFrame(rows, columns=columns), history


def _latest_attributes(keys: pd.DataFrame, las: pd.DataFrame) -> pd.DataFrame:
    """Name, code and region of each area from its latest year (LA code from :func:`la_register`)."""
    latest = (keys.sort_values("year").groupby(["geographic_level", "area_code"]).tail(1)
              [["geographic_level", "area_code", "area_name", "la_code", "region_code", "region_name"]])
    code = las.set_index("old_code")["code"]
    is_la = latest["geographic_level"] == "Local authority"
    latest.loc[is_la, "la_code"] = latest.loc[is_la, "area_code"].map(code)
    return latest
