"""The pack's glossary: every abbreviation expanded on first use on each page and listed on the glossary page.

A scrutiny committee recommended in 2024 that SEND reports "be more user friendly and contain a glossary"; WCAG 2.2
success criterion 3.1.4 (Abbreviations, level AAA) and the GOV.UK style guide ask that an abbreviation is spelt out
the first time it is used. :func:`annotate_html` does this mechanically for a rendered page with ``<abbr title>``;
:func:`glossary_html` writes the glossary page; :func:`find_abbreviations` lets a test fail when a page uses an
abbreviation that :data:`TERMS` lacks.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import NamedTuple


class Term(NamedTuple):
    """An abbreviation's expansion and a plain-English definition for councillors."""

    expansion: str
    definition: str


#: Abbreviation → expansion and definition. Keys are written as the pack writes them (``DfE``, ``SENCo``).
TERMS: dict[str, Term] = {
    "AA": Term("Double-A conformance", "The level of the Web Content Accessibility Guidelines that public sector "
               "websites must meet."),
    "AICc": Term("corrected Akaike information criterion", "A score for choosing between statistical models that "
                 "rewards a good fit and penalises extra parameters, corrected for short series."),
    "AP": Term("alternative provision", "Education arranged for children who cannot attend a mainstream or special "
               "school, for example a pupil referral unit."),
    "ASD": Term("autistic spectrum disorder", "A primary type of special educational need recorded by schools (the "
                "DfE code ASD)."),
    "CAGR": Term("compound annual growth rate", "The steady yearly percentage growth that would take a number from "
                 "its first value to its last value over the period."),
    "CCG": Term("clinical commissioning group", "The NHS bodies that planned local health services until 2022, "
                "replaced by integrated care boards."),
    "CI": Term("confidence interval", "A range that shows how uncertain an estimate is; a 95% confidence interval "
               "would contain the true value in 95 out of 100 repeats."),
    "COVID": Term("coronavirus disease 2019 (COVID-19)", "The pandemic that disrupted services and data from "
                  "March 2020."),
    "CQC": Term("Care Quality Commission", "The regulator of health and adult social care in England; it inspects "
                "local area SEND arrangements jointly with Ofsted."),
    "CSV": Term("comma-separated values", "A plain-text table file that opens in Excel or any spreadsheet program."),
    "DfE": Term("Department for Education", "The government department responsible for children's services and "
                "education in England; it publishes the national EHCP statistics."),
    "DSG": Term("Dedicated Schools Grant", "The government grant that pays for schools and, through its high needs "
                "block, for most SEND provision."),
    "EES": Term("Explore Education Statistics", "The DfE website that publishes official education statistics, "
                "including the EHCP release."),
    "EHC": Term("Education, Health and Care", "The three kinds of need and support an EHC needs assessment and "
                "plan cover."),
    "EHCP": Term("Education, Health and Care Plan", "A legal document describing a child or young person's "
                 "special educational needs and the support the council must secure for them, for ages 0 to 25."),
    "EP": Term("Educational Psychologist", "A psychologist who assesses children's learning and development; an "
               "EP's advice is required for every EHC needs assessment."),
    "ETS": Term("exponential smoothing (error, trend, seasonal)", "A forecasting method that weights recent years "
                "more heavily; the damped version lets growth level off."),
    "FTE": Term("full-time equivalent", "Staff numbers counted in full-time posts: two half-time staff are 1.0 "
                "FTE."),
    "GBP": Term("pounds sterling", "Money amounts in British pounds (£)."),
    "GMT": Term("Greenwich Mean Time", "UK winter time, the same as UTC."),
    "GLM": Term("generalised linear model", "A family of regression models for counts and proportions, used here "
                "to fit growth trends."),
    "HI": Term("hearing impairment", "A primary type of special educational need (the DfE code HI)."),
    "HNB": Term("high needs block", "The part of the Dedicated Schools Grant that funds SEND provision."),
    "HTML": Term("HyperText Markup Language", "The format of web pages; the pack is a set of HTML pages that open "
                 "in any web browser."),
    "ISBN": Term("International Standard Book Number", "The number that identifies a published book or report, "
                 "given when the pack cites a DfE publication."),
    "ICB": Term("integrated care board", "The NHS body that plans and funds local health services, a partner in "
                "the local area SEND arrangements."),
    "LA": Term("local authority", "The council responsible for education and children's services in an area."),
    "LAIT": Term("Local Authority Interactive Tool", "The DfE tool that compares every local authority on many "
                 "measures and places each in a quartile band from A to D."),
    "MASE": Term("mean absolute scaled error", "A forecast's average error divided by the error of the naive "
                 "forecast (next year the same as this year); below 1 means better than the naive forecast."),
    "MLD": Term("moderate learning difficulty", "A primary type of special educational need (the DfE code MLD)."),
    "MSI": Term("multi-sensory impairment", "A primary type of special educational need (the DfE code MSI)."),
    "NA": Term("not available", "A figure that is missing or cannot be calculated."),
    "NHS": Term("National Health Service", "The publicly funded health service; it contributes health advice to "
                "EHC needs assessments."),
    "NSA": Term("no specialist assessment", "SEN support where the type of need has not been assessed (the DfE "
                "code NSA)."),
    "ONS": Term("Office for National Statistics", "The UK's national statistics office; its codes identify local "
                "authorities (for example E10000016)."),
    "OTH": Term("other difficulty or disability", "A primary type of special educational need (the DfE code OTH)."),
    "Ofsted": Term("Office for Standards in Education, Children's Services and Skills", "The inspectorate that "
                   "inspects local area SEND arrangements jointly with the CQC."),
    "PD": Term("physical disability", "A primary type of special educational need (the DfE code PD)."),
    "PDF": Term("Portable Document Format", "A print-ready document file; the pack is also produced as one PDF for "
                "committee papers."),
    "PHE": Term("Public Health England", "The former public health agency whose statistical methods (for example "
                "funnel plot limits) are still the standard in England."),
    "PMLD": Term("profound and multiple learning difficulty", "A primary type of special educational need (the DfE "
                 "code PMLD)."),
    "QA": Term("quality assurance", "Checks that the analysis is correct and fit for purpose, as the Analysis "
               "Function's guidance describes."),
    "RAG": Term("red, amber, green", "A status rating: green on target, amber not yet on target but improving, red "
                "not on target and not improving; the word is always shown as well as the colour."),
    "RAP": Term("reproducible analytical pipeline", "Analysis produced end to end by code so that anyone can re-run "
                "it and get the same results."),
    "SE": Term("standard error", "How much an estimate would vary from sample to sample; smaller is more precise."),
    "SEMH": Term("social, emotional and mental health", "A primary type of special educational need (the DfE code "
                 "SEMH)."),
    "SEN": Term("special educational needs", "A learning difficulty or disability that needs special educational "
                "provision."),
    "SEN2": Term("Special Educational Needs survey 2", "The statutory return each council makes to the DfE every "
                 "January, one record per child with an EHC plan or request; the source of the EHCP statistics."),
    "SENCO": Term("special educational needs co-ordinator", "The teacher in each school responsible for SEN "
                  "provision."),
    "SENCo": Term("special educational needs co-ordinator", "The teacher in each school responsible for SEN "
                  "provision."),
    "SEND": Term("special educational needs and disabilities", "The system of support for children and young "
                 "people aged 0 to 25 with special educational needs or a disability."),
    "SENDIASS": Term("SEND Information, Advice and Support Service", "The free, impartial local service that "
                     "advises families about SEND."),
    "SENDIST": Term("SEND Tribunal (First-tier Tribunal, Special Educational Needs and Disability)", "The court "
                    "that hears families' appeals against council decisions about EHC needs assessments and plans."),
    "SLCN": Term("speech, language and communication needs", "A primary type of special educational need (the DfE "
                 "code SLCN)."),
    "SLD": Term("severe learning difficulty", "A primary type of special educational need (the DfE code SLD)."),
    "SN": Term("statistical neighbour", "One of the ten local authorities the DfE judges most similar to this one, "
               "used for fair comparison."),
    "SPC": Term("statistical process control", "A way of telling real change from random variation in a series "
                "over time, using a chart with an average line and control limits (NHS 'Making Data Count')."),
    "SPLD": Term("specific learning difficulty", "A primary type of special educational need, such as dyslexia "
                 "(the DfE code SPLD)."),
    "STL": Term("seasonal and trend decomposition using Loess", "A method that splits a monthly series into trend, "
                "seasonal pattern and remainder."),
    "UK": Term("United Kingdom", "England, Scotland, Wales and Northern Ireland."),
    "ULN": Term("unique learner number", "A personal identifier for learners aged 14 and over; never published in "
                "the pack."),
    "UPN": Term("unique pupil number", "A personal identifier for each pupil in England; never published in the "
                "pack."),
    "UTC": Term("Coordinated Universal Time", "The time zone the build records its times in (the same as GMT)."),
    "VI": Term("visual impairment", "A primary type of special educational need (the DfE code VI)."),
    "WCAG": Term("Web Content Accessibility Guidelines", "The international standard for accessible web content; "
                 "public sector websites must meet WCAG 2.2 level AA."),
    "WSOA": Term("Written Statement of Action", "The improvement plan a local area must write after an inspection "
                 "finds significant weaknesses in its SEND arrangements."),
    "XLSX": Term("Excel workbook", "The spreadsheet file format of the pack's download of all tables."),
    "XML": Term("Extensible Markup Language", "A structured text format; councils send the SEN2 return to the DfE "
                "as XML."),
    "XmR": Term("individuals and moving range chart", "The SPC chart used for a single value per month: the "
                "average, and limits worked out from the month-to-month changes."),
}

