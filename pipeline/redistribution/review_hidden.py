"""The review workbook's hidden sheets: "Kommuner", the drop-down source and name look-up, and
"Info", what the reader of a returned form needs to know (share year, county, decimals)."""

from __future__ import annotations

import polars as pl
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.redistribution.forms.form_layout import EXAMPLE_KEYS
from pipeline.redistribution.review_style import (
    PLAIN,
    column_widths,
    header,
    page,
    set_widths,
    write_row,
)


def codes_sheet(sheet: Worksheet, county: pl.DataFrame) -> None:
    """The drop-down source ("code name") and the name look-up: this county's municipalities
    only, hidden and protected."""
    headings = ["Kommunkod", "Kommun", "Val"]
    rows = [[code, name, f"{code} {name}"] for code, name in
            county.select("municipality_code", "municipality_name").iter_rows()]
    header(sheet, 1, headings, column_widths(headings, rows))
    for row, cells in enumerate(rows, start=2):
        write_row(sheet, row, cells, PLAIN)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    page(sheet, "portrait", title_rows=1)


def info_sheet(sheet: Worksheet, share_year: int, county_code: str, county_name: str,
               decimals: int, illustrative: bool, parameter_set: str,
               example: list | None = None) -> None:
    """What the reader needs to interpret the form, the example row's values among it (the
    reader skips a row equal to them); hidden and protected."""
    facts = [("share_year", share_year), ("county_code", county_code),
             ("county_name", county_name), ("decimals", decimals),
             ("illustrative", illustrative), ("parameter_set", parameter_set)]
    if example is not None:
        facts += list(zip(EXAMPLE_KEYS, example, strict=True))
    for row, fact in enumerate(facts, start=1):
        write_row(sheet, row, list(fact), PLAIN)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    set_widths(sheet, [16, 24])
    page(sheet, "portrait", title_rows=None)
