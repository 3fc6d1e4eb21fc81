"""helpers.sources.neighbours: the DfE statistical-neighbour list reader and the neighbour resolver."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.config import Comparators, Inputs, LAConfig, PackConfig
from helpers.areas import LA
from helpers.sources import neighbours

HEADER = "la_code,la_name,SN,SN_code,SN_name,SN_prox\n"

#: A small DfE-shaped ees table: area_code is the 3-digit DfE number, la_code the latest 9-character code.
EES = pd.DataFrame({
    "geographic_level": ["National"] + ["Local authority"] * 12,
    "area_code": ["E92000001", "886", "881", "845", "878", "303", "935", "926", "891", "938", "822", "933", "825"],
    "la_code": [None, "E10000016", "E10000012", "E10000011", "E10000008", "E09000004", "E10000029", "E10000020",
                "E10000024", "E10000032", "E06000055", "E06000066", "E06000060"],
})
KENT = LA(old_code="886", code="E10000016", name="Kent", region_code="E12000008", region_name="South East")
KENT_NEIGHBOURS = ["Essex", "East Sussex", "Devon", "Bexley", "Suffolk", "Norfolk", "Nottinghamshire",
                   "West Sussex", "Bedford", "Somerset"]


def _config(tmp_path: Path, *, listed: list[str] | None = None, file: Path | None = None) -> PackConfig:
    return PackConfig(pack="t", title="t", la=LAConfig(code="E10000016", old_code="886", name="Kent"),
                      period_end=dt.date(2025, 9, 30), inputs=Inputs(ees=[tmp_path], neighbours=file),
                      comparators=Comparators(neighbours=listed or []), source_path=tmp_path / "pack.yaml")


def _write(tmp_path: Path, body: str, name: str = "sn.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _ten_rows(la: str = "E10000016", name: str = "Kent", prox: str = "Very close") -> str:
    codes = ["E10000012", "E10000011", "E10000008", "E09000004", "E10000029", "E10000020", "E10000024",
             "E10000032", "E06000055", "E06000066"]
    return "".join(f"{la},{name},{i + 1},{code},{KENT_NEIGHBOURS[i]},{prox}\n" for i, code in enumerate(codes))


def test_reads_the_real_lait_2025_list(shared_dir: Path) -> None:
    table = neighbours.read(shared_dir / "reference-data" / "statistical_neighbours_lait_2025.csv")
    assert len(table) == 1530 and table["la_code"].nunique() == 153
    kent = table[table["la_code"] == "E10000016"]
    assert kent["SN_name"].tolist() == KENT_NEIGHBOURS
    assert kent["SN"].tolist() == list(range(1, 11))
    assert "Close" in set(table["SN_prox"]) and "Close " not in set(table["SN_prox"])  # trailing space stripped


def test_accepts_the_same_shape_from_any_path_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "my neighbours.csv"
    path.parent.mkdir()
    path.write_text(HEADER + _ten_rows(prox="Close "), encoding="utf-8-sig")
    table = neighbours.read(path)
    assert table["SN_prox"].unique().tolist() == ["Close"]


@pytest.mark.parametrize(("body", "expected"), [
    ("la_code,la_name,SN,SN_code,SN_name\n" + "E10000016,Kent,1,E10000012,Essex\n", "field 'SN_prox'"),
    (HEADER + _ten_rows().replace(",3,E10000008", ",three,E10000008"), "row 4: field 'SN'"),
    (HEADER + _ten_rows().replace(",3,E10000008", ",11,E10000008"), "field 'SN'"),
    (HEADER + _ten_rows().replace("E10000008", "10000008"), "field 'SN_code'"),
    (HEADER + _ten_rows().replace("E09000004,Bexley,Very close", "E09000004,Bexley,Near"), "field 'SN_prox'"),
    (HEADER + _ten_rows().replace(",3,E10000008", ",2,E10000008"), "row 4: field 'SN': a neighbour rank appears twice"),
    (HEADER + _ten_rows().replace("E10000008", "E10000016"), "its own neighbour"),
    (HEADER + "".join(_ten_rows().splitlines(keepends=True)[:9]), "exactly ten neighbours"),
    ("", "the file is empty"),
])
def test_bad_files_raise_one_clear_input_error(tmp_path: Path, body: str, expected: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InputError) as err:
        neighbours.read(path)
    assert expected in err.value.message
    assert str(path) in err.value.message


def test_missing_file_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        neighbours.read(tmp_path / "nope.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + _ten_rows(name="K\xe9nt")).encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        neighbours.read(path)


def test_resolver_uses_the_file_and_maps_to_3_digit_codes(tmp_path: Path) -> None:
    file = _write(tmp_path, HEADER + _ten_rows())
    got = neighbours.neighbours_for(KENT, _config(tmp_path, file=file), EES)
    assert got == ["881", "845", "878", "303", "935", "926", "891", "938", "822", "933"]


def test_resolver_follows_a_replaced_code(tmp_path: Path) -> None:
    """Somerset listed by its pre-2023 code E10000027 still maps to DfE number 933."""
    file = _write(tmp_path, HEADER + _ten_rows().replace("E06000066", "E10000027"))
    assert neighbours.neighbours_for(KENT, _config(tmp_path, file=file), EES)[-1] == "933"


def test_resolver_finds_a_new_code_the_release_has_not_adopted(tmp_path: Path) -> None:
    """The 2025 DfE release still codes Somerset E10000027; the 2025 neighbour list uses E06000066."""
    ees = EES.assign(la_code=EES["la_code"].replace("E06000066", "E10000027"))
    file = _write(tmp_path, HEADER + _ten_rows())
    assert neighbours.neighbours_for(KENT, _config(tmp_path, file=file), ees)[-1] == "933"


def test_config_list_wins_over_the_file_and_accepts_both_code_forms(tmp_path: Path) -> None:
    file = _write(tmp_path, HEADER + _ten_rows())
    cfg = _config(tmp_path, listed=["881", "E10000011", "E10000002"], file=file)
    assert neighbours.neighbours_for(KENT, cfg, EES) == ["881", "845", "825"]


@pytest.mark.parametrize(("listed", "expected"), [
    (["881", "999"], "comparators.neighbours[1]"),
    (["881", "E10000012"], "listed twice"),
    (["886"], "own LA"),
])
def test_bad_config_lists_raise(tmp_path: Path, listed: list[str], expected: str) -> None:
    with pytest.raises(InputError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        neighbours.neighbours_for(KENT, _config(tmp_path, listed=listed), EES)


def test_la_missing_from_file_raises(tmp_path: Path) -> None:
    file = _write(tmp_path, HEADER + _ten_rows(la="E10000012", name="Essex").replace("E10000012,Essex,1,E10000012",
                                                                                      "E10000012,Essex,1,E10000016"))
    with pytest.raises(InputError, match="not in the statistical neighbours list"):
        neighbours.neighbours_for(KENT, _config(tmp_path, file=file), EES)


def test_no_neighbours_configured_gives_an_empty_list(tmp_path: Path) -> None:
    assert neighbours.neighbours_for(KENT, _config(tmp_path), EES) == []
