"""Static checks of the built demo pack's HTML, no browser needed (pages parsed with lxml.html).

Structure (one ``<h1>``, ``lang="en-GB"``), self-containment (no scripts, no external resources), alt text,
accessible tables, the synthetic-data banner and provenance footer, every chart backed by a data table and a CSV
that exists, every link that points inside the pack resolving, colour contrast of the stylesheet and the chart
palette (WCAG 2.2, formula written out below so the test does not trust the code it checks), and glossary coverage.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import matplotlib.pyplot as plt
import pytest

from helpers.present import glossary, style

CSS = Path(style.__file__).resolve().parents[1] / "templates" / "evidence_pack" / "pack.css"
#: Pages every pack has besides one page per notebook.
CORE_PAGES = {"index.html", "glossary.html", "print.html"}
#: Elements that load a resource when the page opens, and the attributes naming it.
RESOURCE_ATTRS = {"script": ("src",), "link": ("href",), "img": ("src", "srcset"), "iframe": ("src",),
                  "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",), "embed": ("src",),
                  "object": ("data",)}
PLACEHOLDER_ALT = "No description has been provided"
MIN_ALT_WORDS = 5


@pytest.fixture(scope="module")
def pack(demo_build: Path) -> Path:
    return demo_build


@pytest.fixture(scope="module")
def sources(pack: Path) -> dict[str, str]:
    """Every page's HTML source by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(pack.glob("*.html"))}


@pytest.fixture(scope="module")
def pages(sources: dict[str, str], html_summary: dict[str, str]) -> dict[str, lxml.html.HtmlElement]:
    """Every page parsed."""
    html_summary["static checks"] = f"{len(sources)} pages ({', '.join(sources)})"
    return {name: lxml.html.document_fromstring(text) for name, text in sources.items()}


def _words(text: str | None) -> int:
    return len((text or "").split())


def _is_external(url: str) -> bool:
    """True for anything a browser would fetch from outside the pack folder (any scheme but ``data:``)."""
    url = url.strip()
    return url.startswith("//") or urlsplit(url).scheme not in ("", "data")


def _describe(el: lxml.html.HtmlElement) -> str:
    return lxml.html.tostring(el, encoding="unicode")[:120]


# --- structure and self-containment --------------------------------------------------------------------------


def test_pack_has_front_page_glossary_print_page_and_notebook_pages(pages):
    assert set(pages) >= CORE_PAGES
    assert len([n for n in pages if re.match(r"\d\d_", n)]) >= 5, sorted(pages)


def test_every_page_has_exactly_one_h1(pages):
    counts = {name: len(doc.findall(".//h1")) for name, doc in pages.items()}
    assert {n: c for n, c in counts.items() if c != 1} == {}


def test_every_page_is_in_british_english(pages):
    langs = {name: doc.get("lang") for name, doc in pages.items()}
    assert {n: lang for n, lang in langs.items() if lang != "en-GB"} == {}


def test_no_page_has_a_script(pages):
    scripts = {name: len(doc.findall(".//script")) for name, doc in pages.items()}
    assert {n: c for n, c in scripts.items() if c} == {}


def test_no_page_loads_anything_from_outside_the_pack(pages):
    found: dict[str, list[str]] = {}
    for name, doc in pages.items():
        bad = []
        for tag, attrs in RESOURCE_ATTRS.items():
            for el in doc.iter(tag):
                for attr in attrs:
                    value = el.get(attr) or ""
                    urls = [u.split()[0] for u in value.split(",") if u.strip()] if attr == "srcset" else [value]
                    bad += [f"<{tag} {attr}={u[:80]}>" for u in urls if u and _is_external(u)]
        css = " ".join([s.text or "" for s in doc.iter("style")] + [el.get("style") for el in doc.xpath("//*[@style]")])
        bad += [f"url({u[:80]})" for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css) if not u.startswith("data:")]
        bad += [f"@{rule}" for rule in re.findall(r"@(import|font-face)", css)]
        if bad:
            found[name] = bad
    assert found == {}, "pages must be self-contained (system fonts, inline CSS, data: images only)"


def test_every_link_inside_the_pack_resolves(pack, pages):
    """Relative links (downloads, manifest, other pages) name files that exist; ``#fragment`` links name an id."""
    broken: dict[str, list[str]] = {}
    for name, doc in pages.items():
        ids = set(doc.xpath("//@id"))
        bad = []
        for href in doc.xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue
            missing_file = parts.path and not (pack / unquote(parts.path)).exists()
            missing_anchor = not parts.path and parts.fragment and parts.fragment not in ids
            if missing_file or missing_anchor:
                bad.append(href)
        if bad:
            broken[name] = sorted(set(bad))
    assert broken == {}


# --- images, charts, tables -----------------------------------------------------------------------------------


def test_no_placeholder_alt_text(sources):
    assert [name for name, text in sources.items() if PLACEHOLDER_ALT.lower() in text.lower()] == []


