"""The real Dagster webserver, started from workspace.yaml on loopback, serves the asset graph."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO

# Waits that only end a hang: a loaded machine may answer slowly, never this slowly.
HANG_SECONDS = 60
EXPECTED_ASSETS = {"municipality_register", "population", "newcomers_settled",
                   "minors_received", "asylum_housing_days", "minor_arrival_housing_days"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=HANG_SECONDS) as response:
        return json.loads(response.read())


def start_webserver(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    """Start dagster-webserver in its own process group; wait until it answers."""
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = dict(os.environ, DAGSTER_HOME=str(home),
               ANVISNING_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
               ANVISNING_OUT_DIR=str(tmp_path / "out"))
    log = tmp_path / "webserver.log"
    with log.open("wb") as output:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-webserver"), "-w", "workspace.yaml",
             "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log.read_text(errors="replace")[-4000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2):
                return process, port
        except OSError:
            time.sleep(0.5)
    stop_webserver(process)
    raise AssertionError("the webserver did not answer within 90 s")


def stop_webserver(process: subprocess.Popen) -> None:
    """SIGINT to the whole group (the webserver ignores TERM); nothing may be left behind."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=HANG_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail("the webserver did not stop on SIGINT")
    deadline = time.monotonic() + HANG_SECONDS  # the code server child exits after its parent
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("the webserver left processes behind")


@pytest.mark.slow
def test_webserver_serves_the_asset_graph_from_workspace_yaml(tmp_path):
    process, port = start_webserver(tmp_path)
    try:
        answer = _graphql(port, "{ assetNodes { assetKey { path } } }")
    finally:
        stop_webserver(process)
    keys = {"/".join(node["assetKey"]["path"]) for node in answer["data"]["assetNodes"]}
    assert keys >= EXPECTED_ASSETS


@pytest.mark.slow
def test_the_ui_shows_concrete_descriptions_and_what_each_run_was(tmp_path):
    """Descriptions keep their placeholders (no "out//"); a CLI run's tags (command, reason,
    user) are in the runs the webserver serves; a failed step's description is one sentence."""
    from cli.main import main
    from tests.conftest import DATA, environment

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    bad = tmp_path / "bad"
    shutil.copytree(data, bad)
    (bad / "redistributions" / "2026.csv").write_text(
        "share_year,giver_code,receiver_code,amount_promille,approved_on,reference\n"
        "2026,1499,0115,0.50,2025-12-04,Lst O 1\n", encoding="utf-8")
    home = tmp_path / "dagster_home"
    with environment(DAGSTER_HOME=str(home),
                     ANVISNING_WAREHOUSE=str(tmp_path / "warehouse.duckdb")):
        assert main(["draft", "--year", "2026", "--data-dir", str(data),
                     "--out-dir", str(tmp_path / "out")]) == 0
        assert main(["publish", "--year", "2026", "--data-dir", str(bad),
                     "--out-dir", str(tmp_path / "out")]) == 1
    process, port = start_webserver(tmp_path)
    try:
        nodes = _graphql(port, "{ assetNodes { assetKey { path } description } }")
        runs = _graphql(port, "{ runsOrError { ... on Runs { results { runId status "
                              "tags { key value } } } } }")
        failed = next(r for r in runs["data"]["runsOrError"]["results"]
                      if r["status"] == "FAILURE")
        logs = _graphql(port, f'{{ logsForRun(runId: "{failed["runId"]}") {{ ... on '
                              "EventConnection { events { __typename ... on "
                              "ExecutionStepFailureEvent { error { message } "
                              "failureMetadata { label description } } } } } }")
    finally:
        stop_webserver(process)
    descriptions = {"/".join(n["assetKey"]["path"]): n["description"] or ""
                    for n in nodes["data"]["assetNodes"]}
    assert "out/YYYY/draft_shares_YYYY.csv" in descriptions["draft_shares"]
    assert not any("out//" in text or "/.csv" in text for text in descriptions.values())
    tags = [{t["key"]: t["value"] for t in r["tags"]}
            for r in runs["data"]["runsOrError"]["results"]]
    assert {t.get("anvisning/command") for t in tags} == {"draft", "publish"}
    assert all(t.get("anvisning/user") for t in tags)
    failures = [e for e in logs["data"]["logsForRun"]["events"]
                if e["__typename"] == "ExecutionStepFailureEvent"]
    assert failures
    description = failures[0]["failureMetadata"]["description"]
    assert "different counties" in description and "Traceback" not in description
    assert "\n" not in description.strip()
