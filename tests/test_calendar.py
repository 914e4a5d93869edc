"""The year's calendar as automation: the August draft, the December decision and the table in
force on 1 January each ask for the right job and share year; the forms sensor asks for the
review round's status as forms arrive and as the deadline passes; and all of it starts off."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from assets.definitions import defs
from assets.defs.automation.job_names import DRAFT_JOB, FORM_STATUS_JOB, IN_FORCE_JOB, SHARE_RUN_JOB
from assets.defs.automation.sensors import FORMS_SENSOR, returned_forms_sensor, round_states
from pipeline.core.layout import Layout
from tests.conftest import DATA

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(("schedule", "job", "when", "share_year"), [
    ("august_draft", DRAFT_JOB, datetime(2026, 8, 15, 6, tzinfo=STOCKHOLM), "2027"),
    ("december_share_run", SHARE_RUN_JOB, datetime(2026, 12, 15, 6, tzinfo=STOCKHOLM), "2027"),
    ("january_table_in_force", IN_FORCE_JOB, datetime(2027, 1, 1, 0, 5, tzinfo=STOCKHOLM),
     "2027"),
])
def test_each_date_of_the_calendar_runs_its_job_for_the_right_share_year(schedule, job, when,
                                                                         share_year):
    definition = defs.resolve_schedule_def(schedule)
    context = dg.build_schedule_context(scheduled_execution_time=when,
                                        repository_def=defs.get_repository_def())
    request = definition.evaluate_tick(context).run_requests[0]
    assert definition.job_name == job
    assert request.partition_key == share_year
    assert definition.execution_timezone == "Europe/Stockholm"


def test_the_new_table_job_recomputes_goal_fulfilment_and_the_site_only():
    job = defs.resolve_job_def(IN_FORCE_JOB)
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {
        "goal_fulfilment", "statistics_site"}


def test_every_schedule_and_sensor_starts_stopped():
    repository = defs.get_repository_def()
    schedules, sensors = repository.schedule_defs, repository.sensor_defs
    assert {s.name for s in schedules} == {"august_draft", "december_share_run",
                                           "january_table_in_force"}
    # Dagster adds the last for the eager conditions of goal fulfilment and the site.
    assert {s.name for s in sensors} == {"redistribution_files_sensor", FORMS_SENSOR,
                                         "ledger_sensor", "default_automation_condition_sensor"}
    assert all(s.default_status == dg.DefaultScheduleStatus.STOPPED for s in schedules)
    assert all(s.default_status == dg.DefaultSensorStatus.STOPPED for s in sensors)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with the round's settings, watched by the sensor."""
    (tmp_path / "data").mkdir()
    shutil.copy(DATA / "review.toml", tmp_path / "data" / "review.toml")
    monkeypatch.setenv("ANVISNING_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def tick(cursor: str | None) -> tuple[list[str], str]:
    result = returned_forms_sensor(dg.build_sensor_context(cursor=cursor))
    return [r.partition_key for r in result.run_requests or []], result.cursor


def test_turning_the_forms_sensor_on_shows_the_round_under_way(data):
    requests, cursor = tick(None)
    assert requests == [str(date.today().year + 1)]
    assert tick(cursor)[0] == []


def test_a_returned_form_requests_the_status_of_its_share_year_once(data):
    _, cursor = tick(None)
    form = data / "redistributions" / "2026" / "svar.xlsx"
    form.parent.mkdir(parents=True)
    form.write_bytes(b"a form")
    requests, cursor = tick(cursor)
    assert requests == ["2026"]
    assert tick(cursor)[0] == []
    form.write_bytes(b"a corrected form")
    assert tick(cursor)[0] == ["2026"]


def test_a_form_taken_away_and_returned_again_is_validated_again_under_a_new_run_key(data):
    form = data / "redistributions" / "2026" / "svar.xlsx"
    form.parent.mkdir(parents=True)
    form.write_bytes(b"a form")
    _, cursor = tick(None)
    run_keys = []
    for present in (False, True):
        form.write_bytes(b"a form") if present else form.unlink()
        result = returned_forms_sensor(dg.build_sensor_context(cursor=cursor))
        cursor = result.cursor
        run_keys += [r.run_key for r in result.run_requests]
    assert len(run_keys) == len(set(run_keys)) == 2  # taken away, and returned


def test_the_deadline_passing_changes_the_state_the_sensor_follows(data):
    layout = Layout(data)
    before = round_states(layout, date(2025, 12, 5))  # data/review.toml: the deadline, 12-05
    after = round_states(layout, date(2025, 12, 6))
    assert before.keys() == after.keys() == {"2026"}
    assert before["2026"] != after["2026"]


def test_the_forms_sensor_runs_the_review_round_job():
    assert defs.resolve_sensor_def(FORMS_SENSOR).job_name == FORM_STATUS_JOB
    job = defs.resolve_job_def(FORM_STATUS_JOB)
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {
        "review_round_status"}