#: Technical terms written out in words (not abbreviations) that the pages use: term → definition. Each is
#: found in page text case-insensitively, with a space, hyphen or nothing between its words and an optional
#: ending (``back-tests``, ``back tested``); the glossary page lists those a pack uses.
PHRASES: dict[str, str] = {
    "back-test": "A check of a forecasting method on the past: forecast years already known from the years "
                 "before them, and compare the forecasts with what happened.",
    "common-cause variation": "The ordinary ups and downs of a process from month to month; they are not a "
                              "sign that anything has changed.",
    "compound annual growth": "The steady yearly percentage growth that would take a number from its first "
                              "value to its last value over the period.",
    "confidence interval": "A range that shows how uncertain an estimate is; a 95% confidence interval would "
                           "contain the true value in 95 out of 100 repeats.",
    "control limits": "The lines on a statistical process control chart, about three standard deviations either "
                      "side of the average; a point outside them is unlikely to be chance.",
    "exception cases": "Plans issued after 20 weeks for a reason the law allows (for example the child was away "
                       "or a family asked for a delay); DfE reports timeliness with and without them.",
    "funnel plot": "A chart of each council's rate against its size, with limits that narrow as size grows: "
                   "a council outside the limits differs by more than chance would explain.",
    "interquartile range": "The range covering the middle half of the values, from the lower to the upper "
                           "quartile.",
    "median": "The middle value when all the values are put in order: half are above it and half below.",
    "naive forecast": "A forecast that next year will be the same as the latest year; a forecasting method is "
                      "only worth using if it beats it.",
    "overdispersion": "When councils' rates differ from each other by more than chance alone would explain, "
                      "for example because of local policy; the funnel limits are widened to allow for it.",
    "percentage point": "The difference between two percentages: from 40% to 50% is a rise of 10 percentage "
                        "points (and of 25%).",
    "quartile band": "DfE's grouping of all councils into four equal bands (A to D) by their value on a "
                     "measure, from the top quarter to the bottom quarter.",
    "special-cause variation": "A change in a process bigger or longer-lasting than its usual month-to-month "
                               "variation, so probably due to a real cause (NHS 'Making Data Count').",
    "statistical neighbours": "The ten councils the DfE judges most similar to this one in population and "
                              "circumstances, used for fair comparison.",
    "suppressed": "Hidden to protect privacy: counts under the disclosure threshold are shown as 'c' or a dash.",
}

