"""Building the demo pack twice from scratch gives the same bytes: data, metrics, downloads, charts and pages.

The only thing allowed to differ is the "Built <date> <time> UTC" sentence in every page's footer (and the
files that record the build itself: the executed notebooks, the manifest and the PDF, which are not compared).
Sources of difference fixed so far: the workbook's "created" property (``helpers.present.spreadsheet._CREATED``) and the
random nbformat cell id of the glossary page (``helpers.pack.render.standalone_page``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.pack.build import Builder

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BUILT_AT = re.compile(r"Built \d{1,2} \w+ \d{4} \d{2}:\d{2}")
PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")


@pytest.fixture(scope="module")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = tmp_path_factory.mktemp("reports-again")
    # the same settings as the session fixture `demo_build` (pdf on: pages link the PDF only when it is printed)
    Builder(ROOT / "config" / "demo.yaml", reports=reports, force=True, progress=lambda m: None).run()
    return reports / "demo"


def files(pack: Path, pattern: str) -> dict[str, bytes]:
    return {str(p.relative_to(pack)): p.read_bytes() for p in sorted(pack.glob(pattern)) if p.is_file()}


def test_data_and_metrics_identical(demo_build: Path, second_build: Path) -> None:
    first, second = files(demo_build, "data/*"), files(second_build, "data/*")
    assert any(name.endswith(".parquet") for name in first) and any(n.startswith("data/metrics_") for n in first)
    assert first.keys() == second.keys()
    assert [n for n in first if first[n] != second[n]] == []


def test_downloads_identical(demo_build: Path, second_build: Path) -> None:
    """CSVs and the spreadsheet (its created date is fixed) are the same bytes."""
    first, second = files(demo_build, "downloads/*"), files(second_build, "downloads/*")
    assert "downloads/all-tables.xlsx" in first and any(n.endswith(".csv") for n in first)
    assert first.keys() == second.keys()
    assert [n for n in first if first[n] != second[n]] == []


def test_charts_identical(demo_build: Path, second_build: Path) -> None:
    pages = sorted(p.name for p in demo_build.glob("*.html"))
    assert pages == sorted(p.name for p in second_build.glob("*.html"))
    charts = 0
    for page in pages:
        first = PNG.findall((demo_build / page).read_text(encoding="utf-8"))
        second = PNG.findall((second_build / page).read_text(encoding="utf-8"))
        assert len(first) == len(second), page
        assert [i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b] == [], page
        charts += len(first)
    assert charts >= 5


def test_pages_identical_apart_from_build_time(demo_build: Path, second_build: Path) -> None:
    pages = sorted(p.name for p in demo_build.glob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        first = (demo_build / page).read_text(encoding="utf-8")
        second = (second_build / page).read_text(encoding="utf-8")
        assert len(BUILT_AT.findall(first)) == 1, page  # the one line normalised below is really there
        first, second = BUILT_AT.sub("Built <time>", first), BUILT_AT.sub("Built <time>", second)
        if first != second:
            diff = next(i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b)
            pytest.fail(f"{page} differs at character {diff}: {first[diff - 80:diff + 80]!r} vs "
                        f"{second[diff - 80:diff + 80]!r}")
