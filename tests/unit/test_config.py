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


ASSUMPTION = """
assumptions:
  ep_hours_per_assessment:
    value: 17.4
    unit: hours per statutory assessment
    description: EP time for one assessment
    source: DfE
"""


def test_misspelt_assumption_fails_at_load_with_a_suggestion(tmp_path: Path) -> None:
    """A typo in an assumption's name is refused when the config is loaded (so by ``evidence-pack check``), not
    inside notebook 03: one message naming the file, the assumption, what was expected and the likely name."""
    text = BASE + ASSUMPTION.replace("ep_hours_per_assessment:", "ep_hours_per_asessment:")
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, text))
    message = err.value.message
    assert "t.yaml" in message and "key 'assumptions.ep_hours_per_asessment'" in message
    assert "unknown assumption; did you mean 'ep_hours_per_assessment'?" in message
    assert "expected one of the assumptions the pages use: ep_hours_per_assessment, " in message


@pytest.mark.parametrize("value, expected", [
    ("0", "a number above 0 and at most 200 (hours)"),
    ("1740", "a number above 0 and at most 200 (hours)"),
    (".nan", "a number above 0 and at most 200 (hours)"),
])
def test_assumption_out_of_range_fails_at_load(tmp_path: Path, value: str, expected: str) -> None:
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, BASE + ASSUMPTION.replace("17.4", value)))
    message = err.value.message
    assert "t.yaml" in message and "key 'assumptions.ep_hours_per_assessment.value'" in message
    assert "outside the range" in message and f"expected {expected}" in message


def test_plan_weeks_must_leave_time_for_ep_advice(tmp_path: Path) -> None:
    """20 weeks for the other stages would leave none of the 20-week timetable for EP advice."""
    text = BASE + ASSUMPTION.replace("ep_hours_per_assessment", "plan_weeks_outside_ep_advice").replace(
        "17.4", "20").replace("hours per statutory assessment", "weeks")
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, text))
    assert "key 'assumptions.plan_weeks_outside_ep_advice.value'" in err.value.message
    assert "below 20 (weeks); the other stages must leave time for EP advice" in err.value.message


def test_assumption_unit_of_the_wrong_kind_fails_at_load(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, BASE + ASSUMPTION.replace("hours per statutory assessment", "days")))
    message = err.value.message
    assert "key 'assumptions.ep_hours_per_assessment.unit'" in message and "the unit is not in hours" in message
    assert "expected a unit naming 'hour'" in message and "found 'days'" in message


def test_known_assumptions_are_typed_and_dumped_only_when_given(tmp_path: Path) -> None:
    """The optional ``annual_review_hours`` (issue 15) is accepted; the config dumps only the assumptions given;
    a name no page knows is a programming error, not a missing input."""
    cfg = load_pack(write(tmp_path, BASE + ASSUMPTION + """  annual_review_hours:
    value: 6
    unit: officer hours per annual review
    description: Officer time for one annual review
    source: Local estimate
    quality: low
"""))
    assert cfg.assumption("annual_review_hours") == 6 and cfg.assumptions.annual_review_hours is not None
    assert [k for k, _ in cfg.assumptions.items()] == ["ep_hours_per_assessment", "annual_review_hours"]
    assert len(cfg.assumptions) == 2 and "annual_review_hours" in cfg.assumptions
    assert "locum_day_rate_gbp" not in cfg.assumptions
    assert set(cfg.model_dump()["assumptions"]) == {"ep_hours_per_assessment", "annual_review_hours"}
    with pytest.raises(KeyError):
        cfg.assumption("ep_hours_per_asessment")


def test_every_assumption_in_the_shipped_configs_is_known(root: Path) -> None:
    """Every config in config/ loads, so every assumption name in them is one a page knows."""
    for path in sorted((root / "config").glob("*.yaml")):
        cfg = load_pack(path, check_inputs=False)
        assert len(cfg.assumptions) >= 9, path.name
