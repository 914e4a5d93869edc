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
    LedgerSession,
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
    path = write(tmp_path, with_row(row))
    with pytest.raises(InputError, match=rule) as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.file, caught.value.line) == (str(path), 3)


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


# --- every rule in the words a statistician reads --------------------------------------------

RULES = {
    "blank": "a line must hold an assignment (this one is blank)",
    "required": "a value is required",
    "unique": "an assignment id must be unique (it appears on an earlier line)",
    "date": "a date is written YYYY-MM-DD and must exist in the calendar",
    "code": "the municipality code must be in the register",
    "first": "a date must be on or after 2016-01-01",
    "today": "a date must not be after today (2026-11-26)",
    "arrival": "the child's arrival must be on or before its assignment date",
    "kind": "the kind must be one of equalising, connection",
    "late": "late is true or false",
    "order": "rows are appended in date order: a row dated before an earlier row is a late entry "
             "and must be marked late = true",
}


@pytest.mark.parametrize(("row", "column", "value", "rule"), [
    ("A0000001,2017-03-01,0180,2017-03-01,0114,equalising,false", "assignment_id", "A0000001",
     "unique"),
    (",2017-03-01,0180,2017-03-01,0114,equalising,false", "assignment_id", "", "required"),
    ("A0000009,,0180,2017-03-01,0114,equalising,false", "arrival_date", "", "required"),
    ("A0000009,2017-03-01,,2017-03-01,0114,equalising,false", "arrival_municipality_code", "",
     "required"),
    ("A0000009,2017-03-01,0180,,0114,equalising,false", "date", "", "required"),
    ("A0000009,2017-03-01,0180,2017-03-01,,equalising,false", "municipality_code", "",
     "required"),
    ("A0000009,2017-03-01,0180,2017-03-01,0114,,false", "kind", "", "required"),
    ("A0000009,2017-03-01,0180,2017-03-01,0114,equalising,", "late", "", "required"),
    ("A0000009,2017-02-30,0180,2017-03-01,0114,equalising,false", "arrival_date", "2017-02-30",
     "date"),
    ("A0000009,2017-03-01,0181,2017-03-01,0114,equalising,false", "arrival_municipality_code",
     "0181", "code"),
    ("A0000009,2017-03-01,0180,2017-03-01x,0114,equalising,false", "date", "2017-03-01x",
     "date"),
    ("A0000009,2015-12-30,0180,2015-12-31,0114,equalising,false", "date", "2015-12-31", "first"),
    ("A0000009,2017-03-01,0180,2026-11-27,0114,equalising,false", "date", "2026-11-27", "today"),
    ("A0000009,2017-03-02,0180,2017-03-01,0114,equalising,false", "arrival_date", "2017-03-02",
     "arrival"),
    ("A0000009,2017-03-01,0180,2017-03-01,0119,equalising,false", "municipality_code", "0119",
     "code"),
    ("A0000009,2017-03-01,0180,2017-03-01,0114,Equalising,false", "kind", "Equalising", "kind"),
    ("A0000009,2017-03-01,0180,2017-03-01,0114,connection,TRUE", "late", "TRUE", "late"),
    ("A0000009,2015-12-31,0180,2015-12-31,0114,equalising,true", "date", "2015-12-31", "first"),
    ("", None, None, "blank"),
])
def test_every_rule_is_reported_in_its_own_words(tmp_path, row, column, value, rule):
    path = write(tmp_path, with_row(row))
    with pytest.raises(InputError) as caught:
        read_ledger(path, CODES, TODAY)
    error = caught.value
    assert (error.file, error.line, error.column, error.value, error.rule) == (
        str(path), 3, column, value, RULES[rule])


def test_a_row_dated_before_an_earlier_one_is_reported_in_its_own_words(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS,
                            "A0000004,2026-11-01,0180,2026-11-02,0114,equalising,true",
                            "A0000005,2026-11-01,0180,2026-11-03,0114,equalising,false"])
    with pytest.raises(InputError) as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.line, caught.value.column, caught.value.value, caught.value.rule) == (
        6, "date", "2026-11-03", RULES["order"])


def test_rows_of_one_day_and_the_boundaries_of_every_rule_are_accepted(tmp_path):
    """The first day, today, an arrival on its assignment day, two rows of one day, a late
    entry and the rows after it, a row marked late though in order, ids in any order."""
    path = write(tmp_path, [
        HEADER,
        "A0000005,2016-01-01,0114,2016-01-01,0114,equalising,false",
        "X-17,2016-01-01,0115,2016-01-01,0115,connection,false",
        "A0000002,2020-01-01,0117,2026-11-26,0117,equalising,false",
        "A0000003,2019-01-01,0120,2020-05-17,0120,connection,true",
        "A0000004,2026-11-26,0180,2026-11-26,0180,equalising,true",
        "A0000001,2026-11-25,0180,2026-11-26,0114,equalising,false",
    ])
    ledger = read_ledger(path, CODES, TODAY)
    assert ledger["late"].to_list() == [False, False, False, True, True, False]
    assert ledger["assignment_id"].to_list() == ["A0000005", "X-17", "A0000002", "A0000003",
                                                 "A0000004", "A0000001"]


