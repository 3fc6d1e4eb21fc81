"""Therapies commissioning is commercial: the public demo pack names no provider and shows no price; the
restricted pack does (issue 16). Every published file is scanned: pages, CSV downloads, the executed notebooks,
the metrics and disclosure records, and the text inside the spreadsheet and Word files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from helpers.sources import therapies

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
#: Headers and captions that carry prices or provider-level spend (restricted build only).
PRICE_WORDS = ("Cost per hour (£)", "Cost per child a month (£)", "Spend by provider")
PAGE = "06_improvement_evidence.html"


def provider_names() -> list[str]:
    """Every provider named in the demo therapies return."""
    rows = therapies.read(ROOT / "data" / "demo" / "therapies_northby.csv")
    return sorted(set(rows["provider"]))


def published_text(pack: Path) -> dict[str, str]:
    """Each published file's text (HTML, CSV, JSON, notebooks; the XML inside .xlsx and .docx), by path."""
    out: dict[str, str] = {}
    for path in sorted(p for p in pack.rglob("*") if p.is_file()):
        name = str(path.relative_to(pack))
        if path.suffix in (".html", ".csv", ".json", ".ipynb", ".md", ".txt"):
            out[name] = path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as z:
                out[name] = "".join(z.read(m).decode("utf-8", "replace") for m in z.namelist()
                                    if m.endswith(".xml"))
    return out


def leaks(pack: Path) -> list[tuple[str, str]]:
    """(file, provider name or price word) for everything commercial found in the pack."""
    words = [*provider_names(), *PRICE_WORDS]
    return [(name, w) for name, text in published_text(pack).items() for w in words
            if w in text or w.replace("'", "&#x27;") in text or w.replace("'", "&#39;") in text]


def test_public_pack_has_no_provider_name_or_price(demo_build: Path) -> None:
    assert (demo_build / PAGE).exists()
    assert leaks(demo_build) == []


def test_restricted_pack_has_provider_names_and_prices(restricted_build: Path) -> None:
    found = leaks(restricted_build)
    page = {w for name, w in found if name == PAGE}
    assert set(PRICE_WORDS) <= page
    assert len(page - set(PRICE_WORDS)) >= 10  # the providers paid in the latest year
    assert any(name.startswith("downloads/06_improvement_evidence-therapy-providers") for name, _ in found)
