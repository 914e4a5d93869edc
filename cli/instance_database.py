"""The Dagster instance's database, named for the one line a run ends with when it is down.

On a laptop the run history is SQLite files in DAGSTER_HOME; on the agency's server it is the
PostgreSQL database of the server profile (`deploy/dagster.yaml`), whose settings come from
environment variables. When that database cannot be reached, dagster-postgres retries for about
20 s, warning on the root logger at every attempt; the statistician is told once, here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy.exc
import yaml

_STORAGE_KEYS = ("storage", "run_storage", "event_log_storage", "schedule_storage")


def describe_database(home: Path) -> str:
    """The run history's database as the instance's dagster.yaml configures it, without its
    password: "PostgreSQL database anvisning on db.example:5432", or "SQLite database in
    <home>"."""
    config = _settings(home)
    storage = config.get("storage")
    postgres = storage.get("postgres") if isinstance(storage, dict) else None
    if isinstance(postgres, dict):
        settings = postgres.get("postgres_db")
        if isinstance(settings, dict):
            name, host, port = (_setting(settings.get(key)) for key in
                                ("db_name", "hostname", "port"))
            return f"PostgreSQL database {name} on {host}:{port or 5432}"
        url = urlsplit(_setting(postgres.get("postgres_url")))
        return f"PostgreSQL database {url.path.lstrip('/')} on {url.hostname}:{url.port or 5432}"
    if any(key in config for key in _STORAGE_KEYS):
        return f"database configured in {home / 'dagster.yaml'}"
    return f"SQLite database in {home}"


def unset_variables(home: Path) -> list[str]:
    """The environment variables the instance's dagster.yaml reads (`{env: NAME}`) that the
    environment does not set, in the file's order."""
    names: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if set(value) == {"env"}:
                names.append(str(value["env"]))
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(_settings(home))
    return [name for name in dict.fromkeys(names) if name not in os.environ]


def unreachable_cause(error: BaseException) -> str | None:
    """The database driver's own first line ("connection to server at … failed: Connection
    refused") when `error`, or an error it was raised from, is a failure to reach or use the
    instance's database; None for any other error."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlalchemy.exc.OperationalError):
            text = str(current.orig if current.orig is not None else current).strip()
            return text.splitlines()[0] if text else type(current).__name__
        current = current.__cause__ or current.__context__
    return None


def silence_connection_retries() -> None:
    """Keep dagster-postgres's warning per connection attempt off the terminal: the outcome is
    reported once, as the run's error line. Its warnings go to the root logger."""
    root = logging.getLogger()
    if not any(isinstance(f, _RetryWarnings) for f in root.filters):
        root.addFilter(_RetryWarnings())


class _RetryWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "dagster_postgres" not in Path(record.pathname).parts


def _settings(home: Path) -> dict:
    try:
        config = yaml.safe_load((home / "dagster.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeError, yaml.YAMLError):
        config = None
    return config if isinstance(config, dict) else {}


def _setting(value: object) -> str:
    """A dagster.yaml value: written out, or `{env: NAME}` read from the environment."""
    if isinstance(value, dict) and "env" in value:
        return os.environ.get(str(value["env"]), f"${value['env']} (not set)")
    return "" if value is None else str(value)