def test_every_image_and_svg_has_descriptive_alt_text(pages):
    short: dict[str, list[str]] = {}
    for name, doc in pages.items():
        bad = [f"{_words(img.get('alt'))} words: {img.get('alt')!r}" for img in doc.iter("img")
               if _words(img.get("alt")) < MIN_ALT_WORDS]
        for svg in doc.iter("svg"):
            if svg.get("aria-hidden") == "true":
                continue
            label = svg.get("aria-label") or svg.findtext("title")
            if svg.get("role") != "img" or _words(label) < MIN_ALT_WORDS:
                bad.append(f"<svg> without role=img and a {MIN_ALT_WORDS}-word label")
        if bad:
            short[name] = bad
    assert short == {}


def test_every_image_is_a_chart_figure(pages):
    """Pictures go through ``charts.show_chart`` (title, data table, CSV), never a bare notebook image."""
    bare = {name: [_describe(img) for img in doc.iter("img") if not img.xpath("ancestor::figure[@class='chart']")]
            for name, doc in pages.items()}
    assert {n: b for n, b in bare.items() if b} == {}


def test_every_table_has_a_caption_and_header_cells(pages, html_summary):
    bad: dict[str, list[str]] = {}
    n_tables = 0
    for name, doc in pages.items():
        for table in doc.iter("table"):
            n_tables += 1
            caption = table.find("caption")
            problems = []
            if caption is None or not caption.text_content().strip():
                problems.append("no caption")
            if not table.xpath(".//th"):
                problems.append("no <th> header cells")
            elif table.xpath(".//thead/tr/th[not(@scope)] | .//tbody/tr/th[not(@scope)]"):
                problems.append("<th> without scope")
            if problems:
                bad.setdefault(name, []).append(f"{', '.join(problems)}: {_describe(table)}")
    html_summary["tables checked"] = str(n_tables)
    assert n_tables > 0
    assert bad == {}


def test_every_chart_has_a_title_a_data_table_and_its_csv(pack, pages, html_summary):
    """Colour is never the only way to read a chart: each has its numbers as a table and a CSV download.

    The CSV's header row must match the table's column headers, so the download is the data shown.
    """
    n_charts = 0
    bad: dict[str, list[str]] = {}
    for name, doc in pages.items():
        for fig in doc.xpath("//figure[@class='chart']"):
            n_charts += 1
            title = fig.findtext("figcaption") or ""
            problems = []
            if _words(title) < 3:
                problems.append("no headline title")
            table = fig.xpath("./details[@class='chart-data']//table")
            links = fig.xpath("./details[@class='chart-data']//a[@class='download']/@href")
            if not table:
                problems.append("no data table in <details>")
            if not links:
                problems.append("no CSV download link")
            elif not (pack / links[0]).is_file():
                problems.append(f"CSV {links[0]} missing on disk")
            elif table:
                with open(pack / links[0], newline="", encoding="utf-8") as f:
                    header = next(csv.reader(f))
                shown = [th.text_content().strip() for th in table[0].xpath(".//thead//th")]
                if header != shown:
                    problems.append(f"CSV columns {header} differ from table columns {shown}")
            if problems:
                bad.setdefault(name, []).append(f"{title[:60]!r}: {'; '.join(problems)}")
    html_summary["charts checked"] = str(n_charts)
    assert n_charts > 0
    assert bad == {}


# --- banner, footer, glossary ---------------------------------------------------------------------------------


def test_synthetic_data_banner_on_every_page(pages):
    """The demo is synthetic, so every page says so before its content."""
    missing = []
    for name, doc in pages.items():
        banners = doc.xpath("//body/div[contains(@class,'banner-synthetic')][following::main]")
        if not banners or "Synthetic demonstration data" not in banners[0].text_content():
            missing.append(name)
    assert missing == []


def test_provenance_footer_links_to_the_manifest_on_every_page(pack, pages):
    assert json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    missing = [name for name, doc in pages.items()
               if not doc.xpath("//footer[contains(@class,'pack-footer')]//a[@href='manifest.json']")]
    assert missing == []


def test_every_abbreviation_on_every_page_is_in_the_glossary(sources, pages):
    """Visible text and alt text (read out by screen readers) may use only abbreviations the glossary explains."""
    missing: dict[str, list[str]] = {}
    for name, text in sources.items():
        alts = " ".join(img.get("alt") or "" for img in pages[name].iter("img"))
        used = glossary.find_abbreviations(glossary.visible_text(text) + " " + alts)
        if used - set(glossary.TERMS):
            missing[name] = sorted(used - set(glossary.TERMS))
    assert missing == {}, "add these to helpers.present.glossary.TERMS or write them out in words"


