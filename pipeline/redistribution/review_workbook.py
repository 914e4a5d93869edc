"""The county board's review workbook (granskningsunderlag): one .xlsx per county (län).

Sheets, in order: "Så här gör du" (the steps, the deadline, where to send the workbook, what every
column of the draft means and how the draft is computed, with this run's parameters), "Utkast"
(the county's draft shares with the inputs that explain them and the comparison with share year
Y−1's published table), "Omfördelning" (the form the county board fills in, read back by
`forms.spreadsheets.read_county_form`), and the hidden "Kommuner" and "Info". A workbook holds
only its own county's data.

It should read like an agency document (`review_style`): Arial 10 on every style, headers that
wrap between words, never inside one, A4 pages one page wide with the header rows repeated. The
first sheet is written by `review_guide`, the form by `review_form`. Every sheet is protected
without a password and the workbook's structure is locked, so nothing but the form's fields can be
changed by accident and no sheet deleted; the properties name the document, its language (sv-SE)
and the configured issuer as its author.

Numbers are written as numbers with Swedish-locale formats (`pipeline.core.excel_formats`), so
Excel on a Swedish system and LibreOffice anywhere show a decimal comma. Totals are values, not
formulas; the only formulas are the form's two name columns (F and G), which show the name of the
municipality typed or chosen in A and B and lie outside the five columns the reader reads.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import house_workbook, number_format, put
from pipeline.core.files import write_atomically_with
from pipeline.core.layout import Layout
from pipeline.model.change import ShareChange
from pipeline.model.explain import ChangeExplanation
from pipeline.model.parameters import ModelParameters
from pipeline.presentation.columns import (
    AT_FLOOR,
    DRAFT_TABLE,
    PREVIOUS_SHARE,
    SHARE_STEPS,
    STATISTIC_COLUMNS,
)
from pipeline.presentation.terms import TOTAL
from pipeline.redistribution.agreements import FORM_SHEET, INFO_SHEET
from pipeline.redistribution.explained_sheet import CHANGE_SHEET, change_sheet, method_on_guide
from pipeline.redistribution.review_form import CODES_SHEET, example_row, form_sheet
from pipeline.redistribution.review_guide import comparison, guide_sheet, previous_year
from pipeline.redistribution.review_hidden import codes_sheet, info_sheet
from pipeline.redistribution.review_round import ReviewRound
from pipeline.redistribution.review_style import (
    BOLD,
    CENTRED,
    CENTRED_HEADER_ALIGNMENT,
    COUNT,
    DRAFT_SHEET,
    GUIDE_SHEET,
    ILLUSTRATIVE_NOTE,
    NUMBER_HEADER_ALIGNMENT,
    NUMBER_WIDTH,
    PLAIN,
    TITLE,
    UNROUNDED,
    WARNING,
    column_widths,
    header,
    page,
    protect,
    write_row,
)

HEADER_ROW = 5

def write_review_workbooks(
    layout: Layout,
    share_year: int,
    draft: pl.DataFrame,
    change: ShareChange,
    decimals: int,
    illustrative: bool,
    parameter_set: str,
    *,
    review_round: ReviewRound | None = None,
    parameters: ModelParameters | None = None,
    issuer: str = "",
    explanation: ChangeExplanation | None = None,
) -> list[Path]:
    """Write every county's review workbook (named by the layout); return the paths."""
    paths = []
    counties = draft.select("county_code", "county_name").unique().sort("county_code")
    for county_code, county_name in counties.iter_rows():
        path = layout.review_workbook(share_year, county_code, county_name)
        write_review_workbook(path, share_year, county_code, draft, change, decimals,
                              illustrative, parameter_set, review_round=review_round,
                              parameters=parameters, issuer=issuer,
                              explanation=explanation)
        paths.append(path)
    return paths


def write_review_workbook(
    path: Path,
    share_year: int,
    county_code: str,
    draft: pl.DataFrame,
    change: ShareChange,
    decimals: int,
    illustrative: bool,
    parameter_set: str,
    *,
    review_round: ReviewRound | None = None,
    parameters: ModelParameters | None = None,
    issuer: str = "",
    explanation: ChangeExplanation | None = None,
) -> None:
    """Write one county's review workbook; the file appears whole or not at all.

    `change` is the draft against the previous share year's published table. Without
    `review_round` the first sheet leaves out the deadline and the return address; without
    `parameters` it leaves out the model's values. `issuer` (data/publication.toml) is the
    workbook's author; `explanation` is `change` term by term."""
    county = _county_rows(draft, change, county_code)
    county_name = county["county_name"][0]
    compared = change.compared_year
    workbook = house_workbook()
    choice = f"{county['municipality_code'][0]} {county['municipality_name'][0]}"
    example = example_row(county, share_year, decimals)
    guide_sheet(workbook.active, share_year, county_code, county_name, choice, compared,
                decimals, illustrative, parameter_set, review_round, parameters)
    method_on_guide(workbook.active, change)
    _draft_sheet(workbook.create_sheet(DRAFT_SHEET), county, share_year, compared, county_name,
                 decimals, illustrative, parameter_set)
    change_sheet(workbook.create_sheet(CHANGE_SHEET), county, county_name, change, explanation,
                 illustrative)
    form_sheet(workbook.create_sheet(FORM_SHEET), county, share_year, county_name, decimals,
               illustrative, review_round, example)
    codes_sheet(workbook.create_sheet(CODES_SHEET), county)
    info_sheet(workbook.create_sheet(INFO_SHEET), share_year, county_code, county_name,
               decimals, illustrative, parameter_set, example)
    for sheet in (workbook[GUIDE_SHEET], workbook[DRAFT_SHEET], workbook[CHANGE_SHEET]):
        protect(sheet)
    workbook.security = WorkbookProtection(lockStructure=True)
    _properties(workbook, share_year, county_name, issuer)
    workbook.active = 0
    write_atomically_with(path, workbook.save)


