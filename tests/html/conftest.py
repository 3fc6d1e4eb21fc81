"""HTML quality gates: a closing summary (pages checked, axe rules run, screenshots) after the test session."""

from __future__ import annotations

from pathlib import Path

import pytest

SUMMARY = pytest.StashKey[dict[str, str]]()


@pytest.fixture(scope="session")
def html_summary(pytestconfig: pytest.Config) -> dict[str, str]:
    """Lines for the closing summary; tests add ``{label: text}`` as they measure things."""
    return pytestconfig.stash.setdefault(SUMMARY, {})


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests here that need the built demo pack are ``slow`` (``make test-fast`` leaves them out); the stylesheet
    and palette contrast checks need no build and stay fast."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents and "demo_build" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    lines = config.stash.get(SUMMARY, {})
    if lines:
        terminalreporter.write_sep("-", "HTML quality gates")
        for label, text in lines.items():
            terminalreporter.write_line(f"{label}: {text}")
