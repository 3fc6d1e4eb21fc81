"""The pack config's ``assumptions:`` block as a typed model: every assumption a page uses, its unit and range.

A misspelt name, a unit of the wrong kind or a value out of range is refused when the config is loaded (and so by
``evidence-pack check``), naming the assumption, rather than failing later inside a notebook.
:func:`helpers.config.load_pack` turns the errors raised here into one :class:`~helpers.errors.InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import (BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, ValidationInfo, field_validator,
                      model_serializer)
from pydantic_core import PydanticCustomError

#: Error types raised here, which :func:`helpers.config.load_pack` reports with their expected value.
ERROR_TYPES = ("assumption_unit", "assumption_range")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Assumption(_Model):
    """A modelling assumption, logged on the assumptions page (Analysis Function QA guidance)."""

    value: float
    unit: str
    description: str
    source: str
    owner: str = "Performance team"
    quality: Literal["high", "medium", "low"] = "medium"
    exempt: bool | None = Field(None, description="commercial (Schedule 12A): kept out of the public pack; "
                                                  "default: true for money values (key ending _gbp)")


#: Words one of which an assumption's unit must contain, by unit family ("hours per day" is in hours).
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "hours": ("hour",), "weeks": ("week",), "money": ("gbp", "£", "pound"),
    "share": ("share", "proportion", "fraction"), "cases": ("case",), "ratio": ("ratio", "coefficient"),
}


@dataclass(frozen=True)
class AssumptionSpec:
    """What a known assumption must be: a unit in ``family`` and a value above ``low`` and at most ``high``
    (below it when ``high_open``); ``why`` explains a bound that is not obvious."""

    family: str
    low: float
    high: float
    high_open: bool = False
    why: str = ""

    def expected(self) -> str:
        top = f"below {self.high:g}" if self.high_open else f"at most {self.high:,g}"
        return f"a number above {self.low:g} and {top} ({self.family}){self.why}"

    def holds(self, value: float) -> bool:
        return self.low < value < self.high if self.high_open else self.low < value <= self.high


#: Every assumption a page uses, with its unit family and valid range (``assumptions:`` in the pack config).
ASSUMPTION_SPECS: dict[str, AssumptionSpec] = {
    "ep_hours_per_assessment": AssumptionSpec("hours", 0, 200),
    "productive_hours_per_fte_year": AssumptionSpec("hours", 0, 2_500, why="; a full-time year is about 1,900"),
    "locum_day_rate_gbp": AssumptionSpec("money", 0, 10_000),
    "locum_hours_per_day": AssumptionSpec("hours", 0, 24),
    "advice_deadline_weeks": AssumptionSpec("weeks", 0, 52),
    "assessment_conversion": AssumptionSpec("share", 0, 1),
    "ep_cases_in_progress_per_fte": AssumptionSpec("cases", 0, 100),
    "ep_case_weeks_cv": AssumptionSpec("ratio", 0, 10),
    "plan_weeks_outside_ep_advice": AssumptionSpec(
        "weeks", 0, 20, high_open=True, why="; the other stages must leave time for EP advice within 20 weeks"),
    "annual_review_hours": AssumptionSpec("hours", 0, 100),
}


class Assumptions(_Model):
    """The pack's modelling assumptions by name, each optional; an unknown name or a value outside its range
    (:data:`ASSUMPTION_SPECS`) is refused when the config is loaded, naming the assumption.

    Reads like a mapping of the assumptions given (``items()``, ``values()``, ``len``, ``in``) and dumps only them.
    """

    ep_hours_per_assessment: Assumption | None = None
    productive_hours_per_fte_year: Assumption | None = None
    locum_day_rate_gbp: Assumption | None = None
    locum_hours_per_day: Assumption | None = None
    advice_deadline_weeks: Assumption | None = None
    assessment_conversion: Assumption | None = None
    ep_cases_in_progress_per_fte: Assumption | None = None
    ep_case_weeks_cv: Assumption | None = None
    plan_weeks_outside_ep_advice: Assumption | None = None
    annual_review_hours: Assumption | None = Field(default=None, description="officer hours per annual review")

    @field_validator("*")
    @classmethod
    def _fits_spec(cls, v: Assumption | None, info: ValidationInfo) -> Assumption | None:
        if v is None or info.field_name is None:
            return v
        spec = ASSUMPTION_SPECS[info.field_name]
        words = UNIT_WORDS[spec.family]
        if not any(w in v.unit.lower() for w in words):
            raise PydanticCustomError("assumption_unit", "the unit is not in {family}",
                                      {"family": spec.family, "part": "unit", "found": v.unit,
                                       "expected": "a unit naming " + " or ".join(f"'{w}'" for w in words)})
        if not spec.holds(v.value):
            raise PydanticCustomError("assumption_range", "the value is outside the range this assumption allows",
                                      {"part": "value", "found": v.value, "expected": spec.expected()})
        return v

    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        return {k: v for k, v in dumped.items() if v is not None}

    def items(self) -> list[tuple[str, Assumption]]:
        """The assumptions given, by name, in the order of :data:`ASSUMPTION_SPECS`."""
        return [(k, a) for k in type(self).model_fields if (a := getattr(self, k)) is not None]

    def values(self) -> list[Assumption]:
        return [a for _, a in self.items()]

    def __len__(self) -> int:
        return len(self.items())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in type(self).model_fields and getattr(self, name) is not None
