"""helpers.areas: a council is found by every code it has had, in the config, the neighbours list and the batch.

Code changes checked (ONS Register of Geographic Codes; the DfE release's own rows):
* Buckinghamshire 825: county E10000002 became the unitary E06000060 (1 April 2020), same DfE number;
* North Yorkshire 815 and Somerset 933: E10000023 -> E06000065 and E10000027 -> E06000066 (1 April 2023), the
  2025 release still using the old codes and DfE's 2025 neighbours list the new ones;
* Cumbria 909 split into Cumberland 942 and Westmorland and Furness 943 (April 2023); Northamptonshire 928 into
  North Northamptonshire 940 and West Northamptonshire 941 (April 2021): new DfE numbers, no shared code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers import areas
from helpers.errors import InputError
from helpers.config import Inputs, LAConfig, PackConfig
from helpers.sources import ees, neighbours

#: A release-shaped table coding North Yorkshire and Somerset by their old codes, as the 2025 release does.
TABLE = pd.DataFrame({
    "geographic_level": ["National", "Local authority", "Local authority", "Local authority", "Local authority"],
    "area_code": [areas.ENGLAND_CODE, "815", "933", "825", "886"],
    "la_code": [None, "E10000023", "E10000027", "E06000060", "E10000016"],
    "area_name": ["England", "North Yorkshire", "Somerset", "Buckinghamshire", "Kent"],
    "region_code": [None, "E12000003", "E12000009", "E12000008", "E12000008"],
    "region_name": [None, "Yorkshire and The Humber", "South West", "South East", "South East"],
})


def test_reference_history_of_recoded_and_split_councils() -> None:
    ref = areas.councils()
    assert len([c for c in ref.values() if not c.abolished]) == 153
    assert areas.successor_codes() == {"E10000002": "E06000060", "E10000023": "E06000065", "E10000027": "E06000066"}
    assert ref["942"].predecessors == ("909",) and ref["943"].predecessors == ("909",)
    assert ref["940"].predecessors == ref["941"].predecessors == ("928",)
    assert ref["909"].successors == ("942", "943") and ref["909"].abolished == "2023-04-01"
    assert ref["839"].predecessors == ("836", "837")


@pytest.mark.parametrize("code, old", [("E10000023", "815"), ("E06000065", "815"), ("e06000066", "933"),
                                       ("E10000027", "933"), ("E10000002", "825"), ("E06000060", "825"),
                                       ("886", "886"), ("E99999999", None)])
def test_any_code_finds_the_council(code: str, old: str | None) -> None:
    assert areas.Areas(TABLE).area_code(code) == old


def test_find_la_by_new_code_old_code_number_or_name() -> None:
    for cfg in (LAConfig(code="E06000065"), LAConfig(code="E10000023"), LAConfig(old_code="815"),
                LAConfig(name="north yorkshire"), LAConfig(code="E06000065", old_code="815", name="North Yorkshire")):
        la = areas.find_la(TABLE, cfg, "pack.yaml")
        assert (la.old_code, la.code, la.name, la.region_name) == ("815", "E10000023", "North Yorkshire",
                                                                     "Yorkshire and The Humber")
    with pytest.raises(InputError, match="different LAs"):
        areas.find_la(TABLE, LAConfig(code="E06000066", name="North Yorkshire"), "pack.yaml")


def test_resolve_las_takes_numbers_codes_and_names_in_order() -> None:
    assert areas.resolve_las(TABLE, ["886", "E06000065", "somerset", "825", "886"], file="--las",
                             key="--las") == ["886", "815", "933", "825"]
    with pytest.raises(InputError) as err:
        areas.resolve_las(TABLE, ["886", "Kentt"], file="--las", key="--las")
    assert err.value.message.startswith("--las: item 2: ") and "did you mean 'Kent'" in err.value.message


def test_england_code_is_defined_once() -> None:
    from helpers.analysis import benchmarks, timeliness

    src = Path(areas.__file__).parent
    defined = [p.relative_to(src).as_posix() for p in src.rglob("*.py") if '= "E92000001"' in p.read_text()]
    assert defined == ["areas.py"]
    assert benchmarks.ENGLAND_CODE is areas.ENGLAND_CODE and timeliness.ENGLAND is areas.ENGLAND_CODE
    assert ees.find_la(TABLE, LAConfig(code="E06000066"), "x").old_code == "933"


# --- the real release and DfE's 2025 neighbours list ----------------------------------------------------------


@pytest.fixture(scope="module")
def release(ees_2025: Path, ees_2022: Path) -> ees.Release:
    return ees.read_release([ees_2025, ees_2022])


@pytest.fixture(scope="module")
def neighbours_file(shared_dir: Path) -> Path:
    path = shared_dir / "reference-data" / "statistical_neighbours_lait_2025.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


def _neighbour_names(release: ees.Release, file: Path, la_config: LAConfig) -> tuple[areas.LA, list[str]]:
    la = areas.find_la(release.table, la_config, "pack.yaml")
    cfg = PackConfig(pack="t", title="t", la=la_config, period_end=dt.date(2024, 12, 31),
                     inputs=Inputs(ees=[file], neighbours=file), source_path=Path("pack.yaml"))
    found = areas.Areas(release.table)
    return la, [found.name(code) for code in neighbours.neighbours_for(la, cfg, release.table)]


# Expected: the council's ten rows of statistical_neighbours_lait_2025.csv (SN_name, rank 1-10), read by eye.
NEIGHBOURS = {
    "815": ["Shropshire", "Cheshire East", "East Riding of Yorkshire", "Staffordshire", "Gloucestershire",
            "Warrington", "Warwickshire", "Herefordshire, County of", "Wiltshire", "Somerset"],
    "933": ["Suffolk", "Derbyshire", "Dorset", "Shropshire", "Worcestershire", "Nottinghamshire", "Devon",
            "Staffordshire", "Leicestershire", "Essex"],
    "942": ["Westmorland and Furness", "Lincolnshire", "Herefordshire, County of", "Lancashire", "North Lincolnshire",
            "Wakefield", "Staffordshire", "Northumberland", "Doncaster", "Barnsley"],
    "943": ["Herefordshire, County of", "Cumberland", "Staffordshire", "Shropshire", "East Riding of Yorkshire",
            "North Yorkshire", "Lincolnshire", "Somerset", "Suffolk", "Derbyshire"],
    "940": ["Swindon", "West Northamptonshire", "Suffolk", "Lincolnshire", "Somerset", "Thurrock", "Nottinghamshire",
            "North Lincolnshire", "Medway", "Wakefield"],
    "941": ["Bedford", "North Northamptonshire", "Warwickshire", "Swindon", "Somerset", "Suffolk", "Havering",
            "Leicestershire", "Oxfordshire", "Bexley"],
    "825": ["Oxfordshire", "Hertfordshire", "West Berkshire", "Surrey", "Cambridgeshire", "Bracknell Forest",
            "Central Bedfordshire", "Windsor and Maidenhead", "Trafford", "Hampshire"],
}


@pytest.mark.parametrize("la_config, old", [
    (LAConfig(code="E10000023"), "815"), (LAConfig(code="E06000065"), "815"), (LAConfig(name="North Yorkshire"), "815"),
    (LAConfig(code="E10000027"), "933"), (LAConfig(code="E06000066"), "933"), (LAConfig(old_code="933"), "933"),
    (LAConfig(name="Cumberland"), "942"), (LAConfig(code="E06000064"), "943"),
    (LAConfig(name="North Northamptonshire"), "940"), (LAConfig(code="E06000062"), "941"),
    (LAConfig(code="E10000002"), "825"), (LAConfig(code="E06000060"), "825"), (LAConfig(old_code="825"), "825"),
])
def test_councils_whose_code_changed_find_their_own_neighbours(release: ees.Release, neighbours_file: Path,
                                                                la_config: LAConfig, old: str) -> None:
    la, names = _neighbour_names(release, neighbours_file, la_config)
    assert la.old_code == old
    assert names == NEIGHBOURS[old]


def test_codes_of_recoded_councils_in_the_real_release(release: ees.Release) -> None:
    found = areas.Areas(release.table)
    assert found.codes_of("815") == {"E10000023", "E06000065"}
    assert found.codes_of("933") == {"E10000027", "E06000066"}
    assert found.codes_of("825") == {"E10000002", "E06000060"}
    assert found.area_code("E10000006") == "909" and found.area_code("E10000021") == "928"  # abolished, in old rows
