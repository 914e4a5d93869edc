"""The one Definitions object: every asset, check, job, schedule and resource of the share run."""

from __future__ import annotations

import dagster as dg

from assets.goals import goal_fulfilment
from assets.ingest import ingest_statistics
from assets.jobs import JOBS
from assets.publication import share_table_publication
from assets.redistribution import final_shares, review_workbooks
from assets.resources import resources
from assets.schedules import december_share_run
from assets.sensors import ledger_sensor, redistribution_files_sensor
from assets.shares import draft_shares, share_basis
from assets.site import statistics_site
from assets.sources import agreement_files, ledger, returned_forms

defs = dg.Definitions(
    assets=[ledger, agreement_files, returned_forms, ingest_statistics, share_basis,
            draft_shares, review_workbooks, final_shares, share_table_publication,
            goal_fulfilment, statistics_site],
    jobs=JOBS,
    schedules=[december_share_run],
    sensors=[redistribution_files_sensor, ledger_sensor],
    resources=resources(),
    executor=dg.in_process_executor,
)
