"""The run history's SQLite files, written with one open connection per file during a CLI run.

Dagster's SQLite event log creates a SQLAlchemy engine, opens a connection, commits and disposes
of the engine for every write to a run's event file or to the index file (about 330 in a share
run, two or three for each of its ~100 events). Opening is most of the cost of a write, and the
last connection to close a file checkpoints its write-ahead log, with its fsyncs. While a CLI run
executes, `pooled_event_log` gives the instance's event log one engine per file that keeps its
connection open: every write is still its own transaction, committed before the event is handed
on, under the storage's own lock, in the same order, so the run history and what the UI reads are
unchanged. The engines are disposed of when the run ends; the UI's and daemon's processes never
see this.

In WAL mode, `synchronous=NORMAL` syncs at checkpoints instead of at every commit: the history
survives a killed process as before; only a power cut could lose the run's last events.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def pooled_event_log(instance) -> Iterator[None]:
    """For the duration of the block, the instance's SQLite event log reuses one engine (and
    one open connection) per file; any other storage is left alone."""
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
    from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
    from sqlalchemy import create_engine, event

    storage = instance.event_log_storage
    if type(storage) is not SqliteEventLogStorage:  # another storage: nothing to change
        yield
        return
    engines = {}

    @contextmanager
    def connect(shard: str):
        # SqliteEventLogStorage._connect with the engine kept instead of created and disposed.
        with storage._db_lock:
            engine = engines.get(shard)
            if engine is None:
                engine = create_engine(storage.conn_string_for_shard(shard), pool_size=1,
                                       connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
                event.listen(engine, "connect", _normal_sync)
                engines[shard] = engine
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


def _normal_sync(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
