"""The demo's Word versions: pack.docx and cover-report.docx read back with python-docx and opened by LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import lxml.html
import pytest
from docx.oxml.ns import qn

from test_privacy import exempt_phrases

pytestmark = pytest.mark.slow


def all_text(doc: docx.document.Document) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_pack_docx_headings_alt_text_and_labels(demo_build: Path) -> None:
    doc = docx.Document(str(demo_build / "pack.docx"))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    titles = [re.search(r"<h1[^>]*>(.*?)</h1>", (demo_build / page).read_text(encoding="utf-8"), re.S).group(1)
              for page in ("index.html", "00_data_quality.html", "02_timeliness.html", "glossary.html")]
    assert h1[0] == "SEND inspection-readiness summary" and h1[-1] == "Glossary"
    assert all(re.sub(r"<[^>]+>", "", t).strip() in h1 for t in titles)
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert {"Key messages", "Action-plan scorecard", "Since the last pack"} <= set(h2)
    # every chart of every page, each with its alt text from the page
    page_alts = []
    for page in ["index.html"] + sorted(p.name for p in demo_build.glob("0*.html")):
        tree = lxml.html.fromstring((demo_build / page).read_bytes())
        page_alts += [img.get("alt") for img in tree.xpath("//main//img[starts-with(@src, 'data:image/png')]")]
    descr = [d.get("descr") for d in doc.element.body.iter(qn("wp:docPr"))]
    assert len(descr) == len(page_alts) >= 5 and all(len(d.split()) >= 6 for d in descr)
    assert descr == page_alts  # in reading order
    for section in doc.sections:
        assert section.header.paragraphs[0].text == (
            "Northby · data to 30 September 2025 · Synthetic demonstration data · Public version")
    scorecard = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Why this status")
    assert scorecard.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert "SEND Evidence Pack" in doc.paragraphs[-2].text and "manifest.json" in doc.paragraphs[-2].text
    assert ".staging-" not in all_text(doc) and "PosixPath" not in all_text(doc)  # no build paths leak in


def test_no_exempt_text_in_the_public_document(demo_build: Path, restricted_build: Path) -> None:
    phrases, _ = exempt_phrases(restricted_build)
    public = all_text(docx.Document(str(demo_build / "pack.docx")))
    restricted_doc = docx.Document(str(restricted_build / "pack.docx"))
    restricted = all_text(restricted_doc)
    assert len(phrases) >= 3
    assert [p for p in phrases if p in public] == []
    assert any(p in restricted for p in phrases)  # the check can fail: the restricted document has them
    assert "What each choice would cost" in restricted and "What each choice would cost" not in public
    for section in restricted_doc.sections:
        assert "NOT FOR PUBLICATION" in section.header.paragraphs[0].text


def test_libreoffice_opens_both_documents(demo_build: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed")
    profile = (tmp_path / "profile").as_uri()
    proc = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(demo_build / "pack.docx"),
                           str(demo_build / "cover-report.docx")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in ("pack.pdf", "cover-report.pdf"):
        assert (tmp_path / name).read_bytes().startswith(b"%PDF"), name
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils not installed")
    pages = {name: int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(tmp_path / name)],
                                 capture_output=True, text=True).stdout).group(1))
             for name in ("pack.pdf", "cover-report.pdf")}
    assert pages["cover-report.pdf"] == 1 and pages["pack.pdf"] > 20
    text = subprocess.run(["pdftotext", str(tmp_path / "pack.pdf"), "-"], capture_output=True, text=True).stdout
    assert text.index("Key messages") < text.index("Since the last pack") < text.index("Glossary")
    assert text.count("Synthetic demonstration data") >= pages["pack.pdf"]  # the header on every page
