"""The register's transfers and its migration, through the domain and through `anvisning
transfer` and `anvisning migrate-register`: every refusal is one error naming the file, the
column, the value and the rule, with nothing written."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from cli.main import main
from pipeline.core.errors import InputError
from pipeline.goals.ledger import HEADER, read_ledger
from pipeline.goals.register import (
    TRANSFER_HEADER,
    read_register,
    read_transfers,
    register_sha256,
)
from tests.conftest import DATA

CODES = ["0114", "0180", "0191", "1280", "1480"]
TODAY = date.today()
ASSIGNMENTS = [
    "A0000001,2016-03-01,1280,2016-03-20,0114,equalising,false",
    "A0000002,2016-03-05,0180,2016-03-21,0180,connection,false",  # arrived where assigned
    "A0000003,2016-03-10,0191,2016-03-25,1480,equalising,false",
]
TRANSFERS = ["A0000001,2016-04-02"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "reference").mkdir()
    shutil.copy2(DATA / "reference" / "municipalities.csv", tmp_path / "reference")
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "assignments.csv").write_text("\n".join([HEADER, *ASSIGNMENTS]) + "\n",
                                            encoding="utf-8")
    (ledger / "transfers.csv").write_text("\n".join([TRANSFER_HEADER, *TRANSFERS]) + "\n",
                                          encoding="utf-8")
    return tmp_path


def ledger_of(data: Path) -> Path:
    return data / "ledger" / "assignments.csv"


def files(data: Path) -> dict[str, bytes]:
    folder = data / "ledger"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".csv"}


def run(data: Path, *args: str) -> int:
    return main([*args, "--data-dir", str(data)])


def one_error(capsys) -> str:
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


# --- reading --------------------------------------------------------------------------------

def test_the_register_reads_assignments_and_transfers_with_one_hash(data):
    register = read_register(ledger_of(data), CODES, TODAY)
    assert register.assignments.height == 3
    assert register.transfers.rows() == [("A0000001", date(2016, 4, 2))]
    before = register.sha256
    path = data / "ledger" / "transfers.csv"
    path.write_text(path.read_text() + "A0000003,2016-03-30\n", encoding="utf-8")
    assert register_sha256(ledger_of(data)) != before


def test_a_missing_transfers_file_is_a_register_without_transfers(data):
    (data / "ledger" / "transfers.csv").unlink()
    assert read_register(ledger_of(data), CODES, TODAY).transfers.is_empty()


@pytest.mark.parametrize(("line", "column", "rule"), [
    ("A0000009,2016-04-01", "assignment_id", "no assignment of the register has this id"),
    ("A0000001,2016-04-05", "assignment_id", "once per assignment"),
    ("A0000002,2016-03-21", "assignment_id", "the assignment itself records the transfer"),
    ("A0000003,2016-03-24", "transfer_date", "before its assignment date"),
    ("A0000003,2016-3-30", "transfer_date", "YYYY-MM-DD"),
    ("A0000003,", "transfer_date", "required"),
])
def test_a_bad_transfer_line_names_file_line_column_value_and_rule(data, line, column, rule):
    path = data / "ledger" / "transfers.csv"
    path.write_text(path.read_text() + line + "\n", encoding="utf-8")
    assignments = read_ledger(ledger_of(data), CODES, TODAY)
    with pytest.raises(InputError) as caught:
        read_transfers(path, assignments, TODAY)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), 3, column)
    assert error.value == line.split(",")[0 if column == "assignment_id" else 1]
    assert rule in error.rule


def test_a_transfer_after_today_is_refused(data):
    path = data / "ledger" / "transfers.csv"
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    path.write_text(path.read_text() + f"A0000003,{tomorrow}\n", encoding="utf-8")
    with pytest.raises(InputError, match="not be after today"):
        read_register(ledger_of(data), CODES, TODAY)


# --- anvisning transfer ---------------------------------------------------------------------

def test_transfer_appends_one_event(data, capsys):
    code = run(data, "transfer", "--assignment", "A0000003", "--date", "2016-03-30")
    assert code == 0, capsys.readouterr().err
    assert "A0000003" in capsys.readouterr().out
    lines = (data / "ledger" / "transfers.csv").read_text().splitlines()
    assert lines == [TRANSFER_HEADER, *TRANSFERS, "A0000003,2016-03-30"]


def test_the_first_transfer_creates_the_transfers_file(data, capsys):
    (data / "ledger" / "transfers.csv").unlink()
    assert run(data, "transfer", "--assignment", "A0000003", "--date", "2016-03-25") == 0
    assert (data / "ledger" / "transfers.csv").read_text() == (
        f"{TRANSFER_HEADER}\nA0000003,2016-03-25\n")


@pytest.mark.parametrize(("assignment", "when", "fragments"), [
    ("A0000003", "2016-03-24", ["'transfer_date'", "'2016-03-24'", "from its assignment date "
                                "(2016-03-25)"]),
    ("A0000001", "2016-04-10", ["'assignment_id'", "'A0000001'", "once per assignment",
                                "transferred on 2016-04-02"]),
    ("A0000002", "2016-04-10", ["'A0000002'", "the assignment itself recorded the transfer"]),
    ("A0000099", "2016-04-10", ["assignments.csv", "'A0000099'",
                                "no assignment of the register has this id"]),
])
def test_every_refused_transfer_is_one_error_and_nothing_is_written(data, capsys, assignment,
                                                                     when, fragments):
    before = files(data)
    code = run(data, "transfer", "--assignment", assignment, "--date", when)
    error = one_error(capsys)
    assert code == 1
    for fragment in fragments:
        assert fragment in error, (fragment, error)
    assert files(data) == before


def test_a_transfer_in_the_future_is_refused(data, capsys):
    before = files(data)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert run(data, "transfer", "--assignment", "A0000003", "--date", tomorrow) == 1
    assert f"up to today ({TODAY})" in one_error(capsys)
    assert files(data) == before


# --- a register from before arrivals: refused, and migrated ---------------------------------

OLD = ["assignment_id,date,municipality_code,kind",
       "A0000001,2016-03-20,0114,equalising",
       "A0000002,2016-03-25,1480,equalising",
       "A0000003,2016-03-21,0180,connection"]  # entered after A0000002: late
ARRIVALS = ["assignment_id,arrival_date,arrival_municipality_code",
            "A0000003,2016-03-05,0180",
            "A0000001,2016-03-01,1280",
            "A0000002,2016-03-10,0191"]


@pytest.fixture
def old(data: Path) -> Path:
    (data / "ledger" / "transfers.csv").unlink()
    ledger_of(data).write_text("\n".join(OLD) + "\n", encoding="utf-8")
    (data / "arrivals.csv").write_text("\n".join(ARRIVALS) + "\n", encoding="utf-8")
    return data


def test_a_register_without_arrivals_is_refused_naming_the_migration(old, capsys):
    assert run(old, "transfer", "--assignment", "A0000001", "--date", "2016-04-01") == 1
    error = one_error(capsys)
    assert "anvisning migrate-register --arrivals FILE" in error and "line 1" in error
    assert not (old / "ledger" / "transfers.csv").exists()


def test_the_migration_joins_the_arrivals_and_marks_rows_out_of_order_late(old, capsys):
    code = run(old, "migrate-register", "--arrivals", str(old / "arrivals.csv"))
    assert code == 0, capsys.readouterr().err
    assert ledger_of(old).read_text().splitlines() == [
        HEADER,
        "A0000001,2016-03-01,1280,2016-03-20,0114,equalising,false",
        "A0000002,2016-03-10,0191,2016-03-25,1480,equalising,false",
        "A0000003,2016-03-05,0180,2016-03-21,0180,connection,true",
    ]
    assert (old / "ledger" / "transfers.csv").read_text() == TRANSFER_HEADER + "\n"
    assert read_register(ledger_of(old), CODES, TODAY).assignments.height == 3


@pytest.mark.parametrize(("arrivals", "fragments"), [
    (ARRIVALS[:-1], ["arrivals.csv", "'A0000002'", "every assignment of the register needs"]),
    ([*ARRIVALS, "A0000003,2016-03-06,0180"], ["line 5", "'A0000003'", "one arrival"]),
    ([*ARRIVALS, "A0000007,2016-03-06,0180"], ["line 5", "'A0000007'", "no assignment"]),
    ([ARRIVALS[0], "A0000003,2016-03-22,0180", *ARRIVALS[2:]],
     ["line 2", "'arrival_date'", "'2016-03-22'", "on or before its assignment date"]),
    ([ARRIVALS[0], "A0000003,2016-03-05,9999", *ARRIVALS[2:]],
     ["line 2", "'arrival_municipality_code'", "'9999'", "in the register"]),
    (["assignment_id,arrival,arrival_municipality_code", *ARRIVALS[1:]],
     ["line 1", "header must be exactly"]),
])
def test_a_bad_migration_is_one_error_and_the_register_is_left_as_it_was(old, capsys, arrivals,
                                                                         fragments):
    (old / "arrivals.csv").write_text("\n".join(arrivals) + "\n", encoding="utf-8")
    before = files(old)
    assert run(old, "migrate-register", "--arrivals", str(old / "arrivals.csv")) == 1
    error = one_error(capsys)
    for fragment in fragments:
        assert fragment in error, (fragment, error)
    assert files(old) == before


def test_a_register_already_migrated_is_left_alone(data, capsys):
    before = files(data)
    (data / "arrivals.csv").write_text("\n".join(ARRIVALS) + "\n", encoding="utf-8")
    assert run(data, "migrate-register", "--arrivals", str(data / "arrivals.csv")) == 1
    assert "nothing to migrate" in one_error(capsys)
    assert files(data) == before


def test_the_shipped_register_reads_with_its_transfers():
    codes = pl.read_csv(DATA / "reference" / "municipalities.csv",
                        schema_overrides={"municipality_code": pl.String})["municipality_code"]
    register = read_register(DATA / "ledger" / "assignments.csv", codes.to_list(), TODAY)
    assert register.assignments.height > 8000
    assert 0 < register.transfers.height < register.assignments.height
    assert not register.assignments["late"].any()
