"""What a statistician checks before the December decision, as small tables: the largest changes
against the previous year, the county totals, the spread of shares, the agreements applied.

Plain polars frames with Swedish headings and promille as exact decimal text; the Dagster layer
shows them as Markdown in the assets' metadata.
"""

from __future__ import annotations

import polars as pl

from pipeline.presentation.formats import PLAIN

LISTED = 15


def largest_changes(table: pl.DataFrame, decimals: int, label: str, previous_label: str,
                    before: str = "previous_units", change: str = "change_units",
                    extra: tuple[str, ...] = ()) -> pl.DataFrame:
    """The municipalities whose share moved most: `table` is a `ShareChange.table`; the share
    `label` is its share_units, `previous_label` its `before` column, the move its `change`
    column (by default the change from the previous share year); `extra` are text columns of
    `table` shown as they are after those (the main cause of each change)."""
    if table[before].null_count() == table.height:
        return pl.DataFrame({"": [f"ingen {previous_label} att jämföra med"]})
    top = table.sort(pl.col(change).abs(), "municipality_code", descending=[True, False],
                     nulls_last=True).head(LISTED)
    return pl.DataFrame({
        "Kommun": [f"{c} {n}" for c, n in zip(top["municipality_code"],
                                                top["municipality_name"], strict=True)],
        "Län": top["county_name"],
        f"{previous_label} ‰": [PLAIN.fixed(v, decimals) for v in top[before]],
        f"{label} ‰": [PLAIN.fixed(v, decimals) for v in top["share_units"]],
        "Förändring ‰": [PLAIN.fixed(v, decimals, signed=True) for v in top[change]],
        **{column: top[column] for column in extra},
    })


def county_totals(table: pl.DataFrame, decimals: int) -> pl.DataFrame:
    """Each county's number of municipalities, total share and its change from the previous
    share year, from a `ShareChange.table`: the sum of its municipalities' changes ("–" when
    none of them had a share that year)."""
    totals = (table.group_by("county_code", "county_name", maintain_order=True)
              .agg(pl.len().alias("n"), pl.col("share_units").sum().alias("units"),
                   pl.col("change_units").sum().alias("change"),
                   pl.col("change_units").is_not_null().any().alias("compared"))
              .sort("county_code"))
    return pl.DataFrame({
        "Län": [f"{c} {n}" for c, n in zip(totals["county_code"], totals["county_name"],
                                           strict=True)],
        "Kommuner": totals["n"],
        "Andel ‰": [PLAIN.fixed(u, decimals) for u in totals["units"]],
        "Förändring ‰": [PLAIN.fixed(change, decimals, signed=True) if compared else "–"
                         for change, compared in zip(totals["change"], totals["compared"],
                                                     strict=True)],
    })


def spread(current: pl.DataFrame, decimals: int, floor_units: int) -> pl.DataFrame:
    """The distribution of shares: smallest, tenth percentile, median, ninetieth, largest, and
    how many sit at the floor."""
    units = current["share_units"].sort()
    n = units.len()

    def at(q: float) -> int:
        return int(units[min(n - 1, int(q * (n - 1) + 0.5))])

    return pl.DataFrame({
        "Mått": ["minsta", "10:e percentilen", "median", "90:e percentilen", "största",
                 "vid golvet"],
        "Andel ‰": [*(PLAIN.fixed(at(q), decimals) for q in (0, 0.1, 0.5, 0.9, 1)),
                    f"{int((units == floor_units).sum())} kommuner"],
    })


def agreements_applied(agreements: pl.DataFrame, names: dict[str, str],
                       decimals: int) -> pl.DataFrame:
    """Agreements (giver_code, receiver_code, amount_units, approved_on, reference) with names."""
    if agreements.is_empty():
        return pl.DataFrame({"": ["inga omfördelningar"]})
    return pl.DataFrame({
        "Givande kommun": [f"{c} {names.get(c, '')}" for c in agreements["giver_code"]],
        "Mottagande kommun": [f"{c} {names.get(c, '')}" for c in agreements["receiver_code"]],
        "Andel ‰": [PLAIN.fixed(u, decimals) for u in agreements["amount_units"]],
        "Beslutad": [d.isoformat() for d in agreements["approved_on"]],
        "Diarienummer": agreements["reference"],
    })
