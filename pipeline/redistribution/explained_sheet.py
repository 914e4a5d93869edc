"""The review workbook's sheet "Förändring": why each of the county's draft shares differs from
last year's published share, term by term ("Befolkning −0,12 ‰ · Mottagna nyanlända +0,03 ‰ · …")
and in one sentence naming the largest cause (`pipeline.model.explain`, worded by
`pipeline.presentation.change_explained`); and the method in three sentences at the end of the
first sheet. The terms of a row add up exactly to its change, the draft's Förändring column.
"""

from __future__ import annotations

import polars as pl
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import number_format, put
from pipeline.model.change import ShareChange
from pipeline.model.explain import ChangeExplanation
from pipeline.presentation.change_explained import (
    explained_texts,
    method_sentences,
    unexplained,
)
from pipeline.presentation.columns import (
    DRAFT_CHANGE,
    DRAFT_SHARE,
    MUNICIPALITY,
    MUNICIPALITY_CODE,
    PREVIOUS_SHARE,
)
from pipeline.redistribution.review_style import (
    BOLD,
    GUIDE_SHEET,
    GUIDE_WIDTHS,
    HEADING,
    ILLUSTRATIVE_NOTE,
    NUMBER_HEADER_ALIGNMENT,
    NUMBER_WIDTH,
    PLAIN,
    TITLE,
    WARNING,
    WRAP,
    column_widths,
    fit_height,
    header,
    page,
    write_row,
)

CHANGE_SHEET = "Förändring"
HEADER_ROW = 5
TEXT_WIDTHS = (58, 58)  # the terms and the sentence, wrapped
TERMS_HEADING = "Bidrag till förändringen"
CAUSE_HEADING = "Främsta orsak"
TOP = Alignment(vertical="top")  # beside the wrapped texts, at their first line


def change_sheet(sheet: Worksheet, county: pl.DataFrame, county_name: str, change: ShareChange,
                 explanation: ChangeExplanation | None, illustrative: bool) -> None:
    """One row per municipality of `county` (the draft sheet's rows: register columns,
    share_units, previous_units, change_units): the shares, the change, its terms and its main
    cause; without `explanation` the reason there is none."""
    year = change.current.share_year
    previous = change.compared_year or year - 1
    decimals = change.current.decimals
    put(sheet.cell(1, 1), f"Därför ändras andelen från {previous} till {year} – {county_name}",
        TITLE)
    if illustrative:
        put(sheet.cell(3, 1), ILLUSTRATIVE_NOTE, WARNING)
    if explanation is None:
        put(sheet.cell(2, 1), unexplained(change), PLAIN)
        page(sheet, "landscape", title_rows=None)
        return
    put(sheet.cell(2, 1), f"Förändringen i kolumnen {DRAFT_CHANGE.title()} delas upp på det som "
        "andelen räknas fram från; bidragen summerar exakt till förändringen. Metoden står på "
        f"bladet {GUIDE_SHEET}.", PLAIN)
    texts = explained_texts(explanation)
    share, signed = number_format(decimals), number_format(decimals, signed=True)
    headings = [MUNICIPALITY_CODE.heading(), MUNICIPALITY.heading(),
                PREVIOUS_SHARE.heading(previous=previous), DRAFT_SHARE.heading(),
                DRAFT_CHANGE.heading()]
    rows = [[record["municipality_code"], record["municipality_name"],
             (_promille(record["previous_units"], decimals), share),
             (_promille(record["share_units"], decimals), share),
             (_promille(record["change_units"], decimals), signed)]
            for record in county.iter_rows(named=True)]
    header(sheet, HEADER_ROW, [*headings, TERMS_HEADING, CAUSE_HEADING],
           [*column_widths(headings, rows, minimum=NUMBER_WIDTH), *TEXT_WIDTHS])
    for column in (3, 4, 5):
        sheet.cell(HEADER_ROW, column).alignment = NUMBER_HEADER_ALIGNMENT
    for row, (cells, code) in enumerate(zip(rows, county["municipality_code"], strict=True),
                                        start=HEADER_ROW + 1):
        said = texts[code]
        write_row(sheet, row, [*cells, said.terms, said.cause], PLAIN)
        for column in range(1, len(cells) + 3):
            sheet.cell(row, column).alignment = WRAP if column > len(cells) else TOP
        fit_height(sheet, row, [(said.terms, TEXT_WIDTHS[0]), (said.cause, TEXT_WIDTHS[1])],
                   False)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    page(sheet, "landscape", title_rows=HEADER_ROW)


def method_on_guide(sheet: Worksheet, change: ShareChange) -> None:
    """The method in three sentences, below everything on the first sheet."""
    row = sheet.max_row + 2
    put(sheet.cell(row, 1), f"Bladet {CHANGE_SHEET} – därför ändras andelen", HEADING)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    previous = change.compared_year or change.current.share_year - 1
    text = " ".join(method_sentences(CHANGE_SHEET, previous, change.current.decimals))
    put(sheet.cell(row + 1, 1), "Så delas förändringen upp", BOLD).alignment = WRAP
    put(sheet.cell(row + 1, 2), text, PLAIN).alignment = WRAP
    fit_height(sheet, row + 1, [(text, GUIDE_WIDTHS[1])], False)


def _promille(units: int | None, decimals: int) -> float | None:
    return None if units is None else int(units) / 10**decimals
