"""The share model's named parameter set (see MODEL.md, "Calculation"), read from a TOML file.

The file holds one default set under `[parameters]` and optional per-share-year overrides under
`[years.<share year>]`. Every published table names the effective set, e.g. "standard" or
"standard+2018 overrides". That set is the share year's standard variant; other variants of the
year (MODEL.md, "Model variants for the August proposal") are the same model with other values.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.config import line_of
from pipeline.core.errors import InputError, ModelError
from pipeline.core.files import parse_toml
from pipeline.core.text import describe_character, first_unsafe
from pipeline.ingestion.registry import WEIGHT_PARAMETERS

# One weight per reception statistic of the registry, named there (e.g. weight_newcomers).
_FLOAT_FIELDS = (*WEIGHT_PARAMETERS, "reception_adjustment", "floor_promille")
_INT_FIELDS = ("decimals", "reference_year_offset")
# A weight counts one person or one person-year of reception; a thousandfold weight is already
# far outside any sensible model, and larger ones only overflow the arithmetic.
MAX_WEIGHT = 1000
FIELDS = ("name", *_FLOAT_FIELDS, *_INT_FIELDS)
# The variant the parameter file's set computes: the one drafted, reviewed and published.
STANDARD_VARIANT = "standard"

_YEAR = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class ModelParameters:
    """One named set of model parameters; construction enforces every rule on their values.

    `weights` maps each reception statistic's weight parameter (registry order) to its value.
    `variant` names the variant of the share year the set computes; the warehouse keeps each
    variant's draft beside the standard one. It identifies the set rather than being one of the
    file's values, so `as_dict` (what the provenance and the publications record) leaves it out.
    """

    name: str
    weights: Mapping[str, float]
    reception_adjustment: float
    floor_promille: float
    decimals: int
    reference_year_offset: int
    variant: str = STANDARD_VARIANT

    @classmethod
    def from_values(cls, values: Mapping[str, object]) -> ModelParameters:
        """Build from flat values as in the parameter file (`weight_newcomers = 1.0`, …)."""
        missing = [field for field in FIELDS if field not in values]
        if missing:
            raise ModelError(f"parameter {missing[0]} is missing")
        return cls(
            name=values["name"],  # type: ignore[arg-type]
            weights={field: values[field] for field in WEIGHT_PARAMETERS},  # type: ignore[misc]
            **{field: values[field] for field in FIELDS
               if field != "name" and field not in WEIGHT_PARAMETERS},  # type: ignore[arg-type]
        )

    def __post_init__(self) -> None:
        values = self.as_dict()
        problem = parameter_problem(values)
        if problem is not None:
            field, rule = problem
            raise ModelError(f"parameter {field} = {values[field]!r}: {rule}")
        rule = _text_rule("variant", self.variant)
        if rule is not None:
            raise ModelError(f"variant = {self.variant!r}: {rule}")
        object.__setattr__(self, "weights",
                           {field: float(values[field]) for field in WEIGHT_PARAMETERS})
        for field in ("reception_adjustment", "floor_promille"):
            object.__setattr__(self, field, float(values[field]))

    def weight(self, parameter: str) -> float:
        return self.weights[parameter]

    @property
    def floor_units(self) -> int:
        """The floor in units of 10^-decimals ‰ (1.00 ‰ at 2 decimals -> 100)."""
        return round(self.floor_promille * 10**self.decimals)

    def reference_year(self, share_year: int) -> int:
        """The reference year R = Y - reference_year_offset whose statistics feed share year Y."""
        return share_year - self.reference_year_offset

    def as_dict(self) -> dict[str, object]:
        """The parameters as flat plain values (as in the file), for recording beside a table."""
        values = dataclasses.asdict(self)
        weights = values.pop("weights")
        del values["variant"]
        return {"name": values.pop("name"), **weights, **values}


def parameter_problem(values: Mapping[str, object]) -> tuple[str, str] | None:
    """The first rule a complete set of parameter values breaks, as (field, rule), or None."""
    for field in FIELDS:
        if field not in values:
            return field, f"parameter {field} is missing"
        rule = _field_rule(field, values[field])
        if rule is not None:
            return field, rule
    floor_units = values["floor_promille"] * 10 ** values["decimals"]
    if abs(floor_units - round(floor_units)) > 1e-9:
        # An unrepresentable floor could round below itself in the published table.
        return "floor_promille", (
            f"floor_promille must have at most decimals = {values['decimals']} decimals"
        )
    return None


def _field_rule(field: str, value: object) -> str | None:
    if field == "name":
        return _text_rule(field, value)
    if field in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{field} must be a whole number"
        if field == "decimals" and not 0 <= value <= 4:
            return "decimals must be between 0 and 4"
        if field == "reference_year_offset" and not 1 <= value <= 10:
            return "reference_year_offset must be between 1 and 10"
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"{field} must be a number"
    if field == "reception_adjustment" and not 0 <= value <= 1:
        return "reception_adjustment must be between 0 and 1"
    if field == "floor_promille" and not 0 <= value < 1000:
        return "floor_promille must be at least 0 and below 1000"
    if field in WEIGHT_PARAMETERS and not 0 <= value <= MAX_WEIGHT:
        return f"{field} must be between 0 and {MAX_WEIGHT}"
    return None


def _text_rule(field: str, value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"{field} must be a non-empty text"
    bad = first_unsafe(value)
    if bad is not None:
        return f"{field} holds {describe_character(bad.group())}, which is not allowed"
    return None


def load_parameters(path: Path, share_year: int) -> ModelParameters:
    """Read the parameter file and return the set in force for `share_year` (its standard
    variant).

    Every year's overrides are checked, not only this year's, so a bad file fails at once.
    Raises InputError naming the file, line, field, value and rule.
    """
    text = _read_text(path)
    document = parse_toml(path, text)

    unknown_tables = sorted(set(document) - {"parameters", "years"})
    if unknown_tables:
        raise InputError(path, "only [parameters] and [years.<share year>] tables are allowed",
                         line=line_of(text, unknown_tables[0], None), value=unknown_tables[0])
    defaults = document.get("parameters")
    if not isinstance(defaults, dict):
        raise InputError(path, "the [parameters] table is missing")
    _check_fields(path, text, "parameters", defaults, required=True)
    base = _checked(path, text, "parameters", defaults)

    years = document.get("years", {})
    if not isinstance(years, dict):
        raise InputError(path, "years must be a table of [years.<share year>] tables",
                         line=line_of(text, None, "years"), column="years")
    chosen = base
    for year, overrides in years.items():
        table = f"years.{year}"
        if not _YEAR.fullmatch(year) or not isinstance(overrides, dict):
            raise InputError(path, "a year override is a table named [years.<4-digit share year>]",
                             line=line_of(text, table, None), value=table)
        _check_fields(path, text, table, overrides, required=False)
        if "name" in overrides:
            raise InputError(path, "a year override cannot rename the parameter set",
                             line=line_of(text, table, "name"), column="name",
                             value=overrides["name"])
        values = {**base.as_dict(), **overrides, "name": f"{base.name}+{year} overrides"}
        overridden = _checked(path, text, table, values)
        if int(year) == share_year:
            chosen = overridden
    return chosen


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise InputError(path, "the parameter file is missing") from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"the parameter file cannot be read as UTF-8 text: {error}"
                         ) from error


def _check_fields(
    path: Path, text: str, table: str, values: Mapping[str, object], *, required: bool
) -> None:
    for field in values:
        if field not in FIELDS:
            raise InputError(path, f"unknown parameter; known parameters: {', '.join(FIELDS)}",
                             line=line_of(text, table, field), column=field, value=values[field])
    if required:
        for field in FIELDS:
            if field not in values:
                raise InputError(path, f"parameter {field} is missing from [{table}]",
                                 column=field)


def _checked(path: Path, text: str, table: str, values: Mapping[str, object]) -> ModelParameters:
    problem = parameter_problem(values)
    if problem is not None:
        field, rule = problem
        line = line_of(text, table, field) or line_of(text, "parameters", field)
        raise InputError(path, rule, line=line, column=field, value=values[field])
    return ModelParameters.from_values(values)
