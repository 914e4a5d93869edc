"""The workbook helpers that make writing fast must not change what is written: `style` gives
the file openpyxl's own font and format setters give, `save` the file openpyxl's save gives."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.core.excel_formats import font, number_format, put, save, style

FORMATS = [None, number_format(2), number_format(0, grouped=True)]
FONTS = [font(), font(bold=True), font(size=12, color="C00000")]


def entries(data: bytes) -> dict[str, bytes]:
    """The archive's entries, in order, without the save time in docProps/core.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name != "docProps/core.xml"}


def sample(styled_by_helper: bool) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    for row in range(1, 40):
        for column in range(1, 10):
            value = ("=not a formula" if column == 1 else f"text {row}" if column == 2
                     else row * column / 7)
            chosen_font = FONTS[(row + column) % 3]
            chosen_format = None if isinstance(value, str) else FORMATS[(row * column) % 3]
            cell = sheet.cell(row, column)
            if styled_by_helper:
                put(cell, value, chosen_font, chosen_format)
            else:  # openpyxl's own setters, as the code did before
                cell.value = value
                if isinstance(value, str) and cell.data_type != "s":
                    cell.data_type = "s"
                    cell.quotePrefix = True
                cell.font = chosen_font
                if chosen_format is not None:
                    cell.number_format = chosen_format
    return workbook


def saved(workbook: Workbook, *, helper: bool) -> bytes:
    buffer = io.BytesIO()
    if helper:
        save(workbook, buffer)
    else:
        workbook.save(buffer)
    return buffer.getvalue()


def test_shared_styles_write_the_same_workbook_as_setting_each_cell() -> None:
    by_helper = entries(saved(sample(styled_by_helper=True), helper=False))
    by_setters = entries(saved(sample(styled_by_helper=False), helper=False))
    assert by_helper == by_setters


def test_style_keeps_what_a_styled_cell_already_has() -> None:
    workbook = Workbook()
    cell = workbook.active.cell(1, 1, 5)
    cell.fill = PatternFill("solid", fgColor="FFFF00")
    style(cell, font(bold=True), number_format(1))
    assert cell.fill.fgColor.rgb == "00FFFF00"
    assert cell.font.b and cell.number_format == number_format(1)
    twin = workbook.active.cell(2, 1, 6)  # unstyled: gets the shared reference of the first...
    style(twin, font(bold=True), number_format(1))
    assert twin.font.b and twin.number_format == number_format(1)
    assert twin.fill.fill_type is None  # ...cell styled alike by `style`, not cell A1's fill


def test_saving_in_memory_writes_the_entries_openpyxl_writes() -> None:
    workbook = sample(styled_by_helper=True)
    second = workbook.create_sheet("Två")
    second.append(["a", "b", "=SUM(1,2)"])
    second.merge_cells("A3:C3")
    second.freeze_panes = "A2"
    rule = DataValidation(type="list", formula1='"x,y"')
    rule.add("A2:A9")
    second.add_data_validation(rule)
    workbook.create_sheet("Gömd").sheet_state = "hidden"
    ours, openpyxls = saved(workbook, helper=True), saved(workbook, helper=False)
    assert list(entries(ours)) == list(entries(openpyxls))  # the same entries in the same order
    assert entries(ours) == entries(openpyxls)
