"""Generate the illustrative assignment ledger data/ledger/assignments.csv by replaying arrivals
through the assignment rule itself.

    make run                                             # the published tables 2017–2026 in out/
    .venv/bin/python scripts/generate_ledger.py [--out-dir out] [--seed 20160401]

Seeded arrivals from FIRST_ARRIVAL (2016-04-01) to LAST_ARRIVAL (2026-11-26), one assignment
each, are replayed in date order through `pipeline.goals.service.assign_one`, the function
`anvisning assign` chooses with, in one buffered session of the locked ledger. The shares in
force on a date are the published table of that date's year, read from the history's output
folder (`read_published_shares`); before the first table of the history takes effect
(2016-04-01 – 2016-12-31) share year 2017's table is used.

* Yearly totals, YEARLY_TOTALS: full calendar years. 2016–2022 are SCB's national counts of
  asylum-seeking unaccompanied children; 2023 and 2024 the chosen figures of data/statistics;
  2025 and 2026 chosen here. A year the ledger covers only in part (2016 from 1 April, 2026 up to
  26 November) gets the full-year total times the part's share of the year's seasonal weight,
  rounded half up: 2 199 × 0.8108 → 1 783 in 2016, 400 × 0.9219 → 369 in 2026.
* Seasonality, MONTHLY_PROFILE: a relative arrival rate per day in each month (arrivals peak in
  late summer and autumn). Each arrival's date is drawn from the year's days with probability
  proportional to its month's rate.
* Kind: an arrival is a connection assignment (anknytning) with probability
  CONNECTION_PROBABILITY, to a municipality drawn with probability ∝ population^1.2 (31 December
  2024, data/statistics/2024/population.csv): children's ties are mostly to large
  municipalities, more than in proportion to their size. Otherwise it is an equalising
  assignment chosen by the rule on all assignments since 2016 dated up to that day.

It also writes data/ledger/generator_shares.csv (share_year, municipality_code, share_units):
a compact copy of the ten published tables the ledger was chosen with, which the tests replay it
against. The same published tables and seed give the same files byte for byte.
"""

from __future__ import annotations

import argparse
import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from pipeline.core.layout import Layout
from pipeline.goals.ledger import empty_ledger, locked_ledger, read_ledger, write_ledger
from pipeline.goals.service import assign_one
from pipeline.ingestion.register import load_register
from pipeline.publication.store import read_published_shares

ROOT = Path(__file__).resolve().parents[1]
SEED = 20160401
FIRST_ARRIVAL = date(2016, 4, 1)
LAST_ARRIVAL = date(2026, 11, 26)
FIRST_SHARE_YEAR, LAST_SHARE_YEAR = 2017, 2026
CONNECTION_PROBABILITY = 0.10
CONNECTION_EXPONENT = 1.2
YEARLY_TOTALS = {
    2016: 2199, 2017: 1336, 2018: 944, 2019: 902, 2020: 500, 2021: 507, 2022: 630,
    2023: 560, 2024: 480, 2025: 430, 2026: 400,
}
# Relative arrivals per day, January … December.
MONTHLY_PROFILE = (0.8, 0.7, 0.8, 0.9, 1.0, 1.0, 1.1, 1.3, 1.4, 1.3, 1.0, 0.8)


def share_year_in_force(when: date) -> int:
    return min(max(when.year, FIRST_SHARE_YEAR), LAST_SHARE_YEAR)


def arrival_dates(rng: np.random.Generator, year: int) -> list[date]:
    """The year's arrivals within FIRST_ARRIVAL..LAST_ARRIVAL, seasonal, sorted."""
    days = [date(year, 1, 1) + timedelta(days=i)
            for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]
    weights = np.array([MONTHLY_PROFILE[d.month - 1] for d in days])
    inside = np.array([FIRST_ARRIVAL <= d <= LAST_ARRIVAL for d in days])
    count = int(YEARLY_TOTALS[year] * weights[inside].sum() / weights.sum() + 0.5)
    covered = [d for d, keep in zip(days, inside, strict=True) if keep]
    p = weights[inside] / weights[inside].sum()
    return sorted(covered[i] for i in rng.choice(len(covered), size=count, p=p))


def connection_weights(population_csv: Path, codes: list[str]) -> np.ndarray:
    """Probability ∝ population^CONNECTION_EXPONENT, from SCB's PxWeb export
    ("0114 Upplands Väsby";"50 323")."""
    population = {}
    with population_csv.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if len(row) >= 2 and row[0][:4].isdigit():
                population[row[0][:4]] = int(row[1].replace(" ", "").replace("\u00a0", ""))
    if sorted(population) != sorted(codes):
        raise SystemExit(f"{population_csv}: expected the population of all {len(codes)} "
                         "municipalities")
    weights = np.array([population[c] for c in codes], dtype=float) ** CONNECTION_EXPONENT
    return weights / weights.sum()


def published_tables(layout: Layout) -> dict[int, dict[str, int]]:
    tables = {}
    for year in range(FIRST_SHARE_YEAR, LAST_SHARE_YEAR + 1):
        shares, _ = read_published_shares(layout.year_out(year), year)
        tables[year] = dict(zip(shares["municipality_code"], shares["share_units"], strict=True))
    return tables


def replay(ledger_path: Path, codes: list[str], tables: dict[int, dict[str, int]],
           weights: np.ndarray, seed: int) -> int:
    """Replay every arrival into a new ledger at `ledger_path`; returns the number written."""
    rng = np.random.default_rng(seed)
    write_ledger(ledger_path, empty_ledger())
    written = 0
    with locked_ledger(ledger_path, codes, LAST_ARRIVAL, buffered=True) as session:
        for year in YEARLY_TOTALS:
            for when in arrival_dates(rng, year):
                connection = None
                if rng.random() < CONNECTION_PROBABILITY:
                    connection = codes[rng.choice(len(codes), p=weights)]
                assign_one(session, when, connection, tables[share_year_in_force(when)])
                written += 1
    return written


def write_generator_shares(path: Path, tables: dict[int, dict[str, int]]) -> None:
    lines = ["share_year,municipality_code,share_units"]
    lines += [f"{year},{code},{units}" for year, table in sorted(tables.items())
              for code, units in sorted(table.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "out",
                        help="the history's output folder with the published tables")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    layout = Layout(args.data_dir, args.out_dir)
    codes = load_register(layout.register)["municipality_code"].to_list()
    tables = published_tables(layout)
    weights = connection_weights(layout.statistics_folder(2024) / "population.csv", codes)
    written = replay(layout.ledger, codes, tables, weights, args.seed)
    write_generator_shares(layout.ledger.parent / "generator_shares.csv", tables)
    check = read_ledger(layout.ledger, codes, LAST_ARRIVAL)
    print(f"wrote {written} assignments ({check.height} read back) to {layout.ledger}")


if __name__ == "__main__":
    main()
