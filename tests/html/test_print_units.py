"""The print and page-finishing mechanics, without a build: summaries in whole sentences, the link allow-list,
the running header, contents page numbers, headings kept with what follows, Chromium's no-network flags, machine
paths, chart end labels and the Kent example's neighbours."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import matplotlib.pyplot as plt
import pytest
import yaml

from helpers.present import chart, labels, style
from helpers.pack import front_matter, links, pdf, print_page, render
from helpers.config import load_pack

ROOT = Path(__file__).resolve().parents[2]


# --- "Pages in this pack" summaries ------------------------------------------------------------------------


def test_summaries_are_whole_sentences_from_the_notebooks():
    """Each notebook's summary on the front page is the start of its opening paragraph, cut only at a sentence
    end (a84b52b took the first source line, e.g. "... if the council agrees,")."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        title, summary = front_matter.heading_and_summary(path)
        nb = json.loads(path.read_text(encoding="utf-8"))
        first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
        source = first["source"] if isinstance(first["source"], str) else "".join(first["source"])
        paragraph = re.sub(r"[*_`]", "", front_matter.first_paragraph([ln.strip() for ln in source.splitlines()]))
        assert summary, path.name
        assert summary[-1] in ".!?", (path.name, summary)
        assert summary in paragraph, path.name
        assert paragraph.startswith(summary) or summary.startswith("This page"), path.name


def test_summary_sentences_hand_examples():
    text = ("Families ask for an assessment, e.g. by letter. If the council agrees,\nit assesses. "
            + "More words here. " * 20)
    assert front_matter.summary_sentences(text.replace("\n", " "), limit=60) == (
        "Families ask for an assessment, e.g. by letter.")
    assert front_matter.summary_sentences(text + "This page shows growth. " + "More words here. " * 5, limit=60) == (
        "This page shows growth. More words here. More words here.")
    assert front_matter.summary_sentences("One sentence only without a stop") == "One sentence only without a stop"
    assert front_matter.summary_sentences('People ask "how do we compare?". This page compares us. It is short.') == (
        "This page compares us. It is short.")
    assert front_matter.summary_sentences("See [the DfE release](https://x.gov.uk). Then more.", limit=20) == (
        "See the DfE release.")


# --- links -----------------------------------------------------------------------------------------------


PAGES = ["index.html", "02_timeliness.html"]


@pytest.mark.parametrize("href", [
    "javascript:alert(document.domain)//", "javascript:alert(document.domain)//.html", "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)", "&#106;avascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd", "http://example.com/", "//example.com/x", "/etc/passwd", "../other/index.html",
    "vbscript:msgbox(1)", "03_unknown.html", "downloads/../../x.csv", "mailto:a@b.c", "https:evil",
])
def test_links_outside_the_allow_list_are_refused(href):
    assert not links.allowed_href(href, PAGES)


@pytest.mark.parametrize("href", [
    "index.html", "02_timeliness.html", "02_timeliness.html#spc", "#main-content", "glossary.html#term-dfe",
    "downloads/all-tables.xlsx", "downloads/02_timeliness-spc.csv", "manifest.json", "pack.pdf",
    "https://explore-education-statistics.service.gov.uk/find-statistics/education-health-and-care-plans",
])
def test_pack_pages_files_and_https_links_are_allowed(href):
    assert links.allowed_href(href, PAGES)


def test_refused_links_become_text():
    body = ('<p><a href="javascript:alert(document.domain)//.html" class="x">Evidence</a> and '
            "<a href='02_timeliness.html'>timeliness</a> and <a href=java&#x09;script:alert(1)>y</a></p>")
    out = links.safe_links(body, PAGES)
    assert "javascript" not in out.lower() and "java&#x09;script" not in out
    assert '<a class="x">Evidence</a>' in out and "<a href='02_timeliness.html'>timeliness</a>" in out


