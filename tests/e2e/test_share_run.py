"""The share run end to end through `anvisning`, in process, as a statistician runs it: from the
shipped data to the published table, then a re-run, a changed input, a reissue, a county board's
workbook coming back, a bad agreement and two share years in one warehouse.

Expected values are computed here from the inputs (csv, Decimal, Fraction) or read from the
warehouse with duckdb — never copied from the code under test. Full runs take ~3 s each, so a run
whose result several tests read is made once per module and copied before a test changes it.
"""

from __future__ import annotations

import calendar
import codecs
import contextlib
import csv
import hashlib
import io
import json
import re
import shutil
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import openpyxl
import pytest

from cli.main import main
from tests.conftest import DATA, environment

YEAR = 2026
EARLIER_YEAR = 2025  # the year before: what a draft compares with
DRAFT_COLUMNS = [
    "municipality_code", "municipality_name", "county_code", "county_name", "population",
    "newcomers_settled", "minors_received", "asylum_housing_days", "minor_arrival_housing_days",
    "population_share", "reception_share", "adjusted_share", "at_floor", "share_promille",
    # the change of the calculated share from the previous share year, term by term
    "change_population", "change_newcomers", "change_minors", "change_asylum_days",
    "change_arrival_days", "change_parameters", "change_rounding", "change_calculated",
]
INPUTS = DRAFT_COLUMNS[4:9]
DRAFT_TERMS = DRAFT_COLUMNS[14:21]
EXPLANATIONS = ("population_share", "reception_share", "adjusted_share")
PUBLISHED_COLUMNS = [
    "municipality_code", "municipality_name", "county_code", "county_name",
    "calculated_promille", "given_promille", "received_promille", "share_promille",
]
# The decision's columns; context columns follow them (previous year, change, expected children).
CONTEXT_COLUMNS = ["previous_share_promille", "change_promille", "expected_children",
                   "changed_from_version"]
# Last, the change from the previous share year term by term (empty without one).
CHANGE_COLUMNS = ["change_population", "change_newcomers", "change_minors", "change_asylum_days",
                  "change_arrival_days", "change_parameters", "change_rounding",
                  "change_calculated", "change_redistribution"]
PUBLISHED_FILES = ("shares_{y}.csv", "shares_{y}.xlsx", "shares_{y}.pdf", "publication_{y}.json")
TWO_DECIMALS = re.compile(r"^\d+\.\d{2}$")
SIX_OR_MORE_DECIMALS = re.compile(r"^\d+\.\d{6,}$")
# Half a unit of the explanation columns' 6th decimal, plus room for float noise.
EXPLANATION_TOLERANCE = Fraction(51, 100_000_000)
FORM_SHEET = "Omfördelning"
FORM_FIRST_HEADING = "Givande kommun (kod)"


@dataclass(frozen=True)
class Workspace:
    """One user's world under `root`: a copy of the inputs, the outputs, a Dagster home and a
    warehouse."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "anvisning.duckdb"

    def year_out(self, year: int = YEAR) -> Path:
        return self.out / str(year)

    def published(self, year: int = YEAR) -> dict[str, Path]:
        return {name.format(y=year): self.year_out(year) / name.format(y=year)
                for name in PUBLISHED_FILES}

    @classmethod
    def fresh(cls, root: Path) -> Workspace:
        workspace = cls(root)
        shutil.copytree(DATA, workspace.data, ignore=shutil.ignore_patterns("sources"))
        workspace.home.mkdir(parents=True)
        (workspace.home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n",
                                                     encoding="utf-8")
        return workspace

    def copy(self, root: Path) -> Workspace:
        """Everything, modification times included (the warehouse is closed between runs); the
        published names are relative links into `versions/`, copied as links."""
        shutil.copytree(self.root, root, symlinks=True)
        return Workspace(root)


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


def anvisning(workspace: Workspace, *args: str) -> Outcome:
    """`anvisning <args> --data-dir … --out-dir …` in process, in the workspace's Dagster home
    and warehouse, with its output captured (a module fixture cannot use capsys)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with (environment(DAGSTER_HOME=str(workspace.home),
                      ANVISNING_WAREHOUSE=str(workspace.warehouse)),
          contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr)):
        code = main([*args, "--data-dir", str(workspace.data), "--out-dir", str(workspace.out)])
    return Outcome(code, stdout.getvalue(), stderr.getvalue())


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_code(rows: list[dict[str, str]], column: str) -> dict[str, str]:
    return {row["municipality_code"]: row[column] for row in rows}


