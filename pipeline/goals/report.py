"""Goal fulfilment and forecast tables as files: CSV for machines, Excel for Swedish readers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl.cell import Cell
from openpyxl.styles import Border, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import (
    RED,
    fit_height,
    font,
    header_cell,
    house_workbook,
    number_format,
    print_setup,
    style,
)
from pipeline.core.files import inert_text, write_atomically, write_atomically_with
from pipeline.core.layout import Layout
from pipeline.core.locks import exclusive_lock, lock_file_for
from pipeline.core.units import promille_text
from pipeline.ingestion.register import load_register
from pipeline.presentation.columns import FULFILMENT, FULFILMENT_TABLE, TARGET
from pipeline.presentation.formats import long_date
from pipeline.presentation.terms import A_LEDGER, ILLUSTRATIVE, NATIONAL

FULFILMENT_COLUMNS = [column.name for column in FULFILMENT_TABLE]
# Which counts are the ledger's, since 2016, and which the forecast's, said in the names.
FORECAST_COLUMNS = ["municipality_code", "municipality_name", "share_promille",
                    "assigned_since_2016", "forecast_new_assignments",
                    "assigned_since_2016_after_forecast"]
ILLUSTRATIVE_NOTE = (f"{ILLUSTRATIVE.upper()} – påhittat {A_LEDGER}, inte verkliga "
                     "anvisningar")


def _promille_text(decimals: int) -> pl.Expr:
    return promille_text("share_units", decimals).alias("share_promille")


def fulfilment_csv(table: pl.DataFrame, decimals: int) -> bytes:
    """UTF-8, decimal point; target with 2 decimals, fulfilment with 1, empty where share is 0."""
    out = table.select(
        *[inert_text(c) for c in ("municipality_code", "municipality_name", "county_code")],
        _promille_text(decimals),
        "assigned",
        pl.col("target").map_elements(lambda x: f"{x:.2f}", return_dtype=pl.String),
        pl.col("fulfilment_pct").map_elements(lambda x: f"{x:.1f}", return_dtype=pl.String),
    )
    return out.write_csv(line_terminator="\n", null_value="").encode("utf-8")


def forecast_csv(forecast: pl.DataFrame, decimals: int) -> bytes:
    """`FORECAST_COLUMNS`: the assignments counted in the ledger from 2016-01-01 up to the
    forecast's day, the new equalising assignments the forecast gives, and the two together."""
    out = forecast.select(
        inert_text("municipality_code"), inert_text("municipality_name"),
        _promille_text(decimals), pl.col("assigned_before").alias("assigned_since_2016"),
        pl.col("expected").alias("forecast_new_assignments"),
        pl.col("assigned_after").alias("assigned_since_2016_after_forecast"),
    )
    return out.write_csv(line_terminator="\n").encode("utf-8")


# What "Mål" and "Måluppfyllelse" mean, above the table: "Mål: kommunens andel …".
MEANING = tuple(f"{column.title()}: {column.explain()[0].lower()}{column.explain()[1:]}"
                for column in (TARGET, FULFILMENT))
