"""The named jobs of the share run: the whole run, the autumn draft, and the publication; and the
August comparison of the model variants.

The CLI's `run`, `draft`, `publish` and `variants` execute these by name, so the UI's Launchpad
and the command line run the same selections.
"""

from __future__ import annotations

import dagster as dg

from assets.defs.automation.job_names import (
    DRAFT_JOB,
    FORM_STATUS_JOB,
    IN_FORCE_JOB,
    PUBLISH_JOB,
    SHARE_RUN_JOB,
    VARIANTS_JOB,
)

# The public site is rebuilt by `anvisning site` and, in the UI, by its automation condition
# once goal fulfilment has changed; it is not part of every share run. Nor are the model
# variants: they are compared in August, before the draft (`share_variants`); nor the review
# round's status: it follows the forms as they arrive, and the share run validates them itself.
_SHARE_RUN = (dg.AssetSelection.all()
              - dg.AssetSelection.assets("statistics_site", "review_round_status")
              - dg.AssetSelection.groups("variants"))

share_run = dg.define_asset_job(
    SHARE_RUN_JOB,
    selection=_SHARE_RUN,
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
    # Goal fulfilment and the site count against the published table: a publication or a
    # reissue brings them up to date in the same run, so nothing in out/ is left stale.
    selection=_SHARE_RUN,
    executor_def=dg.in_process_executor,
    description="The December step: the published share table and what is counted against "
    "it (goal fulfilment).",
)
share_variants = dg.define_asset_job(
    VARIANTS_JOB,
    selection=dg.AssetSelection.groups("ingestion", "variants")
    | dg.AssetSelection.assets("share_basis"),
    executor_def=dg.in_process_executor,
    description="The August step: ingest and validate the statistics, and compute every model "
    "variant of data/variants.toml beside the standard draft, compared per municipality and "
    "county, with the workbook and the memo. Nothing is drafted, reviewed or published.",
)
JOBS = [share_run, share_draft, share_publication, share_variants]

# The calendar's other jobs, run by the daemon's schedules and sensors, not by the CLI (whose
# Definitions hold the site as a spec only).
review_round = dg.define_asset_job(
    FORM_STATUS_JOB,
    selection=dg.AssetSelection.assets("review_round_status"),
    executor_def=dg.in_process_executor,
    description="The county boards' forms read and validated as they arrive: each county's "
    "status in the review round.",
)
table_in_force = dg.define_asset_job(
    IN_FORCE_JOB,
    selection=dg.AssetSelection.assets("goal_fulfilment", "statistics_site"),
    executor_def=dg.in_process_executor,
    description="1 January: goal fulfilment and the public site counted against the share "
    "table that comes into force.",
)
CALENDAR_JOBS = [review_round, table_in_force]
