"""Share years (andelsår) partition every yearly asset."""

import dagster as dg

FIRST_SHARE_YEAR = 2017
LAST_SHARE_YEAR = 2040

share_years = dg.StaticPartitionsDefinition(
    [str(year) for year in range(FIRST_SHARE_YEAR, LAST_SHARE_YEAR + 1)]
)


def share_year_of(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> int:
    return int(context.partition_key)
