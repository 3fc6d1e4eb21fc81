"""Glossary: first-use ``<abbr>`` expansion on rendered pages, abbreviation detection, the glossary page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.present import glossary as g

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><title>EHCP timeliness</title><style>.EP { color: red }</style>
<script>var EHCP = "EP";</script></head>
<body><h1>EHCP timeliness</h1>
<p>Plans (EHCPs) issued &amp; EP advice&nbsp;in time. The EHCP count rose.</p>
<figure><img alt="Line chart of EHCP requests" src="x.png"><figcaption>EP advice and SEN2 data</figcaption></figure>
<pre>EHCP = 1</pre><code>SEND</code>
<p>SEND and SEN are different; DfE publishes them. <a href="#" title="LA">LA</a> and LA again.</p>
</body></html>
"""


def test_first_use_of_each_term_is_wrapped_once():
    out = g.annotate_html(PAGE)
    assert out.count('(<abbr title="Education, Health and Care Plan">EHCP</abbr>s) issued') == 1
    assert out.count("<abbr") == 7  # EHCP, EP, SEN2, SEND, SEN, DfE, LA: each exactly once
    assert '<abbr title="Educational Psychologist">EP</abbr> advice&nbsp;in time' in out
    assert 'The EHCP count rose' in out  # second use left alone
    assert '<a href="#" title="LA"><abbr title="local authority">LA</abbr></a> and LA again' in out


def test_heading_head_script_style_code_pre_and_attributes_untouched():
    out = g.annotate_html(PAGE)
    assert "<title>EHCP timeliness</title>" in out
    assert "<h1>EHCP timeliness</h1>" in out
    assert '<script>var EHCP = "EP";</script>' in out
    assert ".EP { color: red }" in out
    assert "<pre>EHCP = 1</pre><code>SEND</code>" in out
    assert 'alt="Line chart of EHCP requests"' in out


def test_every_byte_outside_inserted_elements_is_preserved():
    out = g.annotate_html(PAGE)
    stripped = re.sub(r'<abbr title="[^"]*">([^<]*)</abbr>', r"\1", out)
    assert stripped == PAGE
    assert g.annotate_html(out.replace("<abbr", "<abbr")) == g.annotate_html(out)  # idempotent on its output


def test_output_is_valid_nesting():
    class Depth(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "abbr":
                self.open.append(tag)

        def handle_endtag(self, tag):
            if tag == "abbr":
                assert self.open.pop() == "abbr"

    parser = Depth()
    parser.feed(g.annotate_html(PAGE))
    assert parser.open == []


def test_existing_abbr_counts_as_first_use_and_fragment_is_all_body():
    assert g.annotate_html('<p><abbr title="x">LA</abbr> LA</p>') == '<p><abbr title="x">LA</abbr> LA</p>'
    assert g.annotate_html("EP") == '<abbr title="Educational Psychologist">EP</abbr>'


def test_term_inside_longer_word_or_code_is_not_matched():
    assert g.annotate_html("<p>EPIC SENDER E10000016 SEN2-based</p>") == \
        '<p>EPIC SENDER E10000016 <abbr title="Special Educational Needs survey 2">SEN2</abbr>-based</p>'


def test_find_abbreviations():
    text = "EHCPs and EP advice from SEN2 via DfE; AICc chose ETS. Part III, COVID-19, WCAG 2.2 AA, E10000016, Q4."
    assert g.find_abbreviations(text) == {"EHCP", "EP", "SEN2", "DfE", "AICc", "ETS", "COVID", "WCAG", "AA"}


def test_unknown_abbreviation_is_detected():
    assert g.find_abbreviations("The XYZQ team") - set(g.TERMS) == {"XYZQ"}


def test_visible_text_includes_headings_but_not_code_or_scripts():
    text = g.visible_text(PAGE)
    assert "EHCP timeliness" in text and "The EHCP count rose" in text
    assert "var EHCP" not in text and "EHCP = 1" not in text and "color" not in text


@pytest.mark.parametrize("abbr", ["EHCP", "EHC", "EP", "SEN", "SEND", "SEN2", "SENCO", "WSOA", "SPC", "FTE", "LA",
                                  "CQC", "DfE", "ONS", "LAIT", "RAG", "CAGR", "ETS", "GLM", "AICc", "STL", "XmR",
                                  "PHE", "UPN", "ULN", "PDF", "CSV", "HTML", "QA", "NHS", "WCAG", "Ofsted", "COVID"])
def test_required_terms_present(abbr):
    term = g.TERMS[abbr]
    assert term.expansion and len(term.definition.split()) >= 4


def test_every_abbreviation_used_in_definitions_is_itself_defined():
    used = set()
    for term in g.TERMS.values():
        used |= g.find_abbreviations(term.expansion + " " + term.definition)
    assert used - set(g.TERMS) == set()


def test_glossary_html_lists_every_term_once_in_order():
    page = g.glossary_html()
    abbrs, words = page.split('<h2 id="terms">')
    dts = re.findall(r'<dt id="term-([a-z0-9-]+)">', abbrs)
    assert len(dts) == len(set(dts)) == len(g.TERMS) - 1  # SENCO and SENCo share one entry
    assert dts == sorted(dts)
    assert "<dd>A legal document describing a child" in page
    phrases = re.findall(r'<dt id="term-[a-z0-9-]+">([^<]+)</dt>', words)
    assert phrases == sorted(g.PHRASES, key=str.lower)


def test_every_abbreviation_in_phrase_definitions_is_defined():
    used = set()
    for definition in g.PHRASES.values():
        used |= g.find_abbreviations(definition)
    assert used - set(g.TERMS) == set()


def test_developer_terms_are_not_in_the_glossary():
    """Words only the software's developers meet (file encodings, image formats, missing-value markers) are not
    explained to councillors."""
    assert {"BOM", "NaN", "UTF", "PNG"} & set(g.TERMS) == set()


def test_glossary_page_lists_only_the_terms_a_pack_uses_and_what_their_definitions_need():
    """A page about forecasts uses MASE and "back-tests"; MASE's definition mentions the naive forecast, so that
    is listed too, and DfE's definition ("...publishes the national EHCP statistics") brings in EHCP (the
    closure); SEND never appears, so it is not listed."""
    abbrs, phrases = g.used_terms("The back-tests give a MASE of 0.8 for requests from the DfE.")
    assert abbrs == {"MASE", "DfE", "EHCP"}
    assert phrases == {"back-test", "naive forecast"}
    page = g.glossary_html((abbrs, phrases))
    assert 'id="term-send"' not in page and 'id="term-mase"' in page and 'id="term-naive-forecast"' in page


def test_phrases_are_found_in_their_written_forms():
    text = "Two funnel plots; a back test; 3.2 percentage points; special cause variation; Exception cases."
    assert g.find_phrases(text) >= {"funnel plot", "back-test", "percentage point", "special-cause variation",
                                    "exception cases"}
    assert "funnel plot" not in g.find_phrases("the funnel is plotted")


def test_notebooks_use_only_defined_abbreviations(root: Path):
    """Markdown in every committed notebook: each abbreviation a reader sees must be in the glossary."""
    import nbformat

    books = sorted((root / "notebooks").glob("*.ipynb"))
    if not books:
        pytest.skip("no notebooks yet")
    missing = {}
    for path in books:
        nb = nbformat.read(path, as_version=4)
        text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
        text = re.sub(r"`[^`]*`", " ", text)  # inline code is not prose
        unknown = g.find_abbreviations(text) - set(g.TERMS)
        if unknown:
            missing[path.name] = sorted(unknown)
    assert missing == {}
