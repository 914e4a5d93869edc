"""A filled review workbook, as a county board returns it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import load_workbook

from pipeline.model.change import ShareYear, share_change
from pipeline.model.parameters import load_parameters
from pipeline.redistribution.agreements import FORM_SHEET
from pipeline.redistribution.review_form import FIRST_FORM_ROW
from pipeline.redistribution.review_workbook import write_review_workbook

YEAR = 2026
DECIMALS = 2
SHARE_UNITS = 345  # every municipality's calculated share in the made-up draft: 3,45 ‰
VASTRA_GOTALAND = "14"
PARAMETERS = load_parameters(Path(__file__).resolve().parents[2] / "data" / "parameters.toml",
                             YEAR)


# What a county board types into the first four rows of the form: text codes, a numeric code, a
# name, a "code name", amounts as text and as a number, dates as a date cell and as typed text.
FILLED_ROWS = [
    ["1499", "1496", 0.5, date(2025, 12, 5), "Lst 851-1-2025"],
    [1401, "Partille", "0,25 ‰", "5 december 2025", "Lst 851-2-2025"],
    ["1497 Hjo", "Skövde", "hela andelen", "5/12/2025", "Lst 851-3-2025"],
    ["Tibro", "1496 Skövde", "1.5", "2025-12-5", 8512025],
]


def filled_review_workbook(folder: Path, draft: pl.DataFrame, rows: list[list],
                           county: str = VASTRA_GOTALAND, name: str = "form.xlsx") -> Path:
    """A review workbook written by review_workbook, its form filled with openpyxl as
    a county board would fill it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    change = share_change(ShareYear.drafted(YEAR, PARAMETERS, draft), None)
    write_review_workbook(path, YEAR, county, draft, change, DECIMALS, True, "default")
    workbook = load_workbook(path)
    sheet = workbook[FORM_SHEET]
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            sheet.cell(FIRST_FORM_ROW + offset - 1, column).value = value
    workbook.save(path)
    return path
