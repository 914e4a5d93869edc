"""The sensors: a share run when a share year's redistribution agreements change
(`redistribution_files_sensor`), the review round's status as the county boards' forms arrive
(`returned_forms_sensor`), and goal fulfilment when the ledger changes (`ledger_sensor`).
All three start STOPPED; the statistician turns each on in the UI (Automation).

The redistribution sensor watches `<data>/redistributions/<Y>.csv` (an agreement file) and
`<data>/redistributions/<Y>/*` (review workbooks returned by the county boards), the data
folder being ANVISNING_DATA_DIR (default `data`, relative to the working directory, as for a run).
A new, changed or deleted file requests one run of the share_run job for share year Y.

The cursor holds the sha256 of every watched file, so only a change triggers; the first evaluation
records what is there without requesting runs, so that turning the sensor on does not re-run every
share year that has agreements. Other names (`notes.txt`, `20x6.csv`, Excel's `~$` lock files,
years outside the share-year partitions) are ignored. It is for the December redistribution
round, when the county boards send back their workbooks.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date
from pathlib import Path

import dagster as dg

from assets.defs.automation.job_names import FORM_STATUS_JOB, SHARE_RUN_JOB
from assets.defs.partitions import share_years
from assets.defs.sources.assets import files_version, ledger_version, watched_files
from pipeline.core.layout import DEFAULT_DATA_DIR, Layout
from pipeline.redistribution.review_round import review_deadline

SENSOR_NAME = "redistribution_files_sensor"
TRIGGER_TAG = "anvisning/trigger"


def share_year_of_file(relative: str) -> str:
    """"2026.csv" and "2026/review_2026_01.xlsx" both belong to share year "2026"."""
    return relative.split("/", 1)[0].removesuffix(".csv")


def changed_share_years(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The share years (partition keys) with a file added, changed or deleted, in order."""
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    valid = set(share_years.get_partition_keys())
    return sorted({share_year_of_file(name) for name in changed} & valid)


@dg.sensor(
    name=SENSOR_NAME,
    job_name=SHARE_RUN_JOB,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Requests the share run of a share year when its agreement file "
    "(`data/redistributions/YYYY.csv`) or a returned review workbook (any file in "
    "`data/redistributions/YYYY/`) is added, changed or deleted. Turn on in the UI during "
    "the December redistribution round.",
)
def redistribution_files_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    folder = Layout(Path(os.environ.get("ANVISNING_DATA_DIR", DEFAULT_DATA_DIR))).redistributions
    after = watched_files(folder)
    if not context.cursor:
        return dg.SensorResult(cursor=_cursor(after, revision=0),
                               skip_reason=f"recorded {len(after)} file(s) in {folder}")
    state = json.loads(context.cursor)
    before, revision = state["files"], state["revision"] + 1
    if before == after:
        return dg.SensorResult(skip_reason=f"no change in {folder}")
    years = changed_share_years(before, after)
    requests = [
        dg.RunRequest(
            partition_key=year,
            # Unique per change: a file changed back to an earlier content must run again.
            run_key=f"{year}:{_state_hash(after, year, revision)}",
            tags={TRIGGER_TAG: SENSOR_NAME},
        )
        for year in years
    ]
    for year in years:
        context.log.info(f"share year {year}: redistribution files changed in {folder}")
    return dg.SensorResult(run_requests=requests, cursor=_cursor(after, revision),
                           skip_reason=None if requests else "no share year's files changed")


def _cursor(files: dict[str, str], revision: int) -> str:
    return json.dumps({"files": files, "revision": revision}, sort_keys=True)


def _state_hash(files: dict[str, str], year: str, revision: int) -> str:
    mine = {name: digest for name, digest in files.items() if share_year_of_file(name) == year}
    text = json.dumps({"files": mine, "revision": revision}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


LEDGER_SENSOR = "ledger_sensor"


@dg.sensor(
    name=LEDGER_SENSOR,
    asset_selection=dg.AssetSelection.assets("goal_fulfilment", "statistics_site"),
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Observes the assignment ledger: when an assignment is recorded (its hash "
    "changes), records the ledger's new data version and recomputes goal fulfilment and the "
    "statistics site for the current share year. Turn on in the UI.",
)
def ledger_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    layout = Layout(Path(os.environ.get("ANVISNING_DATA_DIR", DEFAULT_DATA_DIR)))
    version = ledger_version(layout)
    observation = dg.AssetObservation(asset_key="ledger",
                                      tags={"dagster/data_version": version})
    if context.cursor in (None, version):
        return dg.SensorResult(cursor=version, asset_events=[observation],
                               skip_reason=f"{layout.ledger} unchanged")
    year = str(date.today().year)
    requests = ([dg.RunRequest(partition_key=year, run_key=f"ledger:{version}",
                               tags={TRIGGER_TAG: LEDGER_SENSOR})]
                if year in share_years.get_partition_keys() else [])
    return dg.SensorResult(cursor=version, asset_events=[observation], run_requests=requests)


FORMS_SENSOR = "returned_forms_sensor"


def round_states(layout: Layout, today: date) -> dict[str, str]:
    """For each share year with a forms folder, and the round under way (next year's table):
    one text for the files returned and whether the deadline of `data/review.toml` has passed,
    the two things a county's status in the round follows."""
    returned = {name: digest for name, digest in watched_files(layout.redistributions).items()
                if "/" in name}
    years = {share_year_of_file(name) for name in returned} | {str(today.year + 1)}
    states = {}
    for year in sorted(years & set(share_years.get_partition_keys())):
        mine = {name: d for name, d in returned.items() if share_year_of_file(name) == year}
        deadline = review_deadline(layout.review_round, int(year))
        states[year] = f"{files_version(mine)}:{'past' if today > deadline else 'open'}"
    return states


@dg.sensor(
    name=FORMS_SENSOR,
    job_name=FORM_STATUS_JOB,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Validates the county boards' returned forms as they arrive: a form added, "
    "changed or removed in `data/redistributions/YYYY/`, or the deadline of "
    "`data/review.toml` passing, requests the review_round job, whose asset "
    "`review_round_status` shows each county as sent, returned, valid, with errors or missing. "
    "Its first evaluation shows the round under way. Turn on in the UI for the autumn round.",
)
def returned_forms_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    layout = Layout(Path(os.environ.get("ANVISNING_DATA_DIR", DEFAULT_DATA_DIR)))
    after = round_states(layout, date.today())
    state = json.loads(context.cursor) if context.cursor else {"years": {}, "revision": 0}
    before = state["years"]
    # A year whose last form was taken away leaves `after`: its status changes all the same.
    changed = sorted(year for year in before.keys() | after.keys()
                     if before.get(year) != after.get(year))
    revision = state["revision"] + bool(changed)
    requests = [
        # The revision keeps a state seen before (a form taken away and returned again) from
        # being skipped as a run key Dagster has already run.
        dg.RunRequest(partition_key=year, run_key=f"forms-{year}:{revision}",
                      tags={TRIGGER_TAG: FORMS_SENSOR})
        for year in changed
    ]
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps({"years": after, "revision": revision}, sort_keys=True),
        skip_reason=None if requests else "no form arrived, changed or left; no deadline passed")
