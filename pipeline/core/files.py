"""Writing outputs so that a reader never sees half a file: write beside, fsync, rename."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename; a crash leaves the old file or the new one.

    The new file keeps the old one's permissions (0644 for a new file: mkstemp's 0600 would hide
    outputs from other readers), and the folder is fsynced so the rename itself is durable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


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


def read_sources(folder: Path) -> dict[str, dict]:
    """sources.toml: per file name, its `source` text and `illustrative` flag."""
    path = folder / "sources.toml"
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"not readable UTF-8 text ({type(error).__name__})") from None
    return parse_toml(path, text)