_HEADER_ROW = 5
_WIDTHS = (12, 24, 9, 10, 13, 11, 15)
_COUNTY_FILL = PatternFill("solid", fgColor="E7E6E6")
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def write_fulfilment_workbook(path: Path, table: pl.DataFrame, as_of: date, decimals: int,
                              illustrative: bool,
                              county_names: Mapping[str, str] | None = None) -> None:
    """Aktuellt mottagande och måluppfyllelse per kommun, by county (län) with its name, the
    national total last, Swedish headings and number formats (a decimal comma in a
    Swedish-locale reader); prints on A4 with the headings on every page. Text cells are never
    formulas."""
    workbook = house_workbook()
    sheet = workbook.active
    sheet.title = "Måluppfyllelse"
    title = f"Aktuellt mottagande och måluppfyllelse per kommun den {long_date(as_of)}"
    _text(sheet, 1, 1, title).font = font(bold=True, size=14)
    if illustrative:
        _text(sheet, 2, 1, ILLUSTRATIVE_NOTE).font = font(bold=True, color=RED)
    for row, line in enumerate(MEANING, start=3):
        _text(sheet, row, 1, line)
    for index, column in enumerate(FULFILMENT_TABLE, start=1):
        header_cell(_text(sheet, _HEADER_ROW, index, column.heading()), _HEADER_FILL,
                    right=index > 3)
    fit_height(sheet, _HEADER_ROW, 2)
    row = _HEADER_ROW + 1
    ordered = table.sort("county_code", "municipality_code")
    for part in ordered.partition_by("county_code", maintain_order=True):
        code = part["county_code"][0]
        name = (county_names or {}).get(code, f"Län {code}")
        _text(sheet, row, 1, f"{code} {name}").font = font(bold=True)
        for column in range(1, len(FULFILMENT_COLUMNS) + 1):
            sheet.cell(row, column).fill = _COUNTY_FILL
        row += 1
        for values in part.iter_rows(named=True):
            _municipality_row(sheet, row, values, decimals)
            row += 1
    _national_row(sheet, row, table, decimals)
    for column, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[chr(ord("A") + column - 1)].width = width
    sheet.freeze_panes = f"A{_HEADER_ROW + 1}"
    print_setup(sheet, title_rows=(_HEADER_ROW, _HEADER_ROW),
                header_left=f"Måluppfyllelse per kommun den {long_date(as_of)}",
                header_right=ILLUSTRATIVE.upper() if illustrative else "")
    write_atomically_with(path, workbook.save)


def _text(sheet: Worksheet, row: int, column: int, value: str) -> Cell:
    cell = sheet.cell(row, column, value)
    cell.data_type = "s"
    return style(cell, font())


def _numbers(sheet: Worksheet, row: int, values: list, decimals: int, bold: bool = False) -> None:
    formats = (number_format(decimals, grouped=True), number_format(0, grouped=True),
               number_format(2, grouped=True), number_format(1))
    for offset, (value, fmt) in enumerate(zip(values, formats, strict=True)):
        style(sheet.cell(row, 4 + offset, value), font(bold=bold), fmt)


def _municipality_row(sheet: Worksheet, row: int, values: dict, decimals: int) -> None:
    for column, key in enumerate(("municipality_code", "municipality_name", "county_code"), 1):
        _text(sheet, row, column, values[key])
    _numbers(sheet, row, [values["share_units"] / 10**decimals, values["assigned"],
                          values["target"], values["fulfilment_pct"]], decimals)


def _national_row(sheet: Worksheet, row: int, table: pl.DataFrame, decimals: int) -> None:
    assigned = int(table["assigned"].sum())
    _text(sheet, row, 1, NATIONAL).font = font(bold=True)
    _numbers(sheet, row, [int(table["share_units"].sum()) / 10**decimals, assigned,
                          float(assigned), 100.0 if assigned else None], decimals, bold=True)
    border = Border(top=Side(style="medium"), bottom=Side(style="medium"))
    for column in range(1, len(FULFILMENT_COLUMNS) + 1):
        sheet.cell(row, column).border = border


def write_fulfilment(layout: Layout, table: pl.DataFrame, as_of: date, decimals: int,
                     illustrative: bool) -> tuple[Path, Path]:
    csv_path, xlsx_path = layout.fulfilment_csv(as_of), layout.fulfilment_xlsx(as_of)
    register = load_register(layout.register)
    counties = dict(zip(register["county_code"], register["county_name"], strict=True))
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    # Two writers of one day's files take turns, so the CSV and the workbook stay a pair.
    with exclusive_lock(lock_file_for(csv_path)):
        write_atomically(csv_path, fulfilment_csv(table, decimals))
        write_fulfilment_workbook(xlsx_path, table, as_of, decimals, illustrative, counties)
    return csv_path, xlsx_path
