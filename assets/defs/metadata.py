"""Small helpers for materialisation metadata shown in the UI."""

from __future__ import annotations

import polars as pl


def preview(frame: pl.DataFrame, rows: int = 10) -> str:
    """A Markdown table of the first rows, for the asset's metadata panel."""
    head = frame.head(rows)
    lines = ["| " + " | ".join(head.columns) + " |",
             "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |"
              for row in head.iter_rows()]
    return "\n".join(lines)


def markdown(frame: pl.DataFrame) -> str:
    """A whole small table as Markdown (every row)."""
    return preview(frame, rows=frame.height)

