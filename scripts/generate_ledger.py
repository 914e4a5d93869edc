"""Generate the illustrative register (anvisningsregistret) data/ledger/assignments.csv and
transfers.csv by replaying arrivals through the assignment rule itself.

    make run                                             # the published tables 2017–2026 in out/
    .venv/bin/python scripts/generate_ledger.py [--out-dir out] [--seed 20160401]
    .venv/bin/python scripts/generate_ledger.py --build-history --out-dir /tmp/out  # bootstrap

B, the minors' housing days by arrival municipality, is computed from the register from reference
year 2016 on, so share year Y's table depends on the register up to the end of Y − 2 and the
register's assignments in Y are chosen with that table. `--build-history` builds each share year
(scripts/build_history.py) just before its first assignment, on the register as replayed so far,
which holds every child who arrived by the end of Y − 2 (a child waits at most WAIT_CAP days).
Without it, the replay reads the published tables of a history already built from the shipped
register, and gives that register back byte for byte.

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
* Arrival municipality (ankomstkommun), ARRIVAL_HUBS: three quarters of the children make
  themselves known where they really do — the large cities (Malmö, Stockholm, Göteborg), the
  ports of entry (Trelleborg, Helsingborg, Ystad, Karlskrona, Nynäshamn) and Sigtuna, which holds
  Arlanda airport; the rest anywhere, ∝ population.
* Time in the arrival municipality's temporary care, in whole days, log-normal: from arrival to
  assignment (median WAIT_MEDIAN, at most WAIT_CAP) and from assignment to transfer (median
  HANDOVER_MEDIAN, at most HANDOVER_CAP). Both are longer for the assignments of 2016 (the
  aftermath of 2015's arrivals: about a month in all) than later (about a week and a half).
  A transfer is recorded only where the arrival municipality is not the assigned one (else the
  assignment records it) and only if it falls on or before LAST_ARRIVAL: the children assigned
  in the last days are not yet transferred. These draws come from their own seeded stream, so
  the dates and kinds of the assignments are those of the earlier register without arrivals.

It also writes data/ledger/generator_shares.csv (share_year, municipality_code, share_units):
a compact copy of the ten published tables the ledger was chosen with, which the tests replay it
against. The same published tables and seed give the same files byte for byte.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from build_history import build

from pipeline.core.files import write_atomically
from pipeline.core.layout import Layout
from pipeline.goals.ledger import (
    Arrival,
    LedgerSession,
    empty_ledger,
    locked_ledger,
    write_ledger,
)
from pipeline.goals.register import TRANSFER_HEADER, read_register, transfers_path
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
# Where children make themselves known (share of all arrivals); the rest ∝ population.
ARRIVAL_HUBS = {
    "1280": 0.22,  # Malmö: the Öresund bridge and the trains from Copenhagen
    "0180": 0.18,  # Stockholm
    "1480": 0.10,  # Göteborg: the city and the ferries from Kiel and Frederikshavn
    "0191": 0.08,  # Sigtuna: Arlanda airport
    "1287": 0.06,  # Trelleborg: the ferries from Germany and Poland
    "1283": 0.04,  # Helsingborg: the ferries from Helsingør
    "1286": 0.02,  # Ystad: the ferries from Poland
    "1080": 0.02,  # Karlskrona: the ferry from Gdynia
    "0192": 0.02,  # Nynäshamn: the ferries from Gdańsk and Ventspils
}
# Days in temporary care (median, cap) by the assignment's year: 2016, then later years.
WAIT_MEDIAN, WAIT_CAP = {2016: 20, "later": 4}, {2016: 90, "later": 30}
HANDOVER_MEDIAN, HANDOVER_CAP = {2016: 10, "later": 7}, {2016: 60, "later": 30}
DAYS_SIGMA = 0.6


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


def connection_weights(population_csv: Path, codes: list[str],
                       exponent: float = CONNECTION_EXPONENT) -> np.ndarray:
    """Probability ∝ population^exponent, from SCB's PxWeb export
    ("0114 Upplands Väsby";"50 323")."""
    population = {}
    with population_csv.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if len(row) >= 2 and row[0][:4].isdigit():
                population[row[0][:4]] = int(row[1].replace(" ", "").replace("\u00a0", ""))
    if sorted(population) != sorted(codes):
        raise SystemExit(f"{population_csv}: expected the population of all {len(codes)} "
                         "municipalities")
    weights = np.array([population[c] for c in codes], dtype=float) ** exponent
    return weights / weights.sum()


def arrival_weights(population: np.ndarray, codes: list[str]) -> np.ndarray:
    """Probability of each municipality being the arrival municipality (ARRIVAL_HUBS)."""
    weights = population / population.sum() * (1 - sum(ARRIVAL_HUBS.values()))
    for code, share in ARRIVAL_HUBS.items():
        weights[codes.index(code)] += share
    return weights / weights.sum()


def days(rng: np.random.Generator, median: int, cap: int) -> int:
    return int(min(cap, round(rng.lognormal(np.log(median), DAYS_SIGMA))))


def published_table(layout: Layout, year: int) -> dict[str, int]:
    shares, _ = read_published_shares(layout.year_out(year), year)
    return dict(zip(shares["municipality_code"], shares["share_units"], strict=True))


class Replay:
    """The arrivals replayed into a new register; `tables` are the share tables they were chosen
    with, fetched by `table_for` when a share year is first needed."""

    def __init__(self, ledger_path: Path, codes: list[str], weights: tuple[np.ndarray, np.ndarray],
                 seed: int, table_for: Callable[[int], dict[str, int]]) -> None:
        self.ledger_path, self.codes = ledger_path, codes
        self.connection_weights, self.arrival_weights = weights
        self.seed, self.table_for = seed, table_for
        self.tables: dict[int, dict[str, int]] = {}
        self.transfers: list[tuple[date, str]] = []
        self.session: LedgerSession | None = None  # while `run` holds the register's lock

    def run(self) -> int:
        """Replay every arrival; returns the number of assignments written."""
        rng = np.random.default_rng(self.seed)
        arrivals = np.random.default_rng([self.seed, 1])  # its own stream: see the docstring
        write_ledger(self.ledger_path, empty_ledger())
        self.write_transfers()
        written = 0
        with locked_ledger(self.ledger_path, self.codes, LAST_ARRIVAL,
                           buffered=True) as session:
            self.session = session
            for year in YEARLY_TOTALS:
                for when in arrival_dates(rng, year):
                    connection = None
                    if rng.random() < CONNECTION_PROBABILITY:
                        connection = self.codes[rng.choice(len(self.codes),
                                                           p=self.connection_weights)]
                    self.assign(session, arrivals, when, connection)
                    written += 1
        self.write_transfers()
        return written

    def assign(self, session: LedgerSession, arrivals: np.random.Generator, when: date,
               connection: str | None) -> None:
        period = 2016 if when.year == 2016 else "later"
        where = self.codes[arrivals.choice(len(self.codes), p=self.arrival_weights)]
        arrived = when - timedelta(days=days(arrivals, WAIT_MEDIAN[period], WAIT_CAP[period]))
        handover = days(arrivals, HANDOVER_MEDIAN[period], HANDOVER_CAP[period])
        year = share_year_in_force(when)
        if year not in self.tables:
            self.tables[year] = self.table_for(year)
        code, _, assignment_id = assign_one(session, when, connection, self.tables[year],
                                            Arrival(arrived, where))
        transferred = when + timedelta(days=handover)
        if code != where and transferred <= LAST_ARRIVAL:
            self.transfers.append((transferred, assignment_id))

    def write_transfers(self) -> None:
        """The transfers so far, in the order they happened (append-only events)."""
        lines = [TRANSFER_HEADER] + [f"{i},{d.isoformat()}" for d, i in sorted(self.transfers)]
        write_atomically(transfers_path(self.ledger_path), ("\n".join(lines) + "\n").encode())


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
    parser.add_argument("--build-history", action="store_true",
                        help="build each share year into --out-dir just before it is needed, "
                        "on the register replayed so far (needs DAGSTER_HOME and "
                        "ANVISNING_WAREHOUSE)")
    args = parser.parse_args()
    layout = Layout(args.data_dir, args.out_dir)
    codes = load_register(layout.register)["municipality_code"].to_list()
    population_csv = layout.statistics_folder(2024) / "population.csv"
    weights = connection_weights(population_csv, codes)
    population = connection_weights(population_csv, codes, exponent=1.0)
    replay: Replay

    def table_for(year: int) -> dict[str, int]:
        if args.build_history:
            replay.session.flush()
            replay.write_transfers()
            build(layout, range(year, year + 1))
        return published_table(layout, year)

    replay = Replay(layout.ledger, codes, (weights, arrival_weights(population, codes)),
                    args.seed, table_for)
    written = replay.run()
    write_generator_shares(layout.ledger.parent / "generator_shares.csv", replay.tables)
    check = read_register(layout.ledger, codes, LAST_ARRIVAL)
    print(f"wrote {written} assignments ({check.assignments.height} read back) and "
          f"{check.transfers.height} transfers to {layout.ledger.parent}")


if __name__ == "__main__":
    main()
