"""The history command (`make run` = scripts/build_history.py) end to end: share years
2017–2026 published from the shipped data into a fresh out folder, warehouse and Dagster home,
once for the module (about 40 s), then run again on its own outputs.

Expected values are computed here from the published files with csv and Decimal; the dates the
editions state, the marks of the reissue and the expected children are read from the PDFs' text.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import polars as pl
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import DATA, REPO

YEARS = range(2017, 2027)
REISSUED = 2021
REASON = "Omfördelning i Kalmar län godkänd i efterhand"
LATE_AGREEMENT = "0840 Mörbylånga ger 0,30 ‰ till 0880 Kalmar"


@dataclass(frozen=True)
class History:
    out: Path
    warehouse: Path
    env: dict[str, str]
    first_output: str


def _run(script: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / script), *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    root = tmp_path_factory.mktemp("history")
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    warehouse = root / "warehouse" / "anvisning.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "ANVISNING_WAREHOUSE": str(warehouse)}
    out = root / "out"
    done = _run("build_history.py", ["--data-dir", str(DATA), "--out-dir", str(out)], env)
    assert done.returncode == 0, done.stderr
    return History(out, warehouse, env, done.stdout)


def _published(out: Path, year: int) -> list[dict[str, str]]:
    with (out / str(year) / f"shares_{year}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _manifest(out: Path, year: int) -> dict:
    return json.loads((out / str(year) / f"publication_{year}.json").read_text(encoding="utf-8"))


def _digests(out: Path) -> dict[str, str]:
    return {str(path.relative_to(out)): hashlib.sha256(path.read_bytes()).hexdigest()
            for year in YEARS for path in sorted((out / str(year)).glob("shares_*"))}


@pytest.mark.parametrize("year", YEARS)
def test_every_share_year_publishes_290_shares_totalling_exactly_1000(history, year):
    rows = _published(history.out, year)
    assert len(rows) == 290
    assert sum(Decimal(row["share_promille"]) for row in rows) == Decimal("1000.00")
    assert _manifest(history.out, year)["decision_date"].startswith(f"{year - 1}-12-")


def test_every_share_year_is_in_the_warehouse_and_a_materialised_partition_in_dagster(history):
    import dagster as dg

    with duckdb.connect(str(history.warehouse), read_only=True) as conn:
        years = [row[0] for row in conn.execute(
            "select distinct share_year from final_shares order by 1").fetchall()]
    assert years == list(YEARS)
    with dg.DagsterInstance.from_config(history.env["DAGSTER_HOME"]) as instance:
        for asset in ("share_table_publication", "goal_fulfilment"):
            keys = instance.get_materialized_partitions(dg.AssetKey(asset))
            assert sorted(keys) == [str(year) for year in YEARS], asset


def test_the_reissued_year_is_version_2_with_the_reason_and_the_late_agreement(history):
    manifest = _manifest(history.out, REISSUED)
    assert manifest["version"] == 2
    assert manifest["reissue"]["reason"] == REASON
    assert manifest["decision_date"] == "2020-12-21"
    assert any(note.startswith(LATE_AGREEMENT) for note in manifest["redistributions"])
    first = json.loads((history.out / str(REISSUED) / "versions" / "v1" /
                        f"publication_{REISSUED}.json").read_text(encoding="utf-8"))
    assert first["version"] == 1 and first["decision_date"] == "2020-12-15"
    assert not any(note.startswith(LATE_AGREEMENT) for note in first["redistributions"])
    kalmar = {row["municipality_code"]: row for row in _published(history.out, REISSUED)}
    assert kalmar["0880"]["received_promille"] == "0.30"


def test_the_ledgers_shares_are_the_published_tables(history):
    with (DATA / "ledger" / "generator_shares.csv").open(encoding="utf-8", newline="") as handle:
        shipped = {(int(r["share_year"]), r["municipality_code"]): int(r["share_units"])
                   for r in csv.DictReader(handle)}
    published = {(year, row["municipality_code"]): int(Decimal(row["share_promille"]) * 100)
                 for year in YEARS for row in _published(history.out, year)}
    assert shipped == published


def test_replaying_the_arrivals_on_the_published_tables_gives_the_shipped_ledger(
        history, tmp_path):
    data = tmp_path / "data"
    (data / "ledger").mkdir(parents=True)
    for name in ("reference", "statistics"):
        (data / name).symlink_to(DATA / name)
    done = _run("generate_ledger.py", ["--data-dir", str(data), "--out-dir", str(history.out)],
                history.env)
    assert done.returncode == 0, done.stderr
    for name in ("assignments.csv", "generator_shares.csv"):
        assert (data / "ledger" / name).read_bytes() == (DATA / "ledger" / name).read_bytes()


def test_running_the_history_again_changes_nothing_and_says_unchanged(history):
    before = _digests(history.out)
    again = _run("build_history.py", ["--data-dir", str(DATA), "--out-dir", str(history.out)],
                 history.env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("unchanged, already published") == len(YEARS)
    assert "nothing to reissue" in again.stdout
    assert _digests(history.out) == before


def _pdf_pages(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_the_2021_editions_carry_2020_dates_never_the_build_date(history):
    folder = history.out / str(REISSUED)
    first, second = (_pdf_pages(folder / "versions" / "v1" / "shares_2021.pdf"),
                     _pdf_pages(folder / "shares_2021.pdf"))
    assert "Version 1, publicerad 15 december 2020" in first[0]
    assert "Beslutsdatum 15 december 2020" in first[0]
    assert "Version 2, publicerad 21 december 2020" in second[0]
    assert f"Ersätter version 1 av 15 december 2020. Skäl: {REASON}" in second[0]
    assert PdfReader(folder / "shares_2021.pdf").metadata.creation_date.date() == date(
        2020, 12, 21)
    sheet = load_workbook(folder / "shares_2021.xlsx")["Andelstal"]
    assert [sheet.cell(row, 1).value for row in (3, 4)] == [
        "Version 2, publicerad 21 december 2020",
        f"Ersätter version 1 av 15 december 2020. Skäl: {REASON}"]
    for year in YEARS:
        manifest = _manifest(history.out, year)
        assert manifest["published_on"] == manifest["decision_date"], year
        assert manifest["published_on"] < f"{year}-01-01", year


def test_the_reissue_names_its_changes_and_the_replaced_version_its_replacement(history):
    folder = history.out / str(REISSUED)
    page_1 = _pdf_pages(folder / "shares_2021.pdf")[0]
    assert "Ändringar jämfört med version 1" in page_1
    assert "0840 Mörbylånga: lämnat 0,00 → 0,30 ‰" in page_1
    assert "0880 Kalmar: mottaget 0,00 → 0,30 ‰" in page_1
    marked = {row["municipality_code"] for row in _published(history.out, REISSUED)
              if row["changed_from_version"] == "1"}
    assert {"0840", "0880"} <= marked
    replaced = json.loads((folder / "versions" / "v1" / "publication_2021.json").read_text(
        encoding="utf-8"))
    assert replaced["replaced_by"]["version"] == 2
    assert replaced["replaced_by"]["statement"] == (
        f"Ersatt av version 2, publicerad 21 december 2020. Skäl: {REASON}")


def _pdf_expected(path: Path, names: dict[str, str]) -> dict[str, int]:
    """Each municipality's "Väntat antal barn", the last figure of its row in the PDF's text."""
    text = " ".join(_pdf_pages(path))
    found = {}
    for code, name in names.items():
        match = re.search(rf"{code} {re.escape(name)}(?: \(ändrad\))?((?: [+−]?[\d ]*\d,\d\d)+)"
                          r" (\d+)\b", text)
        assert match, (path.name, code, name)
        found[code] = int(match.group(2))
    return found


def test_the_pdf_and_the_site_expect_the_same_children_for_every_municipality(history):
    """The PDF's column against the site's own forecast of the same scenario of the one
    prognosis, made at the start of each share year (31 December before, nothing assigned)."""
    from pipeline.goals.prognosis import load_national_prognosis
    from pipeline.site.fulfilment import forecast_scenarios, fulfilment_on
    from pipeline.site.prognosis import load_prognosis
    from pipeline.site.publications import read_publications
    from pipeline.site.upstream import load_register, read_ledger

    register = load_register(DATA / "reference" / "municipalities.csv")
    names = dict(zip(register["municipality_code"], register["municipality_name"], strict=True))
    ledger = read_ledger(DATA / "ledger" / "assignments.csv", list(names), date(2026, 12, 31))
    publications = read_publications(history.out, set(names))
    scenario = load_national_prognosis(DATA / "prognosis.toml").planning_scenario
    for year in YEARS:
        start = date(year - 1, 12, 31)
        current = fulfilment_on(ledger.filter(pl.col("date") <= start), publications[year],
                                register, start)
        site = next(s for s in forecast_scenarios(current, load_prognosis(
            DATA / "prognosis.toml", year), 0, publications[year].decimals) if s.key == scenario)
        pdf = _pdf_expected(history.out / str(year) / f"shares_{year}.pdf", names)
        assert pdf == {code: int(n) for code, n in site.expected.items()}, year
        assert sum(pdf.values()) == site.national, year



# --- every draft is MODEL.md's calculation on the inputs it names ----------------------------

def _draft(out: Path, year: int) -> list[dict[str, str]]:
    with (out / str(year) / f"draft_shares_{year}.csv").open(encoding="utf-8",
                                                             newline="") as handle:
        return list(csv.DictReader(handle))


def _model_units(rows: list[dict[str, str]], days: int) -> dict[str, int]:
    """MODEL.md steps 1-5 with the standard parameters (weights 1, alpha 1/2, floor 1.00 per
    mille, 2 decimals), exactly in fractions: shares in units of 0.01 per mille."""
    people = {r["municipality_code"]: int(r["population"]) for r in rows}
    reception = {r["municipality_code"]: int(r["newcomers_settled"]) + int(r["minors_received"])
                 + Fraction(int(r["asylum_housing_days"]) + int(r["minor_arrival_housing_days"]),
                            days) for r in rows}
    p = {k: Fraction(v, sum(people.values())) for k, v in people.items()}
    r = {k: v / sum(reception.values()) for k, v in reception.items()}
    a = {k: max(Fraction(0), p[k] + (p[k] - r[k]) / 2) for k in p}
    floor, fixed = Fraction(1, 1000), set()
    while True:  # water-filling: fix at the floor whoever falls below it, rescale the rest
        c = (1 - len(fixed) * floor) / sum(a[k] for k in a if k not in fixed)
        below = {k for k in a if k not in fixed and c * a[k] < floor}
        if not below:
            break
        fixed |= below
    units = {k: (floor if k in fixed else c * a[k]) * 100_000 for k in a}
    whole = {k: u.numerator // u.denominator for k, u in units.items()}
    rest = sorted(units, key=lambda k: (-(units[k] - whole[k]), k))
    for k in rest[:100_000 - sum(whole.values())]:
        whole[k] += 1
    return whole


@pytest.mark.parametrize("year", YEARS)
def test_every_draft_is_the_model_on_its_inputs(history, year):
    rows = _draft(history.out, year)
    reference = year - 2
    days = 366 if calendar.isleap(reference) else 365
    expected = _model_units(rows, days)
    assert {r["municipality_code"]: int(Decimal(r["share_promille"]) * 100) for r in rows} \
        == expected


def _names_key(name: str) -> str:
    return name.casefold().replace("-", " ")


def test_share_year_2020_uses_migrationsverkets_real_n_and_e_for_all_290(history):
    with (DATA / "reference" / "municipalities.csv").open(encoding="utf-8") as handle:
        codes = {_names_key(r["municipality_name"]): r["municipality_code"]
                 for r in csv.DictReader(handle)}
    real = {}
    text = (DATA / "sources" / "migrationsverket_kommunmottagna_2018.csv").read_text("utf-8-sig")
    for cells in csv.reader(text.splitlines(), delimiter=";"):
        if len(cells) == 15 and _names_key(cells[2]) in codes:
            real[codes[_names_key(cells[2])]] = tuple(int(c.replace(" ", "") or 0)
                                                      for c in cells[-2:])
    assert len(real) == 290
    drafted = {r["municipality_code"]: (int(r["newcomers_settled"]), int(r["minors_received"]))
               for r in _draft(history.out, 2020)}
    assert drafted == real
    manifest = _manifest(history.out, 2020)
    inputs = {item["name"]: item for item in manifest["inputs"]}
    for name in ("newcomers_settled", "minors_received"):
        assert inputs[name]["path"].endswith("2018/kommunmottagna.csv")
        assert not inputs[name]["illustrative"]


def _b_by_hand(reference: int) -> Counter[str]:
    """B from the shipped register with the csv module: the days of the year from arrival to the
    transfer, the assignment date where the child arrived where it was assigned, or the end of
    the year for a child not yet transferred."""
    with (DATA / "ledger" / "transfers.csv").open(encoding="utf-8", newline="") as handle:
        transferred = {r["assignment_id"]: date.fromisoformat(r["transfer_date"])
                       for r in csv.DictReader(handle)}
    first, after = date(reference, 1, 1), date(reference + 1, 1, 1)
    days: Counter[str] = Counter()
    with (DATA / "ledger" / "assignments.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            where = r["arrival_municipality_code"]
            own = date.fromisoformat(r["date"]) if where == r["municipality_code"] else after
            end = min(transferred.get(r["assignment_id"], own), after)
            days[where] += max(0, (end - max(date.fromisoformat(r["arrival_date"]), first)).days)
    return days


@pytest.mark.parametrize("year", [y for y in YEARS if y - 2 >= 2016])
def test_b_is_the_registers_own_outcome_from_2016_on(history, year):
    by_hand = _b_by_hand(year - 2)
    drafted = {r["municipality_code"]: int(r["minor_arrival_housing_days"])
               for r in _draft(history.out, year)}
    assert drafted == {code: by_hand[code] for code in drafted}
    b = next(item for item in _manifest(history.out, year)["inputs"]
             if item["name"] == "minor_arrival_housing_days")
    assert b["path"].endswith("ledger/assignments.csv")
    assert "Migrationsverkets anvisningsregister" in b["description"]
    hashes = {name: hashlib.sha256((DATA / "ledger" / f"{name}.csv").read_bytes()).hexdigest()
              for name in ("assignments", "transfers")}
    both = "".join(f"{name}\0{digest}\n" for name, digest in hashes.items())
    assert b["sha256"] == hashlib.sha256(both.encode()).hexdigest()
