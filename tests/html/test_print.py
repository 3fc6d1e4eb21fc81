"""The built demo pack as a reader of the PDF meets it, and what the public folder must never hold.

Checks the printed ``pack.pdf`` (poppler's ``pdftotext`` reads it back): a contents page whose page numbers are
where each section really starts, the running header (council, period, variant) on every sheet, no ``file://``
links; the reviewer build marked "Not for publication" on every page; no absolute path of the build machine in
any public file; the glossary both ways (every abbreviation a page uses is defined, every term the glossary page
defines is used on a page); a hostile ``javascript:`` link in the config rendered as text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import lxml.html
import pytest
from project_copy import copy_project

from helpers.present import glossary
from helpers.pack import cli, links

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def pdf_pages(pdf: Path, layout: bool = False) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    if not pdf.exists():
        pytest.skip("Chromium not installed: the build skips the PDF")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- the PDF ---------------------------------------------------------------------------------------------


def test_contents_page_numbers_are_where_each_section_starts(demo_build: Path):
    pages = pdf_pages(demo_build / "pack.pdf")
    doc = lxml.html.fromstring((demo_build / "print.html").read_bytes())
    entries = [(li.findtext(".//span[@class='toc-title']"), li.findtext(".//span[@class='toc-page']"))
               for li in doc.xpath("//ol[@class='toc']/li")]
    assert len(entries) == 11 and entries[0][0] == "SEND inspection-readiness summary" and entries[-1][0] == "Glossary"
    assert "Contents" in pages[0]
    previous = 1
    for title, number in entries:
        assert number and number.isdigit(), (title, number)
        page = int(number)
        assert page > previous, (title, page)
        # the section's title is the first thing on that sheet after the running header (checked independently
        # of render.section_pages: header lines dropped by their text)
        lines = [ln for ln in pages[page - 1].splitlines() if ln.strip()]
        body = _norm(" ".join(ln for ln in lines if "data to 30 September 2025" not in ln
                              and ln.strip() not in ("Public version", "Synthetic demonstration data")))
        assert body.startswith(_norm(title)), (title, page, body[:120])
        previous = page
    # the printed contents page shows the same numbers
    toc = _norm(pages[0])
    for title, number in entries:
        assert f"{_norm(title)} {number}" in toc


def test_running_header_on_every_sheet(demo_build: Path):
    """The first printed line of every sheet (``pdftotext -layout`` keeps the margin boxes on one line) names
    the council, the period, the variant and that the data are synthetic; the last says which page it is."""
    pages = pdf_pages(demo_build / "pack.pdf", layout=True)
    assert len(pages) > 8
    for i, page in enumerate(pages, 1):
        lines = [ln for ln in page.splitlines() if ln.strip()]
        assert re.fullmatch(r"\s*Northby · data to 30 September 2025\s+Synthetic demonstration data\s+"
                            r"Public version\s*", lines[0]), (i, lines[0])
        assert lines[-1].strip() == f"Page {i} of {len(pages)}", i


def test_pdf_links_are_internal_or_https(demo_build: Path):
    pdf = demo_build / "pack.pdf"
    pdf_pages(pdf)
    raw = pdf.read_bytes()
    assert b"file:" not in raw
    uris = re.findall(rb"/URI \(([^)]*)\)", raw)
    assert all(u.startswith(b"https://") for u in uris), uris[:5]
    # links between pages are links between sections of the print document (the PDF's internal links)
    doc = lxml.html.fromstring((demo_build / "print.html").read_bytes())
    hrefs = [a.get("href") for a in doc.iter("a") if a.get("href")]
    ids = set(doc.xpath("//@id"))
    assert not [h for h in hrefs if ".html" in h]
    assert sum(h.startswith("#page-") for h in hrefs) >= 8 and all(h[1:] in ids for h in hrefs if h[0] == "#")


# --- reviewer marking ------------------------------------------------------------------------------------


def test_reviewer_build_marked_not_for_publication_on_every_page(reviewer_build: Path):
    pages = sorted(reviewer_build.glob("*.html"))
    assert len(pages) >= 9
    for page in pages:
        doc = lxml.html.fromstring(page.read_bytes())
        banner = doc.xpath("//div[contains(@class,'banner-restricted')]")
        assert banner and "Not for publication" in banner[0].text_content(), page.name
    print_page = (reviewer_build / "print.html").read_text(encoding="utf-8")
    assert "NOT FOR PUBLICATION" in print_page.split("</head>", 1)[0]  # in the margin of every printed sheet


# --- machine paths ---------------------------------------------------------------------------------------


def public_texts(pack: Path) -> dict[str, str]:
    """Every file of the public pack as text: HTML, CSV, JSON, notebooks, the workbook's XML and the PDF's text
    and raw bytes."""
    out = {}
    for f in sorted(pack.rglob("*")):
        if not f.is_file():
            continue
        rel = str(f.relative_to(pack))
        if f.suffix == ".xlsx":
            with zipfile.ZipFile(f) as z:
                out[rel] = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        elif f.suffix == ".pdf":
            out[rel] = f.read_bytes().decode("latin-1") + " ".join(pdf_pages(f))
        elif f.suffix in (".parquet", ".png"):
            out[rel] = f.read_bytes().decode("latin-1")
        else:
            out[rel] = f.read_text(encoding="utf-8", errors="replace")
    return out


def test_no_absolute_build_path_in_any_public_file(demo_build: Path):
    """The project root and the reports folder (where the staging folder was) appear in no published file:
    a84b52b left them in the executed notebooks' metadata and injected parameters and in the PDF's links."""
    roots = {str(ROOT), str(demo_build.resolve().parent)}
    found = {rel: sorted(r for r in roots if r in text) for rel, text in public_texts(demo_build).items()}
    found = {k: v for k, v in found.items() if v}
    assert found == {}
    assert (demo_build / "executed").is_dir() and list((demo_build / "executed").glob("*.ipynb"))


# --- glossary both ways ----------------------------------------------------------------------------------


def test_glossary_both_ways_on_the_built_pack(demo_build: Path):
    """The glossary page lists exactly the terms the other pages use, plus those its own shown definitions use:
    every abbreviation on any page is defined, and every term defined is used somewhere in the pack."""
    used = " ".join(glossary.page_text(p.read_text(encoding="utf-8"))
                    for p in sorted(demo_build.glob("*.html")) if p.name not in ("glossary.html", "print.html"))
    doc = lxml.html.fromstring((demo_build / "glossary.html").read_bytes())
    entries = {}  # term as shown -> its expansion and definition
    for dt in doc.xpath("//dl[@class='glossary']/dt"):
        term = dt.findtext("abbr") if dt.find("abbr") is not None else dt.text_content().strip()
        entries[term] = dt.text_content() + " " + dt.getnext().text_content()
    shown = set(entries)
    # closure: terms the pages use, then terms the definitions of those use, until nothing new is needed
    alias = {"SENCO": "SENCo", "SENCo": "SENCO"}  # one entry for both spellings

    def as_shown(terms: set[str]) -> set[str]:
        return {alias[t] if t not in shown and alias.get(t) in shown else t for t in terms}

    needed = as_shown(glossary.find_abbreviations(used) | glossary.find_phrases(used))
    while True:
        more = set()
        for t in needed & shown:
            text = entries[t]
            more |= glossary.find_abbreviations(text) | glossary.find_phrases(text)
        more = as_shown(more) - needed
        if not more:
            break
        needed |= more
    assert needed - shown == set(), "used in the pack but not on the glossary page"
    assert shown - needed == set(), "on the glossary page but used nowhere in the pack"
    assert {"percentage point", "funnel plot"} <= shown
    assert not {"BOM", "NaN", "UTF", "PNG"} & shown


# --- hostile links from the config -----------------------------------------------------------------------


HOSTILE = "javascript:alert(document.domain)//"


@pytest.fixture(scope="module")
def hostile_links_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("links") / "project")
    cfg = project / "config" / "demo.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert "    evidence: 02_timeliness" in text
    cfg.write_text(text.replace("    evidence: 02_timeliness", f'    evidence: "{HOSTILE}"', 1), encoding="utf-8")
    assert cli.main(["build", str(cfg), "--no-pdf", "--only", "08_inspection_readiness"]) == 0
    return project / "reports" / "demo"


def test_config_javascript_link_rendered_as_text(hostile_links_pack: Path):
    pages = sorted(hostile_links_pack.glob("*.html"))
    assert {"index.html", "print.html"} <= {p.name for p in pages}
    allowed = [p.name for p in pages]
    for page in pages:
        doc = lxml.html.fromstring(page.read_bytes())
        hrefs = [a.get("href") for a in doc.xpath("//a[@href] | //area[@href]")]
        assert not [h for h in hrefs if "script:" in h.lower()], page.name
        bad = [h for h in hrefs if not (links.allowed_href(h, allowed) or page.name == "print.html")]
        assert bad == [], page.name


@pytest.mark.slow
def test_every_link_in_the_demo_pack_is_on_the_allow_list(demo_build: Path):
    allowed = [p.name for p in demo_build.glob("*.html")]
    bad = {}
    for page in sorted(demo_build.glob("*.html")):
        doc = lxml.html.fromstring(page.read_bytes())
        hrefs = [a.get("href") for a in doc.xpath("//a[@href]")]
        refused = [h for h in hrefs if not links.allowed_href(h, allowed)]
        if refused:
            bad[page.name] = refused
    assert bad == {}
