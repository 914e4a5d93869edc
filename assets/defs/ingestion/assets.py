"""Ingestion: the register and the five statistics of a share year, validated, into DuckDB.

All six files are read and validated before anything is written, and then loaded in one
transaction (delete the share year's partition, insert): a bad file leaves the warehouse as it was,
and a re-run or backfill is idempotent.
"""

from datetime import date

import dagster as dg
import polars as pl

from assets.defs.failures import user_failures
from assets.defs.metadata import preview
from assets.defs.partitions import share_year_of, share_years
from assets.defs.resources import RunSettings, WarehouseResource
from pipeline.ingestion.from_register import load_inputs
from pipeline.ingestion.register import load_register
from pipeline.ingestion.registry import STATISTICS
from pipeline.ingestion.statistics import LoadedStatistic
from pipeline.model.parameters import load_parameters
from pipeline.warehouse.published import restore_published_final_shares
from pipeline.warehouse.sql import create_tables, execute, query

GROUP = "ingestion"
OWNERS = ["team:statistics"]
REGISTER_KEY = dg.AssetKey("municipality_register")
LEDGER_KEY = dg.AssetKey("ledger")
CHECK_ONE_ROW_PER_MUNICIPALITY = "one_row_per_municipality"
CHECK_NON_NEGATIVE = "non_negative_figures"
STATISTIC_KEYS = [dg.AssetKey(s.name) for s in STATISTICS]

_SPECS = [
    dg.AssetSpec(
        REGISTER_KEY,
        description="The municipality register (kommuner och län) the share year is computed "
        "with: 290 municipalities in 21 counties, from data/reference/municipalities.csv.",
        group_name=GROUP, kinds={"duckdb", "csv"}, owners=OWNERS,
    ),
    *[
        dg.AssetSpec(
            dg.AssetKey(s.name),
            description=f"{s.description} ({s.swedish}; {s.unit}). Read from "
            f"`data/statistics/RRRR/{s.name}.csv|.xlsx` in the publisher's format, validated "
            "against the register, loaded per share year.",
            group_name=GROUP, kinds={"duckdb", "pandera"}, owners=OWNERS,
            # A statistic computed from the agency's register follows it (sources: `ledger`).
            deps=[REGISTER_KEY, *([LEDGER_KEY] if s.register_since is not None else [])],
        )
        for s in STATISTICS
    ],
]
_CHECKS = [
    spec
    for key in STATISTIC_KEYS
    for spec in (
        dg.AssetCheckSpec(CHECK_ONE_ROW_PER_MUNICIPALITY, asset=key, blocking=True,
                          description="Exactly one row for each municipality of the register."),
        dg.AssetCheckSpec(CHECK_NON_NEGATIVE, asset=key, blocking=True,
                          description="Every figure is a non-negative whole number."),
    )
]


@dg.multi_asset(specs=_SPECS, check_specs=_CHECKS, partitions_def=share_years,
                name="ingest_statistics", can_subset=False)
@user_failures
def ingest_statistics(context: dg.AssetExecutionContext, settings: RunSettings,
                      warehouse: WarehouseResource):
    """Read, validate and load the register and the five statistics of one share year."""
    share_year = share_year_of(context)
    params = load_parameters(settings.layout.parameters, share_year)
    ref_year = params.reference_year(share_year)
    register = load_register(settings.layout.register)
    folder = settings.layout.statistics_folder(ref_year)

    with warehouse.get_connection() as conn:
        # Every file is read and validated, and B computed from the register, before anything
        # is written.
        loaded = load_inputs(settings.layout, ref_year, register, date.today(), conn)
        context.log.info(f"share year {share_year}: read and validated {len(loaded)} statistics "
                         f"for reference year {ref_year} from {folder} and the register")
        migrated = create_tables(conn)
        if migrated:
            context.log.info("warehouse tables migrated to their definitions in sql/, every "
                             f"row kept: {', '.join(migrated)}")
        restored = restore_published_final_shares(conn, settings.layout)
        if restored:
            context.log.warning("final shares put back to the published tables of "
                                f"{', '.join(map(str, restored))} (an earlier run ended early)")
        conn.execute("BEGIN TRANSACTION")
        try:
            _load_all(conn, share_year, ref_year, register, loaded)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        summaries = {item.file.statistic: query(conn, "statistic_summary",
                                                table=item.file.statistic,
                                                share_year=share_year)
                     for item in loaded}

    yield dg.MaterializeResult(
        asset_key=REGISTER_KEY,
        metadata={"dagster/row_count": register.height,
                  "counties": register["county_code"].n_unique(),
                  "path": str(settings.layout.register)},
    )
    for item in loaded:
        yield from _results(item, ref_year, summaries[item.file.statistic].row(0, named=True))


def _load_all(conn, share_year: int, ref_year: int, register: pl.DataFrame,
              loaded: list[LoadedStatistic]) -> None:
    execute(conn, "replace_register", incoming=register, share_year=share_year)
    for item in loaded:
        name = item.file.statistic
        execute(conn, "replace_statistic", table=name,
                incoming=item.values.rename({name: "value"}),
                share_year=share_year, reference_year=ref_year)
    files = pl.DataFrame(
        {
            "statistic": [i.file.statistic for i in loaded],
            "path": [str(i.file.path) for i in loaded],
            "sha256": [i.file.sha256 for i in loaded],
            "illustrative": [i.file.illustrative for i in loaded],
            "source": [i.file.source for i in loaded],
        }
    )
    execute(conn, "replace_input_files", incoming=files, share_year=share_year)


def _results(item: LoadedStatistic, ref_year: int, summary: dict):
    key = dg.AssetKey(item.file.statistic)
    values = item.values[item.file.statistic]
    yield dg.MaterializeResult(
        asset_key=key,
        metadata={
            "dagster/row_count": summary["row_count"],
            "reference_year": ref_year,
            "national_total": int(values.sum()),
            "file": str(item.file.path),
            "sha256": item.file.sha256,
            "illustrative": item.file.illustrative,
            "source": item.file.source,
            "preview": dg.MetadataValue.md(preview(item.values.sort(item.file.statistic,
                                                                    descending=True))),
        },
    )
    complete = (summary["row_count"] == summary["register_rows"] == summary["distinct_codes"]
                == summary["known_codes"])
    yield dg.AssetCheckResult(
        asset_key=key, check_name=CHECK_ONE_ROW_PER_MUNICIPALITY, passed=bool(complete),
        metadata={k: int(summary[k]) for k in ("row_count", "distinct_codes", "known_codes",
                                               "register_rows")},
    )
    yield dg.AssetCheckResult(
        asset_key=key, check_name=CHECK_NON_NEGATIVE, passed=bool(summary["smallest"] >= 0),
        metadata={"smallest": int(summary["smallest"])},
    )
