"""What a statistician checks before the December decision, as small tables: the largest changes
against the previous year, the county totals, the spread of shares, the agreements applied.

Plain polars frames with Swedish headings and promille as exact decimal text; the Dagster layer
shows them as Markdown in the assets' metadata.
"""

from __future__ import annotations

import polars as pl

from pipeline.presentation.formats import PLAIN

LISTED = 15


def largest_changes(current: pl.DataFrame, previous: pl.DataFrame | None, decimals: int,
                    label: str, previous_label: str) -> pl.DataFrame:
    """The municipalities whose share moved most against `previous` (code, share_units);
    `current` has municipality_code, municipality_name, county_name and share_units."""
    if previous is None or previous.is_empty():
        return pl.DataFrame({"": [f"ingen {previous_label} att jämföra med"]})
    joined = current.join(previous.select("municipality_code", before="share_units"),
                          on="municipality_code", how="left")
    joined = joined.with_columns(change=pl.col("share_units") - pl.col("before"))
    top = joined.sort(pl.col("change").abs(), "municipality_code", descending=[True, False],
                      nulls_last=True).head(LISTED)
    return pl.DataFrame({
        "Kommun": [f"{c} {n}" for c, n in zip(top["municipality_code"],
                                                top["municipality_name"], strict=True)],
        "Län": top["county_name"],
        f"{previous_label} ‰": [PLAIN.fixed(v, decimals) for v in top["before"]],
        f"{label} ‰": [PLAIN.fixed(v, decimals) for v in top["share_units"]],
        "Förändring ‰": [PLAIN.fixed(v, decimals, signed=True) for v in top["change"]],
    })


def county_totals(current: pl.DataFrame, previous: pl.DataFrame | None,
                  decimals: int) -> pl.DataFrame:
    """Each county's number of municipalities and total share, and its change."""
    totals = (current.group_by("county_code", "county_name", maintain_order=True)
              .agg(pl.len().alias("n"), pl.col("share_units").sum().alias("units"))
              .sort("county_code"))
    before: dict[str, int] = {}
    if previous is not None and not previous.is_empty():
        county = dict(zip(current["municipality_code"], current["county_code"], strict=True))
        for code, units in zip(previous["municipality_code"], previous["share_units"],
                               strict=True):
            before[county.get(code, "?")] = before.get(county.get(code, "?"), 0) + units
    return pl.DataFrame({
        "Län": [f"{c} {n}" for c, n in zip(totals["county_code"], totals["county_name"],
                                           strict=True)],
        "Kommuner": totals["n"],
        "Andel ‰": [PLAIN.fixed(u, decimals) for u in totals["units"]],
        "Förändring ‰": [PLAIN.fixed(u - before[c], decimals, signed=True) if c in before
                         else "–" for c, u in zip(totals["county_code"], totals["units"],
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
