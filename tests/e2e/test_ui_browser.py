"""The share run through the Dagster UI, as a statistician does it: headless Chromium opens the
real webserver (workspace.yaml, loopback) and its asset graph (the share_run job selects every
asset), jumps to assets in it, then launches share year 2026 from the job page by clicking
Materialize all → partition 2026 → Launch 1 run; the run succeeds on the shipped data and the
browser shows it as a success."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.test_webserver import start_webserver, stop_webserver

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
LOCATION = "assets.definitions"
JOB = "share_run"
SHARE_YEAR = "2026"
ASSET_GROUPS = ("ingestion", "shares", "redistribution", "publication", "goal_fulfilment")
GRAPH_ASSETS = ("population", "final_shares", "draft_shares")
RUN_SECONDS = 120
FILTER = "Filter partitions"
UI_SECONDS = 60
RUNS_QUERY = """
query ($filter: RunsFilter) {
  runsOrError(filter: $filter) { ... on Runs { results { runId status } } }
}"""


@pytest.fixture
def webserver(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The webserver and the daemon on a copy of the shipped data, as `dagster dev` starts them:
    the instance's default run coordinator queues a launched run and the daemon starts it. Their
    logs stay in tmp_path for a failure."""
    monkeypatch.setenv("ANVISNING_DATA_DIR", str(data_dir))
    process, port = start_webserver(tmp_path)  # logs to tmp_path/webserver.log
    try:
        daemon = _start_daemon(tmp_path)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_webserver(daemon)  # SIGINT to its process group, nothing left behind
    finally:
        stop_webserver(process)


def _start_daemon(tmp_path: Path) -> subprocess.Popen:
    """dagster-daemon with the very environment start_webserver gives the webserver, so that the
    run it starts reads the same data and writes the same warehouse and outputs."""
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path / "dagster_home"),
               ANVISNING_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
               ANVISNING_OUT_DIR=str(tmp_path / "out"))
    with (tmp_path / "daemon.log").open("wb") as log:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", "workspace.yaml"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )


