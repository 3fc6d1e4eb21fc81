"""Privacy scan of the public demo pack: no personal details, no small child-level counts, no exempt content.

The synthetic SEN2 input carries canary values (helpers.demo.sen2.CANARIES) so the scan proves it would catch a
leak; a second test plants a canary in a copy of the pack and checks the scan finds it.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.demo.sen2 import CANARIES
from helpers.sources import sen2

pytestmark = pytest.mark.slow


def pack_texts(pack: Path) -> dict[str, str]:
    """Every file of a pack as searchable text (parquet as CSV, xlsx and docx as their XML parts)."""
    out = {}
    for f in sorted(p for p in pack.rglob("*") if p.is_file()):
        rel = str(f.relative_to(pack))
        if f.suffix == ".parquet":
            out[rel] = pd.read_parquet(f).to_csv(index=False)
        elif f.suffix in (".xlsx", ".docx"):  # zipped XML: scan the parts
            with zipfile.ZipFile(f) as z:
                out[rel] = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        elif f.suffix == ".pdf":
            continue  # printed from print.html, which is scanned
        else:
            out[rel] = f.read_text(encoding="utf-8", errors="replace")
    return out


def identifiers(root: Path) -> set[str]:
    """Person identifiers and the canary values in the synthetic SEN2 input."""
    tables = sen2.read(root / "data" / "demo" / "sen2_northby.xml.gz")
    ids = set(CANARIES.values())
    for col in ("upn", "uln", "surname", "forename", "postcode"):
        if col in tables.persons:
            ids |= {str(v) for v in tables.persons[col].dropna() if len(str(v)) >= 8}
    return ids


def leaks(texts: dict[str, str], needles: set[str]) -> list[tuple[str, str]]:
    return [(name, n) for name, text in texts.items() for n in needles if n in text]


def test_no_person_identifiers_in_public_pack(demo_build: Path, root: Path) -> None:
    needles = identifiers(root)
    assert CANARIES["upn"] in needles and len(needles) > 100
    assert leaks(pack_texts(demo_build), needles) == []


def test_scan_catches_a_planted_canary(demo_build: Path, root: Path, tmp_path: Path) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(demo_build, copy)
    csv = next((copy / "downloads").glob("*.csv"))
    csv.write_text(csv.read_text() + f"\n{CANARIES['surname']},1\n")
    assert leaks(pack_texts(copy), identifiers(root)) == [(f"downloads/{csv.name}", CANARIES["surname"])]


def test_child_level_counts_are_suppressed(demo_build: Path) -> None:
    """Every count column recorded as child-level holds 0, a count of at least the threshold, or 'fewer than 5'.

    Percentage columns recorded with their counts (headers with "%") are left to the linear-programming audit
    (tests/pack/test_disclosure_audit.py): a percentage of 4.0 is not a count of 4."""
    records = {}
    for f in (demo_build / "data").glob("disclosure_*.json"):
        records |= json.loads(f.read_text())
    assert records, "no child-level tables were recorded"
    checked = 0
    for file, columns in records.items():
        table = pd.read_csv(demo_build / "downloads" / file, dtype=str)
        for col in columns:
            if col not in table or "%" in col:
                continue
            for value in table[col].dropna():
                number = pd.to_numeric(value.replace(",", ""), errors="coerce")
                if pd.notna(number) and float(number).is_integer() and not str(value).endswith("%"):
                    assert not (1 <= number < 5), f"{file}: column {col!r} shows {value}"
                checked += 1
    assert checked > 50


def cell_text(cell: nbformat.NotebookNode) -> tuple[set[str], set[str]]:
    """A cell's distinctive lines (source headings and rendered outputs) and the CSV downloads it links."""
    lines = {ln.strip("# ").strip() for ln in cell.source.splitlines()} if cell.cell_type == "markdown" else set()
    links: set[str] = set()
    for out in cell.get("outputs", []):
        html = out.get("data", {}).get("text/html", "")
        html = html if isinstance(html, str) else "".join(html)
        lines |= {t.strip() for t in re.sub(r"<[^>]+>", "\n", html).splitlines()}
        links |= set(re.findall(r"downloads/[\w.\-]+\.csv", html))
    return {ln for ln in lines if len(ln) > 25}, links


def exempt_phrases(restricted: Path) -> tuple[set[str], set[str]]:
    """Text found only in cells tagged 'exempt' (of the restricted build), and the CSVs those cells wrote."""
    exempt, shared, links = set(), set(), set()
    for executed in sorted((restricted / "executed").glob("*.ipynb")):
        for cell in nbformat.read(executed, as_version=4).cells:
            lines, cell_links = cell_text(cell)
            if "exempt" in cell.metadata.get("tags", []):
                exempt |= lines
                links |= cell_links
            else:
                shared |= lines
    shared_text = "\n".join(shared)  # a line of an exempt cell that other cells show too (a therapy type) is shared
    return {p for p in exempt - shared if p not in shared_text}, links


def test_exempt_content_never_reaches_public_pack(demo_build: Path, restricted_build: Path) -> None:
    phrases, links = exempt_phrases(restricted_build)
    assert len(phrases) >= 3 and links, (phrases, links)
    restricted_text = "\n".join(pack_texts(restricted_build).values())
    assert all(p in restricted_text for p in phrases)
    assert leaks(pack_texts(demo_build), phrases) == []
    assert all((restricted_build / link).exists() and not (demo_build / link).exists() for link in links)
