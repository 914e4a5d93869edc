"""Goal fulfilment, assignment and forecast through `anvisning`, against a share table published
once for the module by a full `run --year 2026`.

Every expectation is recomputed here from the ledger (csv module) and the published CSV with
Decimal and Fraction: the rule is "lowest assigned/share; ties: larger share, then lower code",
applied one assignment at a time.
"""

from __future__ import annotations

import csv
import heapq
import math
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from cli.main import main
from tests.conftest import DATA, environment

YEAR = 2026
AS_OF = date(2026, 6, 30)
# The day of an assignment: today, as a user would, but inside the published share year.
WHEN = min(date.today(), date(YEAR, 12, 31))
FULFILMENT_COLUMNS = ["municipality_code", "municipality_name", "county_code", "share_promille",
                      "assigned", "target", "fulfilment_pct"]
FORECAST_COLUMNS = ["municipality_code", "municipality_name", "share_promille",
                    "assigned_since_2016", "forecast_new_assignments",
                    "assigned_since_2016_after_forecast"]
ANVISNING = Path(sys.executable).parent / "anvisning"
# Where and when the children of these assignments arrived: Arlanda, a few days before.
ARRIVAL = ["--arrival-date", "2026-11-30", "--arrival-municipality", "Sigtuna"]
WORKERS, ASSIGNS_PER_WORKER = 3, 5


@dataclass(frozen=True)
class Published:
    data: Path
    out: Path


@dataclass(frozen=True)
class World:
    """A test's own copy of the published outputs and of the ledger."""

    data: Path
    out: Path
    ledger: Path

    def args(self, *args: str) -> list[str]:
        return [*args, "--ledger", str(self.ledger), "--data-dir", str(self.data),
                "--out-dir", str(self.out)]


@dataclass(frozen=True)
class Share:
    name: str
    county: str
    promille: Decimal


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Published:
    """`anvisning run --year 2026` on a copy of the shipped data, once for the module."""
    root = tmp_path_factory.mktemp("published")
    data, out, home = root / "data", root / "out", root / "dagster_home"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with environment(DAGSTER_HOME=str(home),
                     ANVISNING_WAREHOUSE=str(root / "warehouse.duckdb")):
        code = main(["run", "--year", str(YEAR), "--data-dir", str(data),
                     "--out-dir", str(out)])
    assert code == 0
    return Published(data, out)


@pytest.fixture
def world(published: Published, isolated: Path, tmp_path: Path) -> World:
    shutil.copytree(published.out / str(YEAR), isolated / str(YEAR), symlinks=True)
    ledger_dir = tmp_path / "ledger"
    ledger_dir.mkdir()
    for name in ("assignments.csv", "transfers.csv", "sources.toml"):
        shutil.copy2(published.data / "ledger" / name, ledger_dir / name)
    return World(published.data, isolated, ledger_dir / "assignments.csv")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def published_shares(world: World) -> dict[str, Share]:
    rows = read_rows(world.out / str(YEAR) / f"shares_{YEAR}.csv")
    return {r["municipality_code"]: Share(r["municipality_name"], r["county_code"],
                                          Decimal(r["share_promille"])) for r in rows}


def assigned_by(rows: list[dict[str, str]], as_of: date) -> Counter[str]:
    return Counter(r["municipality_code"] for r in rows
                   if date.fromisoformat(r["date"]) <= as_of)


def rule_key(code: str, assigned: int, share: Decimal) -> tuple[Fraction, Fraction, str]:
    """Lowest assigned/share first; ties: the larger share, then the lower code."""
    exact = Fraction(share)
    return Fraction(assigned) / exact, -exact, code


def rule_pick(assigned: Counter[str], shares: dict[str, Share]) -> str:
    return min(rule_key(code, assigned[code], s.promille)
               for code, s in shares.items() if s.promille > 0)[2]


def step_by_step(assigned: Counter[str], shares: dict[str, Share], m: int) -> Counter[str]:
    """The rule applied m times, one assignment after another."""
    heap = [rule_key(code, assigned[code], s.promille)
            for code, s in shares.items() if s.promille > 0]
    heapq.heapify(heap)
    got: Counter[str] = Counter()
    for _ in range(m):
        code = heapq.heappop(heap)[2]
        got[code] += 1
        heapq.heappush(heap, rule_key(code, assigned[code] + got[code],
                                      shares[code].promille))
    return got


