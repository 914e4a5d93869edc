"""The December run of next year's share table."""

import dagster as dg

from assets.defs.automation.job_names import SHARE_RUN_JOB


@dg.schedule(cron_schedule="0 6 15 12 *", job_name=SHARE_RUN_JOB,
             execution_timezone="Europe/Stockholm",
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="15 December, 06:00: the share run for next year's share table, after "
             "the redistributions approved in December (turn on in the UI).")
def december_share_run(context: dg.ScheduleEvaluationContext):
    share_year = context.scheduled_execution_time.year + 1
    return dg.RunRequest(run_key=f"december-{share_year}", partition_key=str(share_year))
