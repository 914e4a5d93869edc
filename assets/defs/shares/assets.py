"""Draft shares: the five inputs joined in SQL, then the share model (pipeline.model.shares)."""

import json

import dagster as dg
import polars as pl

from assets.defs.failures import user_failures
from assets.defs.ingestion.assets import REGISTER_KEY, STATISTIC_KEYS
from assets.defs.metadata import markdown, preview
from assets.defs.partitions import share_year_of, share_years
from assets.defs.resources import RunSettings, WarehouseResource
from assets.defs.shares.summary import share_summary
from pipeline.core.files import write_atomically
from pipeline.core.units import total_units, units_to_text
from pipeline.model.change import ShareChange, ShareYear, share_change
from pipeline.model.draft import comparison_csv, draft_csv
from pipeline.model.explain import ChangeExplanation, explain_change, stored_changes
from pipeline.model.parameters import load_parameters
from pipeline.model.review import county_totals, largest_changes
from pipeline.model.shares import compute_shares, days_in_year
from pipeline.model.validation import validate_draft
from pipeline.presentation.change_explained import MAIN_CAUSE, main_causes
from pipeline.warehouse.published import previous_published
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
    params = load_parameters(settings.layout.parameters, share_year)
    ref_year = params.reference_year(share_year)
    with warehouse.get_connection() as conn:
        basis = query(conn, "share_basis_for_year", share_year=share_year)
        register_codes = query(conn, "register_codes_for_year", share_year=share_year)
        draft = compute_shares(basis, params, days_in_year(ref_year))
        validate_draft(draft, params, register_codes["municipality_code"].to_list())
        execute(conn, "replace_draft_shares", incoming=draft, share_year=share_year,
                variant=params.variant, decimals=params.decimals, parameter_set=params.name)
        summary = query(conn, "draft_summary", share_year=share_year,
                        variant=params.variant).row(0, named=True)
        files = query(conn, "input_files_for_year", share_year=share_year)
        previous = previous_published(settings.layout, conn, share_year)
        change = share_change(ShareYear.drafted(share_year, params, draft), previous)
        explanation = explain_change(change)
        execute(conn, "replace_draft_changes", incoming=stored_changes(explanation),
                share_year=share_year, variant=params.variant, decimals=params.decimals,
                previous_share_year=change.compared_year)

    previous_year = change.compared_year
    layout = settings.layout
    write_atomically(layout.draft_csv(share_year),
                     draft_csv(draft, params.decimals, explanation))
    write_atomically(layout.draft_change_csv(share_year), comparison_csv(change))
    provenance = {
        "share_year": share_year, "reference_year": ref_year,
        "parameter_set": params.name, "parameters": params.as_dict(),
        "input_files": files.to_dicts(), "run_id": context.run.run_id,
        "illustrative": bool(files["illustrative"].any()),
    }
    write_atomically(layout.draft_provenance(share_year),
                     json.dumps(provenance, indent=2, ensure_ascii=False).encode("utf-8"))

    compared = (f"compared with share year {previous_year}'s published table"
                if previous_year else f"no published table for {share_year - 1} to compare with")
    yield dg.MaterializeResult(metadata={
        "summary": f"{draft.height} draft shares, {int(summary['at_floor'])} at the floor; "
                   f"{compared}; {layout.draft_csv(share_year)}",
        "dagster/row_count": draft.height,
        **share_summary(draft, params, share_year, int(summary["at_floor"]),
                        bool(files["illustrative"].any()), previous_year),
        "csv": dg.MetadataValue.path(str(layout.draft_csv(share_year))),
        "largest_changes": dg.MetadataValue.md(markdown(_largest_changes(
            change, explanation, params.decimals))),
        "explained_changes": _explained(change, explanation),
        "county_totals": dg.MetadataValue.md(markdown(county_totals(
            change.table, params.decimals))),
    })
    yield from _checks(summary, params)


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


def _explained(change: ShareChange, explanation: ChangeExplanation | None) -> str:
    if explanation is not None:
        return (f"{explanation.table.height} changes from share year "
                f"{explanation.previous_year} explained term by term (population, reception, "
                "parameters, rounding, redistribution)")
    if change.previous is None:
        return "none: no published share year to compare with"
    return (f"none: the inputs share year {change.previous.share_year} was computed from are "
            "no longer in the warehouse")


def _largest_changes(change: ShareChange, explanation: ChangeExplanation | None,
                     decimals: int) -> pl.DataFrame:
    """The largest changes against last year's published shares, each with its main cause."""
    year = change.current.share_year
    if explanation is None:
        return largest_changes(change.table, decimals, f"utkast {year}", f"andel {year - 1}")
    table = change.table.join(main_causes(explanation), on="municipality_code", how="left")
    return largest_changes(table, decimals, f"utkast {year}", f"andel {year - 1}",
                           extra=(MAIN_CAUSE,))