#: Upper-case words that are not abbreviations needing expansion: Roman numerals used as ordinals ("Part III",
#: "Schedule IV"). ``VI`` is not here because it is the DfE code for visual impairment. A page using any other
#: upper-case token that :data:`TERMS` lacks fails the glossary test.
NOT_ABBREVIATIONS: frozenset[str] = frozenset({"II", "III", "IV", "VII", "VIII", "IX", "XI", "XII"})

#: Elements whose text is never annotated: not visible or not prose (``<head>``, scripts, code) or already marked
#: up (``<abbr>``), or text-only elements (``<title>``, ``<textarea>``, ``<option>``). Headings are skipped too, so
#: a page's first expansion appears in its opening paragraph rather than in a heading read out as navigation.
SKIP_ELEMENTS: frozenset[str] = frozenset({
    "head", "title", "script", "style", "template", "noscript", "abbr", "code", "pre", "kbd", "samp", "textarea",
    "option", "select", "svg", "math", "h1", "h2", "h3", "h4", "h5", "h6",
})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})

def _term_pattern() -> re.Pattern[str]:
    keys = sorted(TERMS, key=lambda k: (-len(k), k))
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(k) for k in keys) + r")(?=s?(?![\w]))")


_TERM = _term_pattern()


def find_abbreviations(text: str) -> set[str]:
    """Upper-case tokens of two or more letters (digits allowed, e.g. ``SEN2``) in ``text``, plurals folded.

    A token counts when it has at least two capital letters and no lower-case letters apart from a plural ``s``
    (``EHCPs`` → ``EHCP``); mixed-case terms in :data:`TERMS` (``DfE``, ``AICc``) are found as well.
    Words in :data:`NOT_ABBREVIATIONS` are left out.
    """
    found = {m.group(1) for m in _TERM.finditer(text)}
    for m in re.finditer(r"(?<![\w])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)s?(?![\w])", text):
        token = m.group(1)
        if sum(c.isalpha() for c in token) >= 2:
            found.add(token)
    return {t for t in found if t not in NOT_ABBREVIATIONS}


