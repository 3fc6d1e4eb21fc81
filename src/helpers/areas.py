"""Who is who among England's councils: every code a council has had, in one place.

A council is keyed on DfE's 3-digit LA number (``old_code``, the ``ees`` table's ``area_code``), which survives
the 9-character ONS code changing. Codes do change: Buckinghamshire became a unitary in April 2020
(E10000002 -> E06000060), North Yorkshire and Somerset in April 2023 (E10000023 -> E06000065,
E10000027 -> E06000066) while DfE's 2025 release still uses their old codes and the 2025 neighbours list uses
the new ones; Northamptonshire split in April 2021 and Cumbria in April 2023 into two councils each with new DfE
numbers; Dorset, Bournemouth and Poole were merged in April 2019. Every lookup of a council by code or name
(the pack config's ``la``, neighbours, comparators, the batch's ``--las``) goes through :class:`Areas`, which
joins three sources:

* the release itself: each LA's codes in its rows and the reader's code history (``table.attrs``);
* ``data/reference/la_codes.csv``: the 153 current councils with their current ONS code, former codes and
  predecessors (DfE numbers of the councils they replaced);
* ``data/reference/la_predecessors.csv``: the councils abolished since 2019, with their successors.

Sources: ONS Register of Geographic Codes / Code History Database and the release's own rows
(``data/reference/la_codes.md``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from helpers.errors import InputError

if TYPE_CHECKING:
    from helpers.config import LAConfig

#: England's 9-character ONS code, the ``area_code`` of the national rows.
ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"
#: ``geographic_level`` of a council's rows in the ``ees`` table.
LA_LEVEL = "Local authority"
#: ``DataFrame.attrs`` key of the ``ees`` table holding every 9-character code each LA had in the release.
CODE_HISTORY = "la_code_history"

_REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"


@dataclass(frozen=True)
class LA:
    """The pack's local authority as found in the DfE release (old_code is the stable key)."""

    old_code: str
    code: str
    name: str
    region_code: str
    region_name: str


@dataclass(frozen=True)
class Council:
    """One council in the reference files: its DfE number, codes, and the councils before and after it."""

    old_code: str
    code: str  # the code DfE's release uses for it
    name: str
    region_code: str
    region_name: str
    codes: tuple[str, ...]  # every 9-character code: the release's, the ONS register's, former codes
    ons_code: str = ""  # the current code in the ONS register (North Yorkshire: E06000065)
    predecessors: tuple[str, ...] = ()  # DfE numbers of the councils it replaced
    successors: tuple[str, ...] = ()  # DfE numbers of the councils that replaced it (abolished councils)
    abolished: str = ""  # date, for councils that no longer exist


class CodeHistory(dict):  # type: ignore[type-arg]
    """The ``ees`` table's code history (DfE number -> codes), shared rather than copied.

    pandas deep-copies ``DataFrame.attrs`` on every operation that makes a new frame; a plain dict of 158
    councils' code lists made each filter of the ``ees`` table cost about 10 ms, most of a benchmarks page's
    run time. The history is never changed after the release is read, so copies share it.
    """

    def __deepcopy__(self, memo: dict[int, object]) -> CodeHistory:
        return self

    def __copy__(self) -> CodeHistory:
        return self


