"""The model's parameter file: defaults, per-share-year overrides and errors a user can act on."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.core.errors import InputError, ModelError
from pipeline.model.parameters import (
    STANDARD_VARIANT,
    ModelParameters,
    load_parameters,
    parameter_problem,
)

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
    assert raised.value.file == str(path)


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
    assert raised.value.file == str(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing"):
        load_parameters(tmp_path / "absent.toml", 2026)


def test_building_parameters_in_code_enforces_the_same_rules() -> None:
    with pytest.raises(ModelError, match="reception_adjustment must be between 0 and 1"):
        ModelParameters.from_values(values(reception_adjustment=1.5))


def test_a_set_built_in_code_without_a_field_names_the_first_one_missing() -> None:
    given = values()
    del given["decimals"], given["name"]
    with pytest.raises(ModelError) as raised:
        ModelParameters.from_values(given)
    assert str(raised.value) == "parameter name is missing"


def test_a_set_built_in_code_names_the_field_its_value_and_the_rule() -> None:
    with pytest.raises(ModelError) as raised:
        ModelParameters.from_values(values(reception_adjustment=1.5))
    assert str(raised.value) == (
        "parameter reception_adjustment = 1.5: reception_adjustment must be between 0 and 1")
    standard = load_parameters(REPOSITORY_FILE, 2026)
    with pytest.raises(ModelError) as raised:
        dataclasses.replace(standard, variant="a\u202eb")
    assert str(raised.value) == (
        "variant = 'a\\u202eb': variant holds U+202E RIGHT-TO-LEFT OVERRIDE, which is not allowed")


def test_whole_numbers_are_kept_as_floats_for_the_adjustment_and_the_floor() -> None:
    parameters = ModelParameters.from_values(values(reception_adjustment=1, floor_promille=2))
    assert (parameters.reception_adjustment, parameters.floor_promille) == (1.0, 2.0)
    assert isinstance(parameters.reception_adjustment, float)
    assert isinstance(parameters.floor_promille, float)
    assert parameters.as_dict()["floor_promille"] == 2.0
    assert parameters.floor_units == 200


def test_the_problem_of_a_set_is_its_first_field_in_file_order() -> None:
    assert parameter_problem(values()) is None
    incomplete = values(decimals=7)
    del incomplete["reception_adjustment"]
    assert parameter_problem(incomplete) == (
        "reception_adjustment", "parameter reception_adjustment is missing")
    assert parameter_problem(values(weight_minors=-1, decimals=7)) == (
        "weight_minors", "weight_minors must be between 0 and 1000")


@pytest.mark.parametrize("changes", [
    {"decimals": 0, "floor_promille": 3}, {"decimals": 4, "floor_promille": 0.0001},
    {"reference_year_offset": 1}, {"reference_year_offset": 10},
    {"reception_adjustment": 0}, {"reception_adjustment": 1},
    {"floor_promille": 0}, {"floor_promille": 999.99},
    {"weight_minors": 0}, {"weight_minors": 1000},
    # float error: 0.07 × 100 is 7.000000000000001, still two decimals
    {"floor_promille": 0.07}, {"floor_promille": 0.29},
])
def test_values_at_the_ends_of_their_ranges_are_accepted(changes) -> None:
    assert parameter_problem(values(**changes)) is None
    ModelParameters.from_values(values(**changes))


@pytest.mark.parametrize(("changes", "field", "rule"), [
    ({"decimals": -1}, "decimals", "decimals must be between 0 and 4"),
    ({"decimals": True}, "decimals", "decimals must be a whole number"),
    ({"reference_year_offset": 11}, "reference_year_offset",
     "reference_year_offset must be between 1 and 10"),
    ({"reference_year_offset": False}, "reference_year_offset",
     "reference_year_offset must be a whole number"),
    ({"floor_promille": -0.01}, "floor_promille",
     "floor_promille must be at least 0 and below 1000"),
    ({"floor_promille": float("inf")}, "floor_promille", "floor_promille must be a number"),
    ({"reception_adjustment": 1.01}, "reception_adjustment",
     "reception_adjustment must be between 0 and 1"),
    ({"weight_minors": 1000.01}, "weight_minors", "weight_minors must be between 0 and 1000"),
    ({"weight_newcomers": -0.01}, "weight_newcomers",
     "weight_newcomers must be between 0 and 1000"),
    ({"weight_arrival_days": None}, "weight_arrival_days", "weight_arrival_days must be a number"),
    ({"floor_promille": 0.125}, "floor_promille",
     "floor_promille must have at most decimals = 2 decimals"),
    ({"decimals": 0, "floor_promille": 0.5}, "floor_promille",
     "floor_promille must have at most decimals = 0 decimals"),
    ({"name": 5}, "name", "name must be a non-empty text"),
    ({"name": " \t"}, "name", "name must be a non-empty text"),
])
def test_each_rule_is_refused_just_beyond_it(changes, field, rule) -> None:
    assert parameter_problem(values(**changes)) == (field, rule)


def test_the_reference_year_is_the_share_year_less_the_offset() -> None:
    assert ModelParameters.from_values(values(reference_year_offset=3)).reference_year(2026) == 2023


def test_of_several_year_overrides_the_share_years_own_is_chosen(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + "\n[years.2018]\nreception_adjustment = 0.25\n"
                 "\n[years.2019]\nreception_adjustment = 0.75\ndecimals = 3\n")
    chosen = load_parameters(path, 2019)
    assert chosen.as_dict() == {
        "name": "standard+2019 overrides", "weight_newcomers": 1.0, "weight_minors": 1.0,
        "weight_asylum_days": 1.0, "weight_arrival_days": 1.0, "reception_adjustment": 0.75,
        "floor_promille": 1.0, "decimals": 3, "reference_year_offset": 2}
    assert load_parameters(path, 2018).as_dict()["reception_adjustment"] == 0.25
    assert load_parameters(path, 2018).decimals == 2


def test_an_override_breaking_a_rule_with_an_inherited_value_names_the_defaults_line(
        tmp_path: Path) -> None:
    # decimals = 1 leaves the inherited floor of 1.25 ‰ with a decimal too many
    path = write(tmp_path, replaced("floor_promille", "1.25") + "\n[years.2018]\ndecimals = 1\n")
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.line, error.column, error.value, error.rule) == (
        8, "floor_promille", 1.25, "floor_promille must have at most decimals = 1 decimals")


def test_an_unknown_table_is_named_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + "\n[parameter]\ndecimals = 1\n\n[other]\nx = 1\n")
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.file, error.line, error.value, error.rule) == (
        str(path), 15, "other",
        "only [parameters] and [years.<share year>] tables are allowed")


@pytest.mark.parametrize("text", ["[years.2018]\ndecimals = 1\n", "parameters = 5\n"])
def test_a_file_without_a_parameters_table_is_refused(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.file, error.line, error.column, error.rule) == (
        str(path), None, None, "the [parameters] table is missing")


def test_years_must_be_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "years = 5\n" + DEFAULTS)
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.file, error.line, error.column, error.rule) == (
        str(path), 1, "years", "years must be a table of [years.<share year>] tables")


@pytest.mark.parametrize(("text", "line", "value"), [
    ("\n[years.next]\ndecimals = 1\n", 12, "years.next"),
    ("\n[years.20188]\ndecimals = 1\n", 12, "years.20188"),
    ("\n[years]\n2018 = 5\n", None, "years.2018"),
])
def test_a_year_override_must_be_a_table_named_by_a_share_year(
        tmp_path: Path, text: str, line: int | None, value: str) -> None:
    path = write(tmp_path, DEFAULTS + text)
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.file, error.line, error.value, error.rule) == (
        str(path), line, value, "a year override is a table named [years.<4-digit share year>]")


def test_an_override_renaming_the_set_names_its_line_and_value(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + '\n[years.2018]\nname = "other"\n')
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.file, error.line, error.column, error.value, error.rule) == (
        str(path), 13, "name", "other", "a year override cannot rename the parameter set")


def test_an_unknown_field_names_every_known_one(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS + "\n[years.2018]\nfloor_permille = 2.0\n")
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.file, error.line, error.column, error.value, error.rule) == (
        str(path), 13, "floor_permille", 2.0,
        "unknown parameter; known parameters: name, weight_newcomers, weight_minors, "
        "weight_asylum_days, weight_arrival_days, reception_adjustment, floor_promille, "
        "decimals, reference_year_offset")


def test_a_missing_field_names_the_table_and_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, DEFAULTS.replace("weight_minors = 1.0\n", "").replace(
        "decimals = 2\n", ""))
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    assert (error.file, error.line, error.column, error.value, error.rule) == (
        str(path), None, "weight_minors", None,
        "parameter weight_minors is missing from [parameters]")


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "parameters.toml"
    path.write_bytes(DEFAULTS.replace('"standard"', '"st\u00e4ndard"').encode("latin-1"))
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    assert raised.value.file == str(path)
    assert raised.value.rule.startswith("the parameter file cannot be read as UTF-8 text: "
                                        "'utf-8' codec can't decode byte 0xe4")


def test_a_folder_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        load_parameters(tmp_path, 2026)
    assert raised.value.file == str(tmp_path)
    assert raised.value.rule.startswith("the parameter file cannot be read as UTF-8 text: ")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        load_parameters(tmp_path / "absent.toml", 2026)
    assert (raised.value.file, raised.value.rule) == (
        str(tmp_path / "absent.toml"), "the parameter file is missing")


def test_a_floor_within_a_billionth_of_a_unit_of_its_decimals_is_float_noise() -> None:
    # at 0 decimals a unit is 1 ‰: 1e-9 ‰ is within the tolerance (read as 0 units), 2e-9 is not
    assert parameter_problem(values(decimals=0, floor_promille=1e-9)) is None
    assert ModelParameters.from_values(values(decimals=0, floor_promille=1e-9)).floor_units == 0
    assert parameter_problem(values(decimals=0, floor_promille=2e-9)) == (
        "floor_promille", "floor_promille must have at most decimals = 0 decimals")


def test_lines_inside_a_text_above_the_table_do_not_move_the_line_named(tmp_path: Path) -> None:
    # a text of several lines before [parameters] holding lines like a key and a table header
    text = ('years = """\ndecimals = 1\n[PARAMETERS]\ndecimals = 1\n"""\n'
            + replaced("decimals", "7"))
    path = write(tmp_path, text)
    with pytest.raises(InputError) as raised:
        load_parameters(path, 2026)
    error = raised.value
    # DEFAULTS' decimals is its line 9, after the five lines of the text
    assert (error.file, error.line, error.column, error.value, error.rule) == (
        str(path), 14, "decimals", 7, "decimals must be between 0 and 4")


READ_UNDER_ASCII_LOCALE = """
import locale, sys
from pathlib import Path
from pipeline.model.parameters import load_parameters
print(locale.getpreferredencoding(False), load_parameters(Path(sys.argv[1]), 2026).name)
"""


def test_the_file_is_read_as_utf8_whatever_the_locale(tmp_path):
    """A server whose locale is plain ASCII (LC_ALL=C, without Python's UTF-8 mode) reads the
    file as UTF-8 all the same: a comment in Swedish is no unreadable byte."""
    path = write(tmp_path, "# Andelarna för Malmö och Västerås\n" + DEFAULTS)
    # read here too, so mutmut counts this test as one of the function's (a subprocess's calls
    # are not seen); the child imports this checkout's `pipeline`, the mutated one under mutmut
    assert load_parameters(path, 2026).name == "standard"
    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
                   "PYTHONCOERCECLOCALE": "0"}
    done = subprocess.run([sys.executable, "-c", READ_UNDER_ASCII_LOCALE, str(path)], cwd=root,
                          env=environment, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    encoding, name = done.stdout.split()
    if encoding.lower().replace("-", "") == "utf8":
        pytest.skip(f"the C locale's preferred encoding is {encoding} here")
    assert name == "standard"
