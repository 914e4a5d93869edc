"""The server profile on a real PostgreSQL: CLI runs land in the shared run history, two share
years run at once, the daemon's sensors fire and their runs complete, and a database that is down
costs the user one line and nothing else."""

from __future__ import annotations

import hashlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import dagster as dg
import pytest
from openpyxl import load_workbook

from assets.defs.automation.sensors import (
    FORMS_SENSOR,
    SENSOR_NAME,
    TRIGGER_TAG,
    redistribution_files_sensor,
)
from pipeline.redistribution.agreements import FORM_SHEET
from pipeline.redistribution.review_form import FIRST_FORM_ROW
from tests.conftest import REPO, environment
from tests.server.conftest import PostgresServer, ServerSite, anvisning, instance_of

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BIN = Path(sys.executable).parent
# Hang guards only: a run takes seconds, the daemon's first ticks come within seconds of its start.
RUN_SECONDS = 300
DAEMON_SECONDS = 600
FINISHED = (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)
T = TypeVar("T")


def run_cli(site: ServerSite, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(anvisning(site, *args), cwd=REPO, env=site.env, capture_output=True,
                          text=True, timeout=RUN_SECONDS)


def runs(site: ServerSite, **tags: str) -> list[dg.DagsterRun]:
    with instance_of(site) as instance:
        return instance.get_runs(filters=dg.RunsFilter(tags=tags) if tags else None)


def published_whole(out_year: Path, year: str) -> None:
    """Every file the manifest names exists with the manifest's hash."""
    manifest = json.loads((out_year / f"publication_{year}.json").read_text(encoding="utf-8"))
    assert manifest["files"]
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out_year / name).read_bytes()).hexdigest() == digest, name


def test_anvisning_instance_sets_up_the_run_history_and_names_its_database(site, postgres):
    command = [sys.executable, "-m", "cli.main", "instance"]
    done = subprocess.run(command, cwd=REPO, env=site.env, capture_output=True, text=True,
                          timeout=RUN_SECONDS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"Dagster instance {site.home}: PostgreSQL database "
                                   f"{site.database} on 127.0.0.1:{postgres.port}; ready")
    assert postgres.tables(site.database) >= {"runs", "event_logs", "instigators"}
    del site.env["DAGSTER_PG_PASSWORD"]
    done = subprocess.run(command, cwd=REPO, env=site.env, capture_output=True, text=True,
                          timeout=RUN_SECONDS)
    assert (done.returncode, done.stderr) == (1, f"error: DAGSTER_HOME {site.home}: its "
                                              "dagster.yaml reads DAGSTER_PG_PASSWORD from the "
                                              "environment, which does not set it\n")


def test_a_cli_share_run_is_in_the_run_history_in_postgresql(site):
    done = run_cli(site, "run", "--year", "2026")
    assert done.returncode == 0, done.stderr
    (run,) = runs(site)
    assert (run.job_name, run.status, run.tags["dagster/partition"]) == (
        "share_run", dg.DagsterRunStatus.SUCCESS, "2026")
    assert run.tags["anvisning/command"] == "run"
    assert not (site.home / "history").exists()  # no SQLite run storage beside it
    with instance_of(site) as instance:
        stored = instance.get_latest_materialization_event(dg.AssetKey("share_table_publication"))
    assert stored is not None and stored.run_id == run.run_id


