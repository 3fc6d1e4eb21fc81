"""Shared fixtures. ``shared_dir`` is the ``../shared`` folder beside the repo (real DfE zips, fixtures)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from project_copy import copy_project  # noqa: F401 - re-exported for tests

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SEND_SHARED_DIR", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder; tests that need it skip cleanly when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (real DfE data and fixtures)")
    return SHARED


@pytest.fixture(scope="session")
def ees_2025(shared_dir: Path) -> Path:
    path = shared_dir / "ees" / "education-health-and-care-plans_2025.zip"
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture(scope="session")
def ees_2022(shared_dir: Path) -> Path:
    path = shared_dir / "ees" / "education-health-and-care-plans_2022.zip"
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo pack (public variant) built once per test session into a temporary reports folder."""
    from helpers.pack.build import Builder

    reports = tmp_path_factory.mktemp("reports")
    Builder(ROOT / "config" / "demo.yaml", reports=reports, progress=lambda m: None).run()
    return reports / "demo"


@pytest.fixture(scope="session")
def restricted_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helpers.pack.build import Builder

    reports = tmp_path_factory.mktemp("reports-restricted")
    Builder(ROOT / "config" / "demo.yaml", variant="restricted", reports=reports, pdf=False,
            progress=lambda m: None).run()
    return reports / "demo-restricted"


@pytest.fixture(scope="session")
def reviewer_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helpers.pack.build import Builder

    reports = tmp_path_factory.mktemp("reports-reviewer")
    Builder(ROOT / "config" / "demo.yaml", variant="reviewer", reports=reports, pdf=False,
            progress=lambda m: None).run()
    return reports / "demo-reviewer"