def shares(path: Path, column: str = "share_promille") -> dict[str, Decimal]:
    return {code: Decimal(text) for code, text in by_code(read_rows(path), column).items()}


def register() -> list[dict[str, str]]:
    return read_rows(DATA / "reference" / "municipalities.csv")


def county_of() -> dict[str, str]:
    return by_code(register(), "county_code")


def csv_agreements(workspace: Workspace) -> list[tuple[str, str, str]]:
    rows = read_rows(workspace.data / "redistributions" / f"{YEAR}.csv")
    return [(row["giver_code"], row["receiver_code"], row["amount_promille"]) for row in rows]


def expected_final(draft: dict[str, Decimal],
                   agreements: list[tuple[str, str, str]]) -> dict[str, Decimal]:
    """calculated − given + received, with `all` the giver's calculated share."""
    final = dict(draft)
    for giver, receiver, amount in agreements:
        moved = draft[giver] if amount == "all" else Decimal(amount.replace(",", "."))
        final[giver] -= moved
        final[receiver] += moved
    return final


def promille_text(units: int, decimals: int) -> str:
    return str(Decimal(units).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals)))


def warehouse_final_rows(workspace: Workspace, year: int) -> list[list[str]]:
    """final_shares joined to municipality_register, as the published CSV should hold it."""
    with duckdb.connect(str(workspace.warehouse), read_only=True) as conn:
        rows = conn.execute(
            "SELECT f.municipality_code, r.municipality_name, r.county_code, r.county_name, "
            "f.calculated_units, f.given_units, f.received_units, f.share_units, f.decimals "
            "FROM final_shares AS f JOIN municipality_register AS r "
            "ON r.share_year = f.share_year AND r.municipality_code = f.municipality_code "
            "WHERE f.share_year = ? ORDER BY f.municipality_code", [year]).fetchall()
    return [[*row[:4], *(promille_text(units, row[8]) for units in row[4:8])] for row in rows]


def warehouse_count(workspace: Workspace, table: str, year: int) -> int:
    with duckdb.connect(str(workspace.warehouse), read_only=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE share_year = ?",
                            [year]).fetchone()[0]


def csv_lines(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def decision_part(rows: list[list[str]]) -> list[list[str]]:
    """The decision's columns of published CSV rows (the context columns cut off)."""
    return [row[: len(PUBLISHED_COLUMNS)] for row in rows]


def planning_children(workspace: Workspace) -> int:
    """The planning scenario's national figure for YEAR in the data folder's prognosis."""
    document = tomllib.loads((workspace.data / "prognosis.toml").read_text(encoding="utf-8"))
    return document["prognosis"][str(YEAR)][document.get("planning_scenario", "base")]


def snapshot(paths: dict[str, Path]) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in paths.items()}


def raise_population(path: Path, code: str, extra: int) -> tuple[int, int]:
    """Add `extra` to one municipality in SCB's PxWeb export (UTF-8 with BOM, semicolons, CRLF,
    figures quoted and grouped with spaces), keeping that format byte for byte otherwise."""
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    match = re.search(rf'^"{code} [^"]+";"([\d ]+)"\r$', text, re.MULTILINE)
    assert match, f"{code} not found in {path}"
    old = int(match.group(1).replace(" ", ""))
    new = old + extra
    grouped = f"{new:,}".replace(",", " ")
    path.write_bytes(codecs.BOM_UTF8
                     + (text[:match.start(1)] + grouped + text[match.end(1):]).encode("utf-8"))
    return old, new


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Workspace, Outcome]:
    """One full `run --year 2026` on the shipped data; read only, copy before changing."""
    workspace = Workspace.fresh(tmp_path_factory.mktemp("published"))
    outcome = anvisning(workspace, "run", "--year", str(YEAR))
    assert outcome.code == 0, outcome.stderr
    return workspace, outcome


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> tuple[Workspace, Outcome]:
    """One `draft --year 2026` on the shipped data: drafted and reviewed, not published."""
    workspace = Workspace.fresh(tmp_path_factory.mktemp("drafted"))
    outcome = anvisning(workspace, "draft", "--year", str(YEAR))
    assert outcome.code == 0, outcome.stderr
    return workspace, outcome


