"""County board review workbooks and the December redistributions (omfördelning)."""

import dagster as dg
import polars as pl

from assets.defs.failures import user_failures
from assets.defs.metadata import markdown
from assets.defs.partitions import share_year_of, share_years
from assets.defs.resources import RunSettings, WarehouseResource
from assets.defs.shares.assets import draft_shares
from assets.defs.sources.assets import agreement_files, returned_forms
from pipeline.core.units import total_units, units_to_text
from pipeline.model.change import ShareYear, share_change
from pipeline.model.explain import explain_change
from pipeline.model.parameters import STANDARD_VARIANT, load_parameters
from pipeline.model.review import agreements_applied, county_totals, largest_changes
from pipeline.presentation.formats import PLAIN
from pipeline.redistribution.december_round import collect_agreements
from pipeline.redistribution.review_round import load_review_round
from pipeline.redistribution.review_workbook import write_review_workbooks
from pipeline.redistribution.rules import apply_redistributions
from pipeline.warehouse.published import previous_published
from pipeline.warehouse.sql import execute, query

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
    review_round = load_review_round(settings.layout.review_round, share_year)
    with warehouse.get_connection() as conn:
        draft = query(conn, "draft_for_year", share_year=share_year, variant=STANDARD_VARIANT)
        illustrative = bool(query(conn, "input_files_for_year",
                                  share_year=share_year)["illustrative"].any())
        previous = previous_published(settings.layout, conn, share_year)
    folder = settings.layout.review_folder(share_year)
    change = share_change(ShareYear.drafted(share_year, params, draft), previous)
    paths = write_review_workbooks(settings.layout, share_year, draft, change,
                                   params.decimals, illustrative, params.name,
                                   review_round=review_round, parameters=params,
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
    params = load_parameters(settings.layout.parameters, share_year)
    decimals = params.decimals
    with warehouse.get_connection() as conn:
        draft = query(conn, "draft_for_year", share_year=share_year, variant=STANDARD_VARIANT)
    register = draft.select("municipality_code", "municipality_name", "county_code",
                            "county_name")
    units = dict(zip(draft["municipality_code"], draft["share_units"], strict=True))
    december = collect_agreements(settings.layout, share_year, register, units, decimals)
    for notice in december.notices:
        context.log.warning(f"not read: {notice.file}: {notice.message}")
    agreements = december.agreements
    final = apply_redistributions(draft, agreements, decimals)
    with warehouse.get_connection() as conn:
        stored = pl.DataFrame(
            {
                "share_year": [a.share_year for a in agreements],
                "giver_code": [a.giver_code for a in agreements],
                "receiver_code": [a.receiver_code for a in agreements],
                "amount_units": [a.units(units) for a in agreements],
                "approved_on": [a.approved_on for a in agreements],
                "reference": [a.reference for a in agreements],
                "source": [a.source for a in agreements],
            },
            schema={"share_year": pl.Int64, "giver_code": pl.String, "receiver_code": pl.String,
                    "amount_units": pl.Int64, "approved_on": pl.Date, "reference": pl.String,
                    "source": pl.String},
        )
        conn.execute("BEGIN TRANSACTION")
        execute(conn, "replace_agreements", incoming=stored, share_year=share_year)
        execute(conn, "replace_final_shares", incoming=final, share_year=share_year,
                decimals=decimals)
        conn.execute("COMMIT")
        summary = query(conn, "final_invariants", share_year=share_year,
                        variant=STANDARD_VARIANT).row(0, named=True)
        previous = previous_published(settings.layout, conn, share_year)

    changed = final.filter(pl.col("given_units") + pl.col("received_units") > 0)
    names = dict(zip(draft["municipality_code"], draft["municipality_name"], strict=True))
    change = share_change(ShareYear.decided(share_year, params, final, draft), previous)
    yield dg.MaterializeResult(metadata={
        "summary": f"{len(agreements)} agreements applied, {changed.height} municipalities "
                   "changed; county totals and the national total unchanged",
        "dagster/row_count": final.height,
        "agreements": len(agreements),
        "municipalities_in_agreements": changed.height,
        "agreements_applied": dg.MetadataValue.md(markdown(agreements_applied(
            stored, names, decimals))),
        "changed": dg.MetadataValue.md(markdown(pl.DataFrame({
            "Kommun": [f"{c} {n}" for c, n in zip(changed["municipality_code"],
                                                    changed["municipality_name"], strict=True)],
            **{label: [PLAIN.fixed(u, decimals) for u in changed[column]]
               for label, column in (("Beräknad ‰", "calculated_units"),
                                     ("Lämnad ‰", "given_units"),
                                     ("Mottagen ‰", "received_units"),
                                     ("Andel ‰", "share_units"))},
        }))),
        "largest_changes": dg.MetadataValue.md(markdown(largest_changes(
            change.table, decimals, f"andel {share_year}", f"andel {share_year - 1}"))),
        "draft_against_final": dg.MetadataValue.md(markdown(largest_changes(
            change.table, decimals, f"slutlig {share_year}", f"utkast {share_year}",
            before="calculated_units", change="redistributed_units"))),
        "county_totals": dg.MetadataValue.md(markdown(county_totals(change.table, decimals))),
    })
    yield dg.AssetCheckResult(check_name=CHECK_COUNTY_TOTALS,
                              passed=summary["counties_changed"] == 0,
                              metadata={"counties_changed": int(summary["counties_changed"])})
    yield dg.AssetCheckResult(
        check_name=CHECK_NATIONAL_TOTAL,
        passed=int(summary["national_units"]) == total_units(decimals),
        metadata={"total_promille": units_to_text(int(summary["national_units"]), decimals)})
    yield dg.AssetCheckResult(
        check_name=CHECK_UNTOUCHED,
        passed=summary["untouched_changed"] == 0 and summary["calculated_differs"] == 0
        and summary["negative"] == 0,
        metadata={k: int(summary[k]) for k in ("untouched_changed", "calculated_differs",
                                               "negative")})