class _Tokens(HTMLParser):
    """Splits a document into raw source segments, marking which are annotatable visible text."""

    def __init__(self, source: str, skip: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.skip_elements = skip
        self.source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.marks: list[tuple[int, str]] = []  # (offset where a token starts, "text" | "abbr" | "markup")
        self.skip: list[str] = []
        self.has_body = re.search(r"<body[\s>]", source, re.IGNORECASE) is not None
        self.in_body = not self.has_body

    def _mark(self, kind: str) -> None:
        line, col = self.getpos()
        self.marks.append((self._line_starts[line - 1] + col, kind))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark("markup")
        if tag == "body":
            self.in_body = True
        elif tag in self.skip_elements and tag not in _VOID:
            self.skip.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark("markup")

    def handle_endtag(self, tag: str) -> None:
        self._mark("markup")
        if tag == "body":
            self.in_body = False
        if tag in self.skip:
            del self.skip[len(self.skip) - 1 - self.skip[::-1].index(tag):]

    def handle_data(self, data: str) -> None:
        if self.in_body and not self.skip:
            self._mark("text")
        else:
            self._mark("abbr" if self.in_body and self.skip[-1] == "abbr" else "markup")

    def _other(self) -> None:
        self._mark("markup")

    def handle_entityref(self, name: str) -> None:
        self._other()

    def handle_charref(self, name: str) -> None:
        self._other()

    def handle_comment(self, data: str) -> None:
        self._other()

    def handle_decl(self, decl: str) -> None:
        self._other()

    def handle_pi(self, data: str) -> None:
        self._other()

    def unknown_decl(self, data: str) -> None:
        self._other()


def _parse(page: str, skip: frozenset[str]) -> _Tokens:
    parser = _Tokens(page, skip)
    parser.feed(page)
    parser.close()
    return parser


def visible_text(page: str) -> str:
    """The text a reader sees in the page body (headings included; scripts, styles and code left out).

    Segments are joined with spaces so words in adjacent elements never run together. Used with
    :func:`find_abbreviations` to check a rendered page against the glossary.
    """
    parser = _parse(page, SKIP_ELEMENTS - {"h1", "h2", "h3", "h4", "h5", "h6", "abbr", "option", "select"})
    bounds = [offset for offset, _ in parser.marks] + [len(page)]
    return " ".join(page[offset:bounds[i + 1]] for i, (offset, kind) in enumerate(parser.marks) if kind == "text")


def annotate_html(page: str) -> str:
    """Wrap the first use of each :data:`TERMS` abbreviation in the page's visible body text in ``<abbr>``.

    ``<abbr title="Education, Health and Care Plan">EHCP</abbr>``; a plural ``EHCPs`` becomes
    ``<abbr ...>EHCP</abbr>s``. A term the page already wraps in ``<abbr>`` counts as used. Text in
    :data:`SKIP_ELEMENTS`, attribute values, comments and anything outside ``<body>`` (when the page has one; a
    fragment is all body) is untouched, as is every byte of the page apart from the inserted elements: Python's
    ``html.parser`` tokenises the page and only raw text segments are rewritten, so entities, scripts and
    whitespace survive exactly and the output is deterministic.
    """
    parser = _parse(page, SKIP_ELEMENTS)
    bounds = [offset for offset, _ in parser.marks] + [len(page)]
    seen: set[str] = set()
    out = [page[:bounds[0]]]

    def wrap(m: re.Match[str]) -> str:
        key = m.group(1)
        if key in seen:
            return key
        seen.add(key)
        return f'<abbr title="{html.escape(TERMS[key].expansion)}">{key}</abbr>'

    for i, (offset, kind) in enumerate(parser.marks):
        segment = page[offset:bounds[i + 1]]
        if kind == "abbr":  # the page already expands it: that is the first use
            seen.update(m.group(1) for m in _TERM.finditer(segment))
        out.append(_TERM.sub(wrap, segment) if kind == "text" else segment)
    return "".join(out)


def _phrase_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s\-]+", term)]
    return re.compile(r"(?<![\w])" + r"[\s\-]?".join(words) + r"(?:s|es|ed|ing)?(?![\w])", re.IGNORECASE)


