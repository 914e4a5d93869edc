"""The run history's SQLite files, written with one open connection per file during a CLI run.

Dagster's SQLite storages create a SQLAlchemy engine, open a connection, commit and dispose of the
engine for every write: to a run's event file, to the index file, to runs.db (about 370 times in
a share run, three or four for each of its ~100 events). Opening is most of the cost of a write,
and the last connection to close a file checkpoints its write-ahead log, with its fsyncs. While a
CLI run executes, `pooled_storage` gives the instance's event log and run storage one engine per
file that keeps its connection open: every write is still its own transaction, committed before
the event is handed on, in the same order (the event log under its own lock, as before), so the
run history and what the UI reads are unchanged. The engines are disposed of when the run ends;
the UI's and the daemon's processes never see this.

In WAL mode, `synchronous=NORMAL` syncs at checkpoints instead of at every commit: the history
survives a killed process as before; only a power cut could lose the run's last events.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager


@contextmanager
def pooled_storage(instance) -> Iterator[None]:
    """For the duration of the block, the instance's SQLite event log and run storage reuse one
    engine (and one open connection) per file; storages of another kind are left alone."""
    with ExitStack() as stack:
        stack.enter_context(_pooled_event_log(instance.event_log_storage))
        stack.enter_context(_pooled_runs(instance.run_storage))
        yield


@contextmanager
def _pooled_event_log(storage) -> Iterator[None]:
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    if type(storage) is not SqliteEventLogStorage:
        yield
        return
    engines = {}

    @contextmanager
    def connect(shard: str):
        # SqliteEventLogStorage._connect, with the engine kept instead of created and disposed.
        with storage._db_lock:
            engine = engines.get(shard)
            if engine is None:
                engine = engines[shard] = _engine(storage.conn_string_for_shard(shard))
                if shard not in storage._initialized_dbs:
                    storage._initdb(engine)
                    storage._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    storage._connect = connect  # an instance attribute: the class and other instances keep theirs
    try:
        yield
    finally:
        del storage._connect
        with storage._db_lock:
            for engine in engines.values():
                engine.dispose()


@contextmanager
def _pooled_runs(storage) -> Iterator[None]:
    from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage

    if type(storage) is not SqliteRunStorage:
        yield
        return
    engine = _engine(storage._conn_string)

    @contextmanager
    def connect():
        # SqliteRunStorage.connect, with one engine for the run instead of one per call.
        with engine.connect() as conn, conn.begin():
            yield conn

    storage.connect = connect
    try:
        yield
    finally:
        del storage.connect
        engine.dispose()


def _engine(conn_string: str):
    from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
    from sqlalchemy import create_engine, event

    engine = create_engine(conn_string, pool_size=1,
                           connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
    event.listen(engine, "connect", _normal_sync)
    return engine


def _normal_sync(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
