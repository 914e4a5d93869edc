"""County board review workbooks and the December redistributions (omfördelning)."""

import dagster as dg

from assets.defs.failures import user_failures
from assets.defs.metadata import markdown
from assets.defs.partitions import share_year_of, share_years
from assets.defs.resources import RunSettings, WarehouseResource
from assets.defs.shares.assets import draft_shares
from assets.defs.shares.summary import share_summary
from assets.defs.sources.assets import agreement_files, returned_forms
from pipeline.model.change import ShareYear, share_change
from pipeline.model.explain import explain_change
from pipeline.model.parameters import STANDARD_VARIANT, load_parameters
from pipeline.publication.settings import load_publication_settings
from pipeline.redistribution.final import decide_final_shares, store_final_shares
from pipeline.redistribution.review_round import load_review_round
from pipeline.redistribution.review_workbook import write_review_workbooks
from pipeline.warehouse.published import previous_published
from pipeline.warehouse.sql import query

GROUP = "redistribution"
OWNERS = ["team:statistics"]
CHECK_COUNTY_TOTALS = "county_totals_unchanged"
CHECK_NATIONAL_TOTAL = "national_total_exactly_1000_promille"
CHECK_UNTOUCHED = "municipalities_outside_agreements_unchanged"


@dg.asset(partitions_def=share_years, group_name=GROUP, kinds={"excel"}, owners=OWNERS,
          deps=[draft_shares])
@user_failures
def review_workbooks(context: dg.AssetExecutionContext, settings: RunSettings,
                     warehouse: WarehouseResource):
    """One review workbook per county (granskningsunderlag för länsstyrelsen): the county's
    municipalities with inputs, explanation shares, draft share, last year's final share and the
    change, the `Förändring` sheet with each change term by term and its main cause, plus the
    `Omfördelning` form the county board fills in, behind a first sheet with the steps, the
    deadline and return address of `data/review.toml` and the model explained.
    `out/YYYY/review/review_YYYY_LL_lansnamn.xlsx`."""
    share_year = share_year_of(context)
    params = load_parameters(settings.layout.parameters, share_year)
    with warehouse.get_connection() as conn:
        draft = query(conn, "draft_for_year", share_year=share_year, variant=STANDARD_VARIANT)
        illustrative = bool(query(conn, "input_files_for_year",
                                  share_year=share_year)["illustrative"].any())
        previous = previous_published(settings.layout, conn, share_year)
    review_round = load_review_round(settings.layout.review_round, share_year,
                                     illustrative=illustrative)
    issuer = load_publication_settings(settings.layout.publication_settings).issuer
    folder = settings.layout.review_folder(share_year)
    change = share_change(ShareYear.drafted(share_year, params, draft), previous)
    paths = write_review_workbooks(settings.layout, share_year, draft, change,
                                   params.decimals, illustrative, params.name,
                                   review_round=review_round, parameters=params, issuer=issuer,
                                   explanation=explain_change(change))
    return dg.MaterializeResult(metadata={
        "summary": f"{len(paths)} review workbooks in {folder}",
        "workbooks": len(paths),
        "folder": dg.MetadataValue.path(str(folder)),
        "illustrative_inputs": illustrative,
    })


@dg.asset(
    partitions_def=share_years, group_name=GROUP, kinds={"duckdb"}, owners=OWNERS,
    deps=[draft_shares, agreement_files, returned_forms],
    check_specs=[
        dg.AssetCheckSpec(CHECK_COUNTY_TOTALS, asset="final_shares", blocking=True,
                          description="Every county's total equals its draft total."),
        dg.AssetCheckSpec(CHECK_NATIONAL_TOTAL, asset="final_shares", blocking=True,
                          description="The final shares add up to exactly 1000.00 ‰."),
        dg.AssetCheckSpec(CHECK_UNTOUCHED, asset="final_shares", blocking=True,
                          description="A municipality outside every agreement keeps its "
                          "calculated share exactly."),
    ],
)
@user_failures
def final_shares(context: dg.AssetExecutionContext, settings: RunSettings,
                 warehouse: WarehouseResource):
    """Final shares (slutliga andelstal): calculated − given + received, after the agreements
    approved in December from `data/redistributions/YYYY.csv` and the filled-in review workbooks in
    `data/redistributions/YYYY/`, every one validated against the rules of MODEL.md."""
    share_year = share_year_of(context)
    with warehouse.get_connection() as conn:
        result = decide_final_shares(settings.layout, share_year, conn)
        for notice in result.notices:
            context.log.warning(f"not read: {notice.file}: {notice.message}")
        invariants = store_final_shares(conn, result)
    yield dg.MaterializeResult(metadata={
        "summary": result.summary,
        "dagster/row_count": result.final.height,
        **share_summary(result.final, result.parameters, share_year, result.at_floor,
                        result.illustrative, result.change.compared_year),
        "below_floor": result.below_floor,
        "agreements": result.agreements.height,
        "municipalities_in_agreements": result.changed.height,
        **{name: dg.MetadataValue.md(markdown(table)) for name, table in result.tables().items()},
    })
    yield dg.AssetCheckResult(check_name=CHECK_COUNTY_TOTALS,
                              passed=invariants.counties_changed == 0,
                              metadata={"counties_changed": invariants.counties_changed})
    yield dg.AssetCheckResult(check_name=CHECK_NATIONAL_TOTAL,
                              passed=invariants.national_total_exact,
                              metadata={"total_promille": invariants.national_total})
    yield dg.AssetCheckResult(
        check_name=CHECK_UNTOUCHED, passed=invariants.untouched_unchanged,
        metadata={"untouched_changed": invariants.untouched_changed,
                  "calculated_differs": invariants.calculated_differs,
                  "negative": invariants.negative})