@dataclass(frozen=True)
class RefusedChange:
    workspace: Workspace
    outcome: Outcome
    before: dict[str, bytes]
    old_population_sha: str
    new_population_sha: str


@pytest.fixture(scope="module")
def refused_change(published, tmp_path_factory) -> RefusedChange:
    """The published workspace, Stockholm's population raised, run again (refused)."""
    workspace = published[0].copy(tmp_path_factory.mktemp("changed") / "ws")
    population = workspace.data / "statistics" / str(YEAR - 2) / "population.csv"
    old_sha = hashlib.sha256(population.read_bytes()).hexdigest()
    raise_population(population, "0180", 100_000)
    new_sha = hashlib.sha256(population.read_bytes()).hexdigest()
    before = snapshot(workspace.published())
    outcome = anvisning(workspace, "run", "--year", str(YEAR))
    return RefusedChange(workspace, outcome, before, old_sha, new_sha)


@pytest.fixture(scope="module")
def two_share_years(published, tmp_path_factory) -> tuple[Workspace, Outcome, Outcome]:
    """The published 2026 workspace, then share year 2025 run into it, then 2026 run again."""
    workspace = published[0].copy(tmp_path_factory.mktemp("two_years") / "ws")
    earlier = anvisning(workspace, "run", "--year", str(EARLIER_YEAR))
    assert earlier.code == 0, earlier.stderr
    again = anvisning(workspace, "run", "--year", str(YEAR))
    assert again.code == 0, again.stderr
    return workspace, earlier, again


# --- one full run ---------------------------------------------------------------------------


def test_the_draft_csv_has_its_columns_formats_and_a_total_of_exactly_1000(published):
    workspace, _ = published
    path = workspace.year_out() / f"draft_shares_{YEAR}.csv"

    lines = csv_lines(path)
    rows = read_rows(path)

    assert lines[0] == DRAFT_COLUMNS
    assert len(rows) == 290
    assert sorted(row["municipality_code"] for row in rows) == sorted(county_of())
    floor = Decimal(str(tomllib.loads((workspace.data / "parameters.toml").read_text(
        encoding="utf-8"))["parameters"]["floor_promille"]))
    for row in rows:
        assert TWO_DECIMALS.match(row["share_promille"]), row
        for column in EXPLANATIONS:
            assert SIX_OR_MORE_DECIMALS.match(row[column]), (column, row)
        assert row["at_floor"] in ("true", "false"), row
        share = Decimal(row["share_promille"])
        assert share >= floor, row
        if row["at_floor"] == "true":
            assert share == floor, row
    assert sum(Decimal(row["share_promille"]) for row in rows) == Decimal("1000.00")


