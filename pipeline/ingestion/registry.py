"""The registry of input statistics: the one list everything else is derived from.

Each statistic of MODEL.md ("Inputs") is one entry: its name (the file stem in
`data/statistics/<R>/`, the warehouse table, the column of the model basis and of the draft CSV),
its Swedish heading for the review workbooks and public editions, its unit, and — for reception —
the name of its weight parameter in `data/parameters.toml`. Population is the share's base; every
other statistic is reception, counted in person-years (days divided by the days of the year).

A statistic is read from its own file, in one of its `suffixes`, or — where the publisher's own
table holds it (`table`, `table_column`) — from that table kept as published: Migrationsverket's
settlement statistic (kommunmottagna) holds both N, its `Totalt`, and E, the `Totalt` of its
"varav ensamk barn", in one file. The publishers' formats are SCB's PxWeb export and a code and
name table (pipeline/ingestion/readers.py), and Migrationsverket's settlement table
(pipeline/ingestion/migrationsverket.py).

Adding a statistic is one entry here, its files under `data/statistics/<R>/` and its weight in
`data/parameters.toml`; the warehouse tables, the share basis SQL, the model, the draft CSV, the
review workbooks, the Dagster assets and the parameter validation follow from this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

POPULATION = "population"


@dataclass(frozen=True)
class PublishedTable:
    """A publisher's own table holding several statistics, in data/statistics/<R>/ as
    `<stem>.csv` or `<stem>.xlsx`."""

    stem: str
    publisher: str


SETTLEMENT = PublishedTable("kommunmottagna", "Migrationsverket, kommunmottagna enligt "
                            "ersättningsförordningen")


@dataclass(frozen=True)
class Statistic:
    name: str
    swedish: str  # heading a county board reads
    unit: Literal["persons", "days"]
    description: str
    weight: str | None = None  # the weight parameter of a reception statistic
    suffixes: tuple[str, ...] = (".csv", ".xlsx")  # the file formats its publisher sends
    table: PublishedTable | None = None  # a publisher's table that may hold it instead
    table_column: str | None = None  # its column there
    # From this reference year on computed from the agency's register by sql/<register_sql>.sql
    # (MODEL.md, "The case register"), not read from a file.
    register_since: int | None = None
    register_sql: str | None = None

    @property
    def is_reception(self) -> bool:
        return self.name != POPULATION


STATISTICS: tuple[Statistic, ...] = (
    Statistic(POPULATION, "Folkmängd", "persons",
              "Population (folkmängd) on 31 December of the reference year, SCB.",
              suffixes=(".csv",)),
    Statistic("newcomers_settled", "Nyanlända", "persons",
              "Newcomers with residence permits received for settlement during the year "
              "(Migrationsverket's kommunmottagna, its total).",
              weight="weight_newcomers", table=SETTLEMENT, table_column="Totalt"),
    Statistic("minors_received", "Ensamkommande barn", "persons",
              "Unaccompanied minors received for settlement during the year (Migrationsverket's "
              "kommunmottagna, the total's \"varav ensamkommande barn\").",
              weight="weight_minors", table=SETTLEMENT,
              table_column="Totalt, varav ensamk barn"),
    Statistic("asylum_housing_days", "Boendedygn asylsökande", "days",
              "Housing days of asylum seekers in the agency's reception system within the "
              "municipality's borders during the year.",
              weight="weight_asylum_days"),
    Statistic("minor_arrival_housing_days", "Boendedygn ankomstkommun", "days",
              "Housing days of unaccompanied minors who had the municipality as arrival "
              "municipality during the year; from 2016 on computed from the register.",
              weight="weight_arrival_days", register_since=2016,
              register_sql="arrival_housing_days"),
)

INPUT_COLUMNS: tuple[str, ...] = tuple(s.name for s in STATISTICS)
RECEPTION: tuple[Statistic, ...] = tuple(s for s in STATISTICS if s.is_reception)
WEIGHT_PARAMETERS: tuple[str, ...] = tuple(s.weight for s in RECEPTION if s.weight)
