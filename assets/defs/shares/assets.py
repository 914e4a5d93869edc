"""Draft shares: the five inputs joined in SQL, then the share model (pipeline.model.shares)."""


import dagster as dg

from assets.defs.failures import user_failures
from assets.defs.ingestion.assets import REGISTER_KEY, STATISTIC_KEYS
from assets.defs.metadata import markdown, preview
from assets.defs.partitions import share_year_of, share_years
from assets.defs.resources import RunSettings, WarehouseResource
from assets.defs.shares.summary import share_summary
from pipeline.core.units import total_units, units_to_text
from pipeline.model.drafting import draft_share_year, write_draft_files
from pipeline.model.review import county_totals
from pipeline.warehouse.sql import execute, query

GROUP = "shares"
OWNERS = ["team:statistics"]
CHECK_COMPLETE = "one_share_per_municipality"
CHECK_TOTAL = "total_exactly_1000_promille"
CHECK_FLOOR = "every_share_at_least_the_floor"


@dg.asset(
    partitions_def=share_years, group_name=GROUP, kinds={"duckdb", "sql"}, owners=OWNERS,
    deps=[REGISTER_KEY, *STATISTIC_KEYS],
)
@user_failures
def share_basis(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The five inputs per municipality (underlag), joined in SQL from the warehouse tables of
    the share year: population, newcomers settled, minors received, asylum seekers' housing days
    and minors' arrival housing days."""
    share_year = share_year_of(context)
    with warehouse.get_connection() as conn:
        execute(conn, "replace_share_basis", share_year=share_year)
        basis = query(conn, "share_basis_for_year", share_year=share_year)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": basis.height,
        "preview": dg.MetadataValue.md(preview(basis)),
    })


@dg.asset(
    partitions_def=share_years, group_name=GROUP, kinds={"duckdb", "pandera", "csv"},
    owners=OWNERS, deps=[share_basis],
    check_specs=[
        dg.AssetCheckSpec(CHECK_COMPLETE, asset="draft_shares", blocking=True,
                          description="290 rows, one per municipality of the register."),
        dg.AssetCheckSpec(CHECK_TOTAL, asset="draft_shares", blocking=True,
                          description="The shares add up to exactly 1000.00 ‰."),
        dg.AssetCheckSpec(CHECK_FLOOR, asset="draft_shares", blocking=True,
                          description="No share is below the floor (1.00 ‰ by default)."),
    ],
)
@user_failures
def draft_shares(context: dg.AssetExecutionContext, settings: RunSettings,
                 warehouse: WarehouseResource):
    """Draft shares (utkast till andelstal) by the model in MODEL.md: population share,
    reception share, adjusted share, floor by water-filling, largest-remainder rounding. Writes
    `out/YYYY/draft_shares_YYYY.csv`, the change against the previous share year, and the provenance
    (parameter set, input files by hash)."""
    share_year = share_year_of(context)
    layout = settings.layout
    with warehouse.get_connection() as conn:
        drafted = draft_share_year(layout, share_year, conn)
    write_draft_files(layout, drafted, context.run.run_id)
    params = drafted.parameters
    yield dg.MaterializeResult(metadata={
        "summary": f"{drafted.draft.height} draft shares, {drafted.at_floor} at the floor; "
                   f"{drafted.compared()}; {layout.draft_csv(share_year)}",
        "dagster/row_count": drafted.draft.height,
        **share_summary(drafted.draft, params, share_year, drafted.at_floor,
                        drafted.illustrative, drafted.change.compared_year),
        "csv": dg.MetadataValue.path(str(layout.draft_csv(share_year))),
        "largest_changes": dg.MetadataValue.md(markdown(drafted.largest_changes())),
        "explained_changes": drafted.explained(),
        "county_totals": dg.MetadataValue.md(markdown(county_totals(drafted.change.table,
                                                                    params.decimals))),
    })
    yield from _checks(drafted.summary, params)


def _checks(summary: dict, params):
    expected = int(summary["distinct_codes"])
    yield dg.AssetCheckResult(
        check_name=CHECK_COMPLETE, passed=summary["row_count"] == expected == 290,
        metadata={"row_count": int(summary["row_count"]), "distinct_codes": expected},
    )
    yield dg.AssetCheckResult(
        check_name=CHECK_TOTAL,
        passed=int(summary["total_units"]) == total_units(params.decimals),
        metadata={"total_promille": units_to_text(int(summary["total_units"]), params.decimals)},
    )
    yield dg.AssetCheckResult(
        check_name=CHECK_FLOOR, passed=int(summary["smallest_units"]) >= params.floor_units,
        metadata={"smallest_promille": units_to_text(int(summary["smallest_units"]),
                                                     params.decimals),
                  "floor_promille": params.floor_promille},
    )