def _properties(workbook: Workbook, share_year: int, county_name: str, issuer: str) -> None:
    properties = workbook.properties
    properties.title = f"Granskningsunderlag: andelstal {share_year} – {county_name}"
    properties.subject = (f"Utkast till andelstal {share_year} för anvisning av ensamkommande "
                          "barn, och blankett för omfördelning")
    properties.language = "sv-SE"
    properties.creator = properties.lastModifiedBy = issuer


def _county_rows(draft: pl.DataFrame, change: ShareChange, county_code: str) -> pl.DataFrame:
    county = draft.filter(pl.col("county_code") == county_code).sort("municipality_code")
    if county.is_empty():
        raise ValueError(f"the draft has no municipality in county {county_code!r}")
    return county.join(change.table.select("municipality_code", "previous_units",
                                           "change_units"),
                       on="municipality_code", how="left", maintain_order="left")


# --- "Utkast" -----------------------------------------------------------------------------------

def _draft_sheet(sheet: Worksheet, county: pl.DataFrame, share_year: int, compared: int | None,
                 county_name: str, decimals: int, illustrative: bool,
                 parameter_set: str) -> None:
    share = number_format(decimals)
    change = number_format(decimals, signed=True)
    previous_label = PREVIOUS_SHARE.title(previous=previous_year(share_year, compared))
    headings = [column.heading(previous=previous_year(share_year, compared))
                for column in DRAFT_TABLE]
    put(sheet.cell(1, 1), f"Utkast till andelstal {share_year} för anvisning av "
                           f"ensamkommande barn – {county_name}", TITLE)
    put(sheet.cell(2, 1), f"Andelar i promille (‰) med {decimals} decimaler. "
                           f"Parameteruppsättning: {parameter_set}. Förändring = utkast "
                           f"{share_year} − {previous_label.lower()}. "
                           f"Kolumnerna förklaras på bladet {GUIDE_SHEET}.", PLAIN)
    if illustrative:
        put(sheet.cell(3, 1), ILLUSTRATIVE_NOTE, WARNING)
    put(sheet.cell(4, 1), comparison(share_year, compared), PLAIN)

    rows = []
    for record in county.iter_rows(named=True):
        rows.append(
            [record["municipality_code"], record["municipality_name"]]
            + [(record[c.name], COUNT) for c in STATISTIC_COLUMNS]
            + [(record[c.name], UNROUNDED) for c in SHARE_STEPS]
            + ["Ja" if record["at_floor"] else "Nej",
               (_promille(record["share_units"], decimals), share),
               (_promille(record["previous_units"], decimals), share),
               (_promille(record["change_units"], decimals), change)])
    # Last year's total and the change cover only municipalities that had a share last year.
    with_previous = county.filter(pl.col("previous_units").is_not_null())
    any_previous = len(with_previous) > 0
    total = (
        [TOTAL, county_name]
        + [(county[c.name].sum(), COUNT) for c in STATISTIC_COLUMNS]
        + [(county[c.name].sum(), UNROUNDED) for c in SHARE_STEPS]
        + [None,
           (_promille(county["share_units"].sum(), decimals), share),
           (_promille(with_previous["previous_units"].sum() if any_previous else None,
                      decimals), share),
           (_promille(with_previous["change_units"].sum() if any_previous else None, decimals),
            change)]
    )
    header(sheet, HEADER_ROW, headings,
            column_widths(headings, [*rows, total], minimum=NUMBER_WIDTH))
    for row, cells in enumerate([*rows, total], start=HEADER_ROW + 1):
        write_row(sheet, row, cells, BOLD if cells is total else PLAIN)
    floor_column = DRAFT_TABLE.index(AT_FLOOR) + 1
    for column in range(3, len(headings) + 1):  # the headers over numbers
        sheet.cell(HEADER_ROW, column).alignment = NUMBER_HEADER_ALIGNMENT
    sheet.cell(HEADER_ROW, floor_column).alignment = CENTRED_HEADER_ALIGNMENT
    for row in range(HEADER_ROW + 1, HEADER_ROW + len(rows) + 2):
        sheet.cell(row, floor_column).alignment = CENTRED
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    page(sheet, "landscape", title_rows=HEADER_ROW)


def _promille(units: int | None, decimals: int) -> float | None:
    """The nearest float to the exact decimal; its shortest repr, which the file holds, is it."""
    return None if units is None else int(units) / 10**decimals
