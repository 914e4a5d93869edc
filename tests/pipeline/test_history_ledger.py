"""The shipped ledger is the equalising rule's own outcome on the history's published tables.

The replay here is deliberately independent of the generator and of `pipeline.goals`: plain csv
and fractions. The shares are `data/ledger/generator_shares.csv`, the compact copy of the ten
published share CSVs that scripts/generate_ledger.py writes; tests/e2e/test_history.py checks
that copy against a fresh build of the history, and the ledger against a fresh replay.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date
from fractions import Fraction

import pytest

from tests.conftest import DATA

LEDGER = DATA / "ledger" / "assignments.csv"
GENERATOR_SHARES = DATA / "ledger" / "generator_shares.csv"
FIRST_TABLE, LAST_TABLE = 2017, 2026


def _rows() -> list[dict[str, str]]:
    with LEDGER.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _tables() -> dict[int, dict[str, int]]:
    tables: dict[int, dict[str, int]] = defaultdict(dict)
    with GENERATOR_SHARES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            tables[int(row["share_year"])][row["municipality_code"]] = int(row["share_units"])
    return tables


def _lowest_fulfilment(counts: Counter[str], shares: dict[str, int]) -> str:
    """Lowest assigned/share; ties: the larger share, then the lower code."""
    return min((code for code, share in shares.items() if share > 0),
               key=lambda code: (Fraction(counts[code], shares[code]), -shares[code], code))


def test_the_generator_shares_are_ten_tables_of_exactly_1000_promille():
    tables = _tables()
    assert sorted(tables) == list(range(FIRST_TABLE, LAST_TABLE + 1))
    for year, table in tables.items():
        assert len(table) == 290 and sum(table.values()) == 100_000, year


@pytest.mark.slow  # replays the whole ledger
def test_every_equalising_assignment_is_the_lowest_fulfilment_on_that_day():
    tables = _tables()
    counts: Counter[str] = Counter()
    previous = date.min
    equalising = 0
    for line, row in enumerate(_rows(), start=2):
        when = date.fromisoformat(row["date"])
        assert when >= previous, f"line {line}: the ledger is in date order"
        previous = when
        if row["kind"] == "equalising":
            shares = tables[min(max(when.year, FIRST_TABLE), LAST_TABLE)]
            assert row["municipality_code"] == _lowest_fulfilment(counts, shares), f"line {line}"
            equalising += 1
        counts[row["municipality_code"]] += 1
    assert equalising > 7000


def test_the_ledger_runs_from_1_april_2016_with_the_documented_totals():
    rows = _rows()
    per_year = Counter(row["date"][:4] for row in rows)
    assert rows[0]["date"] == "2016-04-01" and rows[-1]["date"] <= "2026-11-26"
    assert {int(y): n for y, n in per_year.items()} == {
        2016: 1783, 2017: 1336, 2018: 944, 2019: 902, 2020: 500, 2021: 507, 2022: 630,
        2023: 560, 2024: 480, 2025: 430, 2026: 369}
    assert [row["assignment_id"] for row in rows] == [f"A{i:07d}" for i in
                                                      range(1, len(rows) + 1)]


def test_about_one_in_ten_is_a_connection_assignment_mostly_to_large_municipalities():
    rows = _rows()
    connections = Counter(row["municipality_code"] for row in rows
                          if row["kind"] == "connection")
    assert 0.08 < sum(connections.values()) / len(rows) < 0.12
    assert connections.most_common(1)[0][0] == "0180"  # Stockholm
