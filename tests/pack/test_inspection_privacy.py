"""The inspection lists never reach the public pack (issue 17): no value from List 1 or the open-requests list in
any file of the public build, no inspection page or folder there, and no identifier on the restricted page.

Needs the build to skip a notebook whose ``metadata.evidence_pack.variants`` leaves out the build's variant
(``10_inspection_data_request`` is restricted and reviewer only).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis import cases as case_table
from helpers.analysis import inspection
from helpers.sources import sen2
from test_privacy import leaks, pack_texts  # tests/pack is on sys.path (rootdir-relative imports)

pytestmark = pytest.mark.slow

END = pd.Timestamp("2025-09-30").date()
NOTEBOOK = "10_inspection_data_request"


def list_values(root: Path) -> set[str]:
    """Identifying values of both lists: UPNs, ULNs and full names (forename surname, surname forename)."""
    tables = sen2.read(root / "data" / "demo" / "sen2_northby.xml.gz")
    rows = pd.concat([inspection.list_one(tables, END),
                      inspection.open_requests(tables, case_table.derive(tables, END))], ignore_index=True)
    values = {str(v) for column in ("upn", "uln") for v in rows[column].dropna()}
    names = rows.dropna(subset=["forename", "surname"])
    values |= set(names["forename"] + " " + names["surname"]) | set(names["surname"] + " " + names["forename"])
    return {v for v in values if len(v) >= 8}


def test_public_pack_holds_no_value_from_either_list(demo_build: Path, root: Path) -> None:
    needles = list_values(root)
    assert len(needles) > 2000
    assert not (demo_build / "inspection").exists()
    assert not list(demo_build.rglob(f"{NOTEBOOK}*"))  # no page, executed notebook, download or metrics
    assert leaks(pack_texts(demo_build), needles) == []


def test_restricted_page_shows_counts_not_names(restricted_build: Path, root: Path) -> None:
    page = restricted_build / f"{NOTEBOOK}.html"
    assert page.exists()
    texts = {name: text for name, text in pack_texts(restricted_build).items()
             if not name.startswith("inspection/")}
    assert leaks(texts, list_values(root)) == []
