"""The folders a command is given (--data-dir, --out-dir), checked before anything runs.

Light on purpose (no polars): the command line imports it before every command.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from pipeline.core.errors import AnvisningError, describe_os_error


def check_folder(option: str, path: Path, *, must_exist: bool) -> None:
    """An AnvisningError naming `option`, the path and the OS's own words when `path` cannot be
    the folder it is given as: a file ("Not a directory"), unreadable or unwritable ("Permission
    denied"), or missing ("No such file or directory") when `must_exist`. A missing output folder
    is made later; then its nearest existing parent must be a writable folder."""
    existing = Path(path)
    while not must_exist and not existing.exists() and existing != existing.parent:
        existing = existing.parent
    mode = os.R_OK | os.X_OK | (0 if must_exist else os.W_OK)
    try:
        os.listdir(existing)  # the OS says why it is not a folder, or not there
        if not os.access(existing, mode):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(existing))
    except OSError as error:
        raise AnvisningError(f"{option} {describe_os_error(error)}") from None
