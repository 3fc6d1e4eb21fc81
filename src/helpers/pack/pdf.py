"""``pack.pdf``: the print page printed by headless Chromium, kept off the network, with a numbered contents page.

Chromium prints twice: once to find the sheet each section starts on (read back with poppler's ``pdftotext``),
then with those numbers on the contents page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from helpers.errors import BuildError
from helpers.pack.dag import Task
from helpers.pack.print_page import section_headings, write_print_page

#: Chromium features that reach for the network on start-up (field trials, optimisation hints, safe browsing,
#: translation, media routing, certificate and update checks) switched off.
DISABLED_FEATURES = ("OptimizationHints,OptimizationGuideModelDownloading,MediaRouter,Translate,"
                     "DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater,"
                     "SafeBrowsing,InterestFeedContentSuggestions,NetworkTimeServiceQuerying,PrivacySandboxSettings4,"
                     "SegmentationPlatform,AcceptCHFrame,HttpsUpgrades")


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def pdf_wanted(pdf: bool) -> bool:
    """True when the build prints ``pack.pdf`` (asked for, and Chromium is installed)."""
    return pdf and find_chromium() is not None


def chromium_flags() -> list[str]:
    """Headless flags that keep Chromium off the network and out of the user profile.

    Background networking, component and field-trial updates, sync, metrics, DNS prefetch and safe browsing are
    switched off, and every host name resolves to nothing and every proxy lookup goes nowhere, so even a
    request the flags miss cannot leave the machine (the pack's pages load nothing from outside anyway)."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-breakpad",
            "--disable-crash-reporter", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
            "--metrics-recording-only", "--disable-field-trial-config", "--no-pings", "--dns-prefetch-disable",
            "--disable-dev-shm-usage", "--password-store=basic", "--use-mock-keychain",
            f"--disable-features={DISABLED_FEATURES}", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]


@lru_cache(maxsize=1)
def no_network_prefix() -> tuple[str, ...]:
    """``unshare --net --map-root-user`` when this machine allows it: Chromium then runs in a network namespace
    of its own with no interfaces, so nothing it tries can leave the machine. Empty where unprivileged namespaces
    are not allowed; the flags of :func:`chromium_flags` still keep it from looking anything up."""
    tool = shutil.which("unshare")
    if tool is None:
        return ()
    cmd = (tool, "--net", "--map-root-user")
    try:
        ok = subprocess.run([*cmd, "true"], capture_output=True, timeout=20, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return cmd if ok else ()


def print_pdf(chrome: str, page: Path, out: Path) -> None:
    """Print ``page`` to ``out`` with headless Chromium (print stylesheet, running header and page numbers from
    CSS margin boxes), from a fresh throw-away profile."""
    with tempfile.TemporaryDirectory() as profile:
        cmd = [*no_network_prefix(), chrome, *chromium_flags(), f"--user-data-dir={profile}",
               "--no-pdf-header-footer", f"--print-to-pdf={out}", page.resolve().as_uri()]
        env = {**os.environ, "HOME": profile}  # nothing read from or written to the user's home
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env, check=False)
    if proc.returncode != 0 or not out.exists():
        raise BuildError(f"Chromium could not print the PDF ({out.name}): {proc.stderr.strip()[-300:]}; "
                         "build with --no-pdf to skip it")


def pdf_page_texts(pdf: Path) -> list[str] | None:
    """The text of each page of ``pdf`` (poppler's ``pdftotext``), or None when it is not installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    proc = subprocess.run([tool, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, timeout=120,
                          check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.split("\f")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def section_pages(page_texts: list[str], headings: list[tuple[str, str]], header: dict[str, str]) -> dict[str, int]:
    """Page number (1-based) where each section's heading lands: sections start on a new sheet in order, so each
    heading is looked for at the top of the pages after the previous section's page."""
    found: dict[str, int] = {}
    start = 1  # page 1 holds the contents
    margin = [_norm(v) for v in header.values() if v]
    for sid, heading in headings:
        want = _norm(heading)
        for number in range(start + 1, len(page_texts) + 1):
            top = _norm(page_texts[number - 1])
            for m in margin:
                top = top.replace(m, " ")
            if want and want in _norm(top)[: len(want) + 120]:
                found[sid] = number
                start = number
                break
    return found


def print_with_contents(chrome: str, pack: Path, tasks: list[Task], header: dict[str, str], title: str) -> Path:
    """Print ``pack.pdf`` twice: once to find the page each section starts on, then with those numbers on the
    contents page (the numbers sit in a fixed-width column, so filling them in moves nothing; checked, and a
    third print is made if it did). ``print.html`` gets the same numbers."""
    out = pack / "pack.pdf"
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "print.html"
        page = write_print_page(pack, tasks, header, title=title, out=copy)
        print_pdf(chrome, page, out)
        headings = section_headings(page)
        numbers: dict[str, int] = {}
        for _ in range(2):
            texts = pdf_page_texts(out)
            if texts is None:
                break  # no pdftotext: the contents page lists the sections, linked, without numbers
            found = section_pages(texts, headings, header)
            if found == numbers:
                break
            numbers = found
            page = write_print_page(pack, tasks, header, title=title, numbers=numbers, out=copy)
            print_pdf(chrome, page, out)
    write_print_page(pack, tasks, header, title=title, numbers=numbers)
    return out