def test_the_draft_csv_explains_each_share_from_the_warehouse_inputs(published):
    workspace, _ = published
    rows = read_rows(workspace.year_out() / f"draft_shares_{YEAR}.csv")
    with duckdb.connect(str(workspace.warehouse), read_only=True) as conn:
        stored = {table: dict(conn.execute(
            f"SELECT municipality_code, value FROM {table} WHERE share_year = ?",
            [YEAR]).fetchall()) for table in INPUTS}
    for row in rows:
        for column in INPUTS:
            assert int(row[column]) == stored[column][row["municipality_code"]], (column, row)

    # MODEL.md, steps 1–3, in exact fractions, with the parameter file's weights and α.
    params = tomllib.loads((workspace.data / "parameters.toml").read_text(encoding="utf-8"))
    p = params["parameters"]
    weights = [Fraction(str(p[k])) for k in ("weight_newcomers", "weight_minors",
                                             "weight_asylum_days", "weight_arrival_days")]
    alpha = Fraction(str(p["reception_adjustment"]))
    days = 366 if calendar.isleap(YEAR - p["reference_year_offset"]) else 365
    population = {r["municipality_code"]: Fraction(int(r["population"])) for r in rows}
    reception = {
        r["municipality_code"]: weights[0] * int(r["newcomers_settled"])
        + weights[1] * int(r["minors_received"])
        + (weights[2] * int(r["asylum_housing_days"])
           + weights[3] * int(r["minor_arrival_housing_days"])) / days
        for r in rows
    }
    total_population, total_reception = sum(population.values()), sum(reception.values())
    for row in rows:
        code = row["municipality_code"]
        pop_share = population[code] / total_population
        rec_share = reception[code] / total_reception
        adjusted = max(Fraction(0), pop_share + alpha * (pop_share - rec_share))
        for column, exact in (("population_share", pop_share), ("reception_share", rec_share),
                              ("adjusted_share", adjusted)):
            assert abs(Fraction(row[column]) - 1000 * exact) <= EXPLANATION_TOLERANCE, (
                column, row)


def test_each_county_gets_a_review_workbook_with_only_its_own_municipalities(published):
    workspace, _ = published
    folder = workspace.year_out() / "review"
    codes_by_county: dict[str, set[str]] = defaultdict(set)
    for code, county in county_of().items():
        codes_by_county[county].add(code)

    names = sorted(p.name for p in folder.glob("*.xlsx"))
    assert [name.split("_")[2] for name in names] == sorted(codes_by_county)
    assert len(codes_by_county) == 21
    for county, codes in codes_by_county.items():
        (path,) = folder.glob(f"review_{YEAR}_{county}_*.xlsx")
        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            first_sheet = {cell for row in workbook["Utkast"].iter_rows(values_only=True)
                           for cell in row[:1] if isinstance(cell, str)
                           and re.fullmatch(r"\d{4}", cell)}
            anywhere = {cell for sheet in workbook.worksheets
                        for row in sheet.iter_rows(values_only=True) for cell in row
                        if isinstance(cell, str) and re.fullmatch(r"\d{4}", cell)}
        finally:
            workbook.close()
        assert first_sheet == codes, county
        assert anywhere <= codes, (county, anywhere - codes)


def test_the_published_csv_is_the_warehouse_final_shares_with_excel_and_pdf_beside_it(published):
    workspace, _ = published
    paths = workspace.published()

    lines = csv_lines(paths[f"shares_{YEAR}.csv"])

    assert lines[0] == PUBLISHED_COLUMNS + CONTEXT_COLUMNS + CHANGE_COLUMNS
    assert decision_part(lines[1:]) == warehouse_final_rows(workspace, YEAR)
    assert len(lines) == 291
    expected = lines[0].index("expected_children")
    assert sum(int(row[expected]) for row in lines[1:]) == planning_children(workspace)
    assert paths[f"shares_{YEAR}.xlsx"].read_bytes()[:2] == b"PK"
    assert paths[f"shares_{YEAR}.pdf"].read_bytes()[:5] == b"%PDF-"
    manifest = json.loads(paths[f"publication_{YEAR}.json"].read_text(encoding="utf-8"))
    assert manifest["version"] == 1
    assert manifest["files"][f"shares_{YEAR}.csv"] == hashlib.sha256(
        paths[f"shares_{YEAR}.csv"].read_bytes()).hexdigest()