# --- colour contrast ------------------------------------------------------------------------------------------


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.2 relative luminance of an sRGB colour (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance).

    Each channel ``c`` in 0..1 is linearised as ``c/12.92`` if ``c <= 0.04045`` else ``((c+0.055)/1.055)**2.4``;
    ``L = 0.2126 R + 0.7152 G + 0.0722 B``. Written out here rather than imported so the check is independent.
    """
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    r, g, b = (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio ``(L1 + 0.05) / (L2 + 0.05)``, lighter over darker (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio)."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def css_rules(css: str) -> dict[str, dict[str, str]]:
    """Screen rules of a stylesheet: ``{selector: {property: value}}``; at-rule blocks (``@media print``) skipped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    depth, start, body = 0, 0, 0
    selector = ""
    for i, ch in enumerate(css):
        if ch == "{":
            if depth == 0:
                selector, body = css[start:i].strip(), i + 1
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                if not selector.startswith("@"):
                    decls = dict(d.split(":", 1) for d in css[body:i].split(";") if ":" in d)
                    for sel in selector.split(","):
                        rules.setdefault(sel.strip(), {}).update({k.strip(): v.strip() for k, v in decls.items()})
                start = i + 1
    return rules


@pytest.fixture(scope="module")
def stylesheet() -> dict[str, dict[str, str]]:
    return css_rules(CSS.read_text(encoding="utf-8"))


def css_colour(rules: dict[str, dict[str, str]], selector: str, prop: str) -> str:
    """The hex colour ``selector`` sets for ``prop`` (``color`` or ``background``), ``var(--x)`` resolved."""
    assert selector in rules and prop in rules[selector], f"pack.css has no {prop} for {selector}"
    value = rules[selector][prop]
    while "var(" in value:
        value = re.sub(r"var\((--[\w-]+)\)", lambda m: rules[":root"][m.group(1)], value)
    match = re.search(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", value)
    assert match, f"{selector} {prop}: {value!r} is not a hex colour"
    return match.group(0)


def test_contrast_formula_matches_published_values():
    """Black on white is 21:1 by definition; #767676 on white is 4.54:1, the lightest grey passing AA for text
    (WebAIM contrast checker); GOV.UK's link blue #1d70b8 on white is 5.17:1 (GOV.UK Design System colour page)."""
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#fff") == pytest.approx(4.54, abs=0.005)
    assert contrast_ratio("#1d70b8", "#ffffff") == pytest.approx(5.17, abs=0.01)


PAGE = ("html", "background")
#: (what, foreground (selector, property), background (selector, property)) for every text colour in pack.css.
TEXT_PAIRS = [
    ("body text", ("html", "color"), PAGE),
    ("links", ("a", "color"), PAGE),
    ("visited links", ("a:visited", "color"), PAGE),
    ("'show the data' summaries", ("summary", "color"), PAGE),
    ("secondary text (chart notes)", (".chart-note", "color"), PAGE),
    ("focused link", ("a:focus", "color"), ("a:focus", "background")),
    ("skip link", (".skip-link", "color"), (".skip-link", "background")),
    ("synthetic-data banner", (".banner-synthetic", "color"), (".banner-synthetic", "background")),
    ("restricted banner", (".banner-restricted", "color"), (".banner-restricted", "background")),
    ("header text on brand", (".pack-header", "color"), (".pack-header", "background")),
    ("header links on brand", (".pack-header a", "color"), (".pack-header", "background")),
    ("focused header link", (".pack-header a:focus", "color"), ("a:focus", "background")),
    ("footer text on panel", (".pack-footer", "color"), (".pack-footer", "background")),
    ("footer links on panel", (".pack-footer a", "color"), (".pack-footer", "background")),
    ("visited links on panel", ("a:visited", "color"), (".pack-footer", "background")),
    ("code on panel", ("html", "color"), (".code-input", "background")),
    ("RAG red on white", (".rag-red", "color"), PAGE),
    ("RAG amber on white", (".rag-amber", "color"), PAGE),
    ("RAG green on white", (".rag-green", "color"), PAGE),
    ("RAG grey on white", (".rag-grey", "color"), PAGE),
]


@pytest.mark.parametrize(("what", "fg", "bg"), TEXT_PAIRS, ids=[p[0] for p in TEXT_PAIRS])
def test_text_colours_meet_wcag_aa(stylesheet, what, fg, bg):
    """WCAG 2.2 SC 1.4.3: text at least 4.5:1 against its background."""
    fore, back = css_colour(stylesheet, *fg), css_colour(stylesheet, *bg)
    assert contrast_ratio(fore, back) >= 4.5, f"{what}: {fore} on {back} is {contrast_ratio(fore, back):.2f}:1"


@pytest.mark.parametrize("colour", style.PALETTE)
def test_chart_colours_meet_non_text_contrast(colour):
    """WCAG 2.2 SC 1.4.11: lines, bars and markers at least 3:1 against the chart background."""
    background = plt.rcParams["axes.facecolor"]
    back = "#ffffff" if background == "white" else background
    assert contrast_ratio(colour, back) >= 3.0, f"{colour} on {back}: {contrast_ratio(colour, back):.2f}:1"


def test_every_palette_colour_has_its_own_marker_and_line_style():
    """Series stay distinguishable without colour (WCAG 2.2 SC 1.4.1) when charts use the helper's cycles."""
    n = len(style.PALETTE)
    assert len(set(style.MARKERS[:n])) == n
    assert len({repr(s) for s in style.LINESTYLES[:n]}) == n
