"""One planning figure: `data/prognosis.toml` holds the national scenarios of every share year and
names the scenario the published table uses; the share table's expected children and the site's
scenarios read it, and from the same ledger state they are the same forecast."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline.core.errors import InputError
from pipeline.goals.ledger import read_ledger
from pipeline.goals.prognosis import PlanningFigure, load_national_prognosis
from pipeline.model.change import ShareYear, share_change
from pipeline.model.parameters import load_parameters
from pipeline.publication.context import add_context
from pipeline.site.fulfilment import forecast_scenarios, fulfilment_on
from pipeline.site.inputs import Publication
from pipeline.site.prognosis import load_prognosis
from tests.publication_data import final_shares

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SHIPPED = DATA / "prognosis.toml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_has_every_share_year_of_the_history_and_names_the_base_scenario():
    prognosis = load_national_prognosis(SHIPPED)
    assert sorted(prognosis.years) == list(range(2017, 2027))
    assert prognosis.planning_scenario == "base"
    assert prognosis.planning_figure(2026) == PlanningFigure(2026, "base", 410)
    assert prognosis.planning_figure(2016) is None


def test_the_site_reads_the_same_scenarios_as_the_planning_figure():
    national = load_national_prognosis(SHIPPED)
    for year in national.years:
        site = load_prognosis(SHIPPED, year)
        assert site.children == national.scenarios(year)
        assert site.children[national.planning_scenario] == national.planning_figure(
            year).children


def test_a_missing_file_is_no_prognosis(tmp_path):
    assert load_national_prognosis(tmp_path / "absent.toml") is None


def test_the_planning_scenario_may_be_chosen(tmp_path):
    path = write(tmp_path / "p.toml", 'planning_scenario = "high"\n[prognosis.2026]\n'
                 "low = 1\nbase = 2\nhigh = 3\n")
    assert load_national_prognosis(path).planning_figure(2026) == PlanningFigure(2026, "high", 3)


@pytest.mark.parametrize(("text", "line", "key", "rule"), [
    ('planning_scenario = "mid"\n[prognosis.2026]\nlow = 1\nbase = 2\nhigh = 3\n', 1,
     "planning_scenario", "one of low, base, high"),
    ('[prognosis.2025]\nlow = 1\nbase = 2\nhigh = 3\n[prognosis.2026]\nlow = 1\nbase = "2"\n'
     "high = 3\n", 7, "base", "prognosis.2026.base: must be a whole number"),
    ("[prognosis.2026]\nlow = 1\nbase = 2\nhigh = 3\nmid = 2\n", 5, "mid", "unknown key"),
    ("[prognosis.2026]\nlow = 1\nhigh = 3\n", 1, "base", "is required"),
    ('planning_children = 500\n[prognosis.2026]\nlow = 1\nbase = 2\nhigh = 3\n', 1,
     "planning_children", "unknown key"),
])
def test_a_bad_value_names_file_line_key_and_rule(tmp_path, text, line, key, rule):
    path = write(tmp_path / "p.toml", text)
    with pytest.raises(InputError) as error:
        load_national_prognosis(path)
    assert (error.value.file, error.value.line, error.value.column) == (str(path), line, key)
    assert rule in error.value.rule


def test_the_tables_expected_children_are_the_sites_planning_scenario_at_the_years_start():
    """The share table's column, and the site's forecast of the same scenario made on
    31 December before the year with nothing assigned yet, from the shipped ledger."""
    final = final_shares()
    codes = final["municipality_code"].to_list()
    ledger = read_ledger(DATA / "ledger" / "assignments.csv", codes, date(2026, 12, 31))
    start = date(2025, 12, 31)
    figure = load_national_prognosis(SHIPPED).planning_figure(2026)
    alone = share_change(ShareYear.decided(2026, load_parameters(DATA / "parameters.toml", 2026),
                                           final, None), None)
    table = add_context(final, alone, ledger=ledger, as_of=start,
                        planning_children=figure.children)

    shares = dict(zip(codes, final["share_units"], strict=True))
    publication = Publication(year=2026, version=1, decision_date=date(2025, 12, 15), decimals=2,
                              parameter_set="standard", illustrative_inputs=(), shares=shares,
                              calculated=shares, given={}, received={})
    register = final.select("municipality_code", "municipality_name", "county_code")
    current = fulfilment_on(ledger.filter(pl.col("date") <= start), publication, register, start)
    scenarios = forecast_scenarios(current, load_prognosis(SHIPPED, 2026), 0, 2)
    site = next(s for s in scenarios if s.key == figure.scenario)
    assert site.national == figure.children
    assert dict(zip(table["municipality_code"], table["expected_children"], strict=True)) == \
        site.expected


# The rules of the file, each refusal as a user reads it: its whole rule, line, key and value.
YEAR = "[prognosis.2026]\nlow = 1\nbase = 2\nhigh = 3\n"
ALLOWED = "allowed: illustrative, source, planning_scenario, prognosis"


def refusal(path: Path) -> tuple:
    with pytest.raises(InputError) as caught:
        load_national_prognosis(path)
    error = caught.value
    assert error.file == str(path)
    return error.rule, error.line, error.column, error.value


@pytest.mark.parametrize(("text", "expected"), [
    # unknown top-level keys: the first in alphabetical order, on its own line
    ("zeta = 1\nalpha = 2\n" + YEAR,
     (f"unknown key 'alpha'; {ALLOWED}", 2, "alpha", None)),
    ('illustrative = "yes"\n' + YEAR,
     ("illustrative: must be true or false", 1, "illustrative", "yes")),
    ("illustrative = 1\n" + YEAR, ("illustrative: must be true or false", 1, "illustrative", 1)),
    ("# a comment\nsource = 5\n" + YEAR, ("source: must be text", 2, "source", 5)),
    ('\nplanning_scenario = "Base"\n' + YEAR,
     ("planning_scenario: must be one of low, base, high in quotes", 2, "planning_scenario",
      "Base")),
    ("planning_scenario = 2\n" + YEAR,
     ("planning_scenario: must be one of low, base, high in quotes", 1, "planning_scenario", 2)),
    ('source = "x"\n',
     ("needs at least one table [prognosis.<year>] with low, base, high", None, None, None)),
    ("prognosis = 5\n",
     ("needs at least one table [prognosis.<year>] with low, base, high", None, None, None)),
    ("[prognosis]\n",
     ("needs at least one table [prognosis.<year>] with low, base, high", None, None, None)),
    # a year's table
    (YEAR + "[prognosis.26]\nlow = 1\nbase = 2\nhigh = 3\n",
     ("prognosis.26: the table name is a year (4 digits)", 5, None, None)),
    ("[prognosis.20260]\nlow = 1\nbase = 2\nhigh = 3\n",
     ("prognosis.20260: the table name is a year (4 digits)", 1, None, None)),
    ("[prognosis.y2026]\nlow = 1\nbase = 2\nhigh = 3\n",
     ("prognosis.y2026: the table name is a year (4 digits)", 1, None, None)),
    ("[prognosis]\n2026 = 5\n",
     ("prognosis.2026: must be a table with low, base, high", 2, "2026", 5)),
    ('[prognosis]\n"2026" = "many"\n',
     ("prognosis.2026: must be a table with low, base, high", None, "2026", "many")),
    ("[prognosis.2026]\nlow = 1\nbase = 2\nhigh = 3\nzz = 4\nmid = 2\n",
     ("prognosis.2026.mid: unknown key; allowed: low, base, high", 6, "mid", None)),
    ("[prognosis.2026]\nhigh = 3\n",
     ("prognosis.2026.low: is required", 1, "low", None)),
    ("\n[prognosis.2026]\nlow = 1\nbase = 2\n",
     ("prognosis.2026.high: is required", 2, "high", None)),
    ("[prognosis.2026]\nlow = true\nbase = 2\nhigh = 3\n",
     ("prognosis.2026.low: must be a whole number ≥ 0", 2, "low", True)),
    ("[prognosis.2026]\nlow = 1\nbase = 2.5\nhigh = 3\n",
     ("prognosis.2026.base: must be a whole number ≥ 0", 3, "base", 2.5)),
    ("[prognosis.2026]\nlow = 1\nbase = 2\nhigh = -1\n",
     ("prognosis.2026.high: must be a whole number ≥ 0", 4, "high", -1)),
    ("[prognosis.2026]\nlow = 3\nbase = 2\nhigh = 4\n",
     ("prognosis.2026: low ≤ base ≤ high is required", 1, None, "3, 2, 4")),
    ("\n[prognosis.2026]\nlow = 1\nbase = 5\nhigh = 4\n",
     ("prognosis.2026: low ≤ base ≤ high is required", 2, None, "1, 5, 4")),
])
def test_every_refusal_names_its_rule_line_key_and_value(tmp_path, text, expected):
    assert refusal(write(tmp_path / "p.toml", text)) == expected


def test_text_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "p.toml"
    path.write_bytes(b"source = \"\xff\"\n" + YEAR.encode())
    assert refusal(path) == ("not readable UTF-8 text (UnicodeDecodeError)", None, None, None)


def test_a_folder_in_the_files_place_is_no_prognosis(tmp_path):
    (tmp_path / "p.toml").mkdir()
    assert load_national_prognosis(tmp_path / "p.toml") is None


def test_a_key_is_found_in_its_own_table_wherever_it_stands(tmp_path):
    """The line is the key's in the year's own table: not an earlier table's key of the same
    name, not a key written with spaces before its `=` mistaken, not a later table's."""
    path = write(tmp_path / "p.toml",
                 "[prognosis.2025]\nlow = 1\nbase = 2\nhigh = 3\n"
                 "[ prognosis . \"2026\" ]\n  low = 1\nbaseline_note = 0\n"
                 "  high   = 3\n\tbase\t= -2\n")
    assert refusal(path) == ("prognosis.2026.baseline_note: unknown key; allowed: low, base, high",
                             7, "baseline_note", None)
    path = write(tmp_path / "p.toml",
                 "[prognosis.2025]\nlow = 1\nbase = 2\nhigh = 3\n"
                 "[ prognosis . \"2026\" ]\n  low = 1\n  high   = 3\n\tbase\t= -2\n")
    assert refusal(path) == ("prognosis.2026.base: must be a whole number ≥ 0", 8, "base", -2)


