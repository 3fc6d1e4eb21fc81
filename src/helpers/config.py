"""The pack config: one YAML file per pack, validated into a typed model.

LA codes are always strings (papermill's ``-p`` and YAML both turn ``886`` into an int, so ints are converted
back). Relative paths are resolved against the project root (the nearest folder above the config file that holds
``pyproject.toml``), falling back to the config file's own folder, so ``make pack`` and a hand-run papermill agree.
The YAML is read by :mod:`helpers.config_yaml`; the ``assumptions:`` block is typed in
:mod:`helpers.config_assumptions`, so a misspelt or out-of-range assumption fails here, at load.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from helpers.config_assumptions import ASSUMPTION_SPECS, Assumption, Assumptions
from helpers.config_assumptions import ERROR_TYPES as ASSUMPTION_ERRORS
from helpers.config_yaml import DuplicateKeyError, parse_yaml
from helpers.errors import InputError

Variant = Literal["public", "restricted", "reviewer"]
VARIANTS: tuple[str, ...] = ("public", "restricted", "reviewer")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _as_code(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    return value


class LAConfig(_Model):
    """The local authority the pack is about. Give at least one of code, old_code or name."""

    code: str | None = Field(None, description="current 9-character ONS code, e.g. E10000016")
    old_code: str | None = Field(None, description="DfE 3-digit LA number, e.g. 886 (stable across code changes)")
    name: str | None = None

    @field_validator("code", "old_code", mode="before")
    @classmethod
    def _codes_as_text(cls, v: Any) -> Any:
        return _as_code(v)

    @field_validator("code")
    @classmethod
    def _check_code(cls, v: str | None) -> str | None:
        if v is not None and not (len(v) == 9 and v[0] == "E" and v[1:].isdigit()):
            raise ValueError(f"expected a 9-character code such as E10000016, got {v!r}")
        return v

    @field_validator("old_code")
    @classmethod
    def _check_old_code(cls, v: str | None) -> str | None:
        if v is not None and not (v.isdigit() and len(v) == 3):
            raise ValueError(f"expected a 3-digit DfE LA number such as '886', got {v!r}")
        return v

    @model_validator(mode="after")
    def _one_given(self) -> LAConfig:
        if not (self.code or self.old_code or self.name):
            raise ValueError("give the LA's code, old_code or name")
        return self


class Inputs(_Model):
    """Input files. ``ees`` lists DfE release zips or folders; where years overlap the later-published wins."""

    ees: list[Path] = Field(min_length=1)
    sen2: Path | None = None
    workforce: Path | None = None
    neighbours: Path | None = Field(None, description="DfE statistical neighbours list (long CSV)")
    # issue 16: the council's own improvement evidence (optional; templates in data/templates/README.md)
    therapies: Path | None = Field(None, description="therapies commissioning return (one row per purchase)")
    outcomes: Path | None = Field(None, description="outcomes on the five-point scale (one row per child review)")
    # early-support pilot and EP recruitment (issue 16; data/templates/README.md)
    pilot_schools: Path | None = Field(None, description="pilot schools template (URN, start date)")
    pilot_requests: Path | None = Field(None, description="requests by school and month template")
    recruitment: Path | None = Field(None, description="EP recruitment and independent reports template")

    @field_validator("ees", mode="before")
    @classmethod
    def _listify(cls, v: Any) -> Any:
        return [v] if isinstance(v, (str, Path)) else v


class Comparators(_Model):
    """Who the LA is compared with. ``neighbours`` lists codes directly and overrides the neighbours file."""

    neighbours: list[str] = Field(default_factory=list)
    custom: list[str] = Field(default_factory=list)
    custom_name: str = "Custom comparator group"

    @field_validator("neighbours", "custom", mode="before")
    @classmethod
    def _codes(cls, v: Any) -> Any:
        return [_as_code(x) for x in v] if isinstance(v, list) else v


class ActionArea(_Model):
    """One area of the Written Statement of Action / priority action plan."""

    id: str
    title: str
    metric: str | None = Field(None, description="'<notebook>.<metric>' from a metrics JSON; None = local evidence")
    baseline: float | None = None
    baseline_label: str | None = None
    target: float | None = None
    due: dt.date | None = None
    higher_is_better: bool = True
    evidence: str | None = Field(None, description="notebook that holds the evidence, e.g. 02_timeliness")
    note: str | None = None


class Scenario(_Model):
    """A demand scenario: growth in requests per year, as a fraction (0.1 = 10% a year)."""

    name: str
    growth_per_year: float | None = Field(None, description="None = continue the fitted trend")


class Disclosure(_Model):
    threshold: int = Field(default=5, ge=1, le=100,
                           description="counts from 1 to threshold-1 are suppressed in public builds")
    threshold_override: str | None = Field(
        default=None, description="why a public build may use a threshold under the minimum, and who agreed it; "
                                  "without it a public build refuses such a threshold. Printed by the build, kept "
                                  "in the manifest")

    @field_validator("threshold_override")
    @classmethod
    def _reason_given(cls, v: str | None) -> str | None:
        if v is not None and len(v.split()) < 3:
            raise ValueError("say in a sentence why the lower threshold is allowed and who agreed it")
        return v


class PackConfig(_Model):
    """The whole pack config (see config/README.md for every key)."""

    pack: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="pack name; output goes to reports/<pack>/")
    title: str
    synthetic: bool = False
    la: LAConfig
    period_end: dt.date
    inputs: Inputs
    comparators: Comparators = Comparators()
    targets: dict[str, float] = Field(default_factory=dict)
    assumptions: Assumptions = Assumptions()
    scenarios: list[Scenario] = Field(default_factory=list)
    disclosure: Disclosure = Disclosure()
    action_plan: list[ActionArea] = Field(default_factory=list)
    variants: list[Variant] = Field(default_factory=lambda: list[Variant](["public"]))
    notebooks: list[str] | None = Field(None, description="subset of notebooks to build; default all")
    compare_with: Path | None = Field(None, description="an earlier pack folder for 'Since the last pack' to compare "
                                                        "with; default: the latest earlier period in the history")

    source_path: Path | None = None
    root: Path | None = None

    def assumption(self, key: str) -> float:
        """The value of a named assumption; :class:`InputError` naming it if the config lacks it."""
        if key not in ASSUMPTION_SPECS:
            raise KeyError(f"{key!r} is not a known assumption (helpers.config.ASSUMPTION_SPECS)")
        given: Assumption | None = getattr(self.assumptions, key)
        if given is None:
            raise InputError(self.source_path or "config", "a modelling assumption is missing",
                             field=f"assumptions.{key}", expected="a value with unit, description and source")
        return given.value

    def target(self, key: str, default: float | None = None) -> float | None:
        return self.targets.get(key, default)


def project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding pyproject.toml; ``start`` itself if none."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").exists():
            return folder
    return start


def _resolve(root: Path, p: Path | None) -> Path | None:
    if p is None:
        return None
    p = Path(p).expanduser()
    return p if p.is_absolute() else (root / p).resolve()


def _friendly(exc: ValidationError, file: Path) -> InputError:
    """The first validation error as one :class:`InputError` naming the key, what was expected and what was found.

    An unknown key usually explains a "missing" one (a typo), so unknown keys are reported first, with the closest
    known key ("did you mean ...?").
    """
    err = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
    loc = ".".join(str(x) for x in err["loc"])
    if err["type"] == "extra_forbidden":
        model: type[BaseModel] = PackConfig
        for part in err["loc"][:-1]:
            field = model.model_fields.get(str(part))
            ann = getattr(field, "annotation", None) if field else None
            model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else model
        known = [k for k in model.model_fields if k not in ("source_path", "root")]
        close = difflib.get_close_matches(str(err["loc"][-1]), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if model is Assumptions:
            return InputError(file, f"unknown assumption{hint}", where=f"key '{loc}'",
                              expected="one of the assumptions the pages use: " + ", ".join(known))
        return InputError(file, f"unknown key{hint}", where=f"key '{loc}'", expected="one of " + ", ".join(known))
    if err["type"] in ASSUMPTION_ERRORS:
        ctx = err.get("ctx", {})
        return InputError(file, err["msg"], where=f"key '{loc}.{ctx['part']}'", expected=ctx["expected"],
                          found=ctx["found"])
    msg = err["msg"].removeprefix("Value error, ")
    return InputError(file, msg, where=f"key '{loc}'", found=err.get("input") if err["type"] != "missing" else None)


def load_pack(path: str | Path, *, check_inputs: bool = True) -> PackConfig:
    """Read and validate a pack config; raise :class:`InputError` with the key at fault.

    With ``check_inputs`` every input path must exist.
    """
    file = Path(path)
    if not file.exists():
        raise InputError(file, "pack config not found", expected="a YAML file such as config/demo.yaml")
    try:
        raw = parse_yaml(file.read_text(encoding="utf-8"))
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        raise InputError(file, str(exc.problem), where=f"line {mark.line + 1}" if mark else None) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputError(file, f"not valid YAML: {getattr(exc, 'problem', exc)}", where=where) from None
    except RecursionError:  # thousands of nested [[[...]]]: PyYAML's composer recurses once per level
        raise InputError(file, "not valid YAML: nested too deeply",
                         expected="a pack config a few levels deep") from None
    except UnicodeDecodeError:
        raise InputError(file, "not UTF-8 text", expected="a YAML file saved as UTF-8") from None
    if not isinstance(raw, dict):
        raise InputError(file, "the config must be a mapping of keys to values", found=type(raw).__name__)
    root = project_root(file.parent)
    try:
        cfg = PackConfig.model_validate({**raw, "source_path": file.resolve(), "root": root})
    except ValidationError as exc:
        raise _friendly(exc, file) from None
    inputs = cfg.inputs
    resolved = Inputs(
        ees=[_resolve(root, p) for p in inputs.ees],  # type: ignore[misc]
        sen2=_resolve(root, inputs.sen2),
        workforce=_resolve(root, inputs.workforce),
        neighbours=_resolve(root, inputs.neighbours),
        therapies=_resolve(root, inputs.therapies),  # issue 16
        outcomes=_resolve(root, inputs.outcomes),  # issue 16
        pilot_schools=_resolve(root, inputs.pilot_schools),
        pilot_requests=_resolve(root, inputs.pilot_requests),
        recruitment=_resolve(root, inputs.recruitment),
    )
    cfg = cfg.model_copy(update={"inputs": resolved})
    if cfg.period_end > dt.date.today():
        raise InputError(file, "the period end is in the future", where="key 'period_end'",
                         expected=f"a date on or before today ({dt.date.today():%Y-%m-%d})", found=str(cfg.period_end))
    if check_inputs:
        for name, value in resolved:
            for p in value if isinstance(value, list) else [value]:
                if p is not None and not Path(p).exists():
                    shown = Path(p).relative_to(root) if Path(p).is_relative_to(root) else p
                    raise InputError(file, "input file not found", where=f"key 'inputs.{name}'", found=str(shown))
    return cfg


#: The smallest ``disclosure.threshold`` a public build accepts without ``disclosure.threshold_override``: counts
#: from 1 to 4 hidden, the GSS and DfE practice for published tables (see :mod:`helpers.analysis.disclosure`).
PUBLIC_MIN_THRESHOLD = 5


def check_disclosure(cfg: PackConfig, variant: str) -> str | None:
    """Refuse a public build whose threshold is under :data:`PUBLIC_MIN_THRESHOLD` unless an override is given.

    Returns the warning line to print when the override is used (None otherwise), so that the lower threshold is
    never silent: the build prints it and the manifest keeps the config's ``disclosure`` block with the reason.
    """
    d = cfg.disclosure
    if variant != "public" or d.threshold >= PUBLIC_MIN_THRESHOLD:
        return None
    if d.threshold_override is None:
        raise InputError(cfg.source_path or "config", "a public build must hide counts from 1 to "
                         f"{PUBLIC_MIN_THRESHOLD - 1}; this threshold would publish small counts",
                         where="key 'disclosure.threshold'",
                         expected=f"{PUBLIC_MIN_THRESHOLD} or more, or 'disclosure.threshold_override' saying why "
                                  "and who agreed it", found=d.threshold)
    return (f"warning: public build with disclosure threshold {d.threshold} (under {PUBLIC_MIN_THRESHOLD}): "
            f"counts of {d.threshold} and over are shown; override: {d.threshold_override}")


def input_files(cfg: PackConfig) -> dict[str, list[Path]]:
    """Every input file by role (folders expanded to their files), for hashing into the manifest and cache."""
    out: dict[str, list[Path]] = {}
    for name, value in cfg.inputs:
        paths = value if isinstance(value, list) else [value]
        files: list[Path] = []
        for given in paths:
            if given is None:
                continue
            p = Path(given)
            files.extend(sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p])
        if files:
            out[name] = files
    return out
