"""The register's assignments: every rejection names line, column, value and rule; appends are
serialised, atomic, hand out unique ids, carry the child's arrival and keep date order unless
entered as late."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipeline.core.errors import InputError
from pipeline.goals.fulfilment import assigned_counts, forecast, next_equalising
from pipeline.goals.ledger import (
    HEADER,
    Arrival,
    append_assignment,
    locked_ledger,
    read_ledger,
    write_ledger,
)
from pipeline.goals.service import assign_one
from pipeline.ingestion.register import load_register

ROOT = Path(__file__).resolve().parents[2]
CODES = ["0114", "0115", "0117", "0120", "0180"]
SHARES = {"0114": 30000, "0115": 25000, "0117": 25000, "0120": 20000, "0180": 0}
TODAY = date(2026, 11, 26)
GOOD_ROWS = [
    "A0000001,2015-12-20,0180,2016-01-01,0114,equalising,false",
    "A0000002,2020-05-17,0180,2020-05-17,0180,connection,false",
    "A0000003,2026-11-20,0117,2026-11-26,0115,equalising,false",
]
ARRIVED = Arrival(date(2026, 11, 20), "0180")


def append(path: Path, when: date, code: str, kind: str, **options) -> str:
    return append_assignment(path, CODES, TODAY, when, code, kind, ARRIVED, **options)


def write(tmp_path: Path, lines: list[str], newline: str = "\n") -> Path:
    path = tmp_path / "assignments.csv"
    path.write_text(newline.join(lines) + newline, encoding="utf-8")
    return path


def with_row(row: str) -> list[str]:
    """The good ledger with its third line (second assignment) replaced."""
    return [HEADER, GOOD_ROWS[0], row, GOOD_ROWS[2]]


def test_a_good_ledger_reads_with_dates_and_codes_as_text(tmp_path):
    ledger = read_ledger(write(tmp_path, [HEADER, *GOOD_ROWS]), CODES, TODAY)
    assert ledger.schema == pl.Schema({
        "assignment_id": pl.String, "arrival_date": pl.Date, "arrival_municipality_code": pl.String,
        "date": pl.Date, "municipality_code": pl.String, "kind": pl.String, "late": pl.Boolean})
    assert ledger.row(0) == ("A0000001", date(2015, 12, 20), "0180", date(2016, 1, 1), "0114",
                             "equalising", False)


def test_an_empty_ledger_is_valid(tmp_path):
    ledger = read_ledger(write(tmp_path, [HEADER]), CODES, TODAY)
    assert ledger.is_empty() and ledger.columns == HEADER.split(",")


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS], newline="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_ledger(path, CODES, TODAY)["municipality_code"].to_list() == [
        "0114", "0180", "0115"]


@pytest.mark.parametrize(
    ("row", "column", "value", "rule"),
    [
        ("A0000001,2017-03-01,0180,2017-03-01,0114,equalising,false", "assignment_id",
         "A0000001", "unique"),
        (",2017-03-01,0180,2017-03-01,0114,equalising,false", "assignment_id", "", "required"),
        ("A0000009,2017-03-01,0180,2017-03-01,9999,equalising,false", "municipality_code",
         "9999", "register"),
        ("A0000009,2017-03-01,0180,2017-03-01,114,equalising,false", "municipality_code", "114",
         "register"),
        ("A0000009,2015-12-31,0180,2015-12-31,0114,equalising,false", "date", "2015-12-31",
         "on or after 2016-01-01"),
        ("A0000009,2017-03-01,0180,2026-11-27,0114,equalising,false", "date", "2026-11-27",
         "not be after today"),
        ("A0000009,2017-02-28,0180,2017-02-30,0114,equalising,false", "date", "2017-02-30",
         "YYYY-MM-DD"),
        ("A0000009,2017-03-01,0180,2017-3-01,0114,equalising,false", "date", "2017-3-01",
         "YYYY-MM-DD"),
        ("A0000009,2017-03-01,0180,01/03/2017,0114,equalising,false", "date", "01/03/2017",
         "YYYY-MM-DD"),
        ("A0000009,2017-03-01,0180,2017-03-01,0114,voluntary,false", "kind", "voluntary",
         "one of equalising"),
        ("A0000009,2017-03-01,0180,2017-03-01,0114,equalising", "late", "", "required"),
        ("A0000009,2017-3-1,0180,2017-03-01,0114,equalising,false", "arrival_date", "2017-3-1",
         "YYYY-MM-DD"),
        ("A0000009,2017-03-01,9999,2017-03-01,0114,equalising,false",
         "arrival_municipality_code", "9999", "register"),
        ("A0000009,2017-03-02,0180,2017-03-01,0114,equalising,false", "arrival_date",
         "2017-03-02", "on or before its assignment date"),
        ("A0000009,2017-03-01,0180,2017-03-01,0114,equalising,yes", "late", "yes",
         "true or false"),
        ("", None, None, "blank"),
    ],
)
def test_every_bad_row_is_rejected_naming_line_column_value_and_rule(
    tmp_path, row, column, value, rule
):
    path = write(tmp_path, with_row(row))
    with pytest.raises(InputError) as caught:
        read_ledger(path, CODES, TODAY)
    error = caught.value
    assert (error.file, error.line, error.column, error.value) == (str(path), 3, column, value)
    assert rule in error.rule
    assert "line 3" in str(error) and str(path) in str(error)


def test_the_earliest_offending_line_is_reported(tmp_path):
    path = write(tmp_path, [HEADER, GOOD_ROWS[0],
                            "A0000002,2017-03-01,0180,2017-03-01,0114,voluntary,false",
                            "A0000003,2015-01-01,0180,2015-01-01,9999,equalising,false"])
    with pytest.raises(InputError) as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.line, caught.value.column) == (3, "kind")


@pytest.mark.parametrize(
    "header",
    ["assignment_id,arrival_date,arrival_municipality_code,date,municipality,kind,late",
     HEADER.replace(",", ";"), ""],
)
def test_a_wrong_header_is_rejected_on_line_one(tmp_path, header):
    path = write(tmp_path, [header, *GOOD_ROWS])
    with pytest.raises(InputError, match="header must be exactly") as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.line, caught.value.value) == (1, header)


def test_a_missing_ledger_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="ledger is missing"):
        read_ledger(tmp_path / "assignments.csv", CODES, TODAY)


@pytest.mark.parametrize(
    ("row", "rule"),
    [("A0000009,2017-03-01,0180,2017-03-01,0114,equalising,false,extra", "7 fields"),
     ('"A0000\n009",2017-03-01,0180,2017-03-01,0114,equalising,false', "fit on one line")],
)
def test_a_malformed_line_is_located(tmp_path, row, rule):
    with pytest.raises(InputError, match=rule) as caught:
        read_ledger(write(tmp_path, with_row(row)), CODES, TODAY)
    assert caught.value.line == 3


def test_the_generated_ledger_is_valid_against_the_register():
    codes = load_register(ROOT / "data/reference/municipalities.csv")["municipality_code"]
    ledger = read_ledger(ROOT / "data/ledger/assignments.csv", codes, TODAY)
    assert ledger.height > 8000 and ledger["date"].max() <= TODAY


def test_append_hands_out_the_next_sequential_id(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    new_id = append(path, date(2026, 11, 26), "0117", "connection")
    assert new_id == "A0000004"
    assert path.read_text().splitlines()[-1] == (
        "A0000004,2026-11-20,0180,2026-11-26,0117,connection,false")
    assert read_ledger(path, CODES, TODAY).height == 4


def test_append_creates_a_missing_ledger_only_when_asked(tmp_path):
    path = tmp_path / "assignments.csv"
    with pytest.raises(InputError, match="missing"):
        append(path, TODAY, "0114", "equalising")
    assert append(path, TODAY, "0114", "equalising", create=True) == "A0000001"
    assert path.read_text() == (f"{HEADER}\n"
                                "A0000001,2026-11-20,0180,2026-11-26,0114,equalising,false\n")


def test_append_after_a_last_line_without_newline(tmp_path):
    path = tmp_path / "assignments.csv"
    path.write_text("\n".join([HEADER, *GOOD_ROWS]))
    append(path, TODAY, "0114", "equalising")
    assert read_ledger(path, CODES, TODAY)["assignment_id"].to_list()[-2:] == [
        "A0000003", "A0000004"]


@pytest.mark.parametrize(
    ("when", "code", "kind", "column"),
    [(date(2026, 11, 27), "0114", "equalising", "date"),
     (date(2015, 12, 31), "0114", "equalising", "date"),
     (TODAY, "9999", "equalising", "municipality_code"),
     (TODAY, "0114", "voluntary", "kind")],
)
def test_a_bad_append_is_rejected_and_leaves_the_ledger_untouched(
    tmp_path, when, code, kind, column
):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        append(path, when, code, kind)
    assert caught.value.column == column
    assert path.read_bytes() == before


def test_a_failed_replace_leaves_the_old_ledger_and_no_temporary_file(tmp_path, monkeypatch):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    before = path.read_bytes()

    def crash(*_args):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        append(path, TODAY, "0114", "equalising")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assignments.csv",
                                                          "assignments.csv.lock"]


def test_write_ledger_round_trips(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    ledger = read_ledger(path, CODES, TODAY)
    copy = tmp_path / "copy.csv"
    write_ledger(copy, ledger)
    assert copy.read_bytes() == path.read_bytes()


def _assign_equalising(path: str, count: int) -> None:
    """Worker: choose on the state read under the lock, then append, `count` times."""
    for _ in range(count):
        with locked_ledger(Path(path), CODES, TODAY) as session:
            code = next_equalising(assigned_counts(session.ledger, TODAY), SHARES)
            session.append(TODAY, code, "equalising", ARRIVED)


@pytest.mark.slow
def test_concurrent_appends_never_choose_on_a_stale_ledger(tmp_path):
    processes = 4
    path = write(tmp_path, [HEADER])
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_assign_equalising, args=(str(path), 20))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    ledger = read_ledger(path, CODES, TODAY)
    assert ledger.height == 20 * processes
    assert ledger["assignment_id"].is_unique().all()
    assert sorted(ledger["assignment_id"]) == [f"A{i:07d}" for i in range(1, 20 * processes + 1)]
    # Had any process chosen on a stale state, the counts would differ from the rule's sequence.
    expected = forecast({}, SHARES, None, 20 * processes)
    assert {c: n for c, n in expected.items() if n} == assigned_counts(ledger, TODAY)


APPEND_FOREVER = """
import sys
from datetime import date
from pathlib import Path
from pipeline.goals.ledger import Arrival, append_assignment
path, today = Path(sys.argv[1]), date(2026, 11, 26)
print("ready", flush=True)
while True:
    append_assignment(path, ["0114"], today, today, "0114", "equalising", Arrival(today, "0114"))
