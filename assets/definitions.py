"""The one Definitions object: every asset, check, job, schedule, sensor and resource."""

from __future__ import annotations

import dagster as dg

from assets.defs.automation.jobs import CALENDAR_JOBS, JOBS
from assets.defs.automation.schedules import SCHEDULES
from assets.defs.automation.sensors import (
    ledger_sensor,
    redistribution_files_sensor,
    returned_forms_sensor,
)
from assets.defs.resources import resources
from assets.defs.site.assets import statistics_site
from assets.run_definitions import SHARE_RUN_ASSETS

defs = dg.Definitions(
    assets=[*SHARE_RUN_ASSETS, statistics_site],
    jobs=[*JOBS, *CALENDAR_JOBS],
    schedules=SCHEDULES,
    sensors=[redistribution_files_sensor, returned_forms_sensor, ledger_sensor],
    resources=resources(),
    executor=dg.in_process_executor,
)
