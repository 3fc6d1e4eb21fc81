"""Read the SEN2 person-level return (XML as sent to DfE, or the same fields as a flat CSV) into tidy tables.

Field list, code sets and nesting follow the DfE SEN2 person-level guides and technical specifications for the
2023, 2024 and 2025 returns as reconstructed in ``../shared/reference/sen2_person_level.md`` (§1 items, §2 XML
structure, §4 validation, §5 version differences). The 2026 return uses the 2025 layout.

XML
    ``Message/Header`` then ``Message/Persons/Person*``; Person → Requests (1..n) → Assessment (0..1) → NamedPlan
    (0..1) → PlanDetail (1..2), and Requests → ActivePlans (0..1) → PlacementDetail (1..n), SENneed (1..2). The
    layout is taken from ``Header/CollectionDetails/Year`` (2023, 2024, 2025; 2026 reads as 2025) and every
    element is checked against that year's layout (e.g. ``Sex`` replaced ``GenderCurrent`` in 2024,
    ``RequestSource`` and ``DSCO`` arrived in 2025). No XML namespace is used. ``.xml.gz`` is read too.
Flat CSV
    One row per request, columns named as the XML tags; see ``data/templates/sen2_flat_csv.md``.

Streaming: the XML is read from disk with ``lxml.etree.iterparse``; each ``Person`` is converted, cleared and
removed from the tree once read, and every 5,000 requests the rows are packed into typed frames, so memory
holds the compact output tables, not the XML tree or millions of small Python objects
(``tests/unit/test_sen2.py::test_streaming_reader_clears_each_person``). Measured for a synthetic
50,000-person 2025-layout file (50,096 requests, 70 MB of XML; the same gzipped takes as long) on the
project machine (2 cores shared with other jobs): parse, validate and check rules in 5.3 s at load average 4,
21–25 s at load average 6; peak traced Python memory 44 MB (``tracemalloc``); process peak RSS 236–239 MB
(``resource.getrusage``), of which 124 MB is pandas/pyarrow/pandera/lxml imported before reading.

Errors
    Fatal (:class:`~helpers.errors.InputError`, one message naming the file, the element path such as
    ``Message/Persons/Person[1234]/Requests[2]/ReceivedDate`` or the CSV line, the field and what was expected):
    wrong root element or namespace, unknown year layout, an element not in that year's layout, malformed or
    truncated XML, impossible dates (``2024-02-30``), codes outside the code set, a malformed UPN/ULN/URN/UKPRN,
    a missing mandatory item (``RequestOutcome``, ``AssessmentOutcome``, ``NamedPlan/StartDate``, ...), more
    children than the schema allows (two ``Assessment`` elements under one request: the XSD's maxOccurs is 1
    and the 20-week measure would be ambiguous), and for CSV: a workbook saved by mistake, non-UTF-8 text,
    missing or unknown columns, and one ``PersonID`` carrying two different sets of person details.

    Reported, not fatal (``Sen2Tables.issues``; counts and element paths, never personal details): the
    guidance-implied business rules (reference §4), because real returns contain such records, DfE's COLLECT
    raises them as queries rather than rejecting the file, and the analyst needs the rest of the data meanwhile:
    ``dates_out_of_order``, ``outcome_date_missing``, ``outcome_date_unexpected``, ``assessment_not_agreed``,
    ``plan_not_agreed`` (a plan for a refused request or an assessment that did not decide to issue),
    ``date_after_reference_date``, ``duplicate_person`` (the same UPN or ULN on two Person records),
    ``no_identifier``, ``week20_missing`` and ``received_date_missing``. See :data:`RULES`.

Modules: :mod:`~helpers.sources.sen2_items` (items, code sets, parsing one value), :mod:`~helpers.sources.sen2_xml`
and :mod:`~helpers.sources.sen2_csv` (the two readers), :mod:`~helpers.sources.sen2_rows` (typed frames) and
:mod:`~helpers.sources.sen2_rules` (the reported rules); this module is the public face.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers import schemas
from helpers.errors import InputError
from helpers.sources.sen2_csv import read_csv
from helpers.sources.sen2_items import KIND, LAYOUTS
from helpers.sources.sen2_rows import Rows
from helpers.sources.sen2_rules import RULES, check_rules
from helpers.sources.sen2_xml import layout_of, read_xml, xml_encoding
from helpers.sources.textfile import DAMAGED, open_binary

__all__ = ["KIND", "LAYOUTS", "RULES", "Sen2Tables", "read"]


@dataclass(frozen=True)
class Sen2Tables:
    """Validated SEN2 tables (child-level: keep in memory, never write them into a pack).

    ``persons``: one row per person; ``requests``: one per request; ``assessments``: one per Assessment;
    ``plans``: one per request holding a NamedPlan and/or ActivePlans; ``placements``: settings named in a
    plan (``kind='named'``) and settings attended (``kind='attended'``); ``needs``: SEN type of need, rank 1/2;
    ``issues``: rule failures (``rule``, ``description``, ``count``, ``examples``); ``layout``: 2023, 2024,
    2025 or ``"csv"``; ``reference_date``: the header ReferenceDate (or the ``reference_date`` argument).
    """

    source: Path
    layout: int | str
    reference_date: dt.date | None
    lea: str | None
    persons: pd.DataFrame
    requests: pd.DataFrame
    assessments: pd.DataFrame
    plans: pd.DataFrame
    placements: pd.DataFrame
    needs: pd.DataFrame
    issues: pd.DataFrame = field(repr=False)


def _validate(t: dict[str, pd.DataFrame], file: Path) -> dict[str, pd.DataFrame]:
    return {name: schemas.validate(frame, schemas.SEN2[name], file) for name, frame in t.items()}


def read(path: Path | str, reference_date: dt.date | None = None) -> Sen2Tables:
    """Read a SEN2 person-level XML (``.xml`` or ``.xml.gz``) or flat CSV into validated tables.

    Parameters
    ----------
    path
        The LA's SEN2 return or case-management extract. XML is recognised by content (it starts with ``<``),
        anything else is read as the flat CSV.
    reference_date
        Dates after this are reported (rule ``date_after_reference_date``). Defaults to the XML header's
        ``ReferenceDate``; for a CSV without it the rule is not checked.

    Returns
    -------
    Sen2Tables
        Tidy tables keyed by ``person_id`` (XML: the Person's position in the file, as the XML has no person ID;
        CSV: ``PersonID``) and ``request_id`` (``<person_id>-<n>``, the n-th request of that person).

    Raises
    ------
    InputError
        For the fatal problems listed in the module docstring.
    """
    file = Path(path)
    rows: Rows
    header: dict[str, object] = {}
    with open_binary(file, KIND) as stream:
        try:
            head = stream.peek(256)[:256]  # type: ignore[attr-defined]
        except DAMAGED:
            raise InputError(file, "the compressed (.gz) file is damaged or truncated", expected=KIND) from None
        is_xml = xml_encoding(head, file) is not None
        if is_xml:
            rows, header = read_xml(stream, file)
    if is_xml:
        layout: int | str = layout_of(header)
        header_date = header.get("ReferenceDate")
        if reference_date is None and header_date is not None:
            reference_date = dt.date.fromisoformat(str(header_date))
        lea = header.get("LEA")
    else:
        rows = read_csv(file)
        layout, lea = "csv", None
    tables = _validate(rows.tables(), file)
    issues = check_rules(tables, rows, reference_date)
    return Sen2Tables(source=file, layout=layout, reference_date=reference_date,
                      lea=None if lea is None else str(lea), issues=issues, **tables)

