"""Each variant through the share model, compared with the standard (MODEL.md, "Model variants for
the August proposal"): every municipality's share and its difference from the standard, the county
totals, and per variant how many municipalities sit at the floor, how many change by at least
0.10 ‰ and the share moved between municipalities and between counties.

Every share and difference is an exact integer in units of 10^-decimals ‰, as in the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from pipeline.core.files import inert_text
from pipeline.core.units import promille_text
from pipeline.model.shares import compute_shares
from pipeline.model.validation import validate_draft
from pipeline.variants.catalogue import Variant

# MODEL.md: "how many change by at least 0.10 ‰"; in units of 10^-decimals ‰ the condition is
# |difference| · 10 ≥ 10^decimals, exact in integers.
NOTABLE_CHANGE_TENTHS = 1
MUNICIPALITY = ["municipality_code", "municipality_name", "county_code", "county_name"]
CSV_COLUMNS = ["share_year", "variant", *MUNICIPALITY, "standard_share_promille",
               "share_promille", "difference_promille", "at_floor"]


@dataclass(frozen=True)
class Comparison:
    """The variants of one share year side by side, the standard first.

    `drafts` holds each variant's model table (the basis and the model's columns, as the draft
    has them). `municipalities` and `counties` are long tables, one row per variant and
    municipality (county): `share_units`, `standard_units` and `difference_units`. `summary` has
    one row per variant: `at_floor`, `changed` (municipalities whose share moves by at least
    0.10 ‰), `moved_between_municipalities_units` and `moved_between_counties_units`.
    """

    share_year: int
    reference_year: int
    decimals: int
    variants: tuple[Variant, ...]
    drafts: dict[str, pl.DataFrame]
    municipalities: pl.DataFrame
    counties: pl.DataFrame
    summary: pl.DataFrame

    @property
    def standard(self) -> Variant:
        return self.variants[0]

    @property
    def others(self) -> tuple[Variant, ...]:
        return self.variants[1:]


def compare_variants(basis: pl.DataFrame, variants: Sequence[Variant], days_in_year: int,
                     register_codes: list[str], share_year: int,
                     reference_year: int) -> Comparison:
    """Compute every variant with `compute_shares` and step 6's `validate_draft`, exactly as
    the standard draft is computed, and compare each with the standard (`variants[0]`)."""
    drafts = {variant.name: validate_draft(compute_shares(basis, variant.parameters, days_in_year),
                                           variant.parameters, register_codes)
              for variant in variants}
    decimals = variants[0].parameters.decimals
    standard = drafts[variants[0].name].select("municipality_code", standard_units="share_units")
    municipalities = pl.concat([
        draft.select(*MUNICIPALITY, "share_units", "at_floor")
        .join(standard, on="municipality_code", how="left", maintain_order="left")
        .select(pl.lit(name).alias("variant"), pl.all())
        for name, draft in drafts.items()
    ]).with_columns(difference_units=pl.col("share_units") - pl.col("standard_units"))
    counties = (municipalities
                .group_by("variant", "county_code", "county_name", maintain_order=True)
                .agg(pl.col("share_units", "standard_units", "difference_units").sum())
                .sort(pl.col("variant").replace_strict({n: i for i, n in enumerate(drafts)}),
                      "county_code"))
    return Comparison(share_year=share_year, reference_year=reference_year, decimals=decimals,
                      variants=tuple(variants), drafts=drafts, municipalities=municipalities,
                      counties=counties,
                      summary=_summary(variants, municipalities, counties, decimals))


def _summary(variants: Sequence[Variant], municipalities: pl.DataFrame, counties: pl.DataFrame,
             decimals: int) -> pl.DataFrame:
    # Each variant's differences add up to 0 (both tables total 1000 ‰), so the sum of their
    # absolute values is twice what the gainers gain: half of it is what moves, a whole unit.
    def moved(name: str) -> pl.Expr:
        return (pl.col("difference_units").abs().sum() // 2).alias(name)

    by_municipality = municipalities.group_by("variant", maintain_order=True).agg(
        pl.col("at_floor").sum().cast(pl.Int64),
        (pl.col("difference_units").abs() * 10 >= NOTABLE_CHANGE_TENTHS * 10**decimals)
        .sum().cast(pl.Int64).alias("changed"),
        moved("moved_between_municipalities_units"),
    )
    by_county = counties.group_by("variant", maintain_order=True).agg(
        moved("moved_between_counties_units"))
    titles = pl.DataFrame({"variant": [v.name for v in variants],
                           "title": [v.title for v in variants]})
    return (titles.join(by_municipality, on="variant", maintain_order="left")
            .join(by_county, on="variant", maintain_order="left"))


def comparison_csv(comparison: Comparison) -> bytes:
    """Every variant's share of every municipality, with the standard's and the difference:
    UTF-8, a decimal point, one row per variant and municipality, the standard's rows first."""
    decimals = comparison.decimals
    table = comparison.municipalities.select(
        pl.lit(comparison.share_year).alias("share_year"), inert_text("variant"),
        *[inert_text(column) for column in MUNICIPALITY],
        promille_text("standard_units", decimals).alias("standard_share_promille"),
        promille_text("share_units", decimals).alias("share_promille"),
        promille_text("difference_units", decimals).alias("difference_promille"),
        pl.when(pl.col("at_floor")).then(pl.lit("true")).otherwise(pl.lit("false"))
        .alias("at_floor"),
    )
    return table.write_csv(line_terminator="\n").encode("utf-8")
