"""Goal fulfilment for the site, by the project's model (pipeline.goals.fulfilment): on the site's
date and each past 31 December, assignments per year, and the prognosis scenarios' forecast."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipeline.site.inputs import Prognosis, Publication, Scenario, YearEnd
from pipeline.site.prognosis import SCENARIOS
from pipeline.site.upstream import CONNECTION, EQUALISING, forecast_table, fulfilment_table


def _share_frame(publication: Publication, register: pl.DataFrame) -> pl.DataFrame:
    return register.select("municipality_code", "municipality_name", "county_code").with_columns(
        share_units=pl.col("municipality_code").replace_strict(publication.shares,
                                                               return_dtype=pl.Int64))


def fulfilment_on(ledger: pl.DataFrame, publication: Publication, register: pl.DataFrame,
                  when: date) -> pl.DataFrame:
    return fulfilment_table(ledger, _share_frame(publication, register), when,
                            publication.decimals)


def year_end(ledger: pl.DataFrame, publication: Publication, register: pl.DataFrame,
             when: date, table: pl.DataFrame | None = None) -> YearEnd:
    table = fulfilment_on(ledger, publication, register, when) if table is None else table
    codes = table["municipality_code"].to_list()
    return YearEnd(when=when, share_year=publication.year, total=int(table["assigned"].sum()),
                   assigned=dict(zip(codes, table["assigned"], strict=True)),
                   fulfilment_pct=dict(zip(codes, table["fulfilment_pct"], strict=True)))


def yearly_counts(ledger: pl.DataFrame,
                  codes: list[str]) -> dict[str, dict[int, tuple[int, int]]]:
    """Assignments per municipality and calendar year: (equalising, connection)."""
    counts = (ledger.group_by("municipality_code", pl.col("date").dt.year().alias("year"))
              .agg(equalising=(pl.col("kind") == EQUALISING).sum(),
                   connection=(pl.col("kind") == CONNECTION).sum()))
    result: dict[str, dict[int, tuple[int, int]]] = {code: {} for code in codes}
    for code, year, equalising, connection in counts.iter_rows():
        result[code][int(year)] = (int(equalising), int(connection))
    return result


def forecast_scenarios(current: pl.DataFrame, prognosis: Prognosis, this_year: int,
                       decimals: int) -> list[Scenario]:
    """Each scenario's national number less what is already assigned this year is forecast as
    equalising assignments by the project's forecast (pipeline.goals.fulfilment), not share × N."""
    result = []
    for key in SCENARIOS:
        national = prognosis.children[key]
        remaining = max(0, national - this_year)
        table = forecast_table(current, remaining, decimals)
        codes = table["municipality_code"].to_list()
        result.append(Scenario(key=key, national=national, remaining=remaining,
                               expected=dict(zip(codes, table["expected"], strict=True)),
                               fulfilment_after=dict(zip(codes, table["fulfilment_pct"],
                                                         strict=True))))
    return result

