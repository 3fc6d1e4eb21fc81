"""The link allow-list of the pack's pages: a page links only to the pack's own pages and files, anchors on the
page and ``https:`` addresses; any other link (``javascript:``, ``data:``, ``file:``, ...) is shown as text."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

#: Files of a pack a page may link to besides its pages: downloads are checked by pattern.
PACK_FILES = frozenset({"index.html", "glossary.html", "print.html", "manifest.json", "pack.pdf"})
_DOWNLOAD = re.compile(r"downloads/[A-Za-z0-9][\w.\-]*")
_A_TAG = re.compile(r"<(a|area)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_HREF = re.compile(r"""\s+href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


def allowed_href(href: str, pages: Iterable[str]) -> bool:
    """True when a link may stay live: one of the pack's own pages or files (with an optional ``#anchor``), an
    anchor on the page, or an ``https:`` address. Anything else (``javascript:``, ``data:``, ``file:``,
    ``http:``, absolute or parent paths) is rendered as plain text."""
    url = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(href))  # browsers ignore tabs and newlines inside URLs
    if re.fullmatch(r"#[\w\-.:]*", url):
        return True
    if re.match(r"https://[^/\\]+", url, flags=re.I):
        return "\\" not in url
    target = url.split("#", 1)[0]
    return target in PACK_FILES or target in set(pages) or bool(_DOWNLOAD.fullmatch(target))


def safe_links(body: str, pages: Iterable[str]) -> str:
    """Remove the ``href`` of every link that :func:`allowed_href` refuses (the words stay, as text).

    Works on the exporter's markup as written (every other byte of the page is left as it is)."""
    pages = set(pages)

    def fix(m: re.Match[str]) -> str:
        attrs = m.group(2)
        h = _HREF.search(attrs)
        if h is None:
            return m.group(0)
        value = next(g for g in h.groups() if g is not None)
        if allowed_href(value, pages):
            return m.group(0)
        return f"<{m.group(1)}{attrs[:h.start()]}{attrs[h.end():]}>"

    return _A_TAG.sub(fix, body)
