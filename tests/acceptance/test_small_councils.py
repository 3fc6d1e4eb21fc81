"""The Isles of Scilly pack builds from the real DfE zips (issue 22), with forecast ranges it can believe.

Its requests 2016–2024 are 1, 1, 1, 0, 2, 3, 1, 8, 2: the old back-test's trend fit refused the zero year (exit 1),
and the old 2027 95% upper limit was 42,257 requests. Skipped without ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from project_copy import copy_project

pytestmark = [pytest.mark.real_data, pytest.mark.slow]


def test_isles_of_scilly_builds_with_bounded_ranges(tmp_path: Path, ees_2025: Path, ees_2022: Path) -> None:
    from helpers.pack import cli

    project = copy_project(tmp_path / "project")
    text = (project / "config" / "kent.example.yaml").read_text()
    text = text.replace("data/raw/education-health-and-care-plans_2025.zip", str(ees_2025))
    text = text.replace("data/raw/education-health-and-care-plans_2022.zip", str(ees_2022))
    text = text.replace('old_code: "886"', 'old_code: "420"').replace("  name: Kent", "  name: Isles of Scilly")
    text = text.replace("pack: kent", "pack: scilly")
    config = project / "config" / "scilly.yaml"
    config.write_text(text)
    assert cli.main(["build", str(config), "--no-pdf", "--jobs", "1"]) == 0
    pack = project / "reports" / "scilly"
    forecast = json.loads((pack / "data" / "metrics_01_request_growth.json").read_text())["requests_forecast_next_year"]
    assert forecast["upper_95"] <= 16  # twice the highest year published (8 in 2023)
    page = (pack / "01_request_growth.html").read_text()
    assert "capped at 16, twice the highest year published" in page
