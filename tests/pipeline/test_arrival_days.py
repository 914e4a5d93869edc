"""B, the minors' housing days by arrival municipality, computed from the register in DuckDB
(sql/arrival_housing_days.sql), against an independent count: every day of the year, one by one,
for every child, in plain Python."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.errors import InputError
from pipeline.core.layout import Layout
from pipeline.goals.ledger import REGISTER_SCHEMA
from pipeline.goals.register import TRANSFER_SCHEMA, Register, register_sha256
from pipeline.ingestion.from_register import load_inputs, register_statistic
from pipeline.ingestion.registry import STATISTICS
from tests.conftest import DATA

CODES = ["0114", "0180", "0191", "1280"]
MUNICIPALITIES = pl.DataFrame({"municipality_code": CODES})
B = "minor_arrival_housing_days"


def register(assignments: list[tuple], transfers: list[tuple] = ()) -> Register:
    """Assignments as (id, arrival date, arrival code, date, assigned code); transfers as
    (id, transfer date)."""
    rows = [(i, arrived, where, when, code, "equalising", False)
            for i, arrived, where, when, code in assignments]
    return Register(pl.DataFrame(rows, schema=REGISTER_SCHEMA, orient="row"),
                    pl.DataFrame(list(transfers), schema=TRANSFER_SCHEMA, orient="row"), "-")


def by_hand(assignments: list[tuple], transfers: list[tuple], year: int) -> dict[str, int]:
    """MODEL.md word for word: for each day d of the year and each child, count d at the
    arrival municipality when arrival_date <= d < end."""
    transferred = dict(transfers)
    days: Counter[str] = Counter()
    d = date(year, 1, 1)
    while d.year == year:
        for i, arrived, where, when, code in assignments:
            end = transferred.get(i, when if where == code else date(year + 1, 1, 1))
            if arrived <= d < end:
                days[where] += 1
        d += timedelta(days=1)
    return {code: days[code] for code in CODES}


# One in-memory DuckDB for the module (Hypothesis runs many examples on it); the views of each
# computation are gone when it returns.
CONN = duckdb.connect()


def computed(state: Register, year: int) -> dict[str, int]:
    frame = register_statistic(CONN, "arrival_housing_days", state, MUNICIPALITIES, year)
    assert frame.columns == ["municipality_code", "value"]
    return dict(zip(frame["municipality_code"], frame["value"], strict=True))


CASES = {
    "inside the year": ([("A1", date(2019, 3, 1), "1280", date(2019, 3, 5), "0114")],
                        [("A1", date(2019, 3, 11))], 2019, {"1280": 10}),
    "begins the year before": ([("A1", date(2019, 12, 20), "0191", date(2020, 1, 3), "0114")],
                               [("A1", date(2020, 1, 10))], 2020, {"0191": 9}),
    "ends the year after": ([("A1", date(2019, 12, 20), "0191", date(2019, 12, 28), "0114")],
                            [("A1", date(2020, 1, 10))], 2019, {"0191": 12}),
    "not yet transferred, a leap year": (
        [("A1", date(2020, 2, 28), "0180", date(2020, 3, 2), "0114")], [], 2020,
        {"0180": 308}),
    "the whole of a leap year": (
        [("A1", date(2019, 6, 1), "0180", date(2019, 6, 3), "0114")], [], 2020,
        {"0180": 366}),
    "arrived where assigned: the assignment ends the stay": (
        [("A1", date(2021, 5, 1), "1280", date(2021, 5, 4), "1280")], [], 2021, {"1280": 3}),
    "assigned and transferred on the day of arrival": (
        [("A1", date(2021, 5, 1), "1280", date(2021, 5, 1), "0114")],
        [("A1", date(2021, 5, 1))], 2021, {}),
    "transferred on 1 January counts all of 31 December": (
        [("A1", date(2021, 12, 31), "0180", date(2021, 12, 31), "0114")],
        [("A1", date(2022, 1, 1))], 2021, {"0180": 1}),
    "a stay of another year counts nothing": (
        [("A1", date(2018, 5, 1), "0180", date(2018, 5, 4), "0114")],
        [("A1", date(2018, 5, 9))], 2019, {}),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_hand_made_registers_give_the_days_counted_by_hand(case):
    assignments, transfers, year, expected = CASES[case]
    hand = by_hand(assignments, transfers, year)
    assert hand == {code: expected.get(code, 0) for code in CODES}  # the cases say it twice
    assert computed(register(assignments, transfers), year) == hand


def test_every_municipality_has_a_row_and_true_zeros():
    state = register([("A1", date(2019, 3, 1), "1280", date(2019, 3, 5), "0114")])
    frame = register_statistic(CONN, "arrival_housing_days", state, MUNICIPALITIES, 2019)
    assert frame["municipality_code"].to_list() == CODES
    assert frame.filter(pl.col("municipality_code") != "1280")["value"].to_list() == [0, 0, 0]
    empty = register([])
    assert computed(empty, 2019) == dict.fromkeys(CODES, 0)


@st.composite
def registers(draw):
    """Up to 12 children arriving 2018–2021, with waits and transfers of up to 200 days, some
    never transferred, some assigned where they arrived."""
    assignments, transfers = [], []
    for n in range(draw(st.integers(0, 12))):
        arrived = date(2018, 1, 1) + timedelta(days=draw(st.integers(0, 4 * 365)))
        when = arrived + timedelta(days=draw(st.integers(0, 200)))
        where, code = draw(st.sampled_from(CODES)), draw(st.sampled_from(CODES))
        assignments.append((f"A{n}", arrived, where, when, code))
        if where != code and draw(st.booleans()):
            transfers.append((f"A{n}", when + timedelta(days=draw(st.integers(0, 200)))))
    return assignments, transfers


@given(case=registers())
def test_any_small_register_gives_the_days_counted_by_hand(case):
    assignments, transfers = case
    for year in (2018, 2019, 2020, 2021):
        assert computed(register(assignments, transfers), year) == by_hand(
            assignments, transfers, year), year


# --- the shipped register -------------------------------------------------------------------

def _shipped_by_hand(year: int) -> dict[str, int]:
    """B of one year from the shipped CSV files with the csv module and whole-day arithmetic."""
    with (DATA / "ledger" / "transfers.csv").open(encoding="utf-8", newline="") as handle:
        transferred = {r["assignment_id"]: date.fromisoformat(r["transfer_date"])
                       for r in csv.DictReader(handle)}
    first, after = date(year, 1, 1), date(year + 1, 1, 1)
    days: Counter[str] = Counter()
    with (DATA / "ledger" / "assignments.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            where, code = r["arrival_municipality_code"], r["municipality_code"]
            when = date.fromisoformat(r["date"])
            end = transferred.get(r["assignment_id"], when if where == code else after)
            start = max(date.fromisoformat(r["arrival_date"]), first)
            days[where] += max(0, (min(end, after) - start).days)
    return days


@pytest.mark.parametrize("year", [2016, 2020, 2024])
def test_b_of_the_shipped_register_with_its_provenance(register, year):
    loaded = load_inputs(Layout(DATA, DATA.parent / "out"), year, register, date.today(), CONN)
    b = next(item for item in loaded if item.file.statistic == B)
    values = dict(zip(b.values["municipality_code"], b.values[B], strict=True))
    assert len(values) == 290
    hand = _shipped_by_hand(year)
    assert values == {code: hand[code] for code in values}
    assert sum(values.values()) > 0
    assert b.file.path == DATA / "ledger" / "assignments.csv"
    assert b.file.sha256 == register_sha256(DATA / "ledger" / "assignments.csv")
    assert b.file.source.startswith("Migrationsverkets anvisningsregister")
    assert b.file.sha256 in b.file.source and b.file.illustrative
    assert [item.file.statistic for item in loaded] == [s.name for s in STATISTICS]


def test_2015_reads_b_from_its_file(register):
    loaded = load_inputs(Layout(DATA, DATA.parent / "out"), 2015, register, date.today(), CONN)
    b = next(item for item in loaded if item.file.statistic == B)
    assert b.file.path.name == "minor_arrival_housing_days.csv"


def test_a_file_of_b_left_in_a_register_year_is_refused(register, data_dir):
    stray = data_dir / "statistics" / "2020" / "minor_arrival_housing_days.csv"
    stray.write_text("Kommunkod,Kommun,2020\n", encoding="utf-8")
    with pytest.raises(InputError, match="computed from the register") as caught:
        load_inputs(Layout(data_dir, data_dir.parent / "out"), 2020, register, date.today(), CONN)
    assert caught.value.file == str(stray)


def test_a_missing_register_is_named(register, data_dir):
    (data_dir / "ledger" / "assignments.csv").unlink()
    with pytest.raises(InputError, match="computed from the register, which is missing"):
        load_inputs(Layout(data_dir, data_dir.parent / "out"), 2020, register, date.today(), CONN)