def test_the_agreements_of_the_csv_are_applied_and_nothing_else_moves(published):
    workspace, _ = published
    draft = shares(workspace.year_out() / f"draft_shares_{YEAR}.csv")
    final = shares(workspace.year_out() / f"shares_{YEAR}.csv")
    agreements = csv_agreements(workspace)
    assert agreements

    assert final == expected_final(draft, agreements)
    for giver, receiver, amount in agreements:
        if amount == "all":
            assert final[giver] == Decimal("0.00")
        assert final[receiver] > draft[receiver]
    involved = {code for giver, receiver, _ in agreements for code in (giver, receiver)}
    assert all(final[code] == draft[code] for code in draft if code not in involved)
    counties = county_of()
    draft_totals: dict[str, Decimal] = defaultdict(Decimal)
    final_totals: dict[str, Decimal] = defaultdict(Decimal)
    for code in draft:
        draft_totals[counties[code]] += draft[code]
        final_totals[counties[code]] += final[code]
    assert final_totals == draft_totals
    assert sum(final.values()) == Decimal("1000.00")


# --- re-runs, changes and reissues -------------------------------------------------------------


def test_a_rerun_on_unchanged_inputs_leaves_the_publication_untouched(published, tmp_path):
    workspace = published[0].copy(tmp_path / "ws")
    paths = workspace.published()
    before = snapshot(paths)
    mtime = paths[f"shares_{YEAR}.csv"].stat().st_mtime_ns

    outcome = anvisning(workspace, "run", "--year", str(YEAR))

    assert outcome.code == 0, outcome.stderr
    assert "unchanged" in outcome.stdout
    assert snapshot(paths) == before
    assert paths[f"shares_{YEAR}.csv"].stat().st_mtime_ns == mtime


def test_a_changed_input_is_refused_naming_the_change_and_the_reissue(refused_change):
    outcome = refused_change.outcome

    assert outcome.code == 1
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert "--reissue" in outcome.stderr
    assert refused_change.old_population_sha[:12] in outcome.stderr
    assert refused_change.new_population_sha[:12] in outcome.stderr
    published = by_code(read_rows(refused_change.workspace.published()[f"shares_{YEAR}.csv"]),
                        "share_promille")
    named = re.findall(r"(\d{4}) [^:\n]+: share (\d+\.\d+) → (\d+\.\d+) ‰", outcome.stderr)
    assert named, outcome.stderr
    for code, old, new in named:
        assert published[code] == old and new != old, (code, old, new)
    assert snapshot(refused_change.workspace.published()) == refused_change.before


def test_a_refused_change_leaves_the_warehouse_final_shares_as_published(refused_change):
    workspace = refused_change.workspace
    published = csv_lines(workspace.published()[f"shares_{YEAR}.csv"])

    assert warehouse_final_rows(workspace, YEAR) == decision_part(published[1:])


def test_a_reissue_with_a_reason_keeps_the_earlier_version(refused_change, tmp_path):
    workspace = refused_change.workspace.copy(tmp_path / "ws")
    earlier_csv = refused_change.before[f"shares_{YEAR}.csv"]

    outcome = anvisning(workspace, "publish", "--year", str(YEAR), "--reissue",
                        "--reason", "rättelse")

    assert outcome.code == 0, outcome.stderr
    kept = workspace.year_out() / "versions" / "v1" / f"shares_{YEAR}.csv"
    assert kept.read_bytes() == earlier_csv
    manifest = json.loads(workspace.published()[f"publication_{YEAR}.json"].read_text(
        encoding="utf-8"))
    assert manifest["version"] == 2
    assert manifest["reissue"]["reason"] == "rättelse"
    assert [entry["version"] for entry in manifest["history"]] == [1]
    current = workspace.published()[f"shares_{YEAR}.csv"]
    assert current.read_bytes() != earlier_csv
    assert decision_part(csv_lines(current)[1:]) == warehouse_final_rows(workspace, YEAR)
    assert manifest["replaces_statement"].endswith("Skäl: rättelse")


def test_a_reissue_without_a_reason_is_refused(refused_change, tmp_path):
    workspace = refused_change.workspace.copy(tmp_path / "ws")

    outcome = anvisning(workspace, "publish", "--year", str(YEAR), "--reissue")

    assert outcome.code == 1
    assert len(outcome.error_lines) == 1, outcome.stderr
    assert "--reason" in outcome.error_lines[0]
    assert snapshot(workspace.published()) == refused_change.before
    assert not (workspace.year_out() / "versions" / "v2").exists()