def test_the_header_refusals_in_their_own_words(tmp_path):
    path = write(tmp_path, ["assignment_id,date,municipality_code,kind",
                            "A0000001,2016-01-01,0114,equalising"])
    with pytest.raises(InputError) as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.file, caught.value.line, caught.value.column, caught.value.value,
            caught.value.rule) == (
        str(path), 1, None, "assignment_id,date,municipality_code,kind",
        "the register has no arrival columns (arrival_date, arrival_municipality_code) or late "
        "flags; bring it to today's form with `anvisning migrate-register --arrivals FILE`")
    path.write_bytes(HEADER.encode() + b",\xff\n")
    with pytest.raises(InputError) as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.file, caught.value.line, caught.value.value, caught.value.rule) == (
        str(path), 1, HEADER + ",\ufffd",
        "the header must be exactly 'assignment_id,arrival_date,arrival_municipality_code,"
        "date,municipality_code,kind,late'")


def test_a_missing_ledger_and_one_above_the_size_limit_in_their_own_words(tmp_path):
    path = tmp_path / "assignments.csv"
    with pytest.raises(InputError) as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.file, caught.value.rule) == (str(path), "the assignment ledger is missing")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(InputError, match="the assignment ledger is missing"):
        read_ledger(tmp_path / "folder.csv", CODES, TODAY)
    limit = 128 * 2**20
    with open(path, "wb") as handle:
        handle.write(HEADER.encode() + b"\n")
        handle.truncate(limit)
    with pytest.raises(InputError) as caught:  # at the limit: read, and refused for its content
        read_ledger(path, CODES, TODAY)
    assert "larger" not in caught.value.rule
    with open(path, "r+b") as handle:
        handle.truncate(limit + 1)
    with pytest.raises(InputError) as caught:
        read_ledger(path, CODES, TODAY)
    assert (caught.value.file, caught.value.value, caught.value.rule) == (
        str(path), f"{limit + 1} bytes",
        "the ledger is larger than 128 MiB (about two million assignments); split or archive it")


# --- appending: every refusal in its own words, the boundaries, the session's state ---------

def refused_append(path: Path, when: date, code: str = "0114", kind: str = "equalising",
                   arrival: Arrival = ARRIVED, **options) -> tuple:
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        append_assignment(path, CODES, TODAY, when, code, kind, arrival, **options)
    assert path.read_bytes() == before
    error = caught.value
    assert (error.file, error.line) == (str(path), None)
    return error.column, error.value, error.rule


