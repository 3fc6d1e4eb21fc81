"""Rows of the SEN2 tables as they are read, packed into typed frames every few thousand requests so memory holds
the compact output tables, not millions of small Python objects."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers.sources.sen2_items import COLUMNS, Record

_CHUNK = 5000
"""Requests read between conversions of the accumulated rows into typed frames (keeps memory near the output)."""


@dataclass
class Rows:
    """Rows of every table as they are read, with the element path or CSV line of each request and person.

    Every :data:`_CHUNK` requests the rows are converted into typed frames (:meth:`flush`), so memory holds the
    compact frames rather than millions of small Python objects.
    """

    chunks: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: {name: [] for name in COLUMNS})
    persons: list[Record] = field(default_factory=list)
    person_where: list[str] = field(default_factory=list)
    requests: list[Record] = field(default_factory=list)
    request_where: list[str] = field(default_factory=list)
    assessments: list[Record] = field(default_factory=list)
    plans: list[Record] = field(default_factory=list)
    placements: list[Record] = field(default_factory=list)
    needs: list[Record] = field(default_factory=list)

    def add_request(self, person_id: str, number: int, where: str, request: Record, assessment: Record | None,
                    named: Record | None, plan_details: list[Record], active: Record | None,
                    attended: list[Record], needs: list[Record]) -> None:
        keys: Record = {"person_id": person_id, "request_id": f"{person_id}-{number}"}
        self.requests.append(keys | request)
        self.request_where.append(where)
        if assessment is not None:
            self.assessments.append(keys | assessment)
        if named is not None or active is not None:
            self.plans.append(keys | {"named": named is not None, "active": active is not None}
                              | (named or {}) | (active or {}))
        # 2023: Res/WBP sit on ActivePlans; they describe the attended placements, so they are copied onto them
        carried = {k: v for k, v in (active or {}).items() if k in ("res", "wbp")}
        for detail in plan_details:
            self.placements.append(keys | {"kind": "named"} | detail)
        for detail in attended:
            self.placements.append(keys | {"kind": "attended"} | carried | detail)
        for need in needs:
            self.needs.append(keys | need)
        if len(self.requests) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        """Move the rows read so far into typed frames."""
        for name, columns in COLUMNS.items():
            records: list[Record] = getattr(self, name)
            if records:
                self.chunks[name].append(frame(records, columns))
                records.clear()

    def tables(self) -> dict[str, pd.DataFrame]:
        """All rows as typed frames with the columns of :data:`COLUMNS`."""
        self.flush()
        return {name: pd.concat(chunks, ignore_index=True) if chunks else frame([], COLUMNS[name])
                for name, chunks in self.chunks.items()}


def frame(records: list[Record], columns: dict[str, str]) -> pd.DataFrame:
    """Rows → a typed frame with exactly ``columns`` (dates as datetime64, flags boolean, numbers Int64)."""
    out = pd.DataFrame.from_records(records, columns=list(columns)) if records else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in columns})
    for column, kind in columns.items():
        values = out[column]
        if kind == "date":
            out[column] = pd.to_datetime(values, format="%Y-%m-%d")
        elif kind == "bool":
            out[column] = values.astype("boolean")
        elif kind == "int":
            out[column] = pd.to_numeric(values).astype("Int64")
        else:
            out[column] = values.astype("str")
    return out
