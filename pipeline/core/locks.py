"""Exclusive file locks: one idiom for the ledger, the warehouse, share-year runs and publication.

A lock is an `flock` on a sibling lock file, so the kernel releases it when its holder dies, even
by SIGKILL. The lock file is named after the real path (symlinks resolved), so two links to one
file take one lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.core.errors import AnvisningError

_POLL_SECONDS = 0.05


def lock_file_for(path: Path, suffix: str = ".lock") -> Path:
    """The lock file beside the real `path`: `assignments.csv` -> `assignments.csv.lock`."""
    real = Path(os.path.realpath(path))
    return real.with_name(real.name + suffix)


@contextmanager
def exclusive_lock(
    lock_path: Path,
    *,
    timeout: float | None = None,
    on_wait: Callable[[], None] | None = None,
    busy: str = "in use by another process",
) -> Iterator[None]:
    """Hold an exclusive flock on `lock_path` (created if absent) for the block.

    Without `timeout` it waits as long as it takes; with one, it raises AnvisningError naming the
    lock file once `timeout` seconds have passed. `on_wait` is called once if the lock is busy,
    before waiting (to tell the user why nothing happens).
    """
    lock_path = Path(lock_path)
    try:
        handle = open(lock_path, "a")  # noqa: SIM115 - closed in finally, after unlocking
    except OSError as error:
        raise AnvisningError(f"{lock_path}: cannot open the lock file: "
                             f"{error.strerror or error}") from None
    try:
        _acquire(handle, lock_path, timeout, on_wait, busy)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


def _acquire(handle, lock_path: Path, timeout: float | None,
             on_wait: Callable[[], None] | None, busy: str) -> None:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    if on_wait is not None:
        on_wait()
    if timeout is None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise AnvisningError(f"{lock_path}: still {busy} after {timeout:.0f} s; try "
                                     "again when it has finished") from None
            time.sleep(_POLL_SECONDS)
