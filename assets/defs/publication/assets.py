"""The published share table for 1 January: CSV, Excel and PDF, versioned and immutable."""

from datetime import date

import dagster as dg

from assets.defs.failures import user_failures
from assets.defs.partitions import share_year_of, share_years
from assets.defs.redistribution.assets import final_shares
from assets.defs.resources import RunSettings, WarehouseResource
from pipeline.publication.prepare import PublicationRequest, prepare_publication
from pipeline.publication.store import publish
from pipeline.warehouse.published import restore_published_final_shares

GROUP = "publication"
OWNERS = ["team:statistics"]


class PublicationConfig(dg.Config):
    """`reissue_reason` replaces a published table (the earlier one is kept). `decision_date`
    (YYYY-MM-DD) defaults to the published one, else the last approval date of the year's
    agreements, else `decision_day` of data/publication.toml in December of the year before; a
    date after 1 January of the share year needs `decision_date_explicit` (the CLI's
    --decision-date sets it). `publication_date` (YYYY-MM-DD), the date a new version states as
    "publicerad", defaults to its decision date, never the day it is built."""

    reissue_reason: str | None = None
    decision_date: str | None = None
    decision_date_explicit: bool = False
    publication_date: str | None = None


@dg.asset(partitions_def=share_years, group_name=GROUP, kinds={"csv", "excel", "pdf"},
          owners=OWNERS, deps=[final_shares])
@user_failures
def share_table_publication(context: dg.AssetExecutionContext, config: PublicationConfig,
                            settings: RunSettings, warehouse: WarehouseResource):
    """The share table (andelstal) for 1 January of the share year, published as
    `out/YYYY/shares_YYYY.csv` (its last columns: each change from the previous year term by
    term), `.xlsx` and `.pdf` with a manifest. Publishing is atomic; the same
    content again is a no-op; different content is refused unless reissued with a reason."""
    share_year = share_year_of(context)
    request = PublicationRequest(
        decision_date=date.fromisoformat(config.decision_date) if config.decision_date else None,
        decision_date_explicit=config.decision_date_explicit,
        publication_date=(date.fromisoformat(config.publication_date)
                          if config.publication_date else None))
    with warehouse.get_connection() as conn:
        prepared = prepare_publication(settings.layout, share_year, conn, context.run.run_id,
                                       request)
    info, planning, as_of = prepared.info, prepared.planning, prepared.as_of
    out = settings.layout.year_out(share_year)
    try:
        result = publish(out, prepared.table, info, reissue_reason=config.reissue_reason)
    except BaseException:
        # However publishing ends early (refused, disk full, interrupted), the warehouse must
        # hold what is published, which the next share year compares with.
        with warehouse.get_connection() as conn:
            restore_published_final_shares(conn, settings.layout, [share_year])
        raise
    context.log.info(result.message)
    return dg.MaterializeResult(metadata={
        "summary": result.message,
        "status": result.status,
        "version": dg.MetadataValue.text(str(result.version)),
        "reissue_reason": config.reissue_reason or "",
        "message": result.message,
        "decision_date": info.decision_date.isoformat(),
        "illustrative_inputs": info.illustrative,
        "csv": dg.MetadataValue.path(str(result.paths["csv"])),
        "xlsx": dg.MetadataValue.path(str(result.paths["xlsx"])),
        "pdf": dg.MetadataValue.path(str(result.paths["pdf"])),
        "csv_excel": dg.MetadataValue.path(str(result.paths["csv_excel"])),
        "expected_children_as_of": as_of.isoformat() if as_of else "",
        "planning_figure": (f"{planning.children} ({planning.scenario})" if planning else
                            f"none: no [prognosis.{share_year}] in {settings.layout.prognosis}"),
    })