def half_up(value: Fraction, places: int) -> Decimal:
    return Decimal(math.floor(value * 10**places + Fraction(1, 2))).scaleb(-places)


def last_id_number(rows: list[dict[str, str]]) -> int:
    return max(int(r["assignment_id"][1:]) for r in rows)


def test_fulfilment_counts_the_ledger_against_the_published_shares(world, capsys):
    rows = read_rows(world.ledger)
    shares = published_shares(world)
    assigned = assigned_by(rows, AS_OF)
    total = sum(assigned.values())

    code = main(world.args("fulfilment", "--as-of", AS_OF.isoformat()))

    assert code == 0, capsys.readouterr().err
    path = world.out / f"fulfilment_{AS_OF.isoformat()}.csv"
    assert header(path) == FULFILMENT_COLUMNS
    table = {r["municipality_code"]: r for r in read_rows(path)}
    assert sorted(table) == sorted(shares)
    assert total > 0 and any(s.promille == 0 for s in shares.values())
    for municipality, share in shares.items():
        row = table[municipality]
        target = Fraction(share.promille) / 1000 * total
        assert (row["municipality_name"], row["county_code"]) == (share.name, share.county)
        assert Decimal(row["share_promille"]) == share.promille
        assert int(row["assigned"]) == assigned[municipality], row
        assert re.fullmatch(r"\d+\.\d{2}", row["target"]), row
        assert Decimal(row["target"]) == half_up(target, 2), row
        if share.promille == 0:
            assert row["fulfilment_pct"] == "", row
        else:
            assert Decimal(row["fulfilment_pct"]) == half_up(
                100 * assigned[municipality] / target, 1), row

    workbook = openpyxl.load_workbook(path.with_suffix(".xlsx"), read_only=True)
    try:
        cells = [r for r in workbook.worksheets[0].iter_rows(values_only=True)
                 if isinstance(r[0], str) and re.fullmatch(r"\d{4}", r[0])]
    finally:
        workbook.close()
    assert len(cells) == len(table)
    for municipality, name, county, share, count, target, pct in cells:
        row = table[municipality]
        assert (name, county, count) == (row["municipality_name"], row["county_code"],
                                         int(row["assigned"]))
        assert share == pytest.approx(float(row["share_promille"]), abs=1e-9)
        assert target == pytest.approx(float(row["target"]), abs=1e-9)
        if row["fulfilment_pct"] == "":
            assert pct is None
        else:
            assert pct == pytest.approx(float(row["fulfilment_pct"]), abs=1e-9)


def test_assign_names_the_lowest_fulfilment_and_appends_one_row(world, capsys):
    before = read_rows(world.ledger)
    shares = published_shares(world)
    expected = rule_pick(assigned_by(before, WHEN), shares)

    code = main(world.args("assign", "--date", WHEN.isoformat(), *ARRIVAL))

    out = capsys.readouterr().out
    assert code == 0
    assert out == f"{expected} {shares[expected].name}\n"
    after = read_rows(world.ledger)
    assert after[:-1] == before
    assert after[-1] == {"assignment_id": f"A{last_id_number(before) + 1:07d}",
                         "arrival_date": "2026-11-30", "arrival_municipality_code": "0191",
                         "date": WHEN.isoformat(), "municipality_code": expected,
                         "kind": "equalising", "late": "false"}


def test_assign_without_ledger_writes_the_ledger_of_its_data_dir(world, tmp_path, capsys):
    data = tmp_path / "other-data"
    shutil.copytree(world.data, data)
    shutil.copy2(world.ledger, data / "ledger" / "assignments.csv")
    shipped = (DATA / "ledger" / "assignments.csv").read_bytes()
    before = read_rows(data / "ledger" / "assignments.csv")

    code = main(["assign", "--date", WHEN.isoformat(), *ARRIVAL, "--data-dir", str(data),
                 "--out-dir", str(world.out)])

    assert code == 0, capsys.readouterr().err
    assert len(read_rows(data / "ledger" / "assignments.csv")) == len(before) + 1
    assert (DATA / "ledger" / "assignments.csv").read_bytes() == shipped


