"""pack.docx and cover-report.docx from rendered pages: headings, alt text, repeating header rows, labels."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image

from helpers.pack import cover_report
from helpers.present import docx_pack
from helpers.config import load_pack

ROOT = Path(__file__).resolve().parents[2]


def png() -> str:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def page(title: str, body: str) -> str:
    return (f'<html><head><title>{title}</title></head><body><header><p>Site header</p><nav>Navigation</nav></header>'
            f'<main id="main-content"><h1>{title}</h1>{body}</main>'
            '<footer><p>Built 1 July 2025 09:00 UTC by SEND Evidence Pack 0.1.0 from ees. Provenance: manifest.json.'
            '</p><p>Downloads</p></footer></body></html>')


@pytest.fixture()
def pack(tmp_path: Path) -> Path:
    figure = (f'<figure class="chart"><figcaption class="chart-title">Requests rose by a third</figcaption>'
              f'<img src="data:image/png;base64,{png()}" alt="Line chart of requests rising from 100 to 133">'
              '<p class="chart-note">Shaded band: likely range.</p>'
              '<details class="chart-data"><summary>Show the data</summary><table><caption>Data for: chart</caption>'
              '<thead><tr><th>Year</th><th>Requests</th></tr></thead><tbody><tr><td>2024</td><td>HIDDEN-IN-DETAILS'
              '</td></tr></tbody></table></details></figure>')
    table = ('<table class="data-table"><caption>Scorecard table <a href="downloads/x.csv">Download (CSV)</a></caption>'
             '<thead><tr><th scope="col">Area</th><th scope="col">Latest</th></tr></thead><tbody>'
             + "".join(f'<tr><th scope="row">Area {i}</th><td class="num">{i}</td></tr>' for i in range(40))
             + "</tbody></table>")
    (tmp_path / "index.html").write_text(page("Summary", '<p class="headline">Northby: 1 of 6 on target.</p>'
                                              "<h2>Key messages</h2><ul><li>First <strong>message</strong></li>"
                                              "<li>Second</li></ul>" + table), encoding="utf-8")
    (tmp_path / "01_request_growth.html").write_text(page("Requests", "<h2>Past</h2><p>Text.</p>" + figure),
                                                     encoding="utf-8")
    (tmp_path / "glossary.html").write_text(page("Glossary", "<dl><dt>EP: Educational Psychologist</dt>"
                                                 "<dd>A psychologist.</dd></dl>"), encoding="utf-8")
    (tmp_path / "data").mkdir()
    return tmp_path


#: The running header of the demo's public documents.
HEADER = "Northby · data to 30 September 2025 · Synthetic demonstration data · Public version"
TASKS = [SimpleNamespace(name="01_request_growth"), SimpleNamespace(name="08_inspection_readiness")]


def test_pack_docx_structure(pack: Path) -> None:
    cfg = load_pack(ROOT / "config" / "demo.yaml")
    doc = docx.Document(str(docx_pack.write(pack, cfg, "public", TASKS)))
    styled = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert styled == [("Title", cfg.title), ("Heading 1", "Summary"), ("Heading 2", "Key messages"),
                      ("Heading 1", "Requests"), ("Heading 2", "Past"), ("Heading 1", "Glossary"),
                      ("Heading 2", "About this document")]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "First message" in text and "Shaded band: likely range." in text
    assert "HIDDEN-IN-DETAILS" not in text and "Navigation" not in text and "Site header" not in text
    assert not any("HIDDEN-IN-DETAILS" in c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Built 1 July 2025 09:00 UTC" in doc.paragraphs[-2].text  # provenance line at the end
    descr = [d.get("descr") for d in doc.element.body.iter(qn("wp:docPr"))]
    assert descr == ["Line chart of requests rising from 100 to 133"]
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == ["Area", "Latest"] and len(table.rows) == 41
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows[1:])
    assert len(doc.sections) == 3  # one per page
    for section in doc.sections:
        assert not section.header.is_linked_to_previous
        assert section.header.paragraphs[0].text == HEADER


def test_restricted_label_and_plain_public(pack: Path) -> None:
    cfg = load_pack(ROOT / "config" / "demo.yaml")
    doc = docx.Document(str(docx_pack.write(pack, cfg, "restricted", TASKS)))
    assert {s.header.paragraphs[0].text for s in doc.sections} == {
        "Northby · data to 30 September 2025 · Synthetic demonstration data · Restricted version · NOT FOR PUBLICATION"}
    real = cfg.model_copy(update={"synthetic": False})
    doc = docx.Document(str(docx_pack.write(pack, real, "public", TASKS)))
    # no synthetic label where none applies: the running header (council, period, variant) as in the PDF
    assert {s.header.paragraphs[0].text for s in doc.sections} == {
        "Northby · data to 30 September 2025 · Public version"}
    assert "Synthetic" not in "\n".join(p.text for p in doc.paragraphs)


def test_wide_table_gets_a_landscape_section(pack: Path) -> None:
    from docx.enum.section import WD_ORIENT

    head = "".join(f"<th>Column {i}</th>" for i in range(9))
    (pack / "index.html").write_text(page("Summary", f"<table><thead><tr>{head}</tr></thead><tbody><tr>"
                                          + "<td>x</td>" * 9 + "</tr></tbody></table><p>After.</p>"), encoding="utf-8")
    cfg = load_pack(ROOT / "config" / "demo.yaml")
    doc = docx.Document(str(docx_pack.write(pack, cfg, "public", TASKS)))
    orient = [s.orientation for s in doc.sections]
    assert orient[:3] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert doc.sections[1].page_width > doc.sections[1].page_height
    assert all(s.header.paragraphs[0].text == HEADER for s in doc.sections)


def test_cover_report_sections_and_figures(pack: Path) -> None:
    cfg = load_pack(ROOT / "config" / "demo.yaml")
    card = {"period_end": "2025-09-30", "headline": "Northby at 30 September 2025: 1 of 2 action-plan areas is on "
            "target.", "areas": [
                {"id": "A1", "measure": "New plans within 20 weeks", "unit": "%", "latest": 43.5,
                 "latest_text": "43.5%", "period": "2024", "rag": "Amber", "target_text": "60.0%"},
                {"id": "A3", "measure": "Open past 20 weeks", "unit": "count", "latest": 3,
                 "latest_text": "fewer than 5",
                 "period": "30 Sep 2025", "rag": "Green", "target_text": "25"}]}
    (pack / "data" / "scorecard.json").write_text(json.dumps(card), encoding="utf-8")
    doc = docx.Document(str(cover_report.write(pack, cfg, "public")))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads == ["SEND evidence pack: period to 30 September 2025", "1. Purpose of the report",
                     "2. Recommendations", "3. Key figures", "4. Changes since the last report", "5. The full pack"]
    rows = [[c.text for c in r.cells] for r in doc.tables[1].rows]
    assert rows[1] == ["New plans within 20 weeks", "No earlier pack", "43.5% (2024)", "60.0%",
                       "Amber: not met yet, moving towards it"]
    assert rows[2][2] == "fewer than 5 (30 Sep 2025)"
    assert doc.tables[1].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    links = [r.target_ref for r in doc.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert links == ["index.html", "pack.docx", "downloads/all-tables.xlsx"]  # no PDF was printed here
    assert doc.sections[0].header.paragraphs[0].text == HEADER


def test_unknown_format_is_one_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    from helpers.pack import cli

    assert cli.main(["build", str(ROOT / "config" / "demo.yaml"), "--formats", "html,odt"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--formats" in err and "odt" in err and "html, pdf, docx, xlsx" in err
