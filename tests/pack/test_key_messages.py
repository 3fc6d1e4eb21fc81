"""Every number in the front page's key messages appears on the page the message links to (the demo pack).

A key message is a claim with a link to its evidence; a councillor who follows the link must find the same figure
there. The front page is parsed as a reader sees it (text, not metrics JSON), each number of a message is looked
for as a whole token in the text of the linked page (tables included), and the scorecard summary's counts are
checked against the Status column of the scorecard table.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from helpers.analysis import scorecard

pytestmark = pytest.mark.slow

NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w]|[.,]\d)")


def _text(el: lxml.html.HtmlElement) -> str:
    """The element's text with a space between every text node (so table cells do not run together)."""
    return re.sub(r"\s+", " ", " ".join(el.itertext()))


def numbers(text: str) -> list[str]:
    """The numbers of a sentence as written (``57.9``, ``1,234``, ``2024``)."""
    return NUMBER.findall(text)


def test_number_tokens_are_whole() -> None:
    assert numbers("Kent: 57.9% of decisions in 2024 (England 27.8%), 1,234 plans; A2. In 2025, 3.") == [
        "57.9", "2024", "27.8", "1,234", "2025", "3"]


def _messages(index: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    out = []
    for li in index.xpath('//ul[@class="key-messages"]/li'):
        link = li.xpath(".//a")[0]
        out.append((_text(li).replace(_text(link), "").strip(), link.get("href")))
    return out


def test_every_key_message_number_is_on_the_linked_page(demo_build: Path) -> None:
    index = lxml.html.parse(str(demo_build / "index.html")).getroot()
    messages = _messages(index)
    assert messages, "the front page has no key messages"
    for ul in index.xpath('//ul[@class="key-messages"]'):
        ul.drop_tree()  # a message must not count as its own evidence
    front = _text(index)
    missing = []
    for text, href in messages:
        if href == "#scorecard" and text.startswith("Of "):
            continue  # the summary's counts are checked against the Status column below
        target = front if href.startswith("#") else _text(lxml.html.parse(str(demo_build / href)).getroot())
        found = {n for n in numbers(target)}
        missing += [(href, n, text) for n in numbers(text) if n not in found]
    assert not missing, "numbers not on the linked page: " + "; ".join(f"{n} ({h}): {t}" for h, n, t in missing)


def test_scorecard_summary_counts_match_the_scorecard_table(demo_build: Path) -> None:
    index = lxml.html.parse(str(demo_build / "index.html")).getroot()
    summary = next(t for t, href in _messages(index) if href == "#scorecard")
    table = next(t for t in index.xpath("//table") if "Why this status" in _text(t))
    headers = [_text(th).strip() for th in table.xpath(".//thead//th")]
    col = headers.index("Status")
    statuses = Counter(_text(tr.xpath("./td|./th")[col]).split(":")[0].strip()
                       for tr in table.xpath(".//tbody/tr"))
    for word in (scorecard.GREEN, scorecard.AMBER, scorecard.RED):
        assert re.search(rf"\b{statuses[word]} (is|are) [^,]*\({word}\)", summary), (word, statuses, summary)


def test_key_messages_lead_with_the_largest_gap(demo_build: Path) -> None:
    """The first message is a comparison with England (the largest gap across the evidence), not the scorecard."""
    index = lxml.html.parse(str(demo_build / "index.html")).getroot()
    first_text, first_href = _messages(index)[0]
    assert first_href == "05_benchmarks.html" and re.search(r" (than|above|below) England \(", first_text)