def test_assign_with_a_connection_records_that_municipality(world, capsys):
    before = read_rows(world.ledger)
    shares = published_shares(world)

    code = main(world.args("assign", "--date", WHEN.isoformat(), *ARRIVAL, "--connection",
                           "0180"))

    assert code == 0
    assert capsys.readouterr().out == f"0180 {shares['0180'].name}\n"
    after = read_rows(world.ledger)
    assert after[:-1] == before
    assert (after[-1]["municipality_code"], after[-1]["kind"], after[-1]["date"]) == (
        "0180", "connection", WHEN.isoformat())


def test_concurrent_assigns_each_follow_the_rule_on_the_ledger_before_them(world):
    before = read_rows(world.ledger)
    shares = published_shares(world)
    command = [str(ANVISNING), *world.args("assign", "--date", WHEN.isoformat(), *ARRIVAL)]

    def worker(_: int) -> list[subprocess.CompletedProcess]:
        return [subprocess.run(command, capture_output=True, text=True, timeout=120,
                               env=dict(os.environ)) for _ in range(ASSIGNS_PER_WORKER)]

    with ThreadPoolExecutor(WORKERS) as pool:
        done = [result for batch in pool.map(worker, range(WORKERS)) for result in batch]

    assert all(result.returncode == 0 for result in done), [r.stderr for r in done]
    after = read_rows(world.ledger)
    new = after[len(before):]
    assert after[:len(before)] == before
    assert len(new) == WORKERS * ASSIGNS_PER_WORKER
    ids = [r["assignment_id"] for r in after]
    assert len(set(ids)) == len(ids)
    first = last_id_number(before) + 1
    assert [r["assignment_id"] for r in new] == [f"A{n:07d}" for n in
                                                 range(first, first + len(new))]
    assert sorted(r.stdout.split()[0] for r in done) == sorted(
        r["municipality_code"] for r in new)
    assigned = assigned_by(before, WHEN)
    for row in new:
        assert (row["kind"], row["date"]) == ("equalising", WHEN.isoformat()), row
        assert row["municipality_code"] == rule_pick(assigned, shares), row
        assigned[row["municipality_code"]] += 1


def test_forecast_equals_the_rule_applied_one_child_at_a_time(world, capsys):
    children = 500
    rows = read_rows(world.ledger)
    shares = published_shares(world)
    assigned = assigned_by(rows, AS_OF)
    expected = step_by_step(assigned, shares, children)

    code = main(world.args("forecast", "--year", str(YEAR), "--children", str(children),
                           "--as-of", AS_OF.isoformat()))

    assert code == 0, capsys.readouterr().err
    path = world.out / str(YEAR) / f"forecast_{YEAR}_{AS_OF.isoformat()}_{children}.csv"
    assert header(path) == FORECAST_COLUMNS
    table = {r["municipality_code"]: r for r in read_rows(path)}
    assert sorted(table) == sorted(shares)
    assert sum(int(r["forecast_new_assignments"]) for r in table.values()) == children
    for municipality, row in table.items():
        assert Decimal(row["share_promille"]) == shares[municipality].promille, row
        assert int(row["assigned_since_2016"]) == assigned[municipality], row
        assert int(row["forecast_new_assignments"]) == expected[municipality], row
        assert int(row["assigned_since_2016_after_forecast"]) == (
            assigned[municipality] + expected[municipality]), row

    code = main(world.args("forecast", "--year", str(YEAR), "--children", str(children),
                           "--as-of", AS_OF.isoformat(), "--municipality", "0180"))

    assert code == 0
    assert f"0180 {shares['0180'].name}: {expected['0180']} of the new assignments" in (
        capsys.readouterr().out)


