"""What a build must redo: cache keys per notebook, the hashes of every output, and ``.cache/keys.json``.

Each notebook has an execution key (its source, parameters, input hashes, the ``helpers`` source, its upstream
keys) and a render key (execution key + template + whether the PDF is printed). Keys from the last good build live
in ``<pack>/.cache/keys.json``; a notebook whose keys match is neither executed nor rendered again. The same file
records every output of the build with its SHA-256, and a build is "up to date" only when each one is still there
unchanged: a deleted or edited page is rendered again, a lost download, metrics file or table re-executes the
notebook that wrote it, a lost ``pack.pdf`` or workbook re-runs the finishing step. A ``keys.json`` that is not the
build's record (corrupt, truncated, edited) is discarded with a warning and the pack is built afresh.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.config import PackConfig
from helpers.pack.dag import SOURCE_NOTEBOOK, Task
from helpers.present.labels import page_file

CACHE = ".cache"
KEYS_FILE = "keys.json"
Progress = Callable[[str], None]


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read a megabyte at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def digest(*parts: str) -> str:
    """SHA-256 of ``parts`` joined by a separator no part holds."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def tree_hash(folder: Path, patterns: tuple[str, ...]) -> str:
    """Content hash of the files under ``folder`` matching ``patterns`` (names and bytes, sorted)."""
    h = hashlib.sha256()
    for pattern in patterns:
        for f in sorted(folder.rglob(pattern)):
            if "__pycache__" in f.parts or not f.is_file():
                continue
            h.update(str(f.relative_to(folder)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def helpers_root() -> Path:
    """The ``helpers`` package folder (its source is part of every execution key)."""
    return Path(__file__).resolve().parents[1]


def execution_keys(tasks: list[Task], cfg: PackConfig, variant: str, inputs: dict[str, str]) -> dict[str, str]:
    """Content key per notebook: source, parameters, inputs, helpers source, upstream keys."""
    code = tree_hash(helpers_root(), ("*.py",))
    config_text = cfg.source_path.read_bytes().decode("utf-8", "replace") if cfg.source_path else ""
    base = digest(code, config_text, variant, json.dumps(inputs, sort_keys=True))
    keys: dict[str, str] = {}
    for t in tasks:
        keys[t.name] = digest(base, sha256_file(t.path), *(keys[d] for d in t.depends_on))
    return keys


def render_keys(exec_keys: dict[str, str], pdf: bool) -> dict[str, str]:
    """Render key per notebook: its execution key, the templates and whether the pages link a PDF."""
    template = tree_hash(helpers_root() / "templates", ("*",))
    return {k: digest(v, template, str(pdf)) for k, v in exec_keys.items()}


def load_keys(pack_dir: Path, progress: Progress = print) -> dict[str, Any]:
    """The last good build's record (``.cache/keys.json``), or ``{}``; an unusable record is discarded with a
    warning (the build then starts afresh), never a traceback."""
    path = pack_dir / CACHE / KEYS_FILE
    if not path.exists():
        return {}
    try:
        keys = json.loads(path.read_text(encoding="utf-8"))
        problem = None if isinstance(keys, dict) else f"holds a JSON {type(keys).__name__}, not the build's record"
        if problem is None:
            bad = [k for k in ("execute", "render", "outputs") if not isinstance(keys.get(k, {}), dict)
                   or not all(isinstance(v, str) for v in keys.get(k, {}).values())]
            problem = f"its '{bad[0]}' entry is not a table of hashes" if bad else None
    except (OSError, ValueError) as exc:  # truncated or corrupt JSON, bytes that are not UTF-8, unreadable
        problem = f"cannot be read ({type(exc).__name__}: {str(exc)[:80]})"
    if problem is None:
        record: dict[str, Any] = keys
        return record
    progress(f"warning: {CACHE}/{KEYS_FILE} in {pack_dir.name} {problem}; discarded, so every page is built again")
    return {}


def output_hashes(pack: Path) -> dict[str, str]:
    """SHA-256 of every file of a built pack (outside ``.cache``), by path relative to the pack."""
    out = {}
    for f in sorted(pack.rglob("*")):
        rel = f.relative_to(pack)
        if rel.parts[0] != CACHE and f.is_file():
            out[rel.as_posix()] = sha256_file(f)
    return out


def output_owner(rel: str, names: set[str]) -> tuple[str, str | None]:
    """What to redo when an output is lost: ``("execute", nb)``, ``("render", nb)`` or ``("finish", None)``.

    Pages are rendered again from their executed notebook; an executed notebook, a metrics or disclosure record,
    a download (``<notebook>-<table>.csv``) or a shared table in ``data/`` (written by ``00_data_quality``) needs
    its notebook run again; the rest (glossary, print page, PDF, workbook, manifest) comes from finishing.
    """
    folder, _, file = rel.rpartition("/")
    stem = file.rsplit(".", 1)[0]
    if folder == "executed" and stem in names:
        return "execute", stem
    if folder == "data":
        m = re.fullmatch(r"(?:metrics|disclosure)_(.+)\.json", file)
        if m:
            return ("execute", m.group(1)) if m.group(1) in names else ("finish", None)
        return "execute", SOURCE_NOTEBOOK
    if folder == "downloads" and file.split("-", 1)[0] in names and "-" in file:
        return "execute", file.split("-", 1)[0]
    if folder == "":
        page = next((n for n in names if page_file(n) == file), None)
        if page is not None:
            return "render", page
    return "finish", None


def lost_outputs(pack_dir: Path, recorded: dict[str, str]) -> list[str]:
    """Outputs the last build recorded that are gone or changed since (sorted)."""
    lost = []
    for rel, want in sorted(recorded.items()):
        f = pack_dir / rel
        if not f.is_file() or sha256_file(f) != want:
            lost.append(rel)
    return lost


@dataclass
class Plan:
    """What one build redoes, worked out from the keys and the last good build's record."""

    execute: dict[str, str]
    render: dict[str, str]
    to_execute: set[str] = field(default_factory=set)
    to_render: set[str] = field(default_factory=set)
    finish: bool = False
    lost: list[str] = field(default_factory=list)

    def nothing_to_do(self, previous: dict[str, Any], variant: str, formats: Iterable[str]) -> bool:
        """True when the last good build is this one: same keys, variant and formats, every output intact."""
        return not (self.to_execute or self.to_render or self.finish) and previous.get("variant") == variant \
            and previous.get("formats", sorted(formats)) == sorted(formats)

    def record(self, pack: Path, variant: str, formats: Iterable[str]) -> None:
        """Write ``.cache/keys.json``: the keys, variant, formats and the hash of every output now in ``pack``."""
        (pack / CACHE / KEYS_FILE).write_text(json.dumps(
            {"variant": variant, "execute": self.execute, "render": self.render,
             "formats": sorted(formats), "outputs": output_hashes(pack)}, indent=2, sort_keys=True))


def plan(tasks: list[Task], pack_dir: Path, exec_keys: dict[str, str], rend_keys: dict[str, str],
         previous: dict[str, Any]) -> Plan:
    """The notebooks to execute and render again, and whether the finishing step runs (module docstring)."""
    prev_exec, prev_render = previous.get("execute", {}), previous.get("render", {})
    out = Plan(exec_keys, rend_keys)
    out.to_execute = {t.name for t in tasks if prev_exec.get(t.name) != exec_keys[t.name]
                      or not (pack_dir / "executed" / f"{t.name}.ipynb").exists()}
    out.to_render = {t.name for t in tasks if t.name in out.to_execute or prev_render.get(t.name) != rend_keys[t.name]}
    out.finish = "outputs" not in previous  # no record of the outputs (first build, or an older record): make one
    if previous and not out.finish:
        out.lost = lost_outputs(pack_dir, previous["outputs"])
        for rel in out.lost:
            kind, name = output_owner(rel, {t.name for t in tasks})
            out.finish = True
            if name is not None and kind == "execute":
                out.to_execute.add(name)
            if name is not None:
                out.to_render.add(name)
    return out
