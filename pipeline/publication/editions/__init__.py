"""The editions of a published share table, each a registered writer.

A new output format is one module with a `write(path, final, info)` function and one line here;
the store renders, hashes and publishes every registered edition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipeline.publication.editions import csv_edition, csv_swedish_excel, excel, pdf
from pipeline.publication.table import PublicationInfo


@dataclass(frozen=True)
class Edition:
    key: str  # "csv", "xlsx", "pdf", "csv_excel": the key in the store's paths
    suffix: str  # appended to `shares_<Y>`
    write: Callable[[Path, pl.DataFrame, PublicationInfo], None]


EDITIONS: tuple[Edition, ...] = (
    Edition("csv", ".csv", csv_edition.write_share_csv),
    Edition("xlsx", ".xlsx", excel.write_share_workbook),
    Edition("pdf", ".pdf", pdf.write_share_pdf),
    Edition("csv_excel", csv_swedish_excel.SUFFIX, csv_swedish_excel.write_swedish_csv),
)