def test_print_links_point_inside_the_document():
    inner = ('<a href="02_timeliness.html#spc">t</a> <a href="downloads/a.csv">csv</a> '
             '<a href="manifest.json">m</a> <a href="https://www.gov.uk/">g</a> <a href="#x">x</a>')
    root = lxml.html.fragment_fromstring(inner, create_parent="div")
    print_page.print_links(root, {"02_timeliness.html": "page-02_timeliness"})
    out = lxml.html.tostring(root, encoding="unicode")[len("<div>"):-len("</div>")]
    assert out == ('<a href="#page-02_timeliness">t</a> <a>csv</a> <a>m</a> <a href="https://www.gov.uk/">g</a> '
                   '<a href="#x">x</a>')


# --- running header and variants -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_cfg():
    return load_pack(ROOT / "config" / "demo.yaml")


@pytest.mark.parametrize("variant, marked", [("public", False), ("restricted", True), ("reviewer", True)])
def test_running_header_names_council_period_and_variant(demo_cfg, variant, marked):
    header = labels.running_header(demo_cfg, variant)
    assert header["left"] == "Northby · data to 30 September 2025"
    assert header["center"] == "Synthetic demonstration data"
    assert header["right"].startswith(labels.VARIANT_NAMES[variant])
    assert ("NOT FOR PUBLICATION" in header["right"]) is marked


def test_every_variant_but_public_is_marked_not_for_publication(demo_cfg):
    for variant in ("public", "restricted", "reviewer"):
        res = render.page_resources(demo_cfg, variant, [], "x", "X")
        assert res["not_for_publication"] is (variant != "public")


def test_header_text_cannot_break_out_of_the_css_string():
    text = 'Kent "; } </style><script>alert(1)</script> \\ \n'
    css = print_page.css_string(text)
    assert css.startswith('"') and css.endswith('"') and css.count('"') == 2
    assert "<" not in css and ">" not in css and "\n" not in css and "}" not in css
    assert css == '"Kent \\22 ; \\7d  \\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e  \\5c  \\a "'


# --- contents page numbers and headings ------------------------------------------------------------------


def test_section_pages_found_at_the_top_of_the_sheet_after_the_previous_section():
    header = {"left": "Kent · data to 31 December 2024", "center": "", "right": "Public version"}
    texts = [
        "Kent · data to 31 December 2024\nPublic version\nKent SEND evidence pack\nContents\nSummary\nData quality",
        "Kent · data to 31 December 2024\nPublic version\nSummary\nThe summary mentions Data quality here",
        "Kent · data to 31 December 2024\nPublic version\nmore of the summary",
        "Kent · data to 31 December 2024\nPublic version\nData\nquality\nThe checks",
    ]
    found = pdf.section_pages(texts, [("page-index", "Summary"), ("page-00", "Data quality")], header)
    assert found == {"page-index": 2, "page-00": 4}


def test_heading_only_cells_are_kept_with_the_next_cell():
    cell = '<div class="jp-Cell jp-MarkdownCell"><div>{}</div></div>'
    code = '<div class="jp-Cell jp-CodeCell"><div><figure>chart</figure></div></div>'
    long_text = "<p>" + "word " * 100 + "</p>"
    inner = (cell.format("<h2>A</h2>") + cell.format("<h3>B</h3><p>A short introduction.</p>") + code
             + cell.format("<h3>C</h3>" + long_text) + code + cell.format("<p>no heading</p>") + code)
    main = lxml.html.fragment_fromstring(inner, create_parent="main")
    print_page.keep_headings_with_next(main)
    out = lxml.html.tostring(main, encoding="unicode")[len("<main>"):-len("</main>")]
    assert out == ('<div class="keep-with-next">' + cell.format("<h2>A</h2>")
                   + cell.format("<h3>B</h3><p>A short introduction.</p>") + code + "</div>"
                   + cell.format("<h3>C</h3>" + long_text) + code + cell.format("<p>no heading</p>") + code)