def test_from_an_empty_ledger_the_tie_rule_decides(world, capsys):
    world.ledger.write_text("assignment_id,arrival_date,arrival_municipality_code,date,"
                            "municipality_code,kind,late\n", encoding="utf-8")
    world.ledger.with_name("transfers.csv").unlink()
    shares = published_shares(world)
    children = 100  # fewer than the municipalities: the tie order alone decides who gets one
    expected = step_by_step(Counter(), shares, children)
    largest = min(shares, key=lambda code: (-shares[code].promille, code))

    forecast = main(world.args("forecast", "--year", str(YEAR), "--children", str(children),
                               "--as-of", AS_OF.isoformat()))
    assign = main(world.args("assign", "--date", WHEN.isoformat(), *ARRIVAL))

    assert (forecast, assign) == (0, 0)
    table = read_rows(world.out / str(YEAR) / f"forecast_{YEAR}_{AS_OF.isoformat()}_100.csv")
    assert {r["municipality_code"]: int(r["forecast_new_assignments"]) for r in table} == {
        code: expected[code] for code in shares}
    assert capsys.readouterr().out.splitlines()[-1] == f"{largest} {shares[largest].name}"


def test_fulfilment_for_a_year_without_a_published_table_says_to_run_it(world, capsys):
    code = main(world.args("fulfilment", "--as-of", f"{YEAR - 1}-06-30"))

    errors = [line for line in capsys.readouterr().err.splitlines()
              if line.startswith("error:")]
    assert code == 1
    assert len(errors) == 1
    assert (f"`anvisning run --year {YEAR - 1} --data-dir {world.data} --out-dir {world.out}`"
            in errors[0])


def test_a_ledger_with_an_unknown_code_is_refused_naming_file_line_column_value(world, capsys):
    register = {r["municipality_code"] for r in
                read_rows(world.data / "reference" / "municipalities.csv")}
    unknown = "0199"
    assert unknown not in register
    lines = world.ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    number = 10
    fields = lines[number - 1].split(",")
    fields[4] = unknown
    lines[number - 1] = ",".join(fields)
    world.ledger.write_text("".join(lines), encoding="utf-8")

    code = main(world.args("fulfilment", "--as-of", AS_OF.isoformat()))

    errors = [line for line in capsys.readouterr().err.splitlines()
              if line.startswith("error:")]
    assert code == 1
    assert len(errors) == 1
    for fragment in (str(world.ledger), f"line {number}", "'municipality_code'",
                     f"'{unknown}'"):
        assert fragment in errors[0], (fragment, errors[0])
    assert not (world.out / f"fulfilment_{AS_OF.isoformat()}.csv").exists()


def forecast(world: World, children: int, *extra: str) -> list[str]:
    return world.args("forecast", "--year", str(YEAR), "--children", str(children),
                      "--as-of", AS_OF.isoformat(), *extra)


def test_a_forecast_file_is_named_by_its_question_and_never_silently_replaced(world, capsys):
    first = world.out / str(YEAR) / f"forecast_{YEAR}_{AS_OF.isoformat()}_300.csv"
    other = world.out / str(YEAR) / f"forecast_{YEAR}_{AS_OF.isoformat()}_200.csv"

    assert main(forecast(world, 300)) == 0
    assert f"written to {first}" in capsys.readouterr().out
    assert main(forecast(world, 200)) == 0
    kept = first.read_bytes()
    assert main(forecast(world, 300)) == 0
    assert f"unchanged in {first}" in capsys.readouterr().out
    assert first.read_bytes() == kept and other.is_file()

    # The ledger up to AS_OF changes: a late entry on that day.
    assert main(world.args("assign", "--date", AS_OF.isoformat(), "--arrival-date",
                           AS_OF.isoformat(), "--arrival-municipality", "Sigtuna",
                           "--late")) == 0
    capsys.readouterr()
    assert main(forecast(world, 300)) == 0
    out = capsys.readouterr().out
    assert (f"replaced the earlier forecast in {first} (the ledger up to that day has changed "
            "since)") in out
    assert sum(int(r["assigned_since_2016"]) for r in read_rows(first)) == (
        sum(assigned_by(read_rows(world.ledger), AS_OF).values()))


def test_the_forecast_says_which_counts_are_since_2016_and_which_are_new(world, capsys):
    assert main(forecast(world, 300)) == 0
    out = capsys.readouterr().out
    assert (f"assigned_since_2016: the ledger's assignments from 2016-01-01 to {AS_OF}; "
            "forecast_new_assignments: of the 300 new ones") in out


def test_a_forecast_far_above_the_highest_prognosis_is_made_with_one_warning(world, capsys):
    # data/prognosis.toml: high = 440 for 2026; more than twice that is far above.
    assert main(forecast(world, 881)) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line]
    assert warnings == [f"warning: --children 881 is far above the highest prognosis scenario "
                        f"for 2026 (440 children in {world.data / 'prognosis.toml'}); the "
                        "forecast is made all the same: check the number"]
    assert main(forecast(world, 880)) == 0
    assert "warning" not in capsys.readouterr().err


