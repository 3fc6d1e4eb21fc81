"""DfE's statistical neighbours: read the published list and resolve an LA's ten neighbours to DfE area codes.

The list is the DfE/NFER Children's Services Statistical Neighbour Benchmarking Tool's ten nearest neighbours
per LA, as published with the Local Authority Interactive Tool (LAIT). Analysts download it in the long shape
``la_code, la_name, SN, SN_code, SN_name, SN_prox`` (one row per LA and neighbour rank; codes are 9-character
ONS codes; the band "Close " carries a trailing space in the source). Any file of that shape is accepted, from
the path in the pack config's ``inputs.neighbours``. The neighbours are taken as published, never recomputed
(modelling_methods.md §7.1).

A pack can instead list its neighbours in ``comparators.neighbours`` (3-digit DfE LA numbers or 9-character
codes); that list wins over the file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from helpers.areas import Areas, successor_codes
from helpers.errors import InputError
from helpers.schemas import NEIGHBOURS, validate

if TYPE_CHECKING:
    from helpers.config import PackConfig
    from helpers.areas import LA

COLUMNS: tuple[str, ...] = ("la_code", "la_name", "SN", "SN_code", "SN_name", "SN_prox")
NEIGHBOURS_PER_LA = 10

#: 9-character codes replaced by a new code for the same council (same DfE 3-digit number): Buckinghamshire
#: became a unitary in April 2020, North Yorkshire and Somerset in April 2023. Kept for callers; the code history
#: itself lives in :mod:`helpers.areas` (``data/reference/la_codes.csv``).
SUCCESSOR_CODES: dict[str, str] = successor_codes()


def read(path: str | Path) -> pd.DataFrame:
    """Read and validate a statistical-neighbours CSV in DfE's long shape.

    Returns the columns of :data:`COLUMNS` with whitespace stripped from every text cell (so "Close " reads as
    "Close") and ``SN`` as an integer rank 1-10, rows ordered by LA and rank. Raises :class:`InputError` naming
    the file, CSV line and column on a missing file, a missing column, a rank that is not 1-10, a malformed code,
    an unknown closeness band, a repeated rank, an LA without exactly ten neighbours or an LA listed as its own
    neighbour.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(file, "statistical neighbours file not found",
                         expected="the DfE neighbour list as a CSV (la_code, la_name, SN, SN_code, SN_name, SN_prox)")
    data = file.read_bytes()
    if not data.strip():
        raise InputError(file, "the file is empty", where="line 1", expected="a header row and one row per neighbour")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(file, "not UTF-8 text", where=f"line {line}",
                         expected="a CSV saved as UTF-8", found=f"byte 0x{data[exc.start]:02x}") from None
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(file, f"not a readable CSV: {str(exc).strip().splitlines()[0]}", where="line 1") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(file, "a required column is missing", where="line 1 (header)", field=missing[0],
                         expected="columns " + ", ".join(COLUMNS), found=", ".join(raw.columns))
    frame = raw[list(COLUMNS)].apply(lambda col: col.str.strip())
    lines = pd.Series(frame.index + 2, index=frame.index)  # CSV line number: header is line 1
    rank = pd.to_numeric(frame["SN"], errors="coerce")
    bad = rank.isna() | (rank % 1 != 0)
    if bad.any():
        first = bad.idxmax()
        raise InputError(file, "neighbour rank is not a whole number", where=f"row {lines[first]}", field="SN",
                         expected="a rank from 1 to 10", found=frame.at[first, "SN"])
    frame["SN"] = rank.astype(int)
    frame["SN_prox"] = frame["SN_prox"].replace("", None)
    frame = validate(frame, NEIGHBOURS, file, row_labels=lines)
    repeated = frame.duplicated(["la_code", "SN"])
    if repeated.any():
        first = repeated.idxmax()
        raise InputError(file, "a neighbour rank appears twice for the same LA", where=f"row {lines[first]}",
                         field="SN", expected="ranks 1-10, once each per la_code", found=frame.at[first, "SN"])
    own = frame["la_code"] == frame["SN_code"]
    if own.any():
        first = own.idxmax()
        raise InputError(file, "an LA is listed as its own neighbour", where=f"row {lines[first]}",
                         field="SN_code", found=frame.at[first, "SN_code"])
    counts = frame.groupby("la_code")["SN"].agg(["count", "max"])
    short = counts[(counts["count"] != NEIGHBOURS_PER_LA) | (counts["max"] != NEIGHBOURS_PER_LA)]
    if len(short):
        code = short.index[0]
        raise InputError(file, "an LA does not have exactly ten neighbours ranked 1 to 10",
                         where=f"la_code {code}", field="SN", expected="ranks 1-10, once each",
                         found=f"{int(short.at[code, 'count'])} rows")
    return frame.sort_values(["la_code", "SN"]).reset_index(drop=True)


