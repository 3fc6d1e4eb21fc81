"""The build's record of its last good build (``.cache/keys.json``) and its lock, without running notebooks.

On a84b52b a ``keys.json`` holding valid JSON that is not an object (``[1, 2]``) stopped every later build with
``AttributeError: 'list' object has no attribute 'get'``; the record held no list of outputs, so a deleted page,
download, metrics file, ``pack.pdf`` or ``ees.parquet`` went unnoticed ("up to date"); and nothing stopped two
builds of one pack at once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers.errors import OutputError
from helpers.pack.build import Builder
from helpers.pack.keys import load_keys, lost_outputs, output_hashes, output_owner
from helpers.pack.staging import pack_lock

NAMES = {"00_data_quality", "02_timeliness", "08_inspection_readiness", "09_assumptions"}


@pytest.mark.parametrize("rel, owner", [
    ("02_timeliness.html", ("render", "02_timeliness")),
    ("index.html", ("render", "08_inspection_readiness")),  # the front page's page
    ("executed/02_timeliness.ipynb", ("execute", "02_timeliness")),
    ("data/metrics_02_timeliness.json", ("execute", "02_timeliness")),
    ("data/disclosure_02_timeliness.json", ("execute", "02_timeliness")),
    ("data/ees.parquet", ("execute", "00_data_quality")),  # shared tables come from the data quality notebook
    ("downloads/02_timeliness-monthly-rate.csv", ("execute", "02_timeliness")),
    ("downloads/all-tables.xlsx", ("finish", None)),
    ("pack.pdf", ("finish", None)),
    ("glossary.html", ("finish", None)),
    ("print.html", ("finish", None)),
    ("manifest.json", ("finish", None)),
    ("03_ep_workforce.html", ("finish", None)),  # a notebook not in this build
])
def test_each_output_has_an_owner(rel: str, owner: tuple[str, str | None]) -> None:
    assert output_owner(rel, NAMES) == owner


def test_lost_outputs_finds_deleted_and_changed_files(tmp_path: Path) -> None:
    for rel in ("index.html", "pack.pdf", "data/ees.parquet", "downloads/a-b.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(rel.encode())
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "keys.json").write_text("{}")
    recorded = output_hashes(tmp_path)
    assert sorted(recorded) == ["data/ees.parquet", "downloads/a-b.csv", "index.html", "pack.pdf"]  # not .cache
    assert lost_outputs(tmp_path, recorded) == []
    (tmp_path / "pack.pdf").unlink()
    (tmp_path / "index.html").write_text("edited by hand")
    assert lost_outputs(tmp_path, recorded) == ["index.html", "pack.pdf"]


@pytest.mark.parametrize("content", [
    b"[1, 2]",  # valid JSON, not an object (a84b52b: AttributeError traceback)
    b'"keys"',
    b'{"variant": "public", "execute": [1]}',
    b'{"variant": "public", "execute": {"00_data_quality": 5}}',
    b'{"variant": "public", "execute": {"00_data_qu',  # truncated
    b"\xff\xfe\x00garbage",  # not UTF-8
    b"",
])
def test_unusable_record_is_discarded_with_a_warning(tmp_path: Path, content: bytes) -> None:
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "keys.json").write_bytes(content)
    said: list[str] = []
    assert load_keys(tmp_path, said.append) == {}
    assert len(said) == 1 and said[0].startswith("warning: .cache/keys.json") and "built again" in said[0]


def test_good_record_is_read_silently(tmp_path: Path) -> None:
    (tmp_path / ".cache").mkdir()
    record = {"variant": "public", "execute": {"a": "1"}, "render": {"a": "2"}, "outputs": {"a.html": "3"}}
    (tmp_path / ".cache" / "keys.json").write_text(json.dumps(record))
    said: list[str] = []
    assert load_keys(tmp_path, said.append) == record and said == []
    assert load_keys(tmp_path / "absent", said.append) == {} and said == []  # no pack yet: nothing to say


def test_second_build_of_a_pack_is_refused_while_the_first_holds_the_lock(tmp_path: Path, root: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    builder = Builder(root / "config" / "demo.yaml", reports=reports, progress=lambda m: None)
    with pack_lock(reports, "demo"), pytest.raises(OutputError) as err:
        builder.run()
    assert "another build of this pack is running" in err.value.message
    assert str(os.getpid()) in err.value.message  # names the process holding it
    assert not (reports / "demo").exists() and not list(reports.glob(".staging-*"))
    with pack_lock(reports, "demo"):  # released when the holder is done
        pass


def test_lock_of_another_pack_does_not_block(tmp_path: Path) -> None:
    with pack_lock(tmp_path, "demo"), pack_lock(tmp_path, "demo-reviewer"):
        pass


class KernelError(Exception):
    """What papermill raises for an error inside a notebook: the kernel's exception name and message."""

    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(evalue)
        self.ename, self.evalue = ename, evalue


def test_full_disk_inside_a_notebook_counts_as_unwritable() -> None:
    from helpers.pack.execute import errno_of, kernel_unwritable, strerror_of

    full = KernelError("OSError", "[Errno 28] No space left on device: '/pack/data/ees.parquet'")
    assert kernel_unwritable(full) and errno_of(full) == 28 and strerror_of(full) == "No space left on device"
    assert kernel_unwritable(KernelError("OSError", "[Errno 30] Read-only file system: '/pack'"))
    # a notebook that cannot read an input is that input's problem, not the pack folder's
    assert not kernel_unwritable(KernelError("PermissionError", "[Errno 13] Permission denied: '/data/x.csv'"))
    assert not kernel_unwritable(KernelError("ZeroDivisionError", "division by zero"))
