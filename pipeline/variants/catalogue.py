"""The named model variants of `data/variants.toml`, checked like every TOML file of the project.

Each `[variants.<name>]` table is the share year's standard parameter set with the values it
names; the rules of the standard set hold for every variant (`parameter_problem`), and its floor
must be attainable by the register's municipalities. Every refusal names the file, the line, the
key, the value and the rule, before anything is computed or written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.config import Key, check_table, line_of
from pipeline.core.errors import InputError
from pipeline.core.files import parse_toml
from pipeline.core.units import total_units, units_to_text
from pipeline.ingestion.registry import WEIGHT_PARAMETERS
from pipeline.model.parameters import STANDARD_VARIANT, ModelParameters, parameter_problem

# The parameters a variant may set (MODEL.md: "any of the weights, α, floor_promille"); decimals
# and the reference year stay the standard's, so every variant is rounded alike on the same inputs.
VARIANT_PARAMETERS = (*WEIGHT_PARAMETERS, "reception_adjustment", "floor_promille")
KEYS = (Key("title", str), Key("description", str),
        *(Key(name, float, required=False) for name in VARIANT_PARAMETERS))
# The name keys the warehouse's rows and the CSV's; the title is what people read.
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TITLE = 40  # heads two columns of the workbook and a map of the memo
MAX_DESCRIPTION = 600  # a short paragraph of the memo
# Beside the standard: the municipalities sheet has two columns per variant on an A4 page.
MAX_VARIANTS = 8
_HEADER = re.compile(r"^\s*\[\s*variants\s*\.\s*([^\]]*?)\s*\]\s*(?:#.*)?$")


@dataclass(frozen=True)
class Variant:
    """One named variant: its Swedish title and description, the values the file sets (the
    standard's elsewhere) and the complete parameter set the model computes it with."""

    name: str
    title: str
    description: str
    values: Mapping[str, float]
    parameters: ModelParameters

    @property
    def is_standard(self) -> bool:
        return self.name == STANDARD_VARIANT


def load_variants(path: Path, standard: ModelParameters,
                  municipalities: int) -> tuple[Variant, ...]:
    """The variants of the file, the standard one first, then in the file's order.

    `standard` is the share year's parameter set (`load_parameters`); `municipalities` the number
    of municipalities in the share year's register, which every floor must leave room for.
    Raises InputError naming the file, line, key, value and rule."""
    text = _read_text(path)
    _refuse_a_name_used_twice(path, text)
    document = parse_toml(path, text)
    for key in document:
        if key != "variants":
            raise InputError(path, "only [variants.<name>] tables are allowed",
                             line=_line_of_top_level(text, key), column=key)
    tables = document.get("variants")
    if not isinstance(tables, dict) or not tables:
        raise InputError(path, "no variants: the file needs at least "
                         f"[variants.{STANDARD_VARIANT}]")
    if STANDARD_VARIANT not in tables:
        raise InputError(path, f"[variants.{STANDARD_VARIANT}] is missing: the comparison is "
                         "made against the standard model")
    if len(tables) - 1 > MAX_VARIANTS:
        raise InputError(path, f"{len(tables) - 1} variants besides the standard one; at most "
                         f"{MAX_VARIANTS} fit the comparison side by side")
    variants = [_variant(path, text, name, entry, standard, municipalities)
                for name, entry in tables.items()]
    _refuse_a_title_used_twice(path, text, variants)
    variants.sort(key=lambda variant: not variant.is_standard)
    return tuple(variants)


def _variant(path: Path, text: str, name: str, entry: object, standard: ModelParameters,
             municipalities: int) -> Variant:
    table = f"variants.{name}"
    if not NAME.fullmatch(name):
        raise InputError(path, "a variant's name is lower-case letters, digits and _, starting "
                         "with a letter, at most 40 characters", line=line_of(text, table),
                         column=f"[{table}]", value=name)
    values = check_table(path, text, table, entry, KEYS)
    for key, limit in (("title", MAX_TITLE), ("description", MAX_DESCRIPTION)):
        if not values[key].strip() or len(values[key]) > limit:
            raise InputError(path, f"{key} must be a text of 1 to {limit} characters",
                             line=line_of(text, table, key), column=key, value=values[key])
    chosen = {key: values[key] for key in VARIANT_PARAMETERS if key in values}
    if name == STANDARD_VARIANT and chosen:
        key = next(iter(chosen))
        raise InputError(path, "the standard variant is the parameter file's set and takes no "
                         "values of its own; change data/parameters.toml instead",
                         line=line_of(text, table, key), column=key, value=chosen[key])
    complete = {**standard.as_dict(), **chosen,
                "name": standard.name if name == STANDARD_VARIANT else f"{standard.name}+{name}"}
    problem = parameter_problem(complete) or _floor_problem(complete, municipalities)
    if problem is not None:
        key, rule = problem
        raise InputError(path, rule, line=line_of(text, table, key), column=key,
                         value=complete[key])
    parameters = (standard if name == STANDARD_VARIANT else dataclasses.replace(
        ModelParameters.from_values(complete), variant=name))
    return Variant(name=name, title=values["title"].strip(),
                   description=values["description"].strip(), values=chosen,
                   parameters=parameters)


def _floor_problem(values: Mapping[str, object], municipalities: int) -> tuple[str, str] | None:
    """Step 4's condition n·f ≤ 1, in exact units (the floor is representable by now)."""
    decimals = int(values["decimals"])  # type: ignore[call-overload]
    floor_units = round(float(values["floor_promille"]) * 10**decimals)  # type: ignore[arg-type]
    if municipalities * floor_units <= total_units(decimals):
        return None
    return "floor_promille", (
        f"{municipalities} municipalities × {units_to_text(floor_units, decimals)} ‰ = "
        f"{units_to_text(municipalities * floor_units, decimals)} ‰, more than 1000 ‰: "
        "no table can give every municipality the floor")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "the variants file is missing") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"not readable UTF-8 text ({type(error).__name__}: "
                         f"{getattr(error, 'strerror', None) or error})") from None


def _refuse_a_name_used_twice(path: Path, text: str) -> None:
    # tomllib refuses a table declared twice too, but in its own words; this says which variant.
    first: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if not header:
            continue
        name = header.group(1).strip("\"'")
        if name in first:
            raise InputError(path, f"the variant name is used twice (first on line "
                             f"{first[name]}): each variant needs a name of its own",
                             line=number, column=f"[variants.{name}]", value=name)
        first[name] = number


def _refuse_a_title_used_twice(path: Path, text: str, variants: list[Variant]) -> None:
    seen: dict[str, str] = {}
    for variant in variants:
        folded = variant.title.casefold()
        if folded in seen:
            raise InputError(path, f"the title is also the title of [variants.{seen[folded]}]: "
                             "the workbook and the memo tell the variants apart by it",
                             line=line_of(text, f"variants.{variant.name}", "title"),
                             column="title", value=variant.title)
        seen[folded] = variant.name


def _line_of_top_level(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(\[+\s*[\"']?{re.escape(key)}[\"']?\s*[.\]]|[\"']?"
                         rf"{re.escape(key)}[\"']?\s*=)")
    return next((number for number, line in enumerate(text.splitlines(), start=1)
                 if pattern.match(line)), None)
