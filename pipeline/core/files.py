"""Files: atomic writes (a reader never sees half a file), hashing, TOML and inert CSV text."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename; a crash leaves the old file or the new one."""
    write_atomically_with(path, lambda temporary: temporary.write_bytes(data))


def write_atomically_with(path: Path, render: Callable[[Path], None]) -> None:
    """Let `render` write a unique temporary file beside `path`, fsync it, rename it over `path`.

    A symlink at `path` is followed, so the file it points to is replaced and the link kept. The
    new file keeps the old one's permissions (0644 for a new file: mkstemp's 0600 would hide
    outputs from other readers), and the folder is fsynced so the rename itself is durable."""
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        os.fchmod(handle, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.close(handle)
        render(temporary)
        fsync_path(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def staging_folder(parent: Path, prefix: str) -> Path:
    """A new staging folder `<parent>/<prefix><pid>-…` for a build that is renamed into place,
    after removing the staging folders of `prefix` left by builds that were killed.

    The folder's name carries its builder's process id, so a build running beside this one (its
    process alive) keeps its folder; a folder whose process is gone is litter."""
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f"{prefix}*"):
        owner = stale.name[len(prefix):].split("-", 1)[0]
        if stale.is_dir() and not (owner.isdigit() and _alive(int(owner))):
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def fsync_path(path: Path) -> None:
    """Flush a file or a folder (a rename in it) to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def neutralise_formula(text: str) -> str:
    """Prefix a single quote to text a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def inert_text(column: str) -> pl.Expr:
    """A text column of a CSV output with formula-like cells neutralised."""
    return pl.col(column).map_elements(neutralise_formula, return_dtype=pl.String)


_TOML_LINE = re.compile(r"line (\d+)")


def parse_toml(path: Path, text: str) -> dict:
    """Parse TOML text, every failure an InputError (tomllib also raises ValueError for a
    5000-digit integer and RecursionError for deeply nested arrays)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE.search(str(error))
        raise InputError(path, f"not valid TOML: {error}",
                         line=int(match.group(1)) if match else None) from None
    except (ValueError, RecursionError) as error:
        raise InputError(path, f"not readable TOML ({type(error).__name__})") from None
