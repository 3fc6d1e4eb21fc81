"""The pack config cannot be used to switch suppression off silently or to attack the machine (issues 20, 23).

Each case was reproduced on a84b52b: a duplicate ``disclosure:`` key silently replaced 5 with 1; a public build
accepted ``disclosure.threshold: 1``; a 452-byte alias bomb ran past 30 s at 946 MB (the probe's 5.8 KB one past
120 s at 2.8 GB); a self-referring anchor and thousands of nested brackets ended in tracebacks.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.errors import InputError
from helpers.config import PUBLIC_MIN_THRESHOLD, check_disclosure, load_pack

BASE = """\
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


def alias_bomb(levels: int = 9) -> str:
    """Nine anchors, each a list of nine references to the one before: 9**9 (387 million) strings once expanded,
    used as the title so that validation (and its error message) would walk all of them."""
    lines = ["targets:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        lines.append(f"  {name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return BASE.replace("title: Test pack\n", "") + "\n".join(lines) + f"\ntitle: *{prev}\n"


def test_duplicate_key_is_an_error_naming_key_and_lines(tmp_path: Path) -> None:
    text = BASE + "disclosure:\n  threshold: 5\nvariants: [public]\ndisclosure:\n  threshold: 1\n"
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, text))
    assert "key 'disclosure' appears twice" in err.value.message
    assert "line 9" in err.value.message and "first on line 6" in err.value.message  # as numbered in the file


def test_duplicate_nested_key_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="key 'threshold' appears twice"):
        load_pack(write(tmp_path, BASE + "disclosure: {threshold: 5, threshold: 1}\n"))


def test_merge_key_may_be_overridden(tmp_path: Path) -> None:
    """``<<: *defaults`` beside its own keys is YAML's way of overriding, not a duplicate."""
    ok = BASE.replace("la: {old_code: 886}", "la: {<<: {old_code: 887}, old_code: 886}")
    assert load_pack(write(tmp_path, ok)).la.old_code == "886"


def test_alias_bomb_fails_fast_with_one_message(tmp_path: Path) -> None:
    path = write(tmp_path, alias_bomb())
    assert path.stat().st_size < 1000
    started = time.process_time()
    with pytest.raises(InputError) as err:
        load_pack(path)
    assert time.process_time() - started < 5  # a generous bound: it fails in milliseconds (a84b52b: never)
    assert "alias" in err.value.message and "\n" not in err.value.message


def test_alias_bomb_in_bounded_memory(tmp_path: Path) -> None:
    """In a child process limited to 1 GB of address space the bomb is refused (a84b52b used 946 MB in 30 s and
    was still going)."""
    path = write(tmp_path, alias_bomb())
    code = (f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({2**30}, {2**30}))\n"
            "from helpers.pack import cli\n"
            f"raise SystemExit(cli.main(['check', {str(path)!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "alias" in proc.stderr and "Traceback" not in proc.stderr


def test_small_anchors_still_work(tmp_path: Path) -> None:
    text = BASE + "comparators: {custom: &c ['886', '887'], neighbours: *c}\n"
    cfg = load_pack(write(tmp_path, text))
    assert cfg.comparators.custom == cfg.comparators.neighbours == ["886", "887"]


def test_recursive_alias_is_one_message(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="refers to itself"):
        load_pack(write(tmp_path, BASE + "targets: &t [*t]\n"))


def test_deep_nesting_is_one_message(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nested too deeply|not valid YAML"):
        load_pack(write(tmp_path, BASE + "targets: " + "[" * 5000 + "]" * 5000 + "\n"))


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system",
                                 "!!python/object/new:os.system"])
def test_yaml_cannot_construct_python_objects(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    text = BASE.replace("title: Test pack", f'title: {tag} ["touch {marker}"]')
    with pytest.raises(InputError) as err:
        load_pack(write(tmp_path, text))
    assert "not valid YAML" in err.value.message and "line 2" in err.value.message
    assert not marker.exists()


def test_public_build_refuses_threshold_under_5(tmp_path: Path) -> None:
    cfg = load_pack(write(tmp_path, BASE + "disclosure: {threshold: 1}\n"))
    with pytest.raises(InputError) as err:
        check_disclosure(cfg, "public")
    assert "disclosure.threshold" in err.value.message and "threshold_override" in err.value.message
    assert check_disclosure(cfg, "restricted") is None  # not published: the threshold is the council's call
    assert PUBLIC_MIN_THRESHOLD == 5


def test_override_allows_it_and_is_reported(tmp_path: Path) -> None:
    text = BASE + ("disclosure:\n  threshold: 3\n  threshold_override: >-\n"
                   "    Agreed by the Caldicott Guardian on 1 May 2025 for the SEND board pack\n")
    cfg = load_pack(write(tmp_path, text))
    warning = check_disclosure(cfg, "public")
    assert warning is not None and "threshold 3" in warning and "Caldicott Guardian" in warning


def test_override_needs_a_reason(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="threshold_override"):
        load_pack(write(tmp_path, BASE + "disclosure: {threshold: 3, threshold_override: ok}\n"))


def test_default_and_higher_thresholds_need_no_override(tmp_path: Path) -> None:
    assert check_disclosure(load_pack(write(tmp_path, BASE)), "public") is None
    assert check_disclosure(load_pack(write(tmp_path, BASE + "disclosure: {threshold: 10}\n")), "public") is None


def test_cli_check_refuses_low_public_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``evidence-pack check`` and ``build`` stop before reading any data (exit 2, one line)."""
    from helpers.pack import cli

    path = write(tmp_path, BASE + "disclosure: {threshold: 1}\nvariants: [public]\n")
    assert cli.main(["check", str(path)]) == 2
    assert cli.main(["build", str(path), "--no-pdf"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all("disclosure.threshold" in line for line in err), err


def test_override_is_recorded_in_the_manifest_and_printed_by_the_build(tmp_path: Path) -> None:
    import datetime as dt
    import json

    from helpers.pack import manifest
    from helpers.pack.build import Builder

    reason = "Agreed by the Caldicott Guardian on 1 May 2025 for the SEND board pack"
    path = write(tmp_path, BASE + f"disclosure:\n  threshold: 3\n  threshold_override: {reason}\n")
    cfg = load_pack(path)
    pack = tmp_path / "reports" / "t"
    pack.mkdir(parents=True)
    manifest.write(pack, cfg, "public", [], {}, dt.datetime.now(dt.UTC), {})
    recorded = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))["config"]["disclosure"]
    assert recorded == {"threshold": 3, "threshold_override": reason}
    said: list[str] = []
    builder = Builder(path, reports=tmp_path / "reports", progress=said.append)
    assert builder.disclosure_warning is not None and reason in builder.disclosure_warning
