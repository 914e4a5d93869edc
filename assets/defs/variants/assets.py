"""Model variants for the August proposal: every variant of data/variants.toml through the share
model, stored beside the standard draft and compared with it (pipeline.variants)."""

from datetime import date

import dagster as dg

from assets.defs.failures import user_failures
from assets.defs.partitions import share_year_of, share_years
from assets.defs.resources import RunSettings, WarehouseResource
from assets.defs.shares.assets import share_basis
from pipeline.core.units import total_units, units_to_text
from pipeline.variants.service import VariantsResult, propose_variants

GROUP = "variants"
OWNERS = ["team:statistics"]
CHECK_VARIANTS = "every_variant_complete_exactly_1000_promille_and_floored"
_SUMMARY_SCHEMA = dg.TableSchema(columns=[
    dg.TableColumn("variant", "string"),
    dg.TableColumn("title", "string", description="as the workbook and the memo name it"),
    dg.TableColumn("at_floor", "int", description="municipalities at the floor"),
    dg.TableColumn("changed", "int", description="municipalities whose share changes by at "
                   "least 0.10 ‰ against the standard"),
    dg.TableColumn("moved_between_municipalities_promille", "string"),
    dg.TableColumn("moved_between_counties_promille", "string",
                   description="half the sum of the absolute county differences"),
])


@dg.asset(
    partitions_def=share_years, group_name=GROUP, kinds={"duckdb", "excel", "pdf", "csv"},
    owners=OWNERS, deps=[share_basis],
    check_specs=[dg.AssetCheckSpec(
        CHECK_VARIANTS, asset="model_variants", blocking=True,
        description="Every stored variant: one share per municipality of the register, exactly "
        "1000.00 ‰, none below its own floor.")],
)
@user_failures
def model_variants(context: dg.AssetExecutionContext, settings: RunSettings,
                   warehouse: WarehouseResource):
    """Underlag för förslag till andelstal: each variant of `data/variants.toml` (named parameter
    values: weights, α, floor) computed by the same model as the standard draft, on the same
    basis, and stored beside it in draft_shares without touching it; never reviewed or published.
    Compared with the standard per municipality and county. Writes `out/YYYY/variants/`:
    `variants_YYYY.csv`, the workbook `varianter_YYYY.xlsx` and the memo
    `underlag_andelstal_YYYY.pdf` (PDF/UA, with a map of each variant's difference)."""
    share_year = share_year_of(context)
    with warehouse.get_connection() as conn:
        result = propose_variants(conn, settings.layout, share_year, date.today())
    comparison = result.comparison
    decimals = comparison.decimals
    records = [dg.TableRecord({
        "variant": row["variant"], "title": row["title"], "at_floor": row["at_floor"],
        "changed": row["changed"],
        "moved_between_municipalities_promille": units_to_text(
            row["moved_between_municipalities_units"], decimals),
        "moved_between_counties_promille": units_to_text(
            row["moved_between_counties_units"], decimals),
    }) for row in comparison.summary.iter_rows(named=True)]
    yield dg.MaterializeResult(metadata={
        "summary": f"{len(comparison.others)} variants beside the standard, compared per "
                   f"municipality and county; memo {result.memo}",
        "dagster/row_count": comparison.municipalities.height,
        "variants": dg.MetadataValue.table(records, schema=_SUMMARY_SCHEMA),
        "memo": dg.MetadataValue.path(str(result.memo)),
        "workbook": dg.MetadataValue.path(str(result.workbook)),
        "csv": dg.MetadataValue.path(str(result.csv)),
        "reference_year": dg.MetadataValue.text(str(comparison.reference_year)),
        "illustrative_inputs": result.illustrative,
    })
    yield _check(result)


def _check(result: VariantsResult) -> dg.AssetCheckResult:
    comparison = result.comparison
    expected = comparison.drafts[comparison.standard.name].height
    floors = {variant.name: variant.parameters.floor_units for variant in comparison.others}
    stored = {row["variant"]: row for row in result.stored.iter_rows(named=True)}
    problems = [name for name in floors if name not in stored]
    for name, row in stored.items():
        if (name not in floors or row["row_count"] != row["distinct_codes"] or
                row["row_count"] != expected or
                row["total_units"] != total_units(comparison.decimals) or
                row["smallest_units"] < floors[name]):
            problems.append(name)
    return dg.AssetCheckResult(
        check_name=CHECK_VARIANTS, passed=not problems,
        metadata={"variants": len(stored), "failing": ", ".join(problems) or "none"})
