"""Public, restricted and reviewer builds differ as the design says."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PAGES = ("index.html", "00_data_quality.html", "02_timeliness.html", "03_ep_workforce.html", "glossary.html")


def read(pack: Path, page: str) -> str:
    return (pack / page).read_text(encoding="utf-8")


def test_public_has_no_code_and_no_restricted_marking(demo_build: Path) -> None:
    for page in PAGES:
        text = read(demo_build, page)
        assert "Not for publication" not in text and '<details class="code-input">' not in text
        assert "page = open_page" not in text
    assert "What each choice would cost" not in read(demo_build, "03_ep_workforce.html")


def test_restricted_marks_every_page_and_keeps_exempt_cells(restricted_build: Path) -> None:
    for page in sorted(p.name for p in restricted_build.glob("*.html")):
        assert "Not for publication" in read(restricted_build, page), page
    assert "What each choice would cost" in read(restricted_build, "03_ep_workforce.html")
    assert '<details class="code-input">' not in read(restricted_build, "02_timeliness.html")


def test_reviewer_shows_code_folded(reviewer_build: Path) -> None:
    import re

    text = read(reviewer_build, "02_timeliness.html")
    assert '<details class="code-input">' in text
    assert "open_page(" in re.sub(r"<[^>]+>", "", text)  # the code is syntax-highlighted into spans
    assert "What each choice would cost" in read(reviewer_build, "03_ep_workforce.html")


def test_pdf_printed_with_front_page_first(demo_build: Path) -> None:
    import shutil
    import subprocess

    pdf = demo_build / "pack.pdf"
    if shutil.which("chromium") is None:
        pytest.skip("Chromium not installed: the build skips the PDF with a message")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert len(pages) > 8
    assert "SEND inspection-readiness summary" in pages[0]
    assert "Page 1 of" in pages[0] and "Synthetic demonstration data" in pages[0]
    assert text.index("inspection-readiness summary") < text.index("Data quality: what the pack is built from")