def share_code_history(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its code history (if any) held as a shared :class:`CodeHistory`; returns the same frame."""
    history = table.attrs.get(CODE_HISTORY)
    if history is not None and not isinstance(history, CodeHistory):
        table.attrs[CODE_HISTORY] = CodeHistory(history)
    return table


def _split(text: object) -> tuple[str, ...]:
    return tuple(str(text).split()) if isinstance(text, str) else ()


@lru_cache(maxsize=2)
def councils(folder: Path = _REFERENCE) -> dict[str, Council]:
    """Every council in the reference files, current and abolished, keyed by DfE number."""
    out: dict[str, Council] = {}
    current = pd.read_csv(folder / "la_codes.csv", dtype=str, keep_default_na=False)
    for r in current.itertuples(index=False):
        ons = getattr(r, "ons_code", "") or r.code
        codes = tuple(dict.fromkeys([r.code, ons, *_split(r.former_codes)]))
        out[r.old_code] = Council(r.old_code, r.code, r.name, r.region_code, r.region_name, codes, ons_code=ons,
                                  predecessors=_split(getattr(r, "predecessors", "")))
    gone_file = folder / "la_predecessors.csv"
    if gone_file.exists():
        gone = pd.read_csv(gone_file, dtype=str, keep_default_na=False)
        for r in gone.itertuples(index=False):
            out[r.old_code] = Council(r.old_code, r.code, r.name, r.region_code, r.region_name, (r.code,),
                                      ons_code=r.code, successors=_split(r.successors), abolished=r.abolished)
    return out


def successor_codes() -> dict[str, str]:
    """Former 9-character code -> current ONS code, for councils recoded under the same DfE number."""
    return {code: c.ons_code for c in councils().values() if not c.abolished
            for code in c.codes if code != c.ons_code}


class Areas:
    """The councils of one ``ees`` table, found by any code they have had or by name."""

    def __init__(self, table: pd.DataFrame) -> None:
        # One row per LA, its first in the table (as ``ees.list_las``): the code the release gives it.
        columns = ["area_code", "la_code", "area_name", "region_code", "region_name"]
        las = table.loc[table["geographic_level"] == "Local authority", [c for c in columns if c in table]]
        las = las.reindex(columns=columns)  # a partial table (tests, tools) lacks names or regions
        self.las = {r.area_code: r for r in las.drop_duplicates("area_code").itertuples(index=False)}
        self._by_code: dict[str, str] = {}
        reference = councils()
        for old in self.las:  # reference codes first: the release's own codes below win
            if old in reference:
                for code in reference[old].codes:
                    self._by_code[code] = old
        for old, history in table.attrs.get(CODE_HISTORY, {}).items():
            for code in history:
                self._by_code[str(code)] = str(old)
        for old, r in self.las.items():
            if isinstance(r.la_code, str):
                self._by_code[r.la_code] = old
        self._by_name = {str(r.area_name).casefold(): old for old, r in self.las.items()}

    def area_code(self, code: str) -> str | None:
        """The table's ``area_code`` for a 3-digit DfE number or any 9-character code the council has had."""
        code = str(code).strip().upper()
        if code in self.las:
            return code
        return self._by_code.get(code)

    def lookup(self, text: str) -> str | None:
        """``area_code`` for a DfE number, a 9-character code or a name (case-insensitive)."""
        return self.area_code(text) or self._by_name.get(str(text).strip().casefold())

    def codes_of(self, old_code: str) -> set[str]:
        """Every 9-character code the council with DfE number ``old_code`` has had (release and reference)."""
        return {code for code, old in self._by_code.items() if old == old_code}

    def name(self, old_code: str) -> str:
        return str(self.las[old_code].area_name)

    def la(self, old_code: str) -> LA:
        r = self.las[old_code]
        return LA(old_code=old_code, code=str(r.la_code), name=str(r.area_name), region_code=str(r.region_code),
                  region_name=str(r.region_name))

    def find_la(self, la_config: LAConfig, file: str | Path) -> LA:
        """Resolve the pack config's LA (code, old code or name); they must agree when several are given."""
        found: dict[str, str] = {}
        for key, value, finder in (("la.old_code", la_config.old_code, lambda v: v if v in self.las else None),
                                   ("la.code", la_config.code, self.area_code),
                                   ("la.name", la_config.name, lambda v: self._by_name.get(v.strip().casefold()))):
            if value is None:
                continue
            old = finder(value)
            if old is None:
                options = {"la.old_code": list(self.las), "la.code": list(self._by_code),
                           "la.name": [str(r.area_name) for r in self.las.values()]}[key]
                raise _not_found(file, key, value, options)
            found[key] = old
        if len(set(found.values())) > 1:
            detail = "; ".join(f"{k} is {self.name(v)} ({v})" for k, v in found.items())
            raise InputError(file, f"the LA's code, old code and name point to different LAs: {detail}",
                             where="key 'la'")
        return self.la(next(iter(found.values())))


def _not_found(file: str | Path, key: str, value: str, options: list[str]) -> InputError:
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.6)
    if not close and key == "la.name":
        folded = {o.casefold(): o for o in options}
        close = [folded[c] for c in difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.5)]
    hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""
    return InputError(file, f"the LA is not in the DfE release{hint}", where="key 'la'", field=key, found=value,
                      expected="an LA listed by `evidence-pack list-las`")


def find_la(table: pd.DataFrame, la_config: LAConfig, file: str | Path) -> LA:
    """The pack config's LA in the release table (any code it has had, its DfE number or its name)."""
    return Areas(table).find_la(la_config, file)


def resolve_las(table: pd.DataFrame, items: list[str], *, file: str | Path, key: str) -> list[str]:
    """DfE numbers for a list of codes or names (``--las 886,887,825`` or ``--las Kent,Medway``), order kept.

    Raises :class:`InputError` naming the option and the item that is not a council of the release.
    """
    areas = Areas(table)
    out: list[str] = []
    for i, item in enumerate(items):
        old = areas.lookup(item)
        if old is None:
            options = list(areas.las) + [str(r.area_name) for r in areas.las.values()]
            close = difflib.get_close_matches(str(item), options, n=3, cutoff=0.6)
            hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""
            raise InputError(file, f"not a local authority in the DfE release{hint}",
                             where=f"item {i + 1}" if key == str(file) else f"{key} item {i + 1}",
                             expected="a DfE number such as 886, a code such as E10000016 or a name", found=item)
        if old not in out:
            out.append(old)
    return out


@dataclass(frozen=True)
class Group:
    """A comparator: its display name, kind, member LAs (3-digit area codes) and published DfE row, if any."""

    name: str
    kind: Literal["la", "england", "region", "neighbours", "custom"]
    members: tuple[str, ...]
    published_code: str | None = None
    level: str | None = None


def comparator_groups(ees: pd.DataFrame, la_code: str, *, neighbours: list[str] | tuple[str, ...] = (),
                      custom: list[str] | tuple[str, ...] = (),
                      custom_name: str = "Custom comparator group") -> list[Group]:
    """The LA itself, England, the LA's region, its statistical neighbours and a custom group (if listed).

    ``la_code``, ``neighbours`` and ``custom`` are 3-digit ``area_code`` values (see
    :func:`helpers.sources.neighbours.neighbours_for`). The region is the LA's ``region_code`` in its latest year.
    """
    las = ees[ees["geographic_level"] == LA_LEVEL]
    own = las[las["area_code"] == la_code].sort_values("year")
    if own.empty:
        raise KeyError(f"LA {la_code} is not in the ees table")
    latest = own.iloc[-1]
    region_code = latest["region_code"]
    region_name = latest["region_name"]
    all_las = tuple(sorted(las["area_code"].unique()))
    region_las = tuple(sorted(las.loc[las["region_code"] == region_code, "area_code"].unique()))
    groups = [Group(str(latest["area_name"]), "la", (la_code,)),
              Group("England", "england", all_las, ENGLAND_CODE, "National"),
              Group(str(region_name), "region", region_las, str(region_code), "Regional")]
    if neighbours:
        groups.append(Group("Statistical neighbours", "neighbours", tuple(neighbours)))
    if custom:
        groups.append(Group(custom_name, "custom", tuple(custom)))
    return groups
