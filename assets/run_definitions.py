"""The Definitions a CLI run executes: every asset of assets/definitions.py, with the public site as
its spec only.

The site is no step of the share run's jobs (assets/defs/automation/jobs.py), but their
selection names it, so the jobs need its key in the graph. Its spec alone resolves the same jobs,
with the same job and execution-plan snapshots, as the full Definitions the UI loads
(tests/test_definitions.py holds both to that), without importing the site's renderer and
matplotlib (about 1 s, a quarter of a run; benchmarks/bench_run.py). The UI, the daemon and
`anvisning site` load assets/definitions.py.
"""

from __future__ import annotations

import dagster as dg

from assets.defs.automation.jobs import JOBS
from assets.defs.goals.assets import goal_fulfilment
from assets.defs.ingestion.assets import ingest_statistics
from assets.defs.partitions import share_years
from assets.defs.publication.assets import share_table_publication
from assets.defs.redistribution.assets import final_shares, review_workbooks
from assets.defs.resources import resources
from assets.defs.review_round.assets import review_round_status
from assets.defs.shares.assets import draft_shares, share_basis
from assets.defs.sources.assets import agreement_files, ledger, returned_forms
from assets.defs.variants.assets import model_variants

# Every asset but the site, in the order of the Definitions.
SHARE_RUN_ASSETS = [ledger, agreement_files, returned_forms, ingest_statistics, share_basis,
                    draft_shares, model_variants, review_workbooks, review_round_status,
                    final_shares, share_table_publication, goal_fulfilment]

# The spec of assets/defs/site/assets.py's statistics_site, to the letter (a test compares the two).
STATISTICS_SITE_SPEC = dg.AssetSpec(
    "statistics_site",
    deps=[goal_fulfilment],
    description="The static public site in Swedish, `out/site/`: a map and table of goal "
    "fulfilment and\nshares, a page per county and per municipality, opening from a folder "
    "without network.",
    group_name="goal_fulfilment",
    kinds={"html", "svg"},
    owners=["team:statistics"],
    partitions_def=share_years,
    automation_condition=dg.AutomationCondition.eager(),
)

run_defs = dg.Definitions(
    assets=[*SHARE_RUN_ASSETS, STATISTICS_SITE_SPEC],
    jobs=JOBS,
    resources=resources(),
    executor=dg.in_process_executor,
)