def test_a_key_not_written_plainly_in_its_table_has_no_line(tmp_path):
    """A quoted key is not found by the line scan; the scan stops at the next table rather than
    name a line of another year."""
    path = write(tmp_path / "p.toml",
                 '[prognosis.2026]\n"low" = -1\nbase = 2\nhigh = 3\n'
                 "[prognosis.2027]\nlow = 1\nbase = 2\nhigh = 3\n")
    assert refusal(path) == ("prognosis.2026.low: must be a whole number ≥ 0", None, "low", -1)


def test_a_table_named_in_its_own_line_after_another_is_found(tmp_path):
    path = write(tmp_path / "p.toml",
                 "[prognosis.2025]\nlow = 1\nbase = 2\nhigh = 3\n"
                 "[prognosis.2026]\nlow = 1\nbase = 9\nhigh = 3\n")
    assert refusal(path) == ("prognosis.2026: low ≤ base ≤ high is required", 5, None, "1, 9, 3")


def test_a_good_file_reads_with_its_defaults_and_every_year(tmp_path):
    path = write(tmp_path / "p.toml", "[prognosis.2026]\nhigh = 3\nlow = 0\nbase = 3\n"
                 "[prognosis.2025]\nlow = 2\nbase = 2\nhigh = 2\n")
    prognosis = load_national_prognosis(path)
    assert (prognosis.planning_scenario, prognosis.illustrative, prognosis.source) == (
        "base", False, "")
    assert prognosis.years == {2026: {"low": 0, "base": 3, "high": 3},
                               2025: {"low": 2, "base": 2, "high": 2}}
    assert list(prognosis.years[2026]) == ["low", "base", "high"]
    assert prognosis.planning_figure(2025) == PlanningFigure(2025, "base", 2)
    assert prognosis.planning_figure(2027) is None
    path = write(tmp_path / "q.toml", 'illustrative = true\nsource = "SCB"\n'
                 'planning_scenario = "low"\n' + YEAR)
    prognosis = load_national_prognosis(path)
    assert (prognosis.planning_scenario, prognosis.illustrative, prognosis.source) == (
        "low", True, "SCB")
    assert prognosis.planning_figure(2026) == PlanningFigure(2026, "low", 1)


