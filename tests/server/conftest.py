"""A throwaway PostgreSQL server for the server profile's tests, from Debian's `postgresql`
package: `initdb` into a temporary folder, listening on 127.0.0.1 only (and a Unix socket in that
folder), stopped and removed afterwards. `initdb` refuses to run as root, so as root (CI) the
server runs as the package's unprivileged `postgres` user. Without the package every test here
skips with one line."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import psycopg2
import pytest

from tests.conftest import DATA, REPO, environment

SUPERUSER = "anvisning"
HANG_SECONDS = 120  # a server start or stop on a loaded machine, never this slow


def _bindir() -> Path | None:
    """Debian keeps the server's programs in /usr/lib/postgresql/<major>/bin, off the PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PostgresServer:
    """A running server: its programs, its folder, its port and the superuser's password."""

    bindir: Path
    folder: Path
    port: int
    password: str
    run_as: list[str]

    def pg_ctl(self, *args: str) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} "
                   f"-c unix_socket_directories={self.folder}")
        subprocess.run([*self.run_as, str(self.bindir / "pg_ctl"), "-D",
                        str(self.folder / "data"), "-l", str(self.folder / "server.log"),
                        "-o", options, "-w", "-t", str(HANG_SECONDS), *args],
                       check=True, capture_output=True, timeout=HANG_SECONDS + 10)

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def create_database(self) -> str:
        name = f"dagster_{uuid.uuid4().hex[:12]}"
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                                      password=self.password, dbname="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return name

    def tables(self, database: str) -> set[str]:
        """The tables of a database's public schema."""
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                                      password=self.password, dbname=database)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                return {row[0] for row in cursor.fetchall()}
        finally:
            connection.close()

    def environment(self, database: str) -> dict[str, str]:
        """The server profile's settings (deploy/dagster.yaml) for one database."""
        return {"DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": str(self.port),
                "DAGSTER_PG_DB": database, "DAGSTER_PG_USERNAME": SUPERUSER,
                "DAGSTER_PG_PASSWORD": self.password}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bindir = _bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql): "
                    "the server profile is not tested")
    run_as: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a postgres user: initdb refuses root")
        run_as = ["runuser", "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="anvisning-pg-"))
    password = uuid.uuid4().hex
    (folder / "password").write_text(password, encoding="utf-8")
    if owner is not None:
        for path in (folder, folder / "password"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    server = PostgresServer(bindir, folder, _free_port(), password, run_as)
    try:
        subprocess.run([*run_as, str(bindir / "initdb"), "-D", str(folder / "data"),
                        "-U", SUPERUSER, f"--pwfile={folder / 'password'}",
                        "--auth=scram-sha-256", "-E", "UTF8", "--no-locale"],
                       check=True, capture_output=True, timeout=HANG_SECONDS)
        server.start()
        yield server
    finally:
        if (folder / "data" / "postmaster.pid").exists():
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class ServerSite:
    """One test's view of the server: a database of its own, a Dagster home with the server
    profile, a copy of the data, a warehouse and an out folder; `env` for its processes."""

    home: Path
    data: Path
    out: Path
    database: str
    env: dict[str, str]


@pytest.fixture
def site(postgres: PostgresServer, tmp_path: Path) -> ServerSite:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    database = postgres.create_database()
    env = dict(os.environ, **postgres.environment(database), DAGSTER_HOME=str(home),
               ANVISNING_WAREHOUSE=str(tmp_path / "warehouse" / "anvisning.duckdb"),
               ANVISNING_DATA_DIR=str(data), ANVISNING_OUT_DIR=str(tmp_path / "out"),
               # This checkout's code, in every process (the console scripts may be installed
               # from another one).
               PYTHONPATH=str(REPO))
    return ServerSite(home, data, tmp_path / "out", database, env)


def anvisning(site: ServerSite, *args: str) -> list[str]:
    """The command line of `anvisning ARGS` on the site's folders."""
    return [sys.executable, "-m", "cli.main", *args, "--data-dir", str(site.data),
            "--out-dir", str(site.out)]


@contextmanager
def instance_of(site: ServerSite) -> Iterator[dg.DagsterInstance]:
    """The site's Dagster instance, opened in this process as the CLI and the daemon open it."""
    variables = {key: site.env[key] for key in site.env
                 if key.startswith("DAGSTER_PG_") or key == "DAGSTER_HOME"}
    with environment(**variables), dg.DagsterInstance.get() as instance:
        yield instance
