"""Goal fulfilment and forecast tables as files: CSV for machines, Excel for Swedish readers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font

from pipeline.core.excel_formats import number_format
from pipeline.core.files import inert_text, write_atomically, write_atomically_with
from pipeline.core.layout import Layout
from pipeline.core.locks import exclusive_lock, lock_file_for
from pipeline.core.units import promille_text

FULFILMENT_COLUMNS = ["municipality_code", "municipality_name", "county_code",
                      "share_promille", "assigned", "target", "fulfilment_pct"]
FORECAST_COLUMNS = ["municipality_code", "municipality_name", "share_promille",
                    "assigned_before", "forecast_assignments"]
_SWEDISH = {
    "municipality_code": "Kommunkod", "municipality_name": "Kommun", "county_code": "Länskod",
    "share_promille": "Andel ‰", "assigned": "Anvisade sedan 2016", "target": "Mål",
    "fulfilment_pct": "Måluppfyllelse %",
}
ILLUSTRATIVE_NOTE = "ILLUSTRATIVA UPPGIFTER – påhittad anvisningsliggare, inte verkliga anvisningar"


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
    out = forecast.select(
        inert_text("municipality_code"), inert_text("municipality_name"),
        _promille_text(decimals), "assigned_before",
        pl.col("expected").alias("forecast_assignments"),
    )
    return out.write_csv(line_terminator="\n").encode("utf-8")


def write_fulfilment_workbook(path: Path, table: pl.DataFrame, as_of: date, decimals: int,
                              illustrative: bool) -> None:
    """Aktuellt mottagande och måluppfyllelse per kommun, with Swedish headings and number
    formats (a decimal comma in a Swedish-locale reader); text cells are never formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Måluppfyllelse"
    sheet.append([f"Aktuellt mottagande och måluppfyllelse per kommun, {as_of.isoformat()}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([ILLUSTRATIVE_NOTE if illustrative else ""])
    sheet["A2"].font = Font(bold=True, color="C00000")
    sheet.append([_SWEDISH[c] for c in FULFILMENT_COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    share_format = number_format(decimals)
    for row in table.iter_rows(named=True):
        sheet.append([row["municipality_code"], row["municipality_name"], row["county_code"],
                      row["share_units"] / 10**decimals, row["assigned"], row["target"],
                      row["fulfilment_pct"]])
        current = sheet.max_row
        for column in (1, 2, 3):
            sheet.cell(current, column).data_type = "s"
        sheet.cell(current, 4).number_format = share_format
        sheet.cell(current, 6).number_format = number_format(2)
        sheet.cell(current, 7).number_format = number_format(1)
    sheet.freeze_panes = "A4"
    for column, width in zip("ABCDEFG", (10, 22, 9, 10, 20, 10, 18), strict=True):
        sheet.column_dimensions[column].width = width
    write_atomically_with(path, workbook.save)


def write_fulfilment(layout: Layout, table: pl.DataFrame, as_of: date, decimals: int,
                     illustrative: bool) -> tuple[Path, Path]:
    csv_path, xlsx_path = layout.fulfilment_csv(as_of), layout.fulfilment_xlsx(as_of)
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    # Two writers of one day's files take turns, so the CSV and the workbook stay a pair.
    with exclusive_lock(lock_file_for(csv_path)):
        write_atomically(csv_path, fulfilment_csv(table, decimals))
        write_fulfilment_workbook(xlsx_path, table, as_of, decimals, illustrative)
    return csv_path, xlsx_path
