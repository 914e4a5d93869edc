"""The public statistics site (statistiksida): goal fulfilment and shares per municipality."""

from datetime import date

import dagster as dg

from assets.defs.failures import user_failures
from assets.defs.goals.assets import goal_fulfilment
from assets.defs.partitions import share_year_of, share_years
from assets.defs.resources import RunSettings
from pipeline.site import build_site_from_folders

GROUP = "goal_fulfilment"
OWNERS = ["team:statistics"]


@dg.asset(partitions_def=share_years, group_name=GROUP, kinds={"html", "svg"}, owners=OWNERS,
          deps=[goal_fulfilment], automation_condition=dg.AutomationCondition.eager())
@user_failures
def statistics_site(context: dg.AssetExecutionContext, settings: RunSettings):
    """The static public site in Swedish, `out/site/`: a map and table of goal fulfilment and
    shares, a page per county and per municipality, opening from a folder without network."""
    share_year = share_year_of(context)
    as_of = min(max(date.today(), date(share_year, 1, 1)), date(share_year, 12, 31))
    index = build_site_from_folders(settings.layout.data_dir, settings.layout.out_dir, as_of)
    return dg.MaterializeResult(metadata={
        "summary": f"statistics site as of {as_of} in {index.parent}",
        "index": dg.MetadataValue.path(str(index)),
        "as_of": as_of.isoformat(),
    })
