"""Provenance: ``manifest.json`` records what a pack was built from, so a reviewer can reproduce it."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata as md
import json
import platform
import subprocess
import sys
from pathlib import Path
from collections.abc import Iterable

from helpers import __version__
from helpers.config import PackConfig
from helpers.pack.dag import Task
from helpers.pages.assumptions import is_commercial

#: Packages whose versions are recorded (the analysis stack); everything else is in the lock file.
KEY_PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "pandera", "pyarrow", "matplotlib", "seaborn",
                "afcharts", "papermill", "nbconvert", "nbformat", "nbclient", "ipykernel", "lxml", "pydantic",
                "gptables", "PyYAML")


@functools.lru_cache(maxsize=8)
def git_state(root: Path | None) -> tuple[str | None, bool]:
    """(commit, dirty) of the project checkout, or (None, False) outside git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10, check=False).stdout.strip() or None
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None, False
    return commit, bool(status.strip())


def package_versions(names: Iterable[str] = KEY_PACKAGES) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "not installed"
    return out


def write(pack: Path, cfg: PackConfig, variant: str, tasks: Iterable[Task], inputs: dict[str, str],
          started: dt.datetime, durations: dict[str, float]) -> Path:
    """Write ``<pack>/manifest.json``: code version, config, parameters, input hashes, packages, times."""
    commit, dirty = git_state(cfg.root)
    root = cfg.root or Path.cwd()

    def where(path: str | Path) -> str:
        """A path as the manifest shows it: relative to the project root, or only the file's name when it lies
        outside (a published manifest names no folder of the build machine)."""
        path_ = Path(path)
        if not path_.is_absolute():  # the build's keys are already relative to the project root
            return str(path_)
        return str(path_.relative_to(root)) if path_.is_relative_to(root) else path_.name

    def rel(p: str) -> str:
        role, _, path = p.partition(":")
        return f"{role}:{where(path)}"

    previous = {}
    old = pack / "manifest.json"
    if old.exists():
        previous = json.loads(old.read_text(encoding="utf-8")).get("notebook_seconds", {})
    manifest = {
        "pack": cfg.pack,
        "variant": variant,
        "code": {"version": __version__, "git_commit": commit, "git_dirty": dirty},
        "config_file": where(cfg.source_path) if cfg.source_path else None,
        "config": json.loads(cfg.model_dump_json(exclude={"source_path", "root"})),
        "parameters": {t.name: {"pack_config": "<config_file>", "artefacts": "<pack>/data", "variant": variant}
                       for t in tasks},
        "inputs_sha256": {rel(k): v for k, v in sorted(inputs.items())},
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "notebook_seconds": {**previous, **durations},
        "executed_this_build": sorted(durations),
    }
    if variant == "public":  # commercial assumptions (Schedule 12A) stay out of the public pack
        withheld = sorted(k for k, a in cfg.assumptions.items() if is_commercial(k, a))
        manifest["config"]["assumptions"] = {k: v for k, v in manifest["config"]["assumptions"].items()
                                             if k not in withheld}
        manifest["withheld_assumptions"] = withheld
    config_paths = manifest["config"]["inputs"]
    for key, value in config_paths.items():
        if isinstance(value, list):
            config_paths[key] = [where(v) for v in value]
        elif value:
            config_paths[key] = where(value)
    old.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return old
