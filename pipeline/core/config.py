"""Configuration files (TOML) checked against a schema: every key known, present and typed.

A typo must not pass silently: `illustrativ = true` in a sources.toml would otherwise make
illustrative data print as official. Every error names the file, the line, the key and the rule.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.files import parse_toml
from pipeline.core.text import describe_character, first_unsafe

_TABLE_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_TYPE_NAMES = {str: "a text", bool: "true or false", int: "a whole number",
               float: "a number", dict: "a table", list: "a list"}


@dataclass(frozen=True)
class Key:
    """One key of a TOML table: its name, its type and whether it must be there."""

    name: str
    kind: type
    required: bool = True


def read_toml(path: Path) -> tuple[dict, str]:
    """The parsed document and its text, or an InputError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "the file is missing") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"not readable UTF-8 text ({type(error).__name__}: "
                         f"{getattr(error, 'strerror', None) or error})") from None
    return parse_toml(path, text), text


def check_table(path: Path, text: str, table: str | None, values: object,
                keys: tuple[Key, ...]) -> dict:
    """`values` as a checked table: no unknown key, every required key, every value typed."""
    if not isinstance(values, Mapping):
        raise InputError(path, f"[{table}] must be a table of keys", line=line_of(text, table))
    known = {key.name: key for key in keys}
    for name in values:
        if name not in known:
            raise InputError(path, f"unknown key {name!r}; the keys of "
                             f"{_where(table)} are: {', '.join(known)}",
                             line=line_of(text, table, name), column=name, value=values[name])
    for key in keys:
        if key.name not in values:
            if key.required:
                raise InputError(path, f"the key {key.name!r} is missing from {_where(table)}",
                                 line=line_of(text, table), column=key.name)
            continue
        value = values[key.name]
        if not _is(value, key.kind):
            raise InputError(path, f"{key.name} must be {_TYPE_NAMES.get(key.kind, key.kind)}",
                             line=line_of(text, table, key.name), column=key.name, value=value)
        if isinstance(value, str) and (bad := first_unsafe(value)) is not None:
            raise InputError(path, f"{key.name} holds {describe_character(bad.group())}, "
                             "which is not allowed", line=line_of(text, table, key.name),
                             column=key.name, value=value.encode("unicode_escape").decode())
    return dict(values)


def _is(value: object, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _where(table: str | None) -> str:
    return f"[{table}]" if table else "the file"


def line_of(text: str, table: str | None, key: str | None = None) -> int | None:
    """The 1-based line of `key =` inside `[table]` (or of the table's header when key is None).

    tomllib reports no positions for values, so the line is found by a plain scan; None when the
    key is written in a form the scan does not follow (dotted keys, inline tables).
    """
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_HEADER.match(line)
        if header:
            current = header.group(1).strip().replace('"', "").replace("'", "").replace(" ", "")
            if key is None and current == _bare(table):
                return number
            continue
        if key is not None and current == _bare(table) and re.match(
            rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", line
        ):
            return number
    return None


def _bare(table: str | None) -> str | None:
    return None if table is None else table.replace('"', "").replace("'", "").replace(" ", "")


SOURCE_KEYS = (Key("source", str), Key("illustrative", bool))


def read_sources(folder: Path) -> dict[str, dict]:
    """A folder's sources.toml: per file name, its `source` text and `illustrative` flag, both
    required. An absent sources.toml is an empty description."""
    path = folder / "sources.toml"
    if not path.exists():
        return {}
    document, text = read_toml(path)
    return {name: check_table(path, text, name, entry, SOURCE_KEYS)
            for name, entry in document.items()}


def described_file(path: Path) -> dict:
    """The sources.toml entry of one data file; a file without one is an error, never official
    by default."""
    described = read_sources(path.parent).get(path.name)
    if described is None:
        raise InputError(path.parent / "sources.toml", f"{path.name} has no entry: every data "
                         "file needs its `source` and `illustrative = true|false`",
                         value=path.name)
    return described
