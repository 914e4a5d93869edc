"""The names of the share run's jobs, apart from their definitions (`jobs.py` beside this file)
so that the CLI can name them without loading Dagster."""

SHARE_RUN_JOB = "share_run"
DRAFT_JOB = "share_draft"
PUBLISH_JOB = "share_publication"
VARIANTS_JOB = "share_variants"
FORM_STATUS_JOB = "review_round"
IN_FORCE_JOB = "table_in_force"
