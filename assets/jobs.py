"""The named jobs of the share run: the whole run, the autumn draft, and the publication.

The CLI's `run`, `draft` and `publish` execute these by name, so the UI's Launchpad and the command
line run the same selections.
"""

from __future__ import annotations

import dagster as dg

from assets.job_names import DRAFT_JOB, PUBLISH_JOB, SHARE_RUN_JOB

share_run = dg.define_asset_job(
    SHARE_RUN_JOB,
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="The yearly share run for one share year (partition): ingest, draft, review "
    "workbooks, redistributions, publication and goal fulfilment.",
)
share_draft = dg.define_asset_job(
    DRAFT_JOB,
    selection=dg.AssetSelection.groups("ingestion", "shares")
    | dg.AssetSelection.assets("review_workbooks"),
    executor_def=dg.in_process_executor,
    description="The autumn step: ingest and validate the statistics, draft shares and the "
    "county boards' review workbooks. Nothing is published.",
)
share_publication = dg.define_asset_job(
    PUBLISH_JOB,
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("goal_fulfilment"),
    executor_def=dg.in_process_executor,
    description="The December step: everything up to and including the published share table.",
)
JOBS = [share_run, share_draft, share_publication]
