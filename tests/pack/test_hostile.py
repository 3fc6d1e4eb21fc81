"""Names from the inputs that contain HTML are shown as text, never run as markup, on every page.

In a copy of the demo project the pack title (config), the demo LA's name (config and DfE files) and a
neighbour's name (DfE files: Bolton, code 350) are given a ``<script>`` element and an ``"><img onerror=...>``
attribute breakout. After a build of the front page, data quality and benchmarks pages (where those names show),
no page may hold a script element, an ``on*`` event attribute or the injected image, and the names must be readable
as text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import lxml.html
import pytest
from project_copy import copy_project

from helpers.pack import cli

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
LA_NAME = f"Northby {SCRIPT}"
NEIGHBOUR = f"Bolton {BREAKOUT}"
TITLE = f"Northby {BREAKOUT} {SCRIPT} SEND evidence pack"


def rename_area(folder: Path, old_code: str, name: str) -> None:
    """Give the LA with DfE number ``old_code`` a new name in every DfE file of the release folder."""
    for path in sorted(folder.glob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
        code, name_col = rows[0].index("old_la_code"), rows[0].index("la_name")
        for row in rows[1:]:
            if row[code] == old_code:
                row[name_col] = name
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator="\n").writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    ees = project / "data" / "demo" / "ees" / "data"
    rename_area(ees, "999", LA_NAME)
    rename_area(ees, "350", NEIGHBOUR)
    cfg = project / "config" / "demo.yaml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace('title: "Northby SEND evidence pack (synthetic demonstration)"', f"title: '{TITLE}'")
    text = text.replace("  name: Northby", f"  name: '{LA_NAME}'")
    cfg.write_text(text, encoding="utf-8")
    code = cli.main(["build", str(cfg), "--no-pdf", "--only", "05_benchmarks,08_inspection_readiness"])
    assert code == 0
    return project / "reports" / "demo"


def pages(pack: Path) -> dict[str, lxml.html.HtmlElement]:
    return {p.name: lxml.html.fromstring(p.read_bytes()) for p in sorted(pack.glob("*.html"))}


def test_no_markup_from_inputs(hostile_pack: Path) -> None:
    built = pages(hostile_pack)
    assert {"index.html", "00_data_quality.html", "05_benchmarks.html", "glossary.html"} <= built.keys()
    for name, doc in built.items():
        assert doc.xpath("//script") == [], name
        handlers = [(el.tag, a) for el in doc.iter() if isinstance(el.tag, str) for a in el.attrib
                    if a.lower().startswith("on")]
        assert handlers == [], name
        assert doc.xpath("//img[@src='x']") == [], name


def test_names_shown_as_text(hostile_pack: Path) -> None:
    """The title is on every page and the names on the benchmarks page, as the characters typed."""
    built = pages(hostile_pack)
    for name, doc in built.items():
        assert TITLE in doc.text_content(), name
    benchmarks = built["05_benchmarks.html"].text_content()
    assert NEIGHBOUR in benchmarks
    assert LA_NAME in benchmarks
    raw = (hostile_pack / "05_benchmarks.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
