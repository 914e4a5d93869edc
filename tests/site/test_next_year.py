"""Next year's expectation from a draft, on made-up shares: the equalising rule applied one child
after another (`step_by_step`, the reference) from where the base scenario ends this year, for
each scenario of next year; a bad draft refused with the file, line, column and value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.goals.fulfilment import step_by_step
from pipeline.site.inputs import Prognosis, Publication, Scenario
from pipeline.site.next_year import from_draft, from_table, read_draft_shares

CODES = ["0001", "0002", "0003", "0004"]


def write_draft(path: Path, values: list[str]) -> Path:
    path.write_text("municipality_code,municipality_name,share_promille\n" + "".join(
        f"{code},K{code},{value}\n" for code, value in zip(CODES, values, strict=True)),
        encoding="utf-8")
    return path


def test_a_draft_is_forecast_from_this_years_expected_end(tmp_path):
    shares = read_draft_shares(write_draft(tmp_path / "d.csv", ["500.00", "300.00", "200.00",
                                                               "0.00"]), 2, set(CODES))
    assert shares == {"0001": 50000, "0002": 30000, "0003": 20000, "0004": 0}
    now = {"0001": 10, "0002": 3, "0003": 5, "0004": 1}
    this_year = [Scenario("low", 0, 0, {"0001": 0, "0002": 0, "0003": 0, "0004": 0}, {}),
                 Scenario("base", 0, 4, {"0001": 0, "0002": 3, "0003": 1, "0004": 0}, {})]
    prognosis = Prognosis(year=2027, children={"low": 5, "base": 10, "high": 20},
                          illustrative=True, source="")
    following = from_draft(2027, shares, now, this_year, prognosis)
    assert (following.year, following.draft, following.nationals) == (2027, True, (5, 10, 20))
    at_year_end = {"0001": 10, "0002": 6, "0003": 6, "0004": 1}  # now + the base scenario
    for expected, m in zip(following.expected, (5, 10, 20), strict=True):
        assert expected == step_by_step(at_year_end, shares, CODES, m)
        assert sum(expected.values()) == m and expected["0004"] == 0


def test_a_published_table_gives_its_own_expectation():
    shares = dict.fromkeys(CODES, 250)
    table = Publication(2027, 1, date(2026, 12, 15), 2, "standard", (), shares, shares,
                        dict.fromkeys(CODES, 0), dict.fromkeys(CODES, 0),
                        expected={"0001": 2, "0002": 1, "0003": 1, "0004": 0},
                        planning_children=4)
    following = from_table(table)
    assert (following.draft, following.nationals) == (False, (4,))
    assert following.expected == ({"0001": 2, "0002": 1, "0003": 1, "0004": 0},)
    assert from_table(Publication(2027, 1, None, 2, "standard", (), shares, shares, shares,
                                  shares)) is None


@pytest.mark.parametrize(("values", "rule"), [
    (["500.001", "300.00", "200.00", "0.00"], "more than 2 decimals"),
    (["500.00", "tre", "200.00", "0.00"], "not a non-negative decimal"),
])
def test_a_bad_draft_share_is_refused_with_its_place(tmp_path, values, rule):
    path = write_draft(tmp_path / "d.csv", values)
    with pytest.raises(InputError, match=rule) as error:
        read_draft_shares(path, 2, set(CODES))
    assert str(path) in str(error.value) and "column 'share_promille'" in str(error.value)


def test_a_draft_missing_a_municipality_is_refused(tmp_path):
    path = write_draft(tmp_path / "d.csv", ["500.00", "300.00", "200.00", "0.00"])
    with pytest.raises(InputError, match="exactly the register's municipalities"):
        read_draft_shares(path, 2, {*CODES, "0005"})
