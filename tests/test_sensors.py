"""The redistribution-files sensor: a new, changed or deleted agreement file or returned review
workbook requests one share run of its share year; nothing else does."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from assets.definitions import defs
from assets.defs.automation.job_names import SHARE_RUN_JOB
from assets.defs.automation.sensors import SENSOR_NAME, redistribution_files_sensor

HEADER = "share_year,giver_code,receiver_code,amount_promille,approved_on,reference\n"
AGREEMENT = "2026,0181,0192,0.50,2025-12-04,Lst AB 851-12345-2025\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder the sensor watches; returns its redistributions folder."""
    monkeypatch.setenv("ANVISNING_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "redistributions"


def tick(cursor: str | None) -> tuple[list[dg.RunRequest], str | None]:
    result = redistribution_files_sensor(dg.build_sensor_context(cursor=cursor))
    return list(result.run_requests or []), result.cursor or cursor


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_no_files_request_no_run(folder):
    requests, cursor = tick(None)
    assert requests == []
    assert tick(cursor)[0] == []


def test_a_new_agreement_file_requests_the_run_of_its_share_year(folder):
    _, cursor = tick(None)
    write(folder / "2026.csv", HEADER + AGREEMENT)
    requests, _ = tick(cursor)
    assert [r.partition_key for r in requests] == ["2026"]
    assert requests[0].run_key.startswith("2026:")


def test_without_a_change_nothing_is_requested_again(folder):
    _, cursor = tick(None)
    write(folder / "2026.csv", HEADER + AGREEMENT)
    _, cursor = tick(cursor)
    assert tick(cursor)[0] == []


def test_a_changed_file_requests_a_new_run(folder):
    _, cursor = tick(None)
    write(folder / "2026.csv", HEADER)
    first, cursor = tick(cursor)
    write(folder / "2026.csv", HEADER + AGREEMENT)
    second, _ = tick(cursor)
    assert [r.partition_key for r in second] == ["2026"]
    assert second[0].run_key != first[0].run_key


def test_a_file_changed_back_runs_again_under_a_new_run_key(folder):
    """Dagster skips a run key it has seen: each change must have its own."""
    _, cursor = tick(None)
    run_keys = []
    for text in (HEADER, HEADER + AGREEMENT, HEADER, HEADER + AGREEMENT):
        write(folder / "2026.csv", text)
        requests, cursor = tick(cursor)
        run_keys += [r.run_key for r in requests]
    assert len(run_keys) == len(set(run_keys)) == 4


def test_a_returned_review_workbook_requests_the_run_of_its_share_year(folder):
    _, cursor = tick(None)
    (folder / "2018").mkdir(parents=True)
    (folder / "2018" / "review_2018_01.xlsx").write_bytes(b"PK\x03\x04 a workbook")
    requests, _ = tick(cursor)
    assert [r.partition_key for r in requests] == ["2018"]


def test_a_deleted_file_requests_the_run_of_its_share_year(folder):
    write(folder / "2026.csv", HEADER + AGREEMENT)
    write(folder / "2019" / "review_2019_03.xlsx", "workbook")
    _, cursor = tick(None)
    (folder / "2019" / "review_2019_03.xlsx").unlink()
    requests, _ = tick(cursor)
    assert [r.partition_key for r in requests] == ["2019"]


def test_changes_in_two_share_years_request_one_run_each(folder):
    _, cursor = tick(None)
    write(folder / "2026.csv", HEADER)
    write(folder / "2025" / "a.xlsx", "a")
    write(folder / "2025" / "b.xlsx", "b")
    requests, _ = tick(cursor)
    assert [r.partition_key for r in requests] == ["2025", "2026"]


@pytest.mark.parametrize("name", ["notes.txt", "20x6.csv", "README.md", "2026.csv.bak",
                                  "2026/~$review_2026_01.xlsx", "2026/.~lock.review.ods#",
                                  "2026/old/review.xlsx", "20x6/review.xlsx", "2050.csv",
                                  "1999/review_1999_01.xlsx"])
def test_other_names_and_years_outside_the_partitions_are_ignored(folder, name):
    _, cursor = tick(None)
    write(folder / name, "anything")
    assert tick(cursor)[0] == []


@pytest.mark.parametrize("name", ["2026/review.ods", "2026/review.xls", "2026/review.xlsm",
                                  "2026/notes.txt"])
def test_any_returned_file_requests_a_run_which_reads_or_names_it(folder, name):
    _, cursor = tick(None)
    write(folder / name, "anything")
    assert [r.partition_key for r in tick(cursor)[0]] == ["2026"]


def test_turning_the_sensor_on_records_existing_files_without_running(data_dir, monkeypatch):
    monkeypatch.setenv("ANVISNING_DATA_DIR", str(data_dir))
    requests, cursor = tick(None)
    assert requests == []
    assert "2026.csv" in cursor
    assert tick(cursor)[0] == []


def test_the_definitions_hold_the_sensor_on_the_share_run_job_stopped():
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    assert sensor.job_name == SHARE_RUN_JOB
    assert sensor.minimum_interval_seconds == 30
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED


def test_the_ledger_sensor_observes_a_new_assignment_and_recomputes_goal_fulfilment(
        data_dir, monkeypatch):
    from datetime import date

    from assets.defs.automation.sensors import ledger_sensor

    monkeypatch.setenv("ANVISNING_DATA_DIR", str(data_dir))
    first = ledger_sensor(dg.build_sensor_context(cursor=None))
    assert first.run_requests == [] and len(first.asset_events) == 1
    ledger = data_dir / "ledger" / "assignments.csv"
    ledger.write_text(ledger.read_text() + "A9999999,2026-01-02,0114,connection\n")
    second = ledger_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert second.cursor != first.cursor
    assert second.asset_events[0].tags["dagster/data_version"] == second.cursor
    assert [r.partition_key for r in second.run_requests] == [str(date.today().year)]
    third = ledger_sensor(dg.build_sensor_context(cursor=second.cursor))
    assert third.run_requests == []


def test_the_source_assets_version_the_same_files_the_sensor_watches(data_dir):
    from assets.defs.sources.assets import agreement_files_version, returned_forms_version
    from pipeline.core.layout import Layout

    layout = Layout(data_dir)
    agreements, forms = agreement_files_version(layout), returned_forms_version(layout)
    assert forms == "absent" and agreements != "absent"
    write(data_dir / "redistributions" / "2026" / "svar.ods", "a form")
    write(data_dir / "redistributions" / "2026" / "~$svar.xlsx", "a lock file")
    assert agreement_files_version(layout) == agreements
    assert returned_forms_version(layout) not in ("absent", forms)
    (data_dir / "redistributions" / "2026.csv").write_text(HEADER, encoding="utf-8")
    assert agreement_files_version(layout) != agreements
