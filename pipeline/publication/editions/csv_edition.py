"""The machine-readable edition: the decision's own CSV (`table.render_csv`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.publication.table import PublicationInfo, render_csv


def write_share_csv(path: Path, final: pl.DataFrame, info: PublicationInfo) -> None:
    Path(path).write_bytes(render_csv(final, info.decimals))
