"""Naming the run history's database for the one line a statistician reads when it is down: the
server profile's settings from the environment, never the password; the driver's own cause; the
retries' warnings kept off the terminal; the settings the environment lacks, named."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import sqlalchemy.exc

from cli.instance_database import (
    describe_database,
    silence_connection_retries,
    unreachable_cause,
    unset_variables,
)
from tests.conftest import REPO

SETTINGS = {"DAGSTER_PG_HOST": "db.example", "DAGSTER_PG_PORT": "5433",
            "DAGSTER_PG_DB": "anvisning_dagster", "DAGSTER_PG_USERNAME": "anvisning",
            "DAGSTER_PG_PASSWORD": "hemligt"}


@pytest.fixture
def server_home(tmp_path: Path) -> Path:
    shutil.copy(REPO / "deploy" / "dagster.yaml", tmp_path / "dagster.yaml")
    return tmp_path


def test_the_server_profile_names_database_host_and_port_but_not_the_password(
        server_home, monkeypatch):
    for key, value in SETTINGS.items():
        monkeypatch.setenv(key, value)
    described = describe_database(server_home)
    assert described == "PostgreSQL database anvisning_dagster on db.example:5433"
    assert unset_variables(server_home) == []


def test_every_setting_the_environment_lacks_is_named(server_home, monkeypatch):
    for key, value in SETTINGS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("DAGSTER_PG_HOST")
    monkeypatch.delenv("DAGSTER_PG_PASSWORD")
    assert unset_variables(server_home) == ["DAGSTER_PG_HOST", "DAGSTER_PG_PASSWORD"]


def test_the_laptop_profile_is_the_sqlite_history_in_the_home():
    home = REPO / ".dagster_home"
    assert describe_database(home) == f"SQLite database in {home}"
    assert unset_variables(home) == []


def test_the_cause_is_the_drivers_first_line_however_deep_it_was_raised():
    driver = OSError('connection to server at "127.0.0.1", port 5433 failed: Connection refused'
                     "\n\tIs the server running on that host and accepting TCP/IP connections?")
    refused = sqlalchemy.exc.OperationalError("SELECT 1", {}, driver)
    try:
        try:
            raise refused
        except sqlalchemy.exc.OperationalError as error:
            raise RuntimeError("too many retries for DB connection") from error
    except RuntimeError as outer:
        cause = unreachable_cause(outer)
    assert cause == 'connection to server at "127.0.0.1", port 5433 failed: Connection refused'
    assert unreachable_cause(ValueError("a bug")) is None


def test_the_retries_warnings_are_kept_off_the_terminal_and_nothing_else():
    silence_connection_retries()
    silence_connection_retries()  # twice is once
    root = logging.getLogger()
    retry = root.makeRecord("root", logging.WARNING, "/venv/lib/dagster_postgres/utils.py", 117,
                            "Retrying failed database connection", (), None)
    other = root.makeRecord("root", logging.WARNING, "/venv/lib/other/module.py", 1,
                            "a warning of its own", (), None)
    assert (bool(root.filter(retry)), bool(root.filter(other))) == (False, True)
    assert sum(type(f).__name__ == "_RetryWarnings" for f in root.filters) == 1