def test_two_cli_runs_of_different_share_years_at_once_are_both_in_the_history(site):
    started = [subprocess.Popen(anvisning(site, "run", "--year", year), cwd=REPO, env=site.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for year in ("2025", "2026")]
    for process in started:
        _, stderr = process.communicate(timeout=RUN_SECONDS)
        assert process.returncode == 0, stderr
    found = {run.tags["dagster/partition"]: run.status for run in runs(site)}
    assert found == {"2025": dg.DagsterRunStatus.SUCCESS, "2026": dg.DagsterRunStatus.SUCCESS}
    for year in ("2025", "2026"):
        published_whole(site.out / year, year)


def test_the_daemon_fires_both_sensors_and_their_runs_complete(site):
    """A new agreement file requests the share run of its year; a county board's filled-in form,
    returned in the folder, is validated and shown in the review round's status as valid."""
    assert run_cli(site, "draft", "--year", "2026").returncode == 0
    return_form(site, county_file="review_2026_14_vastra-gotalands-lan.xlsx")
    new_agreements = site.data / "redistributions" / "2025.csv"
    held_back = new_agreements.read_bytes()
    new_agreements.unlink()
    dagster("sensor", "start", SENSOR_NAME, env=site.env)
    dagster("sensor", "start", FORMS_SENSOR, env=site.env)
    # What the redistribution sensor's first tick records when turned on: the folder as it is.
    with environment(ANVISNING_DATA_DIR=str(site.data)):
        recorded = redistribution_files_sensor(dg.build_sensor_context()).cursor
    dagster("sensor", "cursor", SENSOR_NAME, "--set", recorded, env=site.env)
    new_agreements.write_bytes(held_back)

    log = site.home.parent / "daemon.log"
    with log.open("wb") as output:
        daemon = subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
                                  cwd=REPO, env=site.env, stdout=output,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    # The forms sensor's first tick: the year with forms, and the round under way.
    form_years = sorted({"2026", str(date.today().year + 1)})
    try:
        share_run = wait_for(daemon, log, "the sensor's share run completes",
                             lambda: finished(site, SENSOR_NAME, 1))
        form_runs = wait_for(daemon, log, "the forms sensor's runs complete",
                             lambda: finished(site, FORMS_SENSOR, len(form_years)))
    finally:
        stop(daemon)
    assert [(r.job_name, r.tags["dagster/partition"], r.status) for r in share_run] == [
        ("share_run", "2025", dg.DagsterRunStatus.SUCCESS)]
    published_whole(site.out / "2025", "2025")
    assert sorted((r.job_name, r.tags["dagster/partition"], r.status) for r in form_runs) == [
        ("review_round", year, dg.DagsterRunStatus.SUCCESS) for year in form_years]
    # Nothing else ran: every other schedule and sensor is off.
    assert len(runs(site)) == 1 + len(share_run) + len(form_runs)
    with instance_of(site) as instance:
        (status,) = instance.fetch_materializations(dg.AssetRecordsFilter(
            asset_key=dg.AssetKey("review_round_status"), asset_partitions=["2026"]),
            limit=1).records
    table = status.asset_materialization.metadata["county_status"].value
    assert "| 14 Västra Götalands län | giltig | svar_vg.xlsx | 0 |" in table
    assert status.asset_materialization.metadata["valid"].value == 1


def return_form(site: ServerSite, county_file: str) -> None:
    """The county's review workbook filled in as its county board does, returned in the folder:
    Falköping gives 0,01 ‰ to Skövde."""
    workbook = load_workbook(site.out / "2026" / "review" / county_file)
    for column, value in enumerate(["1499", "1496", "0,01", "2025-12-05", "Lst O 851-1-2025"],
                                   start=1):
        workbook[FORM_SHEET].cell(FIRST_FORM_ROW, column).value = value
    folder = site.data / "redistributions" / "2026"
    folder.mkdir()
    workbook.save(folder / "svar_vg.xlsx")


def finished(site: ServerSite, trigger: str, count: int) -> list[dg.DagsterRun]:
    """The runs a sensor requested, once `count` of them have finished; else none."""
    done = [r for r in runs(site, **{TRIGGER_TAG: trigger}) if r.status in FINISHED]
    return done if len(done) >= count else []


def dagster(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run([str(BIN / "dagster"), *args, "-w", "workspace.yaml"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=RUN_SECONDS)
    assert done.returncode == 0, done.stdout + done.stderr


def wait_for(daemon: subprocess.Popen, log: Path, what: str, found: Callable[[], T]) -> T:
    deadline = time.monotonic() + DAEMON_SECONDS
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise AssertionError(f"the daemon exited before {what}:\n" + tail(log))
        if result := found():
            return result
        time.sleep(1)
    raise AssertionError(f"not within {DAEMON_SECONDS} s: {what}\n" + tail(log))


def tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-4000:]


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the daemon's group, as a service manager stops it; nothing may be left (the
    code server it started exits after it)."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=RUN_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail("the daemon did not stop on SIGTERM")
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("the daemon left processes behind")


def test_a_database_that_is_down_at_the_start_is_one_line_and_nothing_is_run(site):
    site.env["DAGSTER_PG_PORT"] = str(closed_port())
    done = run_cli(site, "run", "--year", "2026")
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"error: the Dagster run history's PostgreSQL database "
                           f"{site.database} on 127.0.0.1:{site.env['DAGSTER_PG_PORT']} "
                           "cannot be reached (connection to server at")
    assert line.endswith("nothing was run")
    assert not site.out.exists()


def test_a_database_lost_in_the_middle_of_a_run_is_one_line_and_the_next_run_completes(
        site, postgres: PostgresServer):
    process = subprocess.Popen(anvisning(site, "run", "--year", "2026"), cwd=REPO, env=site.env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        # The step's start is printed once it is stored: the run is under way in the database.
        read_until(process, "▸ share_basis")
        os.killpg(process.pid, signal.SIGSTOP)  # held still while the database goes away
        postgres.stop()
        os.killpg(process.pid, signal.SIGCONT)
        _, stderr = process.communicate(timeout=RUN_SECONDS)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        postgres.start()
    assert process.returncode == 1
    (line,) = stderr.splitlines()
    assert line.startswith(f"error: the Dagster run history's PostgreSQL database "
                           f"{site.database} on 127.0.0.1:{postgres.port} cannot be reached")
    assert line.endswith("run it again when the database is back")
    again = run_cli(site, "run", "--year", "2026")
    assert again.returncode == 0, again.stderr
    published_whole(site.out / "2026", "2026")
    assert dg.DagsterRunStatus.SUCCESS in {run.status for run in runs(site)}


def read_until(process: subprocess.Popen, text: str) -> None:
    """Read the process's output line by line until one holds `text`."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + RUN_SECONDS
    seen = []
    while time.monotonic() < deadline:
        if selector.select(timeout=1):
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if text in line:
                return
    raise AssertionError(f"{text!r} never printed:\n{''.join(seen)}")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