_PHRASE = {term: _phrase_pattern(term) for term in PHRASES}


def find_phrases(text: str) -> set[str]:
    """The :data:`PHRASES` terms used in ``text``."""
    return {term for term, pattern in _PHRASE.items() if pattern.search(text)}


def page_text(page: str) -> str:
    """What a reader meets on a rendered page: its visible text and its images' alt text (read out by screen
    readers)."""
    alts = re.findall(r"<img\b[^>]*?\balt=\"([^\"]*)\"", page)
    return visible_text(page) + " " + html.unescape(" ".join(alts))


def used_terms(text: str) -> tuple[set[str], set[str]]:
    """(abbreviations, phrases) of the glossary that ``text`` uses, with those their definitions use in turn, so
    the glossary page never uses a term it does not define."""
    abbrs = find_abbreviations(text) & set(TERMS)
    phrases = find_phrases(text)
    while True:
        definitions = " ".join([TERMS[a].expansion + " " + TERMS[a].definition for a in abbrs]
                               + [PHRASES[p] for p in phrases])
        more_abbrs = (find_abbreviations(definitions) & set(TERMS)) - abbrs
        more_phrases = find_phrases(definitions) - phrases
        if not more_abbrs and not more_phrases:
            return abbrs, phrases
        abbrs |= more_abbrs
        phrases |= more_phrases


def glossary_html(terms: tuple[set[str], set[str]] | None = None) -> str:
    """The glossary page body: abbreviations then technical terms, alphabetical, each with an anchor.

    ``terms`` (from :func:`used_terms`) limits the page to what the pack uses; None lists everything."""
    abbrs, phrases = terms if terms is not None else (set(TERMS), set(PHRASES))
    items = []
    done: set[tuple[str, str]] = set()
    for key in sorted(abbrs, key=lambda k: (k.upper(), k)):
        term = TERMS[key]
        if (key.upper(), term.expansion) in done:  # SENCO / SENCo: one entry
            continue
        done.add((key.upper(), term.expansion))
        anchor = re.sub(r"[^a-z0-9]+", "-", key.lower())
        items.append(
            f'<dt id="term-{anchor}"><abbr title="{html.escape(term.expansion)}">{html.escape(key)}</abbr>: '
            f"{html.escape(term.expansion)}</dt><dd>{html.escape(term.definition)}</dd>"
        )
    words = []
    for key in sorted(phrases, key=str.lower):
        anchor = re.sub(r"[^a-z0-9]+", "-", key.lower())
        words.append(f'<dt id="term-{anchor}">{html.escape(key)}</dt><dd>{html.escape(PHRASES[key])}</dd>')
    out = ""
    if items:
        out += '<h2 id="abbreviations">Abbreviations</h2><dl class="glossary">' + "".join(items) + "</dl>"
    if words:
        out += '<h2 id="terms">Technical terms</h2><dl class="glossary">' + "".join(words) + "</dl>"
    return out
