"""What the command line does before and after a command, so that no message sends a statistician
the wrong way: an unknown option is named as unknown (argparse would first report a required
option as missing), a folder that is not a project says where it looked, and every command a
message suggests repeats the folders the user gave."""

from __future__ import annotations

import argparse
import difflib
import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from pipeline.core.errors import AnvisningError
from pipeline.core.layout import DEFAULT_DATA_DIR, DEFAULT_OUT_DIR

# What a data folder of an anvisning project holds; a folder with none of them is not one.
PROJECT_ENTRIES = ("parameters.toml", "reference", "statistics", "ledger")
_NUMBER = re.compile(r"^-\d+(\.\d+)?$")
_SUGGESTED = re.compile(r"`(anvisning [^`]*)`")


class CommandParser(argparse.ArgumentParser):
    """A command's parser that names an option it does not know before anything else, with the
    nearest one it knows: `--childen 5` is "unknown option --childen (did you mean
    --children?)", not "the following arguments are required: --children"."""

    def __init__(self, *args, **kwargs) -> None:
        self.known_options: set[str] = set()
        super().__init__(*args, **kwargs)

    def add_argument(self, *args, **kwargs) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.known_options.update(action.option_strings)
        return action

    def parse_known_args(self, args: Sequence[str] | None = None, namespace=None):
        for token in args or ():
            if token == "--":
                break
            if token.startswith("-") and len(token) > 1 and not _NUMBER.match(token):
                name = token.split("=", 1)[0]
                # A known option, or an abbreviation argparse resolves (or calls ambiguous).
                if not any(option.startswith(name) for option in self.known_options):
                    self.error(_unknown(name, self.known_options))
        return super().parse_known_args(args, namespace)


def _unknown(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(o for o in known if o.startswith("--")), n=1)
    return f"unknown option {name}" + (f" (did you mean {close[0]}?)" if close else "")


def check_project(data_dir: str) -> None:
    """An AnvisningError unless `data_dir` looks like a project's data folder: where it looked,
    and how to point the command at a project."""
    folder = Path(data_dir)
    if folder.is_dir() and any((folder / entry).exists() for entry in PROJECT_ENTRIES):
        return
    entries = ", ".join(f"{entry}/" if "." not in entry else entry for entry in PROJECT_ENTRIES)
    found = (f"has none of {entries}" if folder.is_dir() else "does not exist")
    if data_dir == DEFAULT_DATA_DIR:
        raise AnvisningError(
            f"no anvisning project here: its data folder would be {folder.absolute()}, which "
            f"{found} (--data-dir defaults to {DEFAULT_DATA_DIR}/ in the working directory, "
            f"{Path.cwd()}); run anvisning from the repository's folder, or point it at a "
            "project with --data-dir /path/to/the/repository/data")
    if not folder.exists():
        raise AnvisningError(
            f"--data-dir {data_dir}: No such file or directory; give the repository's data "
            "folder, e.g. --data-dir /path/to/the/repository/data")
    raise AnvisningError(
        f"--data-dir {data_dir}: not the data folder of an anvisning project: "
        f"{folder.absolute()} {found}; give the repository's data folder, e.g. "
        "--data-dir /path/to/the/repository/data")


def with_given_folders(message: str, args: argparse.Namespace) -> str:
    """Every `anvisning …` command in `message` with the --data-dir and --out-dir the user gave,
    so that running the suggestion reads and writes where the failed command did."""
    given = [(option, value) for option, value, default in (
        ("--data-dir", getattr(args, "data_dir", DEFAULT_DATA_DIR), DEFAULT_DATA_DIR),
        ("--out-dir", getattr(args, "out_dir", DEFAULT_OUT_DIR), DEFAULT_OUT_DIR))
        if value != default]

    def repeated(match: re.Match) -> str:
        command = match.group(1)
        extra = [f"{option} {shlex.quote(str(value))}" for option, value in given
                 if option not in command]
        return f"`{' '.join([command, *extra])}`"

    return _SUGGESTED.sub(repeated, message)