# --- draft, review, redistribution ---------------------------------------------------------------


def test_draft_writes_the_draft_and_the_review_workbooks_but_publishes_nothing(drafted):
    workspace, outcome = drafted

    assert (workspace.year_out() / f"draft_shares_{YEAR}.csv").is_file()
    assert len(list((workspace.year_out() / "review").glob(f"review_{YEAR}_*.xlsx"))) == 21
    assert not any(path.exists() for path in workspace.published().values())
    assert warehouse_count(workspace, "final_shares", YEAR) == 0
    assert "share_table_publication" not in outcome.stdout


def test_a_county_boards_filled_in_workbook_is_applied_on_top_of_the_csv(drafted, tmp_path):
    workspace = drafted[0].copy(tmp_path / "ws")
    draft_rows = read_rows(workspace.year_out() / f"draft_shares_{YEAR}.csv")
    draft = {row["municipality_code"]: Decimal(row["share_promille"]) for row in draft_rows}
    involved = {code for giver, receiver, _ in csv_agreements(workspace)
                for code in (giver, receiver)}
    giver, receiver = sorted(row["municipality_code"] for row in draft_rows
                             if row["county_code"] == "01"
                             and row["municipality_code"] not in involved)[:2]
    reference = "Lst AB 851-99999-2025"

    workbook = openpyxl.load_workbook(
        workspace.year_out() / "review" / f"review_{YEAR}_01_stockholms-lan.xlsx")
    form = workbook[FORM_SHEET]
    header = next(row for row in range(1, 21) if form.cell(row, 1).value == FORM_FIRST_HEADING)
    for column, value in enumerate([giver, receiver, "0,30", date(2025, 12, 5), reference],
                                   start=1):
        form.cell(header + 2, column).value = value  # the first row below the example
    returned = workspace.data / "redistributions" / str(YEAR) / "review_2026_01_returned.xlsx"
    returned.parent.mkdir()
    workbook.save(returned)

    outcome = anvisning(workspace, "run", "--year", str(YEAR))

    assert outcome.code == 0, outcome.stderr
    final = shares(workspace.year_out() / f"shares_{YEAR}.csv")
    assert final[giver] == draft[giver] - Decimal("0.30")
    assert final[receiver] == draft[receiver] + Decimal("0.30")
    assert final == expected_final(draft, [*csv_agreements(workspace),
                                           (giver, receiver, "0,30")])
    with duckdb.connect(str(workspace.warehouse), read_only=True) as conn:
        stored = conn.execute(
            "SELECT amount_units, approved_on, source FROM redistribution_agreements "
            "WHERE share_year = ? AND giver_code = ? AND receiver_code = ? AND reference = ?",
            [YEAR, giver, receiver, reference]).fetchall()
    assert len(stored) == 1
    assert stored[0][:2] == (30, date(2025, 12, 5))
    assert returned.name in stored[0][2]


def test_an_agreement_across_counties_is_refused_and_nothing_is_published(drafted, tmp_path):
    workspace = drafted[0].copy(tmp_path / "ws")
    counties = county_of()
    giver = next(code for code, county in sorted(counties.items()) if county == "01")
    receiver = next(code for code, county in sorted(counties.items()) if county == "03")
    agreements = workspace.data / "redistributions" / f"{YEAR}.csv"
    text = agreements.read_text(encoding="utf-8")
    text += "" if text.endswith("\n") else "\n"
    agreements.write_text(text + f"{YEAR},{giver},{receiver},0.10,2025-12-04,Lst X 1-2025\n",
                          encoding="utf-8")
    line = len(agreements.read_text(encoding="utf-8").splitlines())

    outcome = anvisning(workspace, "run", "--year", str(YEAR))

    assert outcome.code == 1
    assert len(outcome.error_lines) == 1, outcome.stderr
    error = outcome.error_lines[0]
    assert str(agreements) in error and f"line {line}" in error, error
    assert "different counties" in error, error
    assert "Traceback" not in outcome.stderr
    assert not any(path.exists() for path in workspace.published().values())
    assert warehouse_count(workspace, "final_shares", YEAR) == 0