@pytest.fixture
def browser(tmp_path: Path):
    """Headless Chromium through chromedriver; quit afterwards, and no process of this profile
    may outlive the test."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    profile = tmp_path / "chromium-profile"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", f"--user-data-dir={profile}", "--window-size=1920,1200"):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    driver.failure_screenshot = str(tmp_path / "failure.png")
    try:
        yield driver
    finally:
        driver.quit()
        _assert_gone(profile)


def test_the_share_run_is_launched_and_succeeds_from_the_browser(browser, webserver, tmp_path):
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{webserver}/asset-groups")
    _dismiss_community_dialog(browser)
    for group in ASSET_GROUPS:
        _wait_for(browser, lambda d, group=group: _visible_text(d, group),
                  f"asset group {group} in the graph")
    for name in GRAPH_ASSETS:
        _jump_to(browser, name)
    browser.save_screenshot(str(tmp_path / "asset_graph.png"))

    browser.get(f"{webserver}/locations/{LOCATION}/jobs/{JOB}")
    _click(browser, "//button[normalize-space()='Materialize all…']")
    _click(browser, "//*[@role='dialog']//*[contains(text(),'Select a partition')]")
    search = _wait_for(browser, lambda d: _displayed(d, f"//input[@placeholder='{FILTER}']"),
                       "the partition filter")
    search.send_keys(SHARE_YEAR)
    _click(browser, f"//span[normalize-space(text())='{SHARE_YEAR}']")
    search.send_keys(Keys.ESCAPE)
    _wait_for(browser, lambda d: not _displayed(d, f"//input[@placeholder='{FILTER}']"),
              "the partition list closed")
    _wait_for(browser, lambda d: _displayed(d, "//*[@role='dialog']//*[normalize-space(text())="
                                               "'1 partition']"), "1 partition selected")
    browser.save_screenshot(str(tmp_path / "launch_dialog.png"))
    _click(browser, "//*[@role='dialog']//button[normalize-space()='Launch 1 run']")

    run_id = _wait_for(browser, lambda d: _run_of_share_year(webserver), "the launched run",
                       seconds=UI_SECONDS)["runId"]
    status = _wait_for_run_to_finish(webserver, run_id)
    browser.get(f"{webserver}/runs/{run_id}")
    _wait_for(browser, lambda d: _visible_text(d, run_id[:8]), f"the page of run {run_id}")
    assert status == "SUCCESS", (tmp_path / "daemon.log").read_text(errors="replace")[-4000:]
    _wait_for(browser, lambda d: _visible_text(d, "Success"), "the run page showing Success")
    browser.save_screenshot(str(tmp_path / "share_run_2026.png"))


# --- helpers --------------------------------------------------------------------------------

def _wait_for(driver, condition, what: str, seconds: float = UI_SECONDS):
    from selenium.common.exceptions import (
        ElementClickInterceptedException,
        StaleElementReferenceException,
        TimeoutException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    # React re-renders under our feet: an element found a moment ago may be gone or covered.
    transient = (StaleElementReferenceException, ElementClickInterceptedException)
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.5,
                             ignored_exceptions=transient).until(condition)
    except TimeoutException:
        driver.save_screenshot(driver.failure_screenshot)
        pytest.fail(f"the UI did not show {what} within {seconds} s; the page is in "
                    f"{driver.failure_screenshot}")


def _displayed(driver, xpath: str):
    return next((e for e in driver.find_elements("xpath", xpath) if e.is_displayed()), None)


def _visible_text(driver, text: str):
    return _displayed(driver, f"//*[normalize-space(text())='{text}']")


def _click(driver, xpath: str) -> None:
    def clicked(d) -> bool:
        element = _displayed(d, xpath)
        if element is None:
            return False
        element.click()
        return True

    _wait_for(driver, clicked, xpath)


def _dismiss_community_dialog(driver) -> None:
    """A fresh Dagster home greets the first visit with a newsletter dialog; skip it."""
    _wait_for(driver, lambda d: d.find_elements("xpath", "//button"), "the page")
    from selenium.common.exceptions import StaleElementReferenceException

    skip = "//*[@role='dialog']//button[normalize-space()='Skip']"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            button = _displayed(driver, skip)
            if button is not None:
                button.click()
                return
        except StaleElementReferenceException:
            pass
        time.sleep(0.5)


def _jump_to(driver, name: str) -> None:
    """Type the asset's name into the graph's "Jump to…" box: the sidebar opens the asset's group,
    and the graph selects the asset and opens its panel, headed by its name."""
    from selenium.webdriver.common.keys import Keys

    box = _wait_for(driver, lambda d: _displayed(d, "//input[@placeholder='Jump to…']"),
                    "the Jump to box")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(name)
    _wait_for(driver, lambda d: _visible_text(d, name), f"{name} among the matches")
    box.send_keys(Keys.ENTER)
    shown = f"//*[normalize-space(text())='{name}']"
    _wait_for(driver, lambda d: len([e for e in d.find_elements("xpath", shown)
                                     if e.is_displayed()]) >= 2,
              f"asset {name} selected in the graph and listed in its group")


def _graphql(base: str, query: str, variables: dict) -> dict:
    request = urllib.request.Request(
        f"{base}/graphql", data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=UI_SECONDS) as response:
        return json.loads(response.read())["data"]


def _run_of_share_year(base: str) -> dict | None:
    answer = _graphql(base, RUNS_QUERY, {"filter": {
        "pipelineName": JOB, "tags": [{"key": "dagster/partition", "value": SHARE_YEAR}]}})
    runs = answer["runsOrError"]["results"]
    return runs[0] if runs else None


def _wait_for_run_to_finish(base: str, run_id: str) -> str:
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        answer = _graphql(base, RUNS_QUERY, {"filter": {"runIds": [run_id]}})
        status = answer["runsOrError"]["results"][0]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status
        time.sleep(1)
    pytest.fail(f"run {run_id} did not finish within {RUN_SECONDS} s")


def _assert_gone(profile: Path) -> None:
    """No Chromium process started with this test's own profile may be left running."""
    deadline = time.monotonic() + UI_SECONDS
    while (left := _processes_using(profile)) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"Chromium processes left behind: {left}"


def _processes_using(profile: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if str(profile).encode() in command:
            found.append(int(entry.name))
    return found
