"""Goal fulfilment (måluppfyllelse) of a share year, from the ledger and the published table."""

from datetime import date

import dagster as dg

from assets.defs.failures import user_failures
from assets.defs.metadata import preview
from assets.defs.partitions import share_year_of, share_years
from assets.defs.publication.assets import share_table_publication
from assets.defs.resources import RunSettings
from assets.defs.sources.assets import ledger
from pipeline.goals.service import fulfilment_as_of, ledger_is_illustrative

GROUP = "goal_fulfilment"
OWNERS = ["team:statistics"]


@dg.asset(partitions_def=share_years, group_name=GROUP, kinds={"csv", "excel"}, owners=OWNERS,
          deps=[share_table_publication, ledger],
          automation_condition=dg.AutomationCondition.eager())
@user_failures
def goal_fulfilment(context: dg.AssetExecutionContext, settings: RunSettings):
    """Aktuellt mottagande och måluppfyllelse per kommun: assignments since 2016-01-01 from
    data/ledger/assignments.csv against the share year's published shares, as of today (or the
    share year's first or last day when today is outside it). Writes `out/fulfilment_YYYY-MM-DD.csv`
    and .xlsx."""
    share_year = share_year_of(context)
    today = date.today()
    as_of = min(max(today, date(share_year, 1, 1)), date(share_year, 12, 31))
    ledger = settings.layout.ledger
    table, paths = fulfilment_as_of(as_of, settings.layout, ledger, max(today, as_of))
    lowest = table.filter(table["share_units"] > 0).sort("fulfilment_pct", nulls_last=True)
    return dg.MaterializeResult(metadata={
        "summary": f"goal fulfilment as of {as_of}: {int(table['assigned'].sum())} "
                   f"assignments since 2016-01-01 in {paths[0]} and {paths[1].name}",
        "as_of": as_of.isoformat(),
        "assignments_since_2016": int(table["assigned"].sum()),
        "illustrative_ledger": ledger_is_illustrative(ledger),
        "csv": dg.MetadataValue.path(str(paths[0])),
        "xlsx": dg.MetadataValue.path(str(paths[1])),
        "lowest_fulfilment": dg.MetadataValue.md(preview(lowest.select(
            "municipality_code", "municipality_name", "assigned", "target", "fulfilment_pct"))),
    })
