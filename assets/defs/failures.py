"""Expected failures in the user's words: an AnvisningError inside an asset becomes a Dagster
`Failure` whose description is the one-line message, with the file, line, column, value and rule
as metadata, so the UI shows the sentence, not a stack trace. Anything else stays an error with
its full trace in the run log."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TypeVar

import dagster as dg

from pipeline.core.errors import AnvisningError, InputError

F = TypeVar("F", bound=Callable)


def user_failures(fn: F) -> F:
    """Wrap an asset's body (a function or a generator) so that AnvisningError is a Failure."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except AnvisningError as error:
                raise as_failure(error) from None
        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def function(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AnvisningError as error:
            raise as_failure(error) from None
    return function  # type: ignore[return-value]


def as_failure(error: AnvisningError) -> dg.Failure:
    metadata: dict[str, object] = {"error": type(error).__name__}
    if isinstance(error, InputError):
        metadata.update({key: value for key, value in {
            "file": error.file, "sheet": error.sheet, "line": error.line,
            "column": error.column, "value": None if error.value is None else str(error.value),
            "rule": error.rule}.items() if value is not None})
    problems = getattr(error, "problems", None)
    if problems:
        metadata["problems"] = dg.MetadataValue.md("\n".join(f"- {p}" for p in problems))
    return dg.Failure(description=str(error), metadata=metadata, allow_retries=False)
