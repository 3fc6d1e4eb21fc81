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


def _release_zip(shared_dir: Path, year: int) -> Path:
    path = shared_dir / "ees" / f"education-health-and-care-plans_{year}.zip"
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture(scope="session")
def ees_2025(shared_dir: Path) -> Path:
    return _release_zip(shared_dir, 2025)


@pytest.fixture(scope="session")
def ees_2022(shared_dir: Path) -> Path:
    return _release_zip(shared_dir, 2022)


def _build_demo(tmp_path_factory: pytest.TempPathFactory, variant: str, pdf: bool) -> Path:
    """Build one variant of the demo pack into a temporary reports folder; return the pack folder."""
    from helpers.pack.build import Builder

    reports = tmp_path_factory.mktemp(f"reports-{variant}")
    builder = Builder(ROOT / "config" / "demo.yaml", variant=variant, reports=reports, pdf=pdf, progress=lambda m: None)
    return builder.run().pack_dir


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo pack (public variant, with its PDF) built once per test session."""
    return _build_demo(tmp_path_factory, "public", pdf=True)


@pytest.fixture(scope="session")
def restricted_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_demo(tmp_path_factory, "restricted", pdf=False)


@pytest.fixture(scope="session")
def reviewer_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_demo(tmp_path_factory, "reviewer", pdf=False)