# --- two share years in one warehouse ----------------------------------------------------------


def test_the_draft_change_compares_with_the_previous_years_published_table(published,
                                                                     two_share_years):
    workspace, _, again = two_share_years
    first_change = read_rows(published[0].year_out() / f"draft_change_{YEAR}.csv")
    earlier_change = read_rows(workspace.year_out(EARLIER_YEAR)
                               / f"draft_change_{EARLIER_YEAR}.csv")
    change = read_rows(workspace.year_out() / f"draft_change_{YEAR}.csv")
    earlier_final = {row[0]: Decimal(row[7]) for row in
                     warehouse_final_rows(workspace, EARLIER_YEAR)}
    draft = shares(workspace.year_out() / f"draft_shares_{YEAR}.csv")

    # Nothing was published for 2025 at first, and 2025 never compares with the later 2026.
    assert {row["previous_share_year"] for row in first_change} == {""}
    assert {row["previous_share_year"] for row in earlier_change} == {""}
    assert {row["previous_share_year"] for row in change} == {str(EARLIER_YEAR)}
    assert len(change) == 290
    assert shares(workspace.year_out(EARLIER_YEAR) / f"shares_{EARLIER_YEAR}.csv") \
        == earlier_final
    for row in change:
        code = row["municipality_code"]
        assert Decimal(row["previous_share_promille"]) == earlier_final[code], row
        assert Decimal(row["draft_share_promille"]) == draft[code], row
        assert Decimal(row["change_promille"]) == draft[code] - earlier_final[code], row
    assert "unchanged" in again.stdout


def test_the_draft_explains_each_change_from_the_previous_year_term_by_term(two_share_years):
    """2026 drafted again after 2025 was published: its CSV's terms add up exactly to the
    change of the calculated share. 2026 was published before 2025 and keeps its decision,
    compared with no year, so the published table explains nothing."""
    workspace, _, _ = two_share_years
    earlier = {row[0]: Decimal(row[4]) for row in warehouse_final_rows(workspace, EARLIER_YEAR)}
    rows = read_rows(workspace.year_out() / f"draft_shares_{YEAR}.csv")
    for row in rows:
        change = Decimal(row["share_promille"]) - earlier[row["municipality_code"]]
        assert sum(Decimal(row[term]) for term in DRAFT_TERMS) == change, row
        assert Decimal(row["change_calculated"]) == change, row
    assert warehouse_count(workspace, "draft_changes", YEAR) == 290
    assert warehouse_count(workspace, "draft_changes", EARLIER_YEAR) == 0
    published_rows = read_rows(workspace.published()[f"shares_{YEAR}.csv"])
    assert {row[column] for row in published_rows for column in CHANGE_COLUMNS} == {""}


def test_the_review_workbook_names_the_share_year_it_compares_with(two_share_years):
    workspace, _, _ = two_share_years
    workbook = openpyxl.load_workbook(
        workspace.year_out() / "review" / f"review_{YEAR}_01_stockholms-lan.xlsx",
        read_only=True)
    try:
        texts = [cell for row in workbook["Utkast"].iter_rows(max_row=10, values_only=True)
                 for cell in row if isinstance(cell, str)]
    finally:
        workbook.close()

    assert any(f"Andel {EARLIER_YEAR}" in text for text in texts), texts
    assert not any(f"Andel {YEAR - 2}" in text for text in texts), texts


def test_an_earlier_share_year_is_decided_in_december_of_the_year_before(two_share_years):
    workspace, _, _ = two_share_years
    manifest = json.loads(workspace.published(EARLIER_YEAR)[f"publication_{EARLIER_YEAR}.json"]
                          .read_text(encoding="utf-8"))
    assert manifest["decision_date"].startswith(f"{EARLIER_YEAR - 1}-12-")
    assert manifest["ledger_as_of"] == f"{EARLIER_YEAR - 1}-12-31"
