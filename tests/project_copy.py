"""Throwaway copies of the project for tests that change inputs, notebooks or configs."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(dest: Path) -> Path:
    """A throwaway copy of the project's notebooks, configs and demo data (the package itself is installed)."""

    for name in ("notebooks", "config", "data/demo", "data/reference"):
        src = ROOT / name
        if src.exists():
            shutil.copytree(src, dest / name)
    shutil.copy2(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest
