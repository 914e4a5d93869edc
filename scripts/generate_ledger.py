"""Generate the illustrative assignment ledger data/ledger/assignments.csv.

Every assignment from 2016-01-01 to 2026-11-26, yearly totals in YEARLY_TOTALS, dates drawn
uniformly within each year and sorted. Each assignment is a connection assignment with probability
CONNECTION_PROBABILITY (to a municipality drawn in proportion to population, or uniformly without
a population file); otherwise it is an equalising assignment chosen by the rule itself
(`next_equalising` on the running counts since 2016 and that year's shares).

    .venv/bin/python scripts/generate_ledger.py [--shares SHARES.csv] [--seed 20160101]

SHARES.csv has municipality_code, share_units and optionally share_year; without share_year one
table serves every year; with it, a year without a table uses the nearest year that has one.
Without --shares every year uses equal shares (largest remainder, lower codes first).
"""

from __future__ import annotations

import argparse
import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from pipeline.core.units import total_units
from pipeline.goals.fulfilment import next_equalising
from pipeline.goals.ledger import CONNECTION, EQUALISING, LEDGER_SCHEMA, read_ledger, write_ledger
from pipeline.ingestion.register import load_register

ROOT = Path(__file__).resolve().parents[1]
SEED = 20160101
LAST_DATE = date(2026, 11, 26)
CONNECTION_PROBABILITY = 0.15
# 2016–2022: SCB's national counts of unaccompanied asylum-seeking children; 2023–2026 are
# illustrative guesses (2026 through 26 November).
YEARLY_TOTALS = {
    2016: 2199, 2017: 1336, 2018: 944, 2019: 902, 2020: 500, 2021: 507, 2022: 630,
    2023: 620, 2024: 480, 2025: 430, 2026: 370,
}


def equal_shares(codes: list[str]) -> dict[str, int]:
    base, extra = divmod(total_units(2), len(codes))
    return {code: base + (i < extra) for i, code in enumerate(sorted(codes))}


def read_shares(path: Path, codes: list[str]) -> dict[int | None, dict[str, int]]:
    """Share tables by share year (key None: one table for every year)."""
    frame = pl.read_csv(path, schema_overrides={"municipality_code": pl.String})
    by_year = frame.partition_by("share_year", as_dict=True) if "share_year" in frame.columns \
        else {(None,): frame}
    tables = {}
    for (year,), table in by_year.items():
        shares = dict(zip(table["municipality_code"], table["share_units"], strict=True))
        if sorted(shares) != sorted(codes) or sum(shares.values()) != total_units(2):
            raise SystemExit(f"{path}: the table of {year or 'every year'} must list all "
                             f"{len(codes)} municipalities once and sum to {total_units(2)} units")
        tables[year] = shares
    return tables


def shares_for(tables: dict[int | None, dict[str, int]], year: int) -> dict[str, int]:
    if None in tables:
        return tables[None]
    return tables[min(tables, key=lambda y: (abs(y - year), y))]


def population_weights(path: Path, codes: list[str]) -> np.ndarray:
    """Population shares from SCB's PxWeb export ("0114 Upplands Väsby";"50 323"), or uniform."""
    if not path.is_file():
        return np.full(len(codes), 1 / len(codes))
    population = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if len(row) >= 2 and row[0][:4].isdigit():
                population[row[0][:4]] = int(row[1].replace(" ", "").replace("\u00a0", ""))
    if sorted(population) != sorted(codes):
        raise SystemExit(f"{path}: expected the population of all {len(codes)} municipalities")
    weights = np.array([population[c] for c in codes], dtype=float)
    return weights / weights.sum()


def assignment_dates(rng: np.random.Generator, year: int, count: int) -> list[date]:
    first = date(year, 1, 1)
    last = min(date(year, 12, 31), LAST_DATE)
    offsets = np.sort(rng.integers(0, (last - first).days + 1, size=count))
    return [first + timedelta(days=int(d)) for d in offsets]


def generate(
    codes: list[str], tables: dict[int | None, dict[str, int]], weights: np.ndarray, seed: int
) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    counts = dict.fromkeys(codes, 0)
    rows: list[tuple[date, str, str]] = []
    for year, total in YEARLY_TOTALS.items():
        shares = shares_for(tables, year)
        for when in assignment_dates(rng, year, total):
            if rng.random() < CONNECTION_PROBABILITY:
                code, kind = codes[rng.choice(len(codes), p=weights)], CONNECTION
            else:
                code, kind = next_equalising(counts, shares), EQUALISING
            counts[code] += 1
            rows.append((when, code, kind))
    ids = [f"A{i:07d}" for i in range(1, len(rows) + 1)]
    dates, municipalities, kinds = zip(*rows, strict=True)
    return pl.DataFrame([ids, list(dates), list(municipalities), list(kinds)],
                        schema=LEDGER_SCHEMA, orient="col")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=Path, help="CSV: municipality_code, share_units"
                        "[, share_year]; default equal shares")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--population", type=Path,
                        default=ROOT / "data/statistics/2024/population.csv")
    parser.add_argument("--out", type=Path, default=ROOT / "data/ledger/assignments.csv")
    args = parser.parse_args()
    codes = load_register(ROOT / "data/reference/municipalities.csv")["municipality_code"]
    codes = codes.to_list()
    tables = read_shares(args.shares, codes) if args.shares else {None: equal_shares(codes)}
    ledger = generate(codes, tables, population_weights(args.population, codes), args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_ledger(args.out, ledger)
    check = read_ledger(args.out, codes, LAST_DATE)
    print(f"wrote {check.height} assignments to {args.out}")


if __name__ == "__main__":
    main()