def test_print_css_repeats_table_headers_and_keeps_headings_with_what_follows():
    css = (ROOT / "src" / "helpers" / "templates" / "evidence_pack" / "pack.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print"):]
    assert re.search(r"thead\s*\{\s*display:\s*table-header-group", printed)
    assert re.search(r"h2, h3[^{]*\{[^}]*break-after: avoid", printed)
    assert re.search(r"\.keep-with-next\s*\{[^}]*break-inside: avoid", printed.replace(
        "table.data-table.keep-together, ", ""))
    assert re.search(r"figure\.chart, figcaption[^{]*\{[^}]*break-inside: avoid", printed)


def test_short_tables_are_kept_on_one_sheet():
    import pandas as pd

    short = chart.table_html(pd.DataFrame({"a": range(3)}), "c")
    long = chart.table_html(pd.DataFrame({"a": range(chart.KEEP_TOGETHER_ROWS + 1)}), "c")
    assert 'class="data-table keep-together"' in short and 'class="data-table"' in long


# --- no network, no machine paths ------------------------------------------------------------------------


def test_chromium_flags_switch_off_everything_that_reaches_for_the_network():
    flags = pdf.chromium_flags()
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--no-first-run", "--dns-prefetch-disable", "--disable-extensions",
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-field-trial-config", "--no-pings"):
        assert flag in flags
    assert any(f.startswith("--disable-features=") and "OptimizationHints" in f for f in flags)


def test_machine_paths_are_taken_out_of_executed_notebooks(tmp_path, demo_cfg):
    import nbformat

    pack = tmp_path / "reports" / ".staging-demo-123"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f'pack_config = "{demo_cfg.root}/config/demo.yaml"\nartefacts = "{pack}/data"')])
    nb.metadata["papermill"] = {"input_path": f"{demo_cfg.root}/notebooks/x.ipynb",
                                "output_path": f"{pack}/executed/x.ipynb",
                                "parameters": {"artefacts": f"{pack}/data"}}
    out = render.without_machine_paths(nb, render.machine_paths(pack, demo_cfg))
    text = json.dumps(out)
    assert str(demo_cfg.root) not in text and str(tmp_path) not in text
    assert out.metadata["papermill"]["parameters"]["artefacts"] == "./data"
    assert out.cells[0].source == 'pack_config = "./config/demo.yaml"\nartefacts = "./data"'


# --- chart end labels and legends -------------------------------------------------------------------------


def test_spread_labels_hand_calculation():
    """Values 10, 10.5, 30 with a gap of 2: the first two overlap, so they form a block centred on their mean
    10.25, at 9.25 and 11.25; 30 stays where it is. Inside [0, 40] nothing is clamped."""
    assert render_round(style.spread_labels([10, 10.5, 30], 2, 0, 40)) == [9.25, 11.25, 30]
    # order kept even when given unsorted; a label never leaves the axes
    assert render_round(style.spread_labels([39.5, 39.9, 5], 2, 0, 40)) == [37, 39, 5]
    # three labels at one value: a block of three centred there
    assert render_round(style.spread_labels([20, 20, 20], 2, 0, 40)) == [18, 20, 22]


def render_round(values):
    return [round(v, 6) for v in values]


def test_end_labels_stay_level_with_their_own_lines_and_never_overlap():
    """Northby ends at 60 and England at 61 (a84b52b put "England" beside the Northby line, with no leader);
    the target line ends far away at 20 and keeps its label level with it."""
    fig, ax = plt.subplots()
    x = list(range(2015, 2025))
    ax.plot(x, [40 + 2 * i for i in range(10)])
    ax.plot(x, [40 + 2.1 * i for i in range(10)])
    ax.plot(x, [40 - 2 * i for i in range(10)])
    ax.set_ylim(0, 70)
    ends = {"Northby": (2024, 58.0), "England": (2024, 58.9), "Target": (2024, 22.0)}
    style.label_line_ends(ax, ends)
    fig.canvas.draw()
    texts = {t.get_text(): t for t in ax.texts}
    centre = {k: (t.get_window_extent().y0 + t.get_window_extent().y1) / 2 for k, t in texts.items()}
    line_px = {k: ax.transData.transform(v)[1] for k, v in ends.items()}
    for k, t in texts.items():
        assert t.xy == ends[k]  # the annotation points at its own line's end value
    boxes = sorted((t.get_window_extent() for t in texts.values()), key=lambda b: b.y0)
    assert all(a.y1 <= b.y0 + 0.5 for a, b in zip(boxes, boxes[1:], strict=False))  # no overlap
    assert centre["England"] > centre["Northby"]  # the higher line has the higher label
    assert abs(centre["Target"] - line_px["Target"]) < 2  # unmoved label level with its line
    gap = 10.5 * 1.25 * fig.dpi / 72
    for k in ("England", "Northby"):  # moved by at most half a line, with a leader back to the point
        assert abs(centre[k] - line_px[k]) <= gap
        assert texts[k].arrow_patch is not None
    assert texts["Target"].arrow_patch is None
    plt.close(fig)


