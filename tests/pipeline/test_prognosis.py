"""One planning figure: `data/prognosis.toml` holds the national scenarios of every share year and
names the scenario the published table uses; the share table's expected children and the site's
scenarios read it, and from the same ledger state they are the same forecast."""

from __future__ import annotations

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

DATA = Path(__file__).resolve().parents[2] / "data"
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
