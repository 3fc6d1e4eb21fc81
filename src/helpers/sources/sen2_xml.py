"""Read the SEN2 person-level XML (``Message/Header`` then ``Message/Persons/Person*``) as a stream.

Each ``Person`` is converted, cleared and removed from the tree once read, so memory holds the output rows, not
the XML tree. The layout comes from ``Header/CollectionDetails/Year`` and every element is checked against it.
No DTD, entity references or namespace are accepted.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from helpers.errors import InputError
from helpers.sources.sen2_items import (
    ACTIVE_PLAN,
    ASSESSMENT,
    HEADER,
    KIND,
    LAYOUTS,
    NAMED_PLAN,
    NEED,
    PERSON,
    PLACEMENT,
    REQUEST,
    SETTING,
    Item,
    Record,
    parse,
)
from helpers.sources.sen2_rows import Rows
from helpers.sources.textfile import DAMAGED, open_binary

_MAX_CHILDREN = {"Assessment": 1, "ActivePlans": 1, "NamedPlan": 1, "PlanDetail": 2, "SENneed": 2}
_REQUIRED = {
    "Person": ("PersonBirthDate",),
    "Requests": ("RequestOutcome",),
    "Assessment": ("AssessmentOutcome",),
    "NamedPlan": ("StartDate",),
    "PlanDetail": ("PlacementRank",),
    "PlacementDetail": ("PlacementRank", "EntryDate"),
    "SENneed": ("SENtype", "SENtypeRank"),
}


def _lookup(items: list[Item]) -> dict[str, Item]:
    """Tag → item, including other spellings of the tag."""
    return {tag: item for item in items for tag in (item.tag, *item.alias)}


class XmlReader:
    """Turns Person elements into rows; one instance per file."""

    def __init__(self, file: Path, layout: int) -> None:
        self.file = file
        self.layout = layout
        self.rows = Rows()
        self.items = {name: _lookup(items) for name, items in (
            ("Person", PERSON), ("Requests", REQUEST), ("Assessment", ASSESSMENT), ("NamedPlan", NAMED_PLAN),
            ("PlanDetail", SETTING), ("ActivePlans", ACTIVE_PLAN), ("PlacementDetail", PLACEMENT),
            ("SENneed", NEED))}
        self.children = {"Person": ("Requests",), "Requests": ("Assessment", "ActivePlans"),
                         "Assessment": ("NamedPlan",), "NamedPlan": ("PlanDetail",),
                         "ActivePlans": ("PlacementDetail", "SENneed")}

    def group(self, el: etree._Element, path: str) -> tuple[Record, dict[str, list[tuple[etree._Element, str]]]]:
        """Values of one element's items and its child groups (with their paths); InputError on a misfit."""
        name = el.tag
        items = self.items[name]
        values: Record = {}
        seen: set[str] = set()
        kids: dict[str, list[tuple[etree._Element, str]]] = {c: [] for c in self.children.get(name, ())}
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                if isinstance(child, etree._Entity):
                    raise InputError(self.file, "an entity reference in the XML", where=path, field=child.text,
                                     expected="plain values (entity references are not allowed in SEN2 returns)")
                continue
            if tag in kids:
                n = len(kids[tag]) + 1
                limit = _MAX_CHILDREN.get(tag)
                if limit is not None and n > limit:
                    raise InputError(self.file, f"too many {tag} elements", where=f"{path}/{tag}[{n}]",
                                     expected=f"at most {limit} {tag} in each {name}", found=n)
                kids[tag].append((child, f"{path}/{tag}[{n}]"))
                continue
            item = self._item(name, child, tag, f"{path}/{tag}", seen)
            text = (child.text or "").strip()
            if not text or item.kind == "ignore":
                continue
            values[item.column] = parse(item, text, self.layout, self.file, f"{path}/{tag}", tag)
        for tag in _REQUIRED.get(name, ()):
            if items[tag].column not in values:
                raise InputError(self.file, f"a required element is missing or blank in {name}",
                                 where=f"{path}/{tag}", field=tag, expected=f"a {tag} in every {name}")
        return values, kids

    def _item(self, name: str, child: etree._Element, tag: str, where: str, seen: set[str]) -> Item:
        """The item a child element holds: known in this layout, given once, with no entity reference inside."""
        items = self.items[name]
        item = items.get(tag)
        if item is None:
            known = [i.tag for i in items.values() if self.layout in i.layouts] + list(self.children.get(name, ()))
            close = difflib.get_close_matches(tag, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise InputError(self.file, f"unexpected element in {name}{hint}", where=where,
                             expected="one of " + ", ".join(dict.fromkeys(known)), found=tag)
        if self.layout not in item.layouts:
            years = " and ".join(map(str, sorted(item.layouts)))
            raise InputError(self.file, f"element not in the {self.layout} SEN2 layout (header Year)",
                             where=where, expected=f"{tag} only in the {years} layout", found=tag)
        if item.column in seen:
            raise InputError(self.file, "element given twice", where=where, expected="at most one", found=tag)
        seen.add(item.column)
        if len(child) and any(isinstance(c, etree._Entity) for c in child):
            raise InputError(self.file, "an entity reference in the XML", where=where, field=tag,
                             expected="plain values (entity references are not allowed in SEN2 returns)",
                             found=next(c.text for c in child if isinstance(c, etree._Entity)))
        return item

    def person(self, el: etree._Element, number: int) -> None:
        path = f"Message/Persons/Person[{number}]"
        person_id = str(number)
        values, kids = self.group(el, path)
        if not kids["Requests"]:
            raise InputError(self.file, "a person has no Requests", where=path,
                             expected="at least one Requests element in each Person")
        self.rows.persons.append({"person_id": person_id} | values)
        self.rows.person_where.append(path)
        for k, (req_el, req_path) in enumerate(kids["Requests"], start=1):
            request, rkids = self.group(req_el, req_path)
            assessment: Record | None = None
            named: Record | None = None
            active: Record | None = None
            plan_details: list[Record] = []
            attended: list[Record] = []
            needs: list[Record] = []
            for a_el, a_path in rkids["Assessment"]:
                assessment, akids = self.group(a_el, a_path)
                for n_el, n_path in akids["NamedPlan"]:
                    named, nkids = self.group(n_el, n_path)
                    plan_details = [self.group(d, p)[0] for d, p in nkids["PlanDetail"]]
            for p_el, p_path in rkids["ActivePlans"]:
                active, pkids = self.group(p_el, p_path)
                attended = [self.group(d, p)[0] for d, p in pkids["PlacementDetail"]]
                needs = [self.group(d, p)[0] for d, p in pkids["SENneed"]]
            self.rows.add_request(person_id, k, req_path, request, assessment, named, plan_details, active,
                                  attended, needs)


def _newlines(file: Path) -> int:
    """Number of line breaks in the (decompressed) file: a syntax error on the last line means it was cut off."""
    count = 0
    with open_binary(file, KIND) as stream:
        try:
            while chunk := stream.read(1 << 20):
                count += chunk.count(b"\n")
        except DAMAGED:
            pass
    return count


def _header(el: etree._Element, file: Path) -> dict[str, object]:
    """Header items (CollectionDetails and Source) with the layout year checked."""
    items = {i.tag: i for i in HEADER}
    values: dict[str, object] = {}
    for section in el:
        if not isinstance(section.tag, str):
            continue
        if section.tag not in ("CollectionDetails", "Source"):
            raise InputError(file, "unexpected element in Header", where=f"Message/Header/{section.tag}",
                             expected="CollectionDetails and Source", found=section.tag)
        for child in section:
            if not isinstance(child.tag, str):
                continue
            where = f"Message/Header/{section.tag}/{child.tag}"
            item = items.get(child.tag)
            if item is None:
                raise InputError(file, "unexpected element in the header", where=where,
                                 expected="one of " + ", ".join(items), found=child.tag)
            text = (child.text or "").strip()
            if text:
                values[item.tag] = parse(item, text, max(LAYOUTS), file, where, item.tag)
    year = values.get("Year")
    where = "Message/Header/CollectionDetails/Year"
    if year is None:
        raise InputError(file, "the header has no Year, so the SEN2 layout cannot be told", where=where,
                         expected="the return year, e.g. 2025")
    if not (isinstance(year, str) and year.isdigit() and int(year) in (*LAYOUTS, 2026)):
        raise InputError(file, "unknown SEN2 year layout", where=where, expected="2023, 2024, 2025 or 2026",
                         found=year)
    if "Collection" not in values:
        raise InputError(file, "the header does not say this is a SEN2 return",
                         where="Message/Header/CollectionDetails/Collection", expected="SEN2")
    layout = min(int(year), max(LAYOUTS))
    values["layout"] = layout
    if "DSCO" in values and layout < 2025:
        raise InputError(file, f"element not in the {layout} SEN2 layout",
                         where="Message/Header/Source/DSCO", expected="only in the 2025 layout", found="DSCO")
    return values


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
_UNMARKED: tuple[tuple[bytes, str, str], ...] = (
    (b"<\x00?\x00", "UTF-16", "utf-16-le"), (b"\x00<\x00?", "UTF-16", "utf-16-be"), (b"<", "UTF-8", "utf-8"))
_DECLARED = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def xml_encoding(head: bytes, file: Path) -> str | None:
    """The encoding of an XML file from its first bytes (None: not XML); InputError when the XML declaration
    names a different encoding from the one the bytes are written in.

    A byte-order mark or the pattern of ``<?`` tells how the bytes are written (XML 1.0 appendix F); UTF-16
    with a matching declaration is valid XML and is read. A mismatch (a file saved as UTF-16 that still says
    ``encoding="UTF-8"``, or the reverse) gets a message about the XML, not the CSV advice.
    """
    actual: str | None = None
    codec = ""
    body = head  # with a byte-order mark the codec reads (and the text below strips) the mark itself
    for bom, name in _BOMS:
        if head.startswith(bom):
            actual, codec = name, {"UTF-8": "utf-8", "UTF-16": "utf-16", "UTF-32": "utf-32"}[name]
            break
    if actual is None:
        stripped = head.lstrip(b" \t\r\n")
        for start, name, c in _UNMARKED:
            if stripped.startswith(start):
                actual, codec, body = name, c, stripped
                break
    if actual is None:
        return None
    text = body.decode(codec, errors="ignore").lstrip("\ufeff \t\r\n")
    if not text.startswith("<"):
        return None  # e.g. a CSV with a byte-order mark
    declared = _DECLARED.match(text)
    if declared:
        name = declared[1].upper().replace("_", "-")
        family = "UTF-16" if name.startswith("UTF-16") else "UTF-32" if name.startswith("UTF-32") else (
            "UTF-8" if name in ("UTF-8", "UTF8", "US-ASCII", "ASCII") else name)
        if family != actual and not (actual == "UTF-8" and family in ("ISO-8859-1", "LATIN-1", "WINDOWS-1252")):
            raise InputError(file, "the XML declaration names a different encoding from the one the file is "
                             "written in (re-save the XML so that they agree)", where="line 1 (XML declaration)",
                             field="encoding", expected=f'encoding="{actual}", as the file is written in {actual}',
                             found=declared[1])
    elif actual not in ("UTF-8",):
        raise InputError(file, "the XML is written in " + actual + " but has no XML declaration saying so",
                         where="line 1", expected=f'<?xml version="1.0" encoding="{actual}"?>')
    return actual


def read_xml(stream: BinaryIO, file: Path) -> tuple[Rows, dict[str, object]]:
    """Stream the XML, converting and clearing one Person at a time."""
    header: dict[str, object] | None = None
    reader: XmlReader | None = None
    persons = 0
    stack: list[str] = []
    context = etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                              no_network=True, remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        for event, el in context:
            if event == "start":
                stack.append(el.tag)
                _check_start(el, stack, file, reader is not None)
                continue
            stack.pop()
            depth = len(stack) + 1
            if depth == 2 and el.tag == "Header":
                header = _header(el, file)
                reader = XmlReader(file, layout_of(header))
                el.clear()
            elif depth == 3 and el.tag == "Person" and reader is not None:
                persons += 1
                reader.person(el, persons)
                el.clear()
                parent = el.getparent()
                while el.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        truncated = line is not None and line >= _newlines(file)
        problem = ("the XML stops part-way through (the file is truncated)" if truncated
                   else f"the XML is not well formed ({exc.msg})")
        raise InputError(file, problem, where=f"line {line}" if line else None,
                         expected="a complete, well-formed XML file") from None
    except DAMAGED:
        raise InputError(file, "the compressed (.gz) file is damaged or truncated", expected=KIND) from None
    if header is None or reader is None:
        raise InputError(file, "the return has no Header", where="Message/Header",
                         expected="Header/CollectionDetails with the return Year")
    if persons == 0:
        raise InputError(file, "the return holds no Person records", where="Message/Persons",
                         expected="at least one Person")
    return reader.rows, header


def layout_of(header: dict[str, object]) -> int:
    """The layout year :func:`_header` chose (2023, 2024 or 2025)."""
    layout = header["layout"]
    assert isinstance(layout, int)
    return layout


def _check_start(el: etree._Element, stack: list[str], file: Path, header_read: bool) -> None:
    """An opening tag in its place: Message at the root, then Header and Persons, then Person (after Header)."""
    depth = len(stack)
    if depth == 1:
        _check_root(el, file)
    elif depth == 2 and el.tag not in ("Header", "Persons"):
        raise InputError(file, "unexpected element in Message", where=f"Message/{el.tag}",
                         expected="Header and Persons", found=el.tag)
    elif depth == 3 and stack[1] == "Persons":
        if el.tag != "Person":
            raise InputError(file, "unexpected element in Persons", where=f"Message/Persons/{el.tag}",
                             expected="Person", found=el.tag)
        if not header_read:
            raise InputError(file, "Persons come before the Header", where="Message/Persons",
                             expected="Header first, giving the return Year")


def _check_root(el: etree._Element, file: Path) -> None:
    """No DTD, no namespace, and a ``Message`` root element."""
    docinfo = el.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InputError(file, "the XML has a document type declaration (DTD); SEN2 returns must "
                         "not declare entities or a DTD", where="line 1", field="DOCTYPE",
                         expected="no <!DOCTYPE ...> and no entity references (&name;)",
                         found=docinfo.doctype or "an internal DTD")
    qname = etree.QName(el)
    if qname.namespace:
        raise InputError(file, "wrong XML namespace on the root element", where=qname.localname,
                         expected="a Message element with no namespace",
                         found=f"namespace {qname.namespace}")
    if el.tag != "Message":
        raise InputError(file, "wrong root element; this is not a SEN2 return",
                         where=str(el.tag), expected="Message")