def test_a_key_is_not_found_in_a_text_value_above_its_table(tmp_path):
    path = write(tmp_path / "p.toml", 'source = """\nmid = 2\n2026 = 1\n"""\n'
                 "[prognosis.2026]\nlow = 1\nbase = 2\nhigh = 3\nmid = 2\n")
    assert refusal(path) == ("prognosis.2026.mid: unknown key; allowed: low, base, high", 9,
                             "mid", None)


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path):
    rule, line, column, value = refusal(write(tmp_path / "p.toml", YEAR + "high = \n"))
    assert (rule.startswith("not valid TOML: "), line, column, value) == (True, 5, None, None)


READ_UNDER_ASCII_LOCALE = """
import sys
from pathlib import Path
from pipeline.goals.prognosis import load_national_prognosis
print(ascii(load_national_prognosis(Path(sys.argv[1])).source))
"""


def test_the_file_is_read_as_utf8_whatever_the_locale(tmp_path):
    """A server whose locale is plain ASCII (LC_ALL=C, without Python's UTF-8 mode) reads the
    file as UTF-8 all the same."""
    path = write(tmp_path / "p.toml", 'source = "Migrationsverkets prognos, så här"\n' + YEAR)
    # read here too, so mutmut counts this test as one of the function's (a subprocess's calls
    # are not seen); the subprocess inherits the mutant under test
    assert load_national_prognosis(path).source == "Migrationsverkets prognos, så här"
    environment = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = subprocess.run([sys.executable, "-c", READ_UNDER_ASCII_LOCALE, str(path)],
                          cwd=ROOT, env=environment, capture_output=True, text=True,
                          check=False)
    assert (done.returncode, done.stdout) == (0, "'Migrationsverkets prognos, s\\xe5 h\\xe4r'\n"), \
        done.stderr
