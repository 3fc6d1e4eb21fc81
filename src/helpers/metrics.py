"""A metrics record: one headline number a page publishes for the front page, the scorecard and the history.

Pages write ``<artefacts>/metrics_<notebook>.json`` (a mapping of metric id to record) through
:meth:`helpers.present.page.Page.write_metrics`; the scorecard and the history read them back as
:class:`Metric`. Validation happens when a record is written, so a page with a malformed metric fails its own
build, not a later page's.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Unit = Literal["%", "count", "weeks", "FTE", "months", "hours", "year", "ratio"]
Trend = Literal["improving", "deteriorating", "no significant change"]
#: Extra values a page may attach (funnel position, model name, ...): plain JSON scalars or lists of them.
Extra = str | int | float | bool | None | list[Any]
#: A number as written: a count stays an int in the JSON.
Number = int | float


class Metric(BaseModel):
    """One metric: ``value`` in ``unit`` for ``period``, with optional comparators, ranges and wording.

    ``extras`` holds page-specific values; in JSON they sit beside the standard keys (a flat record), so a
    record written before this model reads back unchanged.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Number | None
    unit: Unit | None
    label: str = Field(min_length=1)
    period: str
    higher_is_better: bool | None = None
    previous: Number | None = None
    england: Number | None = None
    region: Number | None = None
    neighbours: Number | None = None
    lower_80: Number | None = None
    upper_80: Number | None = None
    lower_95: Number | None = None
    upper_95: Number | None = None
    trend: Trend | None = None
    trend_basis: str | None = None
    trend_phrase: str | None = None
    benchmark: str | None = None
    finding: str | None = None
    message: str | None = None
    compare: bool | None = None
    evidence: str | None = None
    extras: dict[str, Extra] = Field(default_factory=dict)

    @field_validator("value", "previous", "england", "region", "neighbours", "lower_80", "upper_80", "lower_95",
                     "upper_95", mode="before")
    @classmethod
    def _finite_or_none(cls, v: Any) -> Any:
        if v is None:
            return None
        if hasattr(v, "item"):  # numpy scalar
            v = v.item()
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError(f"expected a number or null, got {v!r}")
        return None if math.isnan(v) else v

    @model_validator(mode="after")
    def _ranges_ordered(self) -> Metric:
        for lo, hi in ((self.lower_80, self.upper_80), (self.lower_95, self.upper_95)):
            if lo is not None and hi is not None and lo > hi + 1e-9:
                raise ValueError(f"range lower {lo} is above upper {hi}")
        clash = set(self.extras) & set(type(self).model_fields)
        if clash:
            raise ValueError(f"extras repeat standard keys: {sorted(clash)}")
        return self

    def record(self) -> dict[str, Any]:
        """The flat JSON record: the keys that were set (even to null), extras beside them."""
        out = self.model_dump(exclude_unset=True, exclude={"extras"})
        out.update(self.extras)
        return out

    def extra(self, key: str) -> Extra:
        """A page-specific value from ``extras`` (None if absent)."""
        return self.extras.get(key)


def from_record(record: dict[str, Any]) -> Metric:
    """A :class:`Metric` from a flat JSON record (unknown keys become ``extras``); raises ``ValueError``."""
    known = {k: v for k, v in record.items() if k in Metric.model_fields and k != "extras"}
    extras = {k: v for k, v in record.items() if k not in Metric.model_fields}
    try:
        return Metric(**known, extras=extras) if extras else Metric(**known)
    except ValidationError as exc:
        raise ValueError(str(exc).splitlines()[0] + ": " + "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
