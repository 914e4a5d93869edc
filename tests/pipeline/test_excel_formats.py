"""The workbook helpers every workbook of the project is written with, through openpyxl's public
API only: a new workbook in the house font, a cell written as text stays text, and a published
workbook's bytes depend on its content and its date alone."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from pipeline.core.excel_formats import (
    FONT_NAME,
    FONT_SIZE,
    font,
    house_workbook,
    number_format,
    put,
    reproducible_bytes,
)
from tests.workbook_fonts import declared_fonts


def test_a_new_workbook_is_in_the_house_font_even_where_nothing_is_written(tmp_path) -> None:
    workbook = house_workbook()
    assert workbook.sheetnames == ["Sheet"]
    put(workbook.active["B2"], "text", font(bold=True))
    path = tmp_path / "house.xlsx"
    workbook.save(path)
    fonts, normal = declared_fonts(path)
    assert normal == (FONT_NAME, FONT_SIZE)  # the default: what an empty cell shows
    assert {name for name, _ in fonts} == {FONT_NAME}
    reread = load_workbook(path).active
    assert (reread["A1"].font.name, reread["A1"].font.sz) == (FONT_NAME, FONT_SIZE)
    assert reread["B2"].font.b


def test_two_new_workbooks_share_nothing() -> None:
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    first, second = house_workbook(), house_workbook()
    first.active["A1"] = 1
    first.create_sheet("Två")
    first.properties.created = datetime(2001, 1, 1)
    assert second.active["A1"].value is None and second.sheetnames == ["Sheet"]
    assert second.properties.created >= started  # created now, not when the template was made


def test_text_that_looks_like_a_formula_stays_text() -> None:
    cell = house_workbook().active["A1"]
    put(cell, "=SUM(1,2)", font(), number_format(2))
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.number_format == number_format(2)


def _workbook(value: float):
    workbook = house_workbook()
    put(workbook.active["A1"], value, font(), number_format(2))
    return workbook


def test_a_published_workbook_depends_on_its_content_and_date_alone() -> None:
    first = reproducible_bytes(_workbook(1.5), date(2025, 12, 10))
    assert reproducible_bytes(_workbook(1.5), date(2025, 12, 10)) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {entry.date_time for entry in archive.infolist()} == {(2025, 12, 10, 0, 0, 0)}
    # openpyxl's save stamps the clock as the modified time: replaced by the created time
    assert ">2025-12-10T00:00:00Z</dcterms:modified>" in core
    assert ">2025-12-10T00:00:00Z</dcterms:created>" in core
    assert reproducible_bytes(_workbook(2.5), date(2025, 12, 10)) != first