def resolve_codes(codes: list[str], table: pd.DataFrame, *, file: str | Path, key: str,
                  own: str | None = None) -> list[str]:
    """Map codes listed in a pack config (3-digit DfE LA numbers or 9-character codes) to ``ees`` area codes.

    Order is kept. Raises :class:`InputError` naming the config key and position for a code that is not an LA
    in the DfE release, a repeat, or the pack's own LA (``own``, its 3-digit code).
    """
    areas = Areas(table)
    out: list[str] = []
    for i, code in enumerate(codes):
        area = areas.area_code(code)
        where = f"key '{key}[{i}]'"
        if area is None:
            raise InputError(file, "this code is not a local authority in the DfE release", where=where,
                             expected="a 3-digit DfE LA number such as '886' or a code such as E10000016",
                             found=code)
        if area == own:
            raise InputError(file, "the pack's own LA cannot be one of its comparators", where=where, found=code)
        if area in out:
            raise InputError(file, "this code is listed twice", where=where, found=code)
        out.append(area)
    return out


def neighbours_for(la: LA, config: PackConfig, table: pd.DataFrame) -> list[str]:
    """The LA's statistical neighbours as DfE 3-digit area codes (the ``ees`` table's ``area_code``), in rank order.

    Parameters
    ----------
    la : the pack's LA (``ctx.la``).
    config : the pack config; ``comparators.neighbours`` (3-digit or 9-character codes) is used when given,
        otherwise the file at ``inputs.neighbours`` (read with :func:`read`); with neither, no neighbours ([]).
    table : the ``ees`` table, used to map 9-character codes to the stable 3-digit ``area_code`` (codes replaced
        by a successor, such as Buckinghamshire's E10000002, are followed through :class:`helpers.areas.Areas`).
        The LA itself is found in the file under any code it has had (North Yorkshire: E10000023 in the release,
        E06000065 in DfE's 2025 list).

    Raises
    ------
    InputError
        A listed code that is not an LA in the DfE release, a repeated or self-referencing code, or a neighbours
        file that does not list the pack's LA.
    """
    if config.comparators.neighbours:
        return resolve_codes(list(config.comparators.neighbours), table, file=config.source_path or "config",
                             key="comparators.neighbours", own=la.old_code)
    if config.inputs.neighbours is None:
        return []
    file = config.inputs.neighbours
    nb = read(file)
    areas = Areas(table)
    own_codes = {la.code} | areas.codes_of(la.old_code)  # North Yorkshire: E10000023 and E06000065
    rows = nb[nb["la_code"].isin(own_codes)]
    if rows.empty:
        raise InputError(file, "the pack's LA is not in the statistical neighbours list", field="la_code",
                         expected=f"rows for {la.name} ({' or '.join(sorted(own_codes))})")
    if rows["la_code"].nunique() > 1:  # listed under two of its codes: take the newest list (its current code)
        current = successor_codes().get(la.code, la.code)
        rows = rows[rows["la_code"] == (current if current in set(rows["la_code"]) else rows["la_code"].iloc[0])]
    out = []
    for code, name in zip(rows["SN_code"], rows["SN_name"], strict=True):
        area = areas.area_code(code)
        if area is None:
            raise InputError(file, f"neighbour {name} is not a local authority in the DfE release",
                             where=f"la_code {la.code}", field="SN_code", found=code)
        out.append(area)
    return out