def test_every_refused_append_is_reported_in_its_own_words(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    early = Arrival(date(2015, 1, 1), "0180")
    assert refused_append(path, date(2026, 11, 27)) == (
        "date", "2026-11-27", "a date must be from 2016-01-01 up to today (2026-11-26)")
    assert refused_append(path, date(2015, 12, 31), arrival=early, late=True) == (
        "date", "2015-12-31", "a date must be from 2016-01-01 up to today (2026-11-26)")
    assert refused_append(path, date(2026, 11, 25), arrival=early) == (
        "date", "2026-11-25", "the date is before the register's last recorded assignment "
        "(2026-11-26) and would change the queue for assignments already made; a late entry "
        "needs the explicit late option (`anvisning assign --late`) and is recorded as late")
    assert refused_append(path, TODAY, late=True) == (
        "late", "2026-11-26",
        "only an entry dated before the register's last recorded assignment (2026-11-26) is late")
    assert refused_append(path, TODAY, arrival=Arrival(date(2026, 11, 27), "0180")) == (
        "arrival_date", "2026-11-27",
        "the child's arrival must be on or before its assignment date (2026-11-26)")
    assert refused_append(path, TODAY, arrival=Arrival(TODAY, "9999")) == (
        "arrival_municipality_code", "9999", "the municipality code must be in the register")
    assert refused_append(path, TODAY, code="0119") == (
        "municipality_code", "0119", "the municipality code must be in the register")
    assert refused_append(path, TODAY, kind="Connection") == (
        "kind", "Connection", "the kind must be one of equalising, connection")
    empty = tmp_path / "empty" / "assignments.csv"
    empty.parent.mkdir()
    empty.write_text(HEADER + "\n", encoding="utf-8")
    assert refused_append(empty, date(2020, 1, 1), late=True) == (
        "late", "2020-01-01",
        "only an entry dated before the register's last recorded assignment (none yet) is late")


def test_appends_at_the_boundaries_are_accepted(tmp_path):
    """The first day, today, an arrival on the day, a late entry the day before the last."""
    path = write(tmp_path, [HEADER])
    first = date(2016, 1, 1)
    assert append_assignment(path, CODES, TODAY, first, "0114", "equalising",
                             Arrival(first, "0114")) == "A0000001"
    assert append_assignment(path, CODES, TODAY, first, "0115", "connection",
                             Arrival(first, "0115")) == "A0000002"
    assert append_assignment(path, CODES, TODAY, TODAY, "0180", "equalising",
                             Arrival(TODAY, "0180")) == "A0000003"
    day_before = date(2026, 11, 25)
    assert append_assignment(path, CODES, TODAY, day_before, "0117", "equalising",
                             Arrival(day_before, "0117"), late=True) == "A0000004"
    assert path.read_text().splitlines()[1:] == [
        "A0000001,2016-01-01,0114,2016-01-01,0114,equalising,false",
        "A0000002,2016-01-01,0115,2016-01-01,0115,connection,false",
        "A0000003,2026-11-26,0180,2026-11-26,0180,equalising,false",
        "A0000004,2026-11-25,0117,2026-11-25,0117,equalising,true",
    ]
    assert read_ledger(path, CODES, TODAY).height == 4


def test_the_next_id_follows_the_highest_sequential_one(tmp_path):
    path = write(tmp_path, [
        HEADER,
        "A0000009,2016-01-01,0114,2016-01-01,0114,equalising,false",
        "B0000050,2016-01-01,0114,2016-01-01,0114,equalising,false",
        "A0000002,2016-01-02,0114,2016-01-02,0114,equalising,false",
        "A12345678x,2016-01-02,0114,2016-01-02,0114,equalising,false",
    ])
    assert append(path, TODAY, "0114", "equalising") == "A0000010"
    path = write(tmp_path, [HEADER, "A12345678,2016-01-01,0114,2016-01-01,0114,equalising,false"])
    assert append(path, TODAY, "0114", "equalising") == "A12345679"


def test_a_session_keeps_its_tally_its_latest_date_and_its_ledger(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    with locked_ledger(path, CODES, TODAY) as session:
        assert session.latest == TODAY
        assert session.tally_if_latest(TODAY) == {"0114": 1, "0180": 1, "0115": 1}
        assert session.tally_if_latest(date(2026, 11, 25)) is None
        assert session.tally_if_latest(date(2027, 1, 1)) == {"0114": 1, "0180": 1, "0115": 1}
        session.append(date(2026, 11, 20), "0114", "connection", ARRIVED, late=True)
        session.append(TODAY, "0120", "equalising", ARRIVED)
        assert session.latest == TODAY
        assert session.tally_if_latest(TODAY) == {"0114": 2, "0180": 1, "0115": 1, "0120": 1}
        assert session.ledger.schema == read_ledger(path, CODES, TODAY).schema
        assert session.ledger.rows()[-2:] == [
            ("A0000004", date(2026, 11, 20), "0180", date(2026, 11, 20), "0114", "connection",
             True),
            ("A0000005", date(2026, 11, 20), "0180", TODAY, "0120", "equalising", False)]
        assert session.ledger.height == 5  # the frame is built once, not appended twice
    assert read_ledger(path, CODES, TODAY).rows() == session.ledger.rows()


def test_an_empty_session_has_no_latest_date_and_takes_any_date(tmp_path):
    path = tmp_path / "assignments.csv"
    with locked_ledger(path, CODES, TODAY, create=True) as session:
        assert (session.latest, session.tally_if_latest(date(2016, 1, 1))) == (None, {})
        session.append(date(2020, 1, 1), "0114", "equalising", Arrival(date(2020, 1, 1), "0114"))
        assert session.latest == date(2020, 1, 1)
        assert session.tally_if_latest(date(2020, 1, 1)) == {"0114": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assignments.csv",
                                                          "assignments.csv.lock"]
    assert path.read_text() == (f"{HEADER}\n"
                                "A0000001,2020-01-01,0114,2020-01-01,0114,equalising,false\n")


def test_a_session_that_appends_nothing_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "assignments.csv"
    with locked_ledger(path, CODES, TODAY, create=True) as session:
        assert session.ledger.is_empty()
    assert not path.exists()
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # no final line end
    before = path.read_bytes()
    with locked_ledger(path, CODES, TODAY) as session:
        session.flush()
    assert path.read_bytes() == before


def test_a_session_made_without_saying_buffered_writes_each_append_at_once(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    session = LedgerSession(path, CODES, TODAY, read_ledger(path, CODES, TODAY))
    session.append(TODAY, "0114", "equalising", ARRIVED)
    assert path.read_text().splitlines()[-1] == (
        "A0000004,2026-11-20,0180,2026-11-26,0114,equalising,false")


def test_a_late_entry_leaves_the_registers_last_date_where_it_was(tmp_path):
    path = write(tmp_path, [HEADER, *GOOD_ROWS])
    with locked_ledger(path, CODES, TODAY, buffered=True) as session:
        session.append(date(2026, 11, 20), "0114", "connection", ARRIVED, late=True)
        assert session.latest == TODAY
        assert session.tally_if_latest(date(2026, 11, 21)) is None
        with pytest.raises(InputError, match=r"last recorded assignment \(2026-11-26\)"):
            session.append(date(2026, 11, 21), "0114", "connection", ARRIVED)