def test_after_an_assignment_the_days_fulfilment_files_count_it(world, capsys):
    assert main(world.args("fulfilment", "--as-of", WHEN.isoformat())) == 0
    csv_path = world.out / f"fulfilment_{WHEN.isoformat()}.csv"
    before = sum(int(r["assigned"]) for r in read_rows(csv_path))
    capsys.readouterr()

    assert main(world.args("assign", "--date", WHEN.isoformat(), *ARRIVAL)) == 0

    err = capsys.readouterr().err
    assert f"(updated {csv_path} and .xlsx with this assignment)" in err
    counted = sum(int(r["assigned"]) for r in read_rows(csv_path))
    assert counted == before + 1 == sum(assigned_by(read_rows(world.ledger), WHEN).values())
    workbook = openpyxl.load_workbook(csv_path.with_suffix(".xlsx"), read_only=True)
    try:
        total = sum(r[4] for r in workbook.worksheets[0].iter_rows(values_only=True)
                    if isinstance(r[0], str) and re.fullmatch(r"\d{4}", r[0]))
    finally:
        workbook.close()
    assert total == counted


def test_after_an_assignment_what_could_not_be_updated_says_so_with_the_command(world, capsys):
    xlsx = world.out / f"fulfilment_{WHEN.isoformat()}.xlsx"
    (world.out / f"fulfilment_{WHEN.isoformat()}.csv").write_text("stale\n", encoding="utf-8")
    xlsx.mkdir()  # nothing can be written in its place
    (world.out / "site").mkdir()
    (world.out / "site" / "index.html").write_text("<html></html>", encoding="utf-8")

    assert main(world.args("assign", "--date", WHEN.isoformat(), *ARRIVAL)) == 0

    err = capsys.readouterr().err.splitlines()
    stale = [line for line in err if line.startswith("warning: ")]
    assert len(stale) == 1 and "are out of date: they do not count this assignment" in stale[0]
    assert (f"`anvisning fulfilment --as-of {WHEN} --ledger {world.ledger} --data-dir "
            f"{world.data} --out-dir {world.out}` updates them") in stale[0]
    assert (f"note: the statistics site in {world.out / 'site'} does not count this assignment "
            f"yet; `anvisning site --data-dir {world.data} --out-dir {world.out}` updates it"
            ) in err


def _one_error(capsys) -> str:
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, errors
    return errors[0]


def test_a_backdated_assign_is_refused_unless_late_and_then_recorded_as_late(world, capsys):
    before = world.ledger.read_bytes()
    last = max(row["date"] for row in read_rows(world.ledger))
    backdated = ["assign", "--date", "2026-11-01", "--arrival-date", "2026-10-29",
                 "--arrival-municipality", "Malmö"]
    assert last > "2026-11-01"

    code = main(world.args(*backdated))

    error = _one_error(capsys)
    assert code == 1
    for fragment in ("'2026-11-01'", f"last recorded assignment ({last})", "--late"):
        assert fragment in error, (fragment, error)
    assert world.ledger.read_bytes() == before

    code = main(world.args(*backdated, "--late"))

    assert code == 0, capsys.readouterr().err
    after = read_rows(world.ledger)
    assert (after[-1]["date"], after[-1]["arrival_municipality_code"], after[-1]["late"]) == (
        "2026-11-01", "1280", "true")


@pytest.mark.parametrize(("options", "fragment"), [
    (["--arrival-date", "2026-12-31", "--arrival-municipality", "Sigtuna"], "--arrival-date"),
    (["--arrival-date", "2026-11-30", "--arrival-municipality", "Habo kommun"],
     "--arrival-municipality"),
])
def test_a_bad_arrival_is_refused_naming_the_option_and_nothing_is_written(
        world, capsys, options, fragment):
    before = world.ledger.read_bytes()

    code = main(world.args("assign", "--date", WHEN.isoformat(), *options))

    assert code == 1
    assert fragment in _one_error(capsys)
    assert world.ledger.read_bytes() == before
