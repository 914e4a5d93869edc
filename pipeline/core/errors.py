"""Errors a statistician can act on: the file, the line, the column, the value and the rule."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.inert import shown


class AnvisningError(Exception):
    """Base of every error the project reports to a user as one clear message (no traceback)."""


class InputError(AnvisningError):
    """A bad input file: names the file, the line, the column, the value and the rule broken.

    `line` is the 1-based line of a text file or the 1-based row of a worksheet; None when the
    rule concerns the whole file (an empty file, a municipality that is missing altogether).
    """

    def __init__(
        self,
        file: str | Path,
        rule: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
        sheet: str | None = None,
    ) -> None:
        self.file = str(file)
        self.rule = rule
        self.line = line
        self.column = column
        self.value = value
        self.sheet = sheet
        super().__init__(self.describe())

    def describe(self) -> str:
        # a file name is outside text too: shown escaped, so it cannot forge a line of output
        where = [shown(self.file)]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.line is not None:
            where.append(f"{'row' if self.sheet is not None else 'line'} {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where)
        if self.value is not None:
            text += f": value {_show(self.value)}"
        return f"{text}: {self.rule}"


class ModelError(AnvisningError):
    """The model cannot be computed with these parameters or inputs (e.g. n × floor > 1000 ‰)."""


def _show(value: object) -> str:
    text = str(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return repr(text)


def describe_os_error(error: OSError) -> str:
    """One line for an operating-system error: the path(s) and the cause, no traceback."""
    cause = error.strerror or type(error).__name__
    paths = [shown(str(p)) for p in (error.filename, error.filename2) if p is not None]
    return f"{' -> '.join(paths)}: {cause}" if paths else f"{cause} ({error})"
