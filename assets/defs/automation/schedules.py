"""The year's calendar: the August draft, the December decision and the new table in force on
1 January. Every schedule starts stopped; README.md, "The yearly calendar", says how to turn each
on. The share year is the one the table is for: next year's in August and December, this
year's on 1 January."""

import dagster as dg

from assets.defs.automation.job_names import DRAFT_JOB, IN_FORCE_JOB, SHARE_RUN_JOB

TIMEZONE = "Europe/Stockholm"


@dg.schedule(cron_schedule="0 6 15 8 *", job_name=DRAFT_JOB, execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="15 August, 06:00: the draft of next year's share table and the county "
             "boards' review workbooks (turn on in the UI).")
def august_draft(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    share_year = context.scheduled_execution_time.year + 1
    return dg.RunRequest(run_key=f"august-{share_year}", partition_key=str(share_year))


@dg.schedule(cron_schedule="0 6 15 12 *", job_name=SHARE_RUN_JOB,
             execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="15 December, 06:00: the share run for next year's share table, after "
             "the redistributions approved in December (turn on in the UI).")
def december_share_run(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    share_year = context.scheduled_execution_time.year + 1
    return dg.RunRequest(run_key=f"december-{share_year}", partition_key=str(share_year))


@dg.schedule(cron_schedule="5 0 1 1 *", job_name=IN_FORCE_JOB, execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.STOPPED,
             description="1 January, 00:05: goal fulfilment and the public site switch to the "
             "share table that comes into force today (turn on in the UI).")
def january_table_in_force(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    share_year = context.scheduled_execution_time.year
    return dg.RunRequest(run_key=f"in-force-{share_year}", partition_key=str(share_year))


SCHEDULES = [august_draft, december_share_run, january_table_in_force]
