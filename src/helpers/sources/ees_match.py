"""Match a release's files against the known layouts (:mod:`helpers.sources.ees_layouts`), newest first.

The release's layout is the newest one every file matches; a release whose files match different layouts is
read file by file (``mixed``), and a file that matches no candidate layout is an error naming what is missing
and the closest match in the file ("did you mean 'All EHC plans'?").
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from helpers.errors import InputError
from helpers.sources.ees_checks import KEY_COLUMNS
from helpers.sources.ees_csv import csv_header, latest_year, read_csv
from helpers.sources.ees_files import EXPECTED, KNOWN_FILES, Loader
from helpers.sources.ees_headline import read_file
from helpers.sources.ees_layouts import LAYOUTS, FileLayout, Layout, resolve
from helpers.sources.ees_release import ReleaseData

#: One file as read: its table (None for a spreadsheet-style supporting file), header, message path, member.
_Read = tuple[pa.Table | None, list[str], str, str]
#: What in a file does not fit a layout, as InputError fields.
_Problem = dict[str, str | None]


def read_members(path: Path, present: set[str], load: Loader) -> ReleaseData:
    """Pick the layouts whose required files are present, then match and read every file of them.

    ``load`` gives a file's bytes, the path to show in messages and its path inside the release.
    """
    candidates = [lay for lay in LAYOUTS
                  if all(f.name in present for f in lay.files if f.required)
                  and any(f.name in present for f in lay.files if f.measures)]
    if not candidates:
        raise no_layout(path, present)
    names = [n for n in dict.fromkeys(f.name for lay in candidates for f in lay.files) if n in present]
    tables = {name: _load(name, load, candidates) for name in names}
    whole, chosen = _choose(candidates, names, tables)
    parts = [read_file(*tables[name], chosen[name][1], chosen[name][0]) for name in names]
    measured = [p for p in parts if len(p.keys)]
    if not measured:
        raise InputError(path, "the release holds no headline rows", expected=EXPECTED)
    label = path.name
    layout = whole.name if whole else "mixed (" + ", ".join(
        sorted({f"{n}: {chosen[n][0].name}" for n in names if chosen[n][1].measures})) + ")"
    quality = pd.DataFrame([q for p in parts for q in p.quality],
                           columns=["file", "column", "measure", "rows", "n_x", "n_z", "n_blank", "note"])
    quality.insert(0, "source", label)
    files = pd.DataFrame([p.info for p in parts])
    files.insert(0, "release", str(path))
    files.insert(0, "source", label)
    reporting = max(p.reporting_year for p in measured)
    return ReleaseData(label, path, layout, reporting, parts, quality, files)


def _load(name: str, load: Loader, candidates: list[Layout]) -> _Read:
    """Read one file: a tidy file as a text table, a spreadsheet-style supporting file as its header only."""
    data, file, member = load(name)
    spec = next(f for lay in candidates for f in lay.files if f.name == name)
    if spec.tidy:
        table, header = read_csv(data, file)
        return table, header, file, member
    return None, csv_header(data, file), file, member


def _choose(candidates: list[Layout], names: list[str],
            tables: dict[str, _Read]) -> tuple[Layout | None, dict[str, tuple[Layout, FileLayout]]]:
    """The layout every file fits (None: mixed) and the layout and file description each file is read with."""
    problems: dict[tuple[str, str], _Problem] = {}
    for lay in candidates:
        for spec in lay.files:
            if spec.name in tables:
                problem = mismatch(spec, *tables[spec.name][:2])
                if problem:
                    problems[(lay.name, spec.name)] = problem
    fails = {lay.name: sum(1 for f in lay.files if (lay.name, f.name) in problems) for lay in candidates}
    whole = next((lay for lay in candidates if fails[lay.name] == 0), None)
    chosen: dict[str, tuple[Layout, FileLayout]] = {}
    for name in names:
        options = [(lay, file) for lay in ([whole] if whole else candidates)
                   if (file := lay.file(name)) is not None]
        match = next(((lay, file) for lay, file in options if (lay.name, name) not in problems), None)
        if match is None:  # the closest layout's complaint, with what the others found
            best = min((lay for lay, _ in options), key=lambda lay: fails[lay.name])
            first = problems[(best.name, name)]
            others = "; ".join(f"{lay.name}: {p['problem']} {p['field']!r} ({p['found']})"
                               for lay, _ in options if lay is not best
                               for p in [problems[(lay.name, name)]])
            tried = f" in the {best.name} layout" + (f" (also tried {others})" if others else "")
            raise InputError(tables[name][2], str(first["problem"]) + tried, where=first["where"],
                             field=first["field"], expected=first["expected"], found=first["found"])
        chosen[name] = match
    return whole, chosen


def no_layout(path: Path, present: set[str]) -> InputError:
    """One message for a release with no known layout's file set: what the closest layout lacks, and the others."""
    if not any(n in KNOWN_FILES for n in present):
        names = sorted({f.name for lay in LAYOUTS for f in lay.files if f.required})
        return InputError(path, "no DfE 'Education, health and care plans' data files found",
                          expected="the release's data files (" + ", ".join(names) + ")",
                          found=", ".join(sorted(present)) or "no CSV files")
    missing = {lay.name: [f.name for f in lay.files if f.required and f.name not in present] for lay in LAYOUTS}
    best = min(LAYOUTS, key=lambda lay: (len(missing[lay.name]), LAYOUTS.index(lay)))
    hints = []
    for m in missing[best.name]:
        close = difflib.get_close_matches(m, sorted(present - KNOWN_FILES), n=1, cutoff=0.8)
        hints.append(f"{m} (did you mean '{close[0]}'?)" if close else m)
    others = "; ".join(f"{lay.name} lacks " + ", ".join(missing[lay.name]) for lay in LAYOUTS if lay is not best)
    return InputError(path, f"the release is missing files of its layout ({best.name}; also tried {others})",
                      expected=", ".join(f.name for f in best.files if f.required),
                      found="missing " + ", ".join(hints))


def mismatch(spec: FileLayout, table: pa.Table | None, header: list[str]) -> _Problem | None:
    """What in the file does not fit the layout's description of it (None when it fits), as InputError fields
    with the closest match found ("did you mean 'All EHC plans'?")."""
    lower = [h.lower() for h in header]
    if not spec.tidy:
        return None
    year = latest_year(table, lower) if table is not None else 0
    required = [*KEY_COLUMNS, *(c for c, _ in spec.headline), *(resolve(c, year) for c in spec.measures.values())]
    for column in required:
        if column not in lower:
            close = difflib.get_close_matches(column, lower, n=1, cutoff=0.6)
            return {"problem": "a required column is missing", "where": "line 1 (header)", "field": column,
                    "expected": "the column names of the DfE release file",
                    "found": f"did you mean '{header[lower.index(close[0])]}'?" if close else "no similar column"}
    assert table is not None
    for column, label in spec.headline:
        values = sorted({str(v) for v in pc.unique(pc.utf8_trim_whitespace(
            table.column(lower.index(column)))).to_pylist()})
        if label not in values:
            close = difflib.get_close_matches(label, values, n=1, cutoff=0.5)
            found = (f"did you mean '{close[0]}'?" if close else ", ".join(values[:6])) or "no data rows"
            return {"problem": "no headline row found", "where": None, "field": header[lower.index(column)],
                    "expected": repr(label), "found": found}
    return None
