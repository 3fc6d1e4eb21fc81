"""The built demo pack in a real browser: axe-core WCAG 2.2 A/AA audit, no network, keyboard skip link, screenshots.

Headless Debian Chromium driven by Playwright's sync API (the system executable; never ``playwright install``).
axe-core is the copy bundled inside axe-playwright-python (``axe.min.js``, injected with ``page.evaluate``), so
nothing is fetched from a CDN. Every page is opened once for the audit; the keyboard test opens each page afresh.
Skips cleanly when Chromium or Playwright is absent.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
#: axe-core tags for WCAG 2.0, 2.1 and 2.2 levels A and AA (WCAG 2.2 added only AA rules to axe).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Rules that must be among those run, so a silently narrowed audit cannot pass.
KEY_RULES = {"color-contrast", "image-alt", "html-has-lang", "html-lang-valid", "document-title", "link-name",
             "list", "th-has-data-cells", "target-size"}
ALLOWED_SCHEMES = ("file://", "data:")
SCREENSHOTS = {"index.html": "front-page.png", "02_timeliness.html": "chart-page-02_timeliness.png"}
OUTPUT = Path(__file__).resolve().parents[1] / "output"
SHOWN_TARGETS = 3


@dataclass
class Audit:
    """One page's axe result and the URLs it requested while loading and being audited."""

    violations: list[dict]
    needs_review: list[str]
    rules_run: set[str]
    requests: list[str]


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Chromium not installed (Debian package 'chromium')")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def pages(demo_build: Path) -> list[Path]:
    files = sorted(demo_build.glob("*.html"))
    assert files, f"no pages in {demo_build}"
    return files


def _open(browser, path: Path, requests: list[str] | None = None):
    """A fresh page showing ``path``; every request URL goes to ``requests``, and any leaving the pack is aborted."""
    page = browser.new_page()
    if requests is not None:
        page.on("request", lambda request: requests.append(request.url))
    page.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page


@pytest.fixture(scope="module")
def audits(browser, pages: list[Path], html_summary: dict[str, str]) -> dict[str, Audit]:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results: dict[str, Audit] = {}
    for path in pages:
        requests: list[str] = []
        page = _open(browser, path, requests)
        response = axe.run(page, options=options).response
        page.close()
        rules = {r["id"] for kind in ("violations", "passes", "incomplete", "inapplicable") for r in response[kind]}
        review = [r["id"] for r in response["incomplete"]]
        results[path.name] = Audit(response["violations"], review, rules, requests)
    rules_run = set().union(*(a.rules_run for a in results.values()))
    n_violations = sum(len(a.violations) for a in results.values())
    review = sorted({f"{rule} ({name})" for name, a in results.items() for rule in a.needs_review})
    html_summary["browser checks"] = (f"{len(results)} pages, {len(rules_run)} axe-core rules "
                                      f"({'/'.join(AXE_TAGS)}), {n_violations} violations, "
                                      f"needing manual review: {', '.join(review) or 'none'}")
    return results


def _violation_text(page: str, violation: dict) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:SHOWN_TARGETS]]
    more = len(violation["nodes"]) - len(targets)
    return (f"{page}: {violation['id']} ({violation.get('impact')}): {violation['help']} "
            f"at {targets}{f' and {more} more' if more > 0 else ''}")


def test_axe_ran_the_wcag_rules_on_every_page(audits, pages):
    assert set(audits) == {p.name for p in pages}
    missing = {name: sorted(KEY_RULES - a.rules_run) for name, a in audits.items() if KEY_RULES - a.rules_run}
    assert missing == {}


def test_no_axe_violations(audits):
    found = [_violation_text(name, v) for name, a in audits.items() for v in a.violations]
    rules = set().union(*(a.rules_run for a in audits.values()))
    assert found == [], (f"{len(found)} axe-core violations on {len(audits)} pages ({len(rules)} rules run):\n"
                         + "\n".join(found))


def test_pages_make_no_network_requests(audits):
    outside = {name: [u[:120] for u in a.requests if not u.startswith(ALLOWED_SCHEMES)]
               for name, a in audits.items()}
    assert all(a.requests for a in audits.values()), "request recording saw nothing (not even the page itself)"
    assert {n: u for n, u in outside.items() if u} == {}


def test_skip_link_is_first_and_moves_focus_to_main(browser, pages):
    """WCAG 2.4.1 Bypass Blocks: the first Tab shows the skip link; Enter puts focus on ``<main>``, which keeps the
    page's background (a focused ``<main>`` painted in the focus colour would change every text contrast)."""
    problems: dict[str, str] = {}
    for path in pages:
        page = _open(browser, path)
        page.keyboard.press("Tab")
        first = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
            return {cls: e.className, text: e.textContent.trim(), href: e.getAttribute('href'),
                    visible: r.left >= 0 && r.top >= 0 && r.width > 0 && r.bottom <= innerHeight}; }""")
        page.keyboard.press("Enter")
        landed = page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName, id: e.id, bg: getComputedStyle(e).backgroundColor,
                    body: getComputedStyle(document.body).backgroundColor}; }""")
        page.close()
        if first["cls"] != "skip-link" or first["href"] != "#main-content" or not first["visible"]:
            problems[path.name] = f"first Tab focused {first}"
        elif (landed["tag"], landed["id"]) != ("MAIN", "main-content"):
            problems[path.name] = f"skip link moved focus to {landed['tag']}#{landed['id']}"
        elif landed["bg"] != landed["body"]:
            problems[path.name] = f"focused <main> background {landed['bg']} differs from the page's {landed['body']}"
    assert problems == {}


def test_full_page_screenshots_for_review(browser, demo_build: Path, html_summary: dict[str, str]):
    """Screenshots of the front page and a chart page into tests/output/ (git-ignored) for a person to look at."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    written = []
    for name, file in SCREENSHOTS.items():
        page = _open(browser, demo_build / name)
        viewport_height = page.viewport_size["height"]
        png = page.screenshot(path=OUTPUT / file, full_page=True)
        page.close()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        height = int.from_bytes(png[20:24], "big")  # IHDR height
        assert height > viewport_height, f"{file} is not full-page ({height} px high)"
        written.append(str((OUTPUT / file).relative_to(OUTPUT.parents[1])))
    html_summary["screenshots"] = ", ".join(written)


def test_restricted_inspection_page_passes_axe_and_stays_offline(browser, restricted_build: Path) -> None:
    """Issue 17: the inspection data request page exists only in the restricted build, and passes the same
    WCAG 2.2 A/AA audit as the public pages, loading nothing from outside the pack."""
    path = restricted_build / "10_inspection_data_request.html"
    assert path.exists(), sorted(p.name for p in restricted_build.glob("*.html"))
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    requests: list[str] = []
    page = _open(browser, path, requests)
    response = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                      "resultTypes": ["violations"]}).response
    page.close()
    found = [_violation_text(path.name, v) for v in response["violations"]]
    assert found == [], "\n".join(found)
    assert all(url.startswith(ALLOWED_SCHEMES) for url in requests), requests
