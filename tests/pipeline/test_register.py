"""The register's transfers and its migration, through the domain and through `anvisning
transfer` and `anvisning migrate-register`: every refusal is one error naming the file, the
column, the value and the rule, with nothing written."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from cli.main import main
from pipeline.core.errors import AnvisningError, InputError
from pipeline.goals.ledger import HEADER, read_ledger
from pipeline.goals.register import (
    TRANSFER_HEADER,
    Transferred,
    migrate_register,
    read_register,
    read_transfers,
    record_transfer,
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


# --- every rule in the words a statistician reads, and its boundaries -------------------------

ON = date(2016, 4, 30)  # "today" of the tests below


def transfer_refusal(data: Path, line: str) -> tuple:
    path = data / "ledger" / "transfers.csv"
    path.write_text(path.read_text() + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_register(ledger_of(data), CODES, ON)
    error = caught.value
    assert (error.file, error.line) == (str(path), 3)
    return error.column, error.value, error.rule


@pytest.mark.parametrize(("line", "expected"), [
    ("", (None, None, "a line must hold a transfer (this one is blank)")),
    (",2016-04-01", ("assignment_id", "", "a value is required")),
    ("A0000003,", ("transfer_date", "", "a value is required")),
    ("A0000003,2016-04-31", ("transfer_date", "2016-04-31",
                             "a date is written YYYY-MM-DD and must exist in the calendar")),
    ("A0000003,2016-05-01", ("transfer_date", "2016-05-01",
                             "a date must not be after today (2016-04-30)")),
    ("A0000004,2016-04-01", ("assignment_id", "A0000004",
                             "no assignment of the register has this id")),
    ("A0000001,2016-04-05", ("assignment_id", "A0000001", "a transfer is recorded once per "
                             "assignment (this one has a transfer on an earlier line)")),
    ("A0000002,2016-03-21", ("assignment_id", "A0000002", "arrival and assigned municipality "
                             "are the same: the assignment itself records the transfer")),
    ("A0000003,2016-03-24", ("transfer_date", "2016-03-24",
                             "a transfer cannot be before its assignment date")),
])
def test_every_transfer_rule_in_its_own_words(data, line, expected):
    assert transfer_refusal(data, line) == expected


def test_transfers_on_their_assignment_day_and_today_are_read_as_dates(data):
    path = data / "ledger" / "transfers.csv"
    path.write_text(f"{TRANSFER_HEADER}\nA0000003,2016-03-25\nA0000001,2016-04-30\n",
                    encoding="utf-8")
    register = read_register(ledger_of(data), CODES, ON)
    assert register.transfers.schema == pl.Schema({"assignment_id": pl.String,
                                                   "transfer_date": pl.Date})
    assert register.transfers.rows() == [("A0000003", date(2016, 3, 25)),
                                         ("A0000001", date(2016, 4, 30))]
    assert register.assignments.height == 3


def test_the_transfers_header_and_size_in_their_own_words(data):
    path = data / "ledger" / "transfers.csv"
    path.write_text("assignment_id;transfer_date\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_register(ledger_of(data), CODES, ON)
    assert (caught.value.file, caught.value.line, caught.value.value, caught.value.rule) == (
        str(path), 1, "assignment_id;transfer_date",
        "the header must be exactly 'assignment_id,transfer_date'")
    limit = 128 * 2**20
    with open(path, "wb") as handle:
        handle.write(TRANSFER_HEADER.encode() + b"\n")
        handle.truncate(limit)
    with pytest.raises(InputError) as caught:  # at the limit: read, and refused for its content
        read_register(ledger_of(data), CODES, ON)
    assert "larger" not in caught.value.rule
    with open(path, "r+b") as handle:
        handle.truncate(limit + 1)
    with pytest.raises(InputError) as caught:
        read_register(ledger_of(data), CODES, ON)
    assert (caught.value.file, caught.value.rule) == (
        str(path), "the transfers file is larger than 128 MiB")


def test_the_registers_hash_covers_both_files_and_an_absent_transfers_file(data):
    def sha(text: bytes) -> str:
        return hashlib.sha256(text).hexdigest()

    assignments = ledger_of(data).read_bytes()
    transfers = (data / "ledger" / "transfers.csv").read_bytes()
    assert register_sha256(ledger_of(data)) == sha(
        f"assignments\0{sha(assignments)}\ntransfers\0{sha(transfers)}\n".encode())
    assert read_register(ledger_of(data), CODES, ON).sha256 == register_sha256(ledger_of(data))
    (data / "ledger" / "transfers.csv").unlink()
    (data / "ledger" / "transfers.csv").mkdir()
    assert register_sha256(ledger_of(data)) == sha(
        f"assignments\0{sha(assignments)}\ntransfers\0absent\n".encode())


def refused_transfer(data: Path, assignment: str, when: date) -> tuple:
    before = files(data)
    with pytest.raises(InputError) as caught:
        record_transfer(ledger_of(data), CODES, ON, assignment, when)
    assert files(data) == before
    error = caught.value
    return Path(error.file).name, error.line, error.column, error.value, error.rule


def test_every_refused_transfer_in_its_own_words(data):
    assert refused_transfer(data, "A0000009", date(2016, 4, 1)) == (
        "assignments.csv", None, "assignment_id", "A0000009",
        "no assignment of the register has this id")
    assert refused_transfer(data, "A0000001", date(2016, 4, 10)) == (
        "transfers.csv", None, "assignment_id", "A0000001",
        "a transfer is recorded once per assignment; this one was transferred on 2016-04-02")
    assert refused_transfer(data, "A0000002", date(2016, 4, 10)) == (
        "transfers.csv", None, "assignment_id", "A0000002",
        "arrival and assigned municipality are the same (0180): the assignment itself recorded "
        "the transfer on 2016-03-21")
    for when in (date(2016, 3, 24), date(2016, 5, 1)):
        assert refused_transfer(data, "A0000003", when) == (
            "transfers.csv", None, "transfer_date", when.isoformat(),
            "a transfer is dated from its assignment date (2016-03-25) up to today (2016-04-30)")


@pytest.mark.parametrize("when", [date(2016, 3, 25), date(2016, 4, 30)])
def test_a_transfer_on_its_assignment_day_or_today_is_recorded(data, when):
    path = data / "ledger" / "transfers.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # no final line end
    done = record_transfer(ledger_of(data), CODES, ON, "A0000003", when)
    assert done == Transferred("A0000003", "0191", "1480", date(2016, 3, 25))
    assert path.read_text().splitlines() == [TRANSFER_HEADER, *TRANSFERS,
                                             f"A0000003,{when.isoformat()}"]


def migration_refusal(old: Path, arrivals: list[str] | None) -> tuple:
    if arrivals is None:
        (old / "arrivals.csv").unlink()
    else:
        (old / "arrivals.csv").write_text("\n".join(arrivals) + "\n", encoding="utf-8")
    before = files(old)
    with pytest.raises(InputError) as caught:
        migrate_register(ledger_of(old), old / "arrivals.csv", CODES, ON)
    assert files(old) == before
    error = caught.value
    return Path(error.file).name, error.line, error.column, error.value, error.rule


@pytest.mark.parametrize(("arrivals", "expected"), [
    (None, ("arrivals.csv", None, None, None, "the arrival records are missing")),
    (["assignment_id;arrival_date;arrival_municipality_code", *ARRIVALS[1:]],
     ("arrivals.csv", 1, None, "assignment_id;arrival_date;arrival_municipality_code",
      "the header must be exactly 'assignment_id,arrival_date,arrival_municipality_code'")),
    ([*ARRIVALS[:2], "", *ARRIVALS[2:]],
     ("arrivals.csv", 3, None, None, "a line must hold an arrival (this one is blank)")),
    ([*ARRIVALS[:2], "A0000001,,1280", *ARRIVALS[2:]],
     ("arrivals.csv", 3, "arrival_date", "", "a value is required")),
    ([*ARRIVALS, "A0000003,2016-03-06,0180"],
     ("arrivals.csv", 5, "assignment_id", "A0000003",
      "each assignment has one arrival (this id is on an earlier line)")),
    ([*ARRIVALS, "A0000007,2016-03-06,0180"],
     ("arrivals.csv", 5, "assignment_id", "A0000007",
      "no assignment of the register has this id")),
    ([ARRIVALS[0], "A0000003,2016-3-05,0180", *ARRIVALS[2:]],
     ("arrivals.csv", 2, "arrival_date", "2016-3-05",
      "a date is written YYYY-MM-DD and must exist in the calendar")),
    ([ARRIVALS[0], "A0000003,2016-03-05,0181", *ARRIVALS[2:]],
     ("arrivals.csv", 2, "arrival_municipality_code", "0181",
      "the municipality code must be in the register")),
    ([ARRIVALS[0], "A0000003,2016-03-22,0180", *ARRIVALS[2:]],
     ("arrivals.csv", 2, "arrival_date", "2016-03-22",
      "the child's arrival must be on or before its assignment date")),
    ([ARRIVALS[0], ARRIVALS[1]],
     ("arrivals.csv", None, "assignment_id", "A0000001",
      "every assignment of the register needs its arrival; 2 have none, the first")),
])
def test_every_migration_rule_in_its_own_words(old, arrivals, expected):
    assert migration_refusal(old, arrivals) == expected


def test_a_register_that_cannot_be_migrated_in_its_own_words(old):
    (old / "arrivals.csv").write_text("\n".join(ARRIVALS) + "\n", encoding="utf-8")
    ledger = ledger_of(old)
    ledger.write_text("assignment_id,date,municipality,kind\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        migrate_register(ledger, old / "arrivals.csv", CODES, ON)
    assert (caught.value.file, caught.value.line, caught.value.value, caught.value.rule) == (
        str(ledger), 1, "assignment_id,date,municipality,kind",
        "the header of a register to migrate is exactly "
        "'assignment_id,date,municipality_code,kind'")
    ledger.write_text(HEADER + "\n", encoding="utf-8")
    with pytest.raises(AnvisningError) as already:
        migrate_register(ledger, old / "arrivals.csv", CODES, ON)
    assert str(already.value) == (
        f"{ledger}: the register already records arrivals; nothing to migrate")
    ledger.unlink()
    with pytest.raises(InputError) as caught:
        migrate_register(ledger, old / "arrivals.csv", CODES, ON)
    assert (caught.value.file, caught.value.rule) == (str(ledger), "the register is missing")


def test_a_migration_counts_its_assignments_and_keeps_transfers_already_there(old):
    (old / "ledger" / "transfers.csv").write_text(f"{TRANSFER_HEADER}\n", encoding="utf-8")
    ledger_of(old).write_text("\n".join([*OLD, "A0000004,2016-03-21,0114,equalising",
                                         "A0000005,2016-03-26,0114,equalising"]) + "\n",
                              encoding="utf-8")
    (old / "arrivals.csv").write_text("\n".join([*ARRIVALS, "A0000005,2016-03-26,0114",
                                                 "A0000004,2016-03-01,0114"]) + "\n",
                                      encoding="utf-8")
    assert migrate_register(ledger_of(old), old / "arrivals.csv", CODES, ON) == 5
    assert [line.rsplit(",", 1)[1] for line in ledger_of(old).read_text().splitlines()[1:]] == [
        "false", "false", "true", "true", "false"]
    assert (old / "ledger" / "transfers.csv").read_text() == f"{TRANSFER_HEADER}\n"
    transfers = old / "ledger" / "transfers.csv"
    transfers.write_text(f"{TRANSFER_HEADER}\nA0000001,2016-04-01\n", encoding="utf-8")
    assert read_register(ledger_of(old), CODES, ON).transfers.height == 1


def test_a_migration_marks_only_rows_dated_before_an_earlier_one_late(old):
    ledger_of(old).write_text("\n".join([OLD[0], "A0000001,2016-03-20,0114,equalising",
                                         "A0000002,2016-03-20,1480,equalising"]) + "\n",
                              encoding="utf-8")
    (old / "arrivals.csv").write_text("\n".join([ARRIVALS[0], ARRIVALS[2], ARRIVALS[3]]) + "\n",
                                      encoding="utf-8")
    assert migrate_register(ledger_of(old), old / "arrivals.csv", CODES, ON) == 2
    assert ledger_of(old).read_text().splitlines()[1:] == [
        "A0000001,2016-03-01,1280,2016-03-20,0114,equalising,false",
        "A0000002,2016-03-10,0191,2016-03-20,1480,equalising,false"]


def test_a_register_to_migrate_with_a_date_not_in_the_calendar_is_refused_naming_it(old):
    ledger = ledger_of(old)
    ledger.write_text("\n".join([OLD[0], "A0000001,2016-03-20,0114,equalising",
                                 "A0000002,2016-02-30,1480,equalising", OLD[3]]) + "\n",
                      encoding="utf-8")
    (old / "arrivals.csv").write_text("\n".join([ARRIVALS[0], ARRIVALS[2],
                                                 "A0000002,2016-02-01,0191", ARRIVALS[1]])
                                      + "\n", encoding="utf-8")
    before = files(old)
    with pytest.raises(InputError) as caught:
        migrate_register(ledger, old / "arrivals.csv", CODES, ON)
    assert (caught.value.file, caught.value.line, caught.value.column, caught.value.value,
            caught.value.rule) == (str(ledger), 3, "date", "2016-02-30",
                                   "a date is written YYYY-MM-DD and must exist in the calendar")
    assert files(old) == before


def test_arrival_records_with_a_bad_header_or_a_malformed_line_are_refused_naming_them(old):
    arrivals = old / "arrivals.csv"
    arrivals.write_bytes(b"assignment_id,arrival_date,\xff\n" + "\n".join(ARRIVALS[1:]).encode()
                         + b"\n")
    with pytest.raises(InputError) as caught:
        migrate_register(ledger_of(old), arrivals, CODES, ON)
    assert (caught.value.file, caught.value.line, caught.value.value) == (
        str(arrivals), 1, "assignment_id,arrival_date,\ufffd")
    arrivals.write_text("\n".join([*ARRIVALS, "A0000004,2016-03-01,0114,extra"]) + "\n",
                        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        migrate_register(ledger_of(old), arrivals, CODES, ON)
    assert (caught.value.file, caught.value.line, caught.value.rule) == (
        str(arrivals), 5, "a line has 3 fields, not 4")


def test_a_transfers_file_with_a_bad_header_or_a_malformed_line_is_refused_naming_it(data):
    path = data / "ledger" / "transfers.csv"
    path.write_bytes(b"assignment_id,\xff\n")
    with pytest.raises(InputError) as caught:
        read_register(ledger_of(data), CODES, ON)
    assert (caught.value.file, caught.value.line, caught.value.value) == (
        str(path), 1, "assignment_id,\ufffd")
    path.write_text(f"{TRANSFER_HEADER}\nA0000003,2016-03-30,extra\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_register(ledger_of(data), CODES, ON)
    assert (caught.value.file, caught.value.line, caught.value.rule) == (
        str(path), 2, "a line has 2 fields, not 3")


def test_a_register_to_migrate_with_an_unreadable_header_or_line_names_its_file(old):
    ledger = ledger_of(old)
    # an undecodable byte in the header is shown as the replacement character, not a crash
    ledger.write_bytes(b"assignment_id,date,municipality_code,kind\xff\n")
    with pytest.raises(InputError) as caught:
        migrate_register(ledger, old / "arrivals.csv", CODES, ON)
    assert (caught.value.file, caught.value.line, caught.value.value) == (
        str(ledger), 1, "assignment_id,date,municipality_code,kind\ufffd")
    # a line of five fields in a register of four: refused naming the register and the line
    ledger.write_text("\n".join([*OLD, "A0000004,2016-03-21,0114,equalising,x"]) + "\n",
                      encoding="utf-8")
    with pytest.raises(InputError) as caught:
        migrate_register(ledger, old / "arrivals.csv", CODES, ON)
    assert (caught.value.file, caught.value.line) == (str(ledger), 5)
