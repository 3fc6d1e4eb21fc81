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

from helpers.present.glossary_terms import PHRASES, TERMS


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