def test_end_labels_accept_dates():
    import pandas as pd

    fig, ax = plt.subplots()
    x = pd.date_range("2024-01-01", periods=5, freq="MS")
    ax.plot(x, [1, 2, 3, 4, 5])
    style.label_line_ends(ax, {"Monthly": (x[-1], 5.0)})
    assert ax.texts[0].get_text() == "Monthly"
    plt.close(fig)


def test_legends_get_an_opaque_background_so_gridlines_do_not_run_through_them():
    fig, ax = plt.subplots()
    ax.grid(True)
    ax.plot([1, 2], [1, 2], label="a")
    ax.legend(frameon=False)
    style.png_bytes(fig)
    frame = ax.get_legend().get_frame()
    assert ax.get_legend().get_frame_on() and frame.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert frame.get_alpha() == 1.0


# --- the Kent example ------------------------------------------------------------------------------------


#: Kent's (E10000016) ten statistical neighbours, DfE/NFER 2025 (statistical_neighbours_lait_2025.csv rows
#: 1402-1411): Essex, East Sussex, Devon, Bexley, Suffolk, Norfolk, Nottinghamshire, West Sussex, Bedford, Somerset.
KENT_NEIGHBOURS = ["E10000012", "E10000011", "E10000008", "E09000004", "E10000029", "E10000020", "E10000024",
                   "E10000032", "E06000055", "E06000066"]


def test_kent_example_lists_dfes_ten_neighbours():
    cfg = yaml.safe_load((ROOT / "config" / "kent.example.yaml").read_text(encoding="utf-8"))
    assert cfg["comparators"]["neighbours"] == KENT_NEIGHBOURS


def test_kent_example_neighbours_match_the_dfe_file(shared_dir):
    import csv

    path = shared_dir / "reference-data" / "statistical_neighbours_lait_2025.csv"
    if not path.exists():
        pytest.skip(f"{path} not present")
    with path.open(encoding="utf-8") as f:
        rows = sorted((int(r["SN"]), r["SN_code"]) for r in csv.DictReader(f) if r["la_code"] == "E10000016")
    assert [code for _, code in rows] == KENT_NEIGHBOURS



def test_manifest_names_inputs_outside_the_project_by_file_name_only(tmp_path, demo_cfg):
    """An input kept outside the project (``/home/<user>/Downloads/...``) is recorded by its name and hash, so
    the published manifest does not show the build machine's folders (a84b52b wrote the absolute path)."""
    import datetime as dt

    from helpers.pack import manifest

    outside = tmp_path / "home" / "someone" / "Downloads" / "education-health-and-care-plans_2025.zip"
    cfg = demo_cfg.model_copy(update={"inputs": demo_cfg.inputs.model_copy(update={"ees": [outside]})})
    pack = tmp_path / "pack"
    pack.mkdir()
    manifest.write(pack, cfg, "public", [], {f"ees:{outside}": "0" * 64}, dt.datetime.now(dt.UTC), {})
    text = (pack / "manifest.json").read_text(encoding="utf-8")
    assert str(tmp_path) not in text
    data = json.loads(text)
    assert data["inputs_sha256"] == {"ees:education-health-and-care-plans_2025.zip": "0" * 64}
    assert data["config"]["inputs"]["ees"] == ["education-health-and-care-plans_2025.zip"]
    assert data["config_file"] == "config/demo.yaml"


