"""Pack config: codes stay strings, paths resolve from the project root, mistakes give one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.errors import InputError
from helpers.config import load_pack

BASE = """
pack: t
title: Test pack
la: {old_code: 886}
period_end: 2025-09-30
inputs: {ees: [data]}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "config").mkdir(exist_ok=True)
    path = tmp_path / "config" / "t.yaml"
    path.write_text(text)
    return path


def test_demo_config_loads(root: Path) -> None:
    cfg = load_pack(root / "config" / "demo.yaml", check_inputs=False)
    assert cfg.la.old_code == "999" and cfg.synthetic
    assert cfg.inputs.ees[0] == root / "data" / "demo" / "ees"
    assert cfg.assumption("ep_hours_per_assessment") == 17.4


def test_integer_la_code_becomes_string_and_paths_resolve_from_root(tmp_path: Path) -> None:
    cfg = load_pack(write(tmp_path, BASE))
    assert cfg.la.old_code == "886"
    assert cfg.inputs.ees == [tmp_path / "data"]
    assert cfg.root == tmp_path


def test_typo_in_key_suggests_the_right_one(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, BASE + "disclosur: {threshold: 5}\n"))
    assert "t.yaml" in err.value.message and "did you mean 'disclosure'" in err.value.message


def test_nested_typo_names_the_full_key(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, BASE.replace("{old_code: 886}", "{old_cod: 886}")))
    assert "la.old_cod" in err.value.message and "old_code" in err.value.message


@pytest.mark.parametrize("bad, words", [
    ("{old_code: 88}", "3-digit"),
    ("{code: E1000016}", "9-character"),
    ("{}", "code, old_code or name"),
])
def test_bad_la_codes(tmp_path: Path, bad: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, BASE.replace("{old_code: 886}", bad)))
    assert words in err.value.message and "key 'la" in err.value.message


def test_bad_date_names_key(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, BASE.replace("2025-09-30", "2025-02-30")))
    assert "period_end" in err.value.message


def test_missing_input_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, BASE.replace("[data]", "[nowhere.zip]")))
    assert "inputs.ees" in err.value.message and "nowhere.zip" in err.value.message


def test_invalid_yaml_gives_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, BASE + "targets: [unclosed\n"))
    assert "not valid YAML" in err.value.message and "line" in err.value.message


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="pack config not found"):
        load_pack(tmp_path / "absent.yaml")


def test_missing_assumption_is_named(tmp_path: Path) -> None:
    cfg = load_pack(write(tmp_path, BASE))
    with pytest.raises(InputError, match="assumptions.locum_day_rate_gbp"):
        cfg.assumption("locum_day_rate_gbp")
