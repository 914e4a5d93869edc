"""The CSV edition for Swedish Excel (`shares_<Y>_svensk_excel.csv`): the same rows as the machine
CSV under Swedish headings, separated by semicolons, with a decimal comma, UTF-8 with a BOM and
CRLF line ends, so Excel on a Swedish system opens it by double-click with å, ä, ö and numbers
right. The machine CSV (`shares_<Y>.csv`, decimal point, commas) stays the one to read by program.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from pipeline.core.files import neutralise_formula
from pipeline.presentation.columns import SHARE_TABLE
from pipeline.presentation.formats import PLAIN
from pipeline.publication.table import (
    CONTEXT_COLUMNS,
    COUNT_CONTEXT,
    FINAL_COLUMNS,
    TEXT_COLUMNS,
    PublicationInfo,
    with_context,
)

SUFFIX = "_svensk_excel.csv"


def headers(share_year: int) -> list[str]:
    return [column.heading(year=share_year, previous=share_year - 1) for column in SHARE_TABLE]


def render_swedish_csv(final: pl.DataFrame, info: PublicationInfo) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers(info.share_year))
    columns = FINAL_COLUMNS + CONTEXT_COLUMNS
    counts = len(columns) - len(COUNT_CONTEXT)
    for row in with_context(final).sort("municipality_code").select(columns).iter_rows():
        texts = [neutralise_formula(value) for value in row[: len(TEXT_COLUMNS)]]
        numbers = ["" if value is None else PLAIN.fixed(value, info.decimals)
                   for value in row[len(TEXT_COLUMNS) : counts]]
        writer.writerow(texts + numbers + ["" if value is None else str(value)
                                           for value in row[counts:]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_swedish_csv(path: Path, final: pl.DataFrame, info: PublicationInfo) -> None:
    Path(path).write_bytes(render_swedish_csv(final, info))