# --- the print page, assembled from the pages' structure ------------------------------------------------


PAGE = ('<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8"/><title>{title}</title></head><body>'
        '<nav><a href="index.html">Summary</a> <a href="02_timeliness.html">Timeliness</a></nav>'
        '<main id="main-content" tabindex="-1">{main}</main>'
        '<footer class="pack-footer"><p><a href="manifest.json">manifest.json</a></p></footer></body></html>')
CELL = '<div class="jp-Cell jp-MarkdownCell">{}</div>'


def test_print_page_joins_the_pages_main_content_in_order(tmp_path):
    from types import SimpleNamespace

    index_main = (CELL.format("<h1>Summary <abbr>EHC</abbr></h1><p>Front page.</p>")
                  + '<section aria-labelledby="contents-h"><h2 id="contents-h">Pages in this pack</h2></section>')
    timeliness_main = (CELL.format('<h1>Timeliness</h1><p>See <a href="index.html#x">the summary</a> and '
                                   '<a href="downloads/02_timeliness-a.csv">the data</a>.</p>')
                       + CELL.format("<h2>Heading only</h2>") + '<div class="jp-Cell jp-CodeCell"><img src="x"/></div>')
    (tmp_path / "index.html").write_text(PAGE.format(title="Summary", main=index_main))
    (tmp_path / "02_timeliness.html").write_text(PAGE.format(title="T", main=timeliness_main))
    (tmp_path / "glossary.html").write_text(PAGE.format(title="G", main=CELL.format("<h1>Glossary</h1>")))
    tasks = [SimpleNamespace(name="02_timeliness"), SimpleNamespace(name="08_inspection_readiness")]
    out = print_page.write_print_page(tmp_path, tasks, {"left": "Kent", "center": "", "right": "Public version"},
                                      title="Kent pack", numbers={"page-index": 2})
    text = out.read_text(encoding="utf-8")
    doc = lxml.html.document_fromstring(text)
    assert [s.get("id") for s in doc.xpath("//section[@class='print-section']")] == [
        "page-index", "page-02_timeliness", "page-glossary"]
    assert doc.xpath("//h1/text()") == ["Kent pack"]  # the one h1; each page's h1 is a section's h2
    assert [h.text_content() for h in doc.xpath("//h2[@class='print-page-title']")] == [
        "Summary EHC", "Timeliness", "Glossary"]
    assert [(li.findtext(".//span[@class='toc-title']"), li.findtext(".//span[@class='toc-page']"))
            for li in doc.xpath("//ol[@class='toc']/li")] == [("Summary EHC", "2"), ("Timeliness", ""),
                                                             ("Glossary", "")]
    assert not doc.xpath("//*[@id='contents-h']")  # "Pages in this pack" replaced by the contents page
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert "#page-index" in hrefs and "#page-02_timeliness" in hrefs and not [h for h in hrefs if ".html" in h]
    assert "downloads/02_timeliness-a.csv" in hrefs and "manifest.json" in hrefs  # print.html keeps file links
    keep = doc.xpath("//div[@class='keep-with-next']")
    # the title cell (short introduction) and the heading-only cell stay with the chart after them
    assert len(keep) == 1 and keep[0].xpath(".//h2/text()") == ["Timeliness", "Heading only"]
    assert keep[0].xpath(".//img")
    assert len(doc.xpath("//footer")) == 1 and "@top-left" in doc.head.findtext("style[last()]")
    assert '<img src="x"/>' in text  # void elements closed as the pages close them
    print_page.write_print_page(tmp_path, tasks, "", title="Kent pack", out=tmp_path / "for-pdf.html")
    pdf_doc = lxml.html.document_fromstring((tmp_path / "for-pdf.html").read_text(encoding="utf-8"))
    assert all(a.get("href") is None or a.get("href").startswith("#") for a in pdf_doc.iter("a"))
