"""Context columns: last year's published share, the change, and the expected children at the
planning figure from the ledger's state (the exact forecast, not share × figure)."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipeline.goals.fulfilment import step_by_step
from pipeline.goals.ledger import LEDGER_SCHEMA, empty_ledger
from pipeline.model.change import ShareChange, ShareYear, share_change
from pipeline.model.parameters import load_parameters
from pipeline.publication.context import add_context, counted_ledger_sha256, ledger_as_of
from pipeline.publication.table import render_csv
from tests.publication_data import REGISTER, final_shares

PARAMETERS = load_parameters(REGISTER.parents[1] / "parameters.toml", 2026)


def ledger(rows: list[tuple[str, str]]) -> pl.DataFrame:
    """Assignments (date, code), numbered in order."""
    return pl.DataFrame(
        {"assignment_id": [f"A{i:07d}" for i in range(1, len(rows) + 1)],
         "date": [date.fromisoformat(day) for day, _ in rows],
         "municipality_code": [code for _, code in rows],
         "kind": ["equalising"] * len(rows)},
        schema=LEDGER_SCHEMA,
    )


def change(final: pl.DataFrame, last_year: pl.DataFrame | None = None) -> ShareChange:
    """`final` against `last_year`'s published table (None: no previous year)."""
    previous = (None if last_year is None
                else ShareYear.decided(2025, PARAMETERS, last_year, None))
    return share_change(ShareYear.decided(2026, PARAMETERS, final, None), previous)


def test_the_ledger_date_is_31_december_before_or_the_ledgers_last_day():
    long = ledger([("2016-01-01", "0114"), ("2026-03-01", "0115")])
    short = ledger([("2016-01-01", "0114"), ("2019-05-02", "0115")])
    assert ledger_as_of(long, 2026) == date(2025, 12, 31)
    assert ledger_as_of(short, 2026) == date(2019, 5, 2)
    assert ledger_as_of(empty_ledger(), 2026) == date(2025, 12, 31)
    assert ledger_as_of(long, 2026, published=date(2025, 12, 20)) == date(2025, 12, 20)


def test_the_counted_digest_ignores_assignments_after_the_date():
    before = ledger([("2016-01-01", "0114"), ("2025-12-31", "0115")])
    after = ledger([("2016-01-01", "0114"), ("2025-12-31", "0115"), ("2026-01-02", "0117")])
    assert counted_ledger_sha256(before, date(2025, 12, 31)) == counted_ledger_sha256(
        after, date(2025, 12, 31))


def test_previous_share_and_change_and_empty_where_unknown():
    final = final_shares()
    previous = final.with_columns(share_units=pl.col("share_units") + 7).filter(
        pl.col("municipality_code") != "0114")
    result = add_context(final, change(final, previous))
    row = result.filter(pl.col("municipality_code") == "0115").row(0, named=True)
    assert (row["previous_units"], row["change_units"]) == (row["share_units"] + 7, -7)
    missing = result.filter(pl.col("municipality_code") == "0114").row(0, named=True)
    assert missing["previous_units"] is None and missing["change_units"] is None
    assert result["expected_children"].null_count() == 290


def test_expected_children_are_what_the_rule_does_from_the_ledger_state():
    final = final_shares()
    assignments = ledger([("2016-01-01", "0180")] * 40 + [("2017-06-01", "0114")] * 3
                         + [("2019-02-01", "0117")] * 5)
    as_of = ledger_as_of(assignments, 2018)
    assert as_of == date(2017, 12, 31)
    result = add_context(final, change(final), ledger=assignments, as_of=as_of,
                         planning_children=500)
    counts = {"0180": 40, "0114": 3}
    expected = step_by_step(counts, dict(zip(final["municipality_code"], final["share_units"],
                                             strict=True)), None, 500)
    got = dict(zip(result["municipality_code"], result["expected_children"], strict=True))
    assert got == expected
    assert sum(got.values()) == 500


def test_a_ledger_ending_before_the_year_forecasts_from_its_last_day():
    final = final_shares()
    assignments = ledger([("2016-01-01", "0114"), ("2016-03-01", "0115")])
    as_of = ledger_as_of(assignments, 2026)
    result = add_context(final, change(final), ledger=assignments, as_of=as_of,
                         planning_children=10)
    assert as_of == date(2016, 3, 1)
    assert int(result["expected_children"].sum()) == 10


def test_the_machine_csv_keeps_its_columns_and_adds_the_context_at_the_end():
    final = final_shares()
    previous = final.with_columns(share_units=pl.col("share_units") - 1)
    result = add_context(final, change(final, previous),
                         ledger=ledger([("2016-01-01", "0114")]), as_of=date(2016, 1, 1),
                         planning_children=20)
    lines = render_csv(result, 2).decode("utf-8").splitlines()
    # The columns README.md documents for shares_<Y>.csv, written out here by hand.
    assert lines[0].split(",") == [
        "municipality_code", "municipality_name", "county_code", "county_name",
        "calculated_promille", "given_promille", "received_promille", "share_promille",
        "previous_share_promille", "change_promille", "expected_children",
        "changed_from_version", "change_population", "change_newcomers", "change_minors",
        "change_asylum_days", "change_arrival_days", "change_parameters", "change_rounding",
        "change_calculated", "change_redistribution"]
    first = lines[1].split(",")
    assert first[0] == "0114" and first[9] == "0.01"
    assert render_csv(final, 2).decode("utf-8").splitlines()[1].endswith(",,,")