"""


@pytest.mark.slow
def test_a_writer_killed_with_sigkill_never_leaves_a_half_written_ledger(tmp_path):
    path = write(tmp_path, [HEADER])
    for _ in range(3):
        size = path.stat().st_size
        writer = subprocess.Popen([sys.executable, "-c", APPEND_FOREVER, str(path)],
                                  stdout=subprocess.PIPE, cwd=ROOT)
        assert writer.stdout.readline() == b"ready\n"
        # Killed once it has appended (it is then somewhere inside another append), however
        # slowly a loaded machine lets it start; two minutes without an append is a hang.
        hang = time.monotonic() + 120
        while path.stat().st_size == size and writer.poll() is None:
            assert time.monotonic() < hang, "the writer appended nothing in two minutes"
            time.sleep(0.01)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        ledger = read_ledger(path, ["0114"], TODAY)
        assert ledger["assignment_id"].to_list() == [f"A{i:07d}"
                                                    for i in range(1, ledger.height + 1)]
    assert ledger.height > 0


def test_a_buffered_session_writes_once_at_the_end_and_nothing_after_an_error(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    before = path.read_bytes()
    with locked_ledger(path, CODES, TODAY, buffered=True) as session:
        session.append(TODAY, "0114", "equalising", ARRIVED)
        session.append(TODAY, "0117", "connection", ARRIVED)
        assert path.read_bytes() == before
        assert session.ledger.height == 5
    assert read_ledger(path, CODES, TODAY)["assignment_id"].to_list()[-2:] == [
        "A0000004", "A0000005"]
    after = path.read_bytes()
    with pytest.raises(InputError), locked_ledger(path, CODES, TODAY, buffered=True) as session:
        session.append(TODAY, "0114", "equalising", ARRIVED)
        session.append(TODAY, "9999", "equalising", ARRIVED)
    assert path.read_bytes() == after


@pytest.mark.parametrize("when", [date(2016, 6, 1), date(2020, 5, 17), date(2026, 11, 26)])
def test_assign_one_chooses_on_the_counts_as_of_its_date_even_when_backdated(tmp_path, when):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    expected = next_equalising(assigned_counts(read_ledger(path, CODES, TODAY), when), SHARES)
    with locked_ledger(path, CODES, TODAY) as session:
        code, kind, _ = assign_one(session, when, None, SHARES, Arrival(when, "0180"),
                                   late=when < TODAY)
    assert (code, kind) == (expected, "equalising")


def test_an_entry_dated_before_the_last_is_refused_unless_late_and_then_marked(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    before = path.read_bytes()
    backdated = date(2026, 11, 1)
    with pytest.raises(InputError, match=r"before the register's last recorded assignment "
                       r"\(2026-11-26\).*--late") as caught:
        append_assignment(path, CODES, TODAY, backdated, "0114", "equalising",
                          Arrival(date(2026, 10, 30), "0180"))
    assert (caught.value.column, caught.value.value) == ("date", "2026-11-01")
    assert path.read_bytes() == before
    append_assignment(path, CODES, TODAY, backdated, "0114", "equalising",
                      Arrival(date(2026, 10, 30), "0180"), late=True)
    assert path.read_text().splitlines()[-1] == (
        "A0000004,2026-10-30,0180,2026-11-01,0114,equalising,true")
    assert read_ledger(path, CODES, TODAY)["late"].to_list() == [False, False, False, True]


def test_late_is_refused_for_an_entry_that_is_not_late(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    with pytest.raises(InputError, match="only an entry dated before"):
        append(path, TODAY, "0114", "equalising", late=True)


def test_an_arrival_after_its_assignment_is_refused_and_nothing_written(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    before = path.read_bytes()
    with pytest.raises(InputError, match="on or before its assignment date") as caught:
        append_assignment(path, CODES, TODAY, TODAY, "0114", "equalising",
                          Arrival(date(2026, 11, 27), "0180"))
    assert (caught.value.column, caught.value.value) == ("arrival_date", "2026-11-27")
    assert path.read_bytes() == before


def test_a_row_out_of_date_order_must_be_marked_late(tmp_path):
    backdated = "A0000004,2026-10-30,0180,2026-11-01,0114,equalising,false"
    path = write(tmp_path, [HEADER, *GOOD_ROWS, backdated])
    with pytest.raises(InputError, match="must be marked late") as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.line, caught.value.column) == (5, "date")
    path = write(tmp_path, [HEADER, *GOOD_ROWS, backdated.replace("false", "true")])
    assert read_ledger(path, CODES, TODAY).height == 4


def test_a_register_without_arrival_columns_names_the_migration(tmp_path):
    path = write(tmp_path, ["assignment_id,date,municipality_code,kind",
                            "A0000001,2016-01-01,0114,equalising"])
    with pytest.raises(InputError, match="anvisning migrate-register --arrivals") as caught:
        read_ledger(path, CODES, TODAY)
    assert caught.value.line == 1
