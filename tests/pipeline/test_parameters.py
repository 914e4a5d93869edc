"""The model's parameter file: defaults, per-share-year overrides and errors a user can act on."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.core.errors import InputError, ModelError
from pipeline.model.parameters import STANDARD_VARIANT, ModelParameters, load_parameters

REPOSITORY_FILE = Path(__file__).resolve().parents[2] / "data" / "parameters.toml"

DEFAULTS = """\
[parameters]
name = "standard"
weight_newcomers = 1.0
weight_minors = 1.0
weight_asylum_days = 1.0
weight_arrival_days = 1.0
reception_adjustment = 0.5
floor_promille = 1.00
decimals = 2
reference_year_offset = 2
"""


def values(**changes: object) -> dict[str, object]:
    """The default parameter values as the file holds them, with some changed."""
    return {"name": "x", "weight_newcomers": 1.0, "weight_minors": 1.0,
            "weight_asylum_days": 1.0, "weight_arrival_days": 1.0, "reception_adjustment": 0.5,
            "floor_promille": 1.0, "decimals": 2, "reference_year_offset": 2, **changes}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "parameters.toml"
    path.write_text(text, encoding="utf-8")
    return path


def replaced(field: str, value: str) -> str:
    lines = [f"{field} = {value}" if line.startswith(f"{field} =") else line
             for line in DEFAULTS.splitlines()]
    return "\n".join(lines) + "\n"


def test_repository_file_holds_the_model_md_defaults() -> None:
    parameters = load_parameters(REPOSITORY_FILE, 2026)
    assert parameters.as_dict() == {
        "name": "standard",
        "weight_newcomers": 1.0,
        "weight_minors": 1.0,
        "weight_asylum_days": 1.0,
        "weight_arrival_days": 1.0,
        "reception_adjustment": 0.5,
        "floor_promille": 1.0,
        "decimals": 2,
        "reference_year_offset": 2,
    }
    assert parameters.floor_units == 100
    assert parameters.reference_year(2026) == 2024


def test_the_files_set_is_the_standard_variant_and_a_variant_is_named_but_not_recorded():
    standard = load_parameters(REPOSITORY_FILE, 2026)
    assert standard.variant == STANDARD_VARIANT
    variant = dataclasses.replace(standard, variant="population only")
    assert variant.as_dict() == standard.as_dict()  # what provenance and publications record
    with pytest.raises(ModelError, match="variant must be a non-empty text"):
        dataclasses.replace(standard, variant=" ")


def test_whole_numbers_are_accepted_for_weights() -> None:
    parameters = ModelParameters.from_values(values(weight_minors=2, weight_newcomers=1))
    assert parameters.weight("weight_minors") == 2.0
    assert isinstance(parameters.weight("weight_minors"), float)


def test_a_year_override_applies_to_its_share_year_only_and_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + "\n[years.2018]\nreception_adjustment = 0.25\n")
    overridden = load_parameters(path, 2018)
    assert overridden.reception_adjustment == 0.25
    assert overridden.name == "standard+2018 overrides"
    assert overridden.floor_promille == 1.0
    other = load_parameters(path, 2019)
    assert (other.name, other.reception_adjustment) == ("standard", 0.5)


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("reception_adjustment", "1.5", "reception_adjustment must be between 0 and 1"),
        ("reception_adjustment", "-0.1", "reception_adjustment must be between 0 and 1"),
        ("floor_promille", "1000", "floor_promille must be at least 0 and below 1000"),
        ("floor_promille", "1.005", "floor_promille must have at most decimals = 2 decimals"),
        ("weight_minors", "-1", "weight_minors must be between 0 and 1000"),
        ("weight_minors", "1e308", "weight_minors must be between 0 and 1000"),
        ("weight_asylum_days", "1000.5", "weight_asylum_days must be between 0 and 1000"),
        ("weight_minors", '"one"', "weight_minors must be a number"),
        ("weight_minors", "true", "weight_minors must be a number"),
        ("weight_minors", "nan", "weight_minors must be a number"),
        ("decimals", "5", "decimals must be between 0 and 4"),
        ("decimals", "2.0", "decimals must be a whole number"),
        ("reference_year_offset", "0", "reference_year_offset must be between 1 and 10"),
        ("reference_year_offset", "100000", "reference_year_offset must be between 1 and 10"),
        ("name", '""', "name must be a non-empty text"),
        ("name", '"standard\\u202e"',
         "name holds U+202E RIGHT-TO-LEFT OVERRIDE, which is not allowed"),
        ("name", '"std\\nx"', "name holds U+000A control character, which is not allowed"),
    ],
)
def test_a_bad_value_names_the_line_field_value_and_rule(
    tmp_path: Path, field: str, value: str, rule: str
) -> None:
    path = write(tmp_path, replaced(field, value))
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.column, error.rule) == (field, rule)
    assert error.line == DEFAULTS.splitlines().index(
        next(line for line in DEFAULTS.splitlines() if line.startswith(f"{field} ="))
    ) + 1
    assert str(path) in str(error)


def test_a_bad_override_names_its_line_even_for_another_share_year(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + "\n[years.2018]\nreception_adjustment = 2\n")
    with pytest.raises(InputError, match="reception_adjustment must be between 0 and 1") as raised:
        load_parameters(path, 2026)
    assert raised.value.line == 13
    assert raised.value.value == 2


def test_an_unknown_field_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + "floor_permille = 1.0\n")
    with pytest.raises(InputError, match="unknown parameter") as raised:
        load_parameters(path, 2026)
    assert (raised.value.column, raised.value.line) == ("floor_permille", 11)


def test_a_missing_field_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS.replace("decimals = 2\n", ""))
    with pytest.raises(InputError, match=r"parameter decimals is missing from \[parameters\]"):
        load_parameters(path, 2026)


def test_an_override_cannot_rename_the_set(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + '\n[years.2018]\nname = "other"\n')
    with pytest.raises(InputError, match="cannot rename"):
        load_parameters(path, 2018)


def test_a_year_table_must_be_named_by_a_share_year(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + "\n[years.next]\ndecimals = 1\n")
    with pytest.raises(InputError, match="4-digit share year") as raised:
        load_parameters(path, 2026)
    assert raised.value.line == 12


def test_an_unknown_table_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + "\n[parameter]\ndecimals = 1\n")
    with pytest.raises(InputError, match=r"only \[parameters\]"):
        load_parameters(path, 2026)


def test_invalid_toml_reports_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS.replace("decimals = 2", "decimals = = 2"))
    with pytest.raises(InputError, match="not valid TOML") as raised:
        load_parameters(path, 2026)
    assert raised.value.line == 9


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing"):
        load_parameters(tmp_path / "absent.toml", 2026)


def test_building_parameters_in_code_enforces_the_same_rules() -> None:
    with pytest.raises(ModelError, match="reception_adjustment must be between 0 and 1"):
        ModelParameters.from_values(values(reception_adjustment=1.5))
