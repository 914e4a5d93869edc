"""The county board's review workbook (granskningsunderlag): one .xlsx per county (län).

Sheets, in order: "Så här gör du" (the steps, the deadline, where to send the workbook, what every
column of the draft means and how the draft is computed, with this run's parameters), "Utkast"
(the county's draft shares with the inputs that explain them and the comparison with share year
Y−1's published table), "Omfördelning" (the form the county board fills in, read back by
`forms.spreadsheets.read_county_form`), and the hidden "Kommuner" and "Info". A workbook holds
only its own county's data.

It should read like an agency document (`review_style`): Arial 10 on every style, headers that
wrap between words, never inside one, A4 pages one page wide with the header rows repeated. The
first sheet is written by `review_guide`.

Numbers are written as numbers with Swedish-locale formats (`pipeline.core.excel_formats`), so
Excel on a Swedish system and LibreOffice anywhere show a decimal comma. Totals are values, not
formulas; the only formulas are the form's two name columns (F and G), which show the name of the
municipality typed or chosen in A and B and lie outside the five columns the reader reads.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import number_format, put, save, use_house_font
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
from pipeline.presentation.formats import weekday_date
from pipeline.presentation.terms import TOTAL
from pipeline.redistribution.agreements import FORM_HEADERS, FORM_SHEET, INFO_SHEET
from pipeline.redistribution.explained_sheet import CHANGE_SHEET, change_sheet, method_on_guide
from pipeline.redistribution.review_guide import comparison, guide_sheet, previous_year
from pipeline.redistribution.review_hidden import codes_sheet, info_sheet
from pipeline.redistribution.review_round import ReviewRound
from pipeline.redistribution.review_style import (
    BOLD,
    CENTRED,
    CENTRED_HEADER_ALIGNMENT,
    COMPUTED_FILL,
    COUNT,
    DRAFT_SHEET,
    GRID,
    GUIDE_SHEET,
    ILLUSTRATIVE_NOTE,
    NUMBER_HEADER_ALIGNMENT,
    NUMBER_WIDTH,
    PLAIN,
    TITLE,
    UNROUNDED,
    WARNING,
    WRAP,
    column_widths,
    fit_height,
    header,
    page,
    write_row,
)

CODES_SHEET = "Kommuner"
HEADER_ROW = 5
FORM_HEADER_ROW = 4
FORM_ROWS = 50
NAME_HEADERS = ["Givande kommun (namn)", "Mottagande kommun (namn)"]

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
    explanation: ChangeExplanation | None = None,
) -> list[Path]:
    """Write every county's review workbook (named by the layout); return the paths."""
    paths = []
    counties = draft.select("county_code", "county_name").unique().sort("county_code")
    for county_code, county_name in counties.iter_rows():
        path = layout.review_workbook(share_year, county_code, county_name)
        write_review_workbook(path, share_year, county_code, draft, change, decimals,
                              illustrative, parameter_set, review_round=review_round,
                              parameters=parameters, explanation=explanation)
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
    explanation: ChangeExplanation | None = None,
) -> None:
    """Write one county's review workbook; the file appears whole or not at all.

    `change` is the draft against the previous share year's published table. Without
    `review_round` the first sheet leaves out the deadline and the return address; without
    `parameters` it leaves out the model's values; `explanation` is `change` term by term."""
    county = _county_rows(draft, change, county_code)
    county_name = county["county_name"][0]
    compared = change.compared_year
    workbook = Workbook()
    use_house_font(workbook)
    example = f"{county['municipality_code'][0]} {county['municipality_name'][0]}"
    guide_sheet(workbook.active, share_year, county_code, county_name, example, compared,
                 decimals, illustrative, parameter_set, review_round, parameters)
    method_on_guide(workbook.active, change)
    _draft_sheet(workbook.create_sheet(DRAFT_SHEET), county, share_year, compared, county_name,
                 decimals, illustrative, parameter_set)
    change_sheet(workbook.create_sheet(CHANGE_SHEET), county, county_name, change, explanation,
                 illustrative)
    _form_sheet(workbook.create_sheet(FORM_SHEET), county, share_year, county_name, decimals,
                illustrative, review_round)
    codes_sheet(workbook.create_sheet(CODES_SHEET), county)
    info_sheet(workbook.create_sheet(INFO_SHEET), share_year, county_code, county_name,
                decimals, illustrative, parameter_set)
    workbook.active = 0
    write_atomically_with(path, lambda temporary: save(workbook, temporary))


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


# --- "Omfördelning" -----------------------------------------------------------------------------

def _form_sheet(sheet: Worksheet, county: pl.DataFrame, share_year: int, county_name: str,
                decimals: int, illustrative: bool, review_round: ReviewRound | None) -> None:
    first, last = FORM_HEADER_ROW + 1, FORM_HEADER_ROW + FORM_ROWS
    year_before = share_year - 1
    n = len(county)
    headings = FORM_HEADERS + NAME_HEADERS
    put(sheet.cell(1, 1), f"Omfördelning av andelstal {share_year} – {county_name}", TITLE)
    deadline = (f" Skicka senast {weekday_date(review_round.deadline)}."
                if review_round is not None else "")
    instruction = (
        "En rad per överenskommelse. Välj kommun i listan eller skriv kommunkod eller namn. "
        f"Andel i promille med högst {decimals} decimaler, eller ”hela andelen”. Beslutsdatum "
        f"under {year_before}. Båda kommunerna ska ligga i {county_name}; en kommun kan inte "
        f"både ge och ta emot.{deadline} Mer på bladet {GUIDE_SHEET}.")
    put(sheet.cell(2, 1), instruction, PLAIN).alignment = WRAP
    if illustrative:
        put(sheet.cell(3, 1), ILLUSTRATIVE_NOTE, WARNING)
    choices = [f"{code} {name}" for code, name in
               county.select("municipality_code", "municipality_name").iter_rows()]
    longest_choice = max(len(choice) for choice in choices)
    sizes = column_widths(headings, [[("x" * longest_choice, None)] * 2 + ["0,25", "2025-12-05",
                                        "Lst AB 851-12345-2025"]
                                       + [("x" * (longest_choice - 5), None)] * 2],
                            minimum=14)
    header(sheet, FORM_HEADER_ROW, headings, sizes)
    for column in (6, 7):
        sheet.cell(FORM_HEADER_ROW, column).fill = COMPUTED_FILL
    formats = ["@", "@", "@", "yyyy-mm-dd", "@"]
    for column, text_format in enumerate(formats, start=1):
        cell = sheet.cell(first, column)
        cell.number_format, cell.font, cell.border = text_format, PLAIN, GRID
    for column in (6, 7):
        cell = sheet.cell(first, column)
        cell.font, cell.fill, cell.border = PLAIN, COMPUTED_FILL, GRID
    # Every form row is styled like the first: copying the style reference is the same as
    # setting font, border and format again, without openpyxl hashing them for every cell.
    templates = [sheet.cell(first, column)._style for column in range(1, 8)]
    for row in range(first, last + 1):
        for column, template in enumerate(templates, start=1):
            if row > first:
                sheet.cell(row, column)._style = copy(template)
        for column, source in ((6, "A"), (7, "B")):
            sheet.cell(row, column).value = _name_formula(f"{source}{row}", n)

    codes = DataValidation(
        type="list", formula1=f"{CODES_SHEET}!$C$2:$C${n + 1}", allow_blank=True,
        showErrorMessage=True, errorStyle="warning", errorTitle="Kommunen finns inte i listan",
        error=f"Välj en kommun i {county_name} ur listan, eller skriv dess kod eller namn.",
        showInputMessage=True, promptTitle="Kommun",
        prompt="Välj i listan, eller skriv kommunkod eller namn.")
    codes.add(f"A{first}:B{last}")
    approved = DataValidation(
        type="date", operator="between", allow_blank=True, showErrorMessage=True,
        formula1=f"DATE({year_before},1,1)", formula2=f"DATE({year_before},12,31)",
        errorTitle="Fel beslutsdatum", error=f"Beslutsdatum ska ligga under {year_before}.")
    approved.add(f"D{first}:D{last}")
    sheet.add_data_validation(codes)
    sheet.add_data_validation(approved)
    sheet.freeze_panes = sheet.cell(first, 1)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headings))
    fit_height(sheet, 2, [(instruction, sum(sizes))], False)
    page(sheet, "landscape", title_rows=FORM_HEADER_ROW)


def _name_formula(cell: str, count: int) -> str:
    """The name of the municipality in `cell`: typed as a code (text or number), as "code name"
    from the list, or as a name; "?" when it is none of the county's municipalities. Functions
    that Excel and LibreOffice both have, in the file's own (English, comma) syntax."""
    codes = f"{CODES_SHEET}!$A$2:$B${count + 1}"
    names = f"{CODES_SHEET}!$B$2:$B${count + 1}"
    code = f'IF(ISNUMBER({cell}),TEXT({cell},"0000"),LEFT(TRIM({cell}),4))'
    return (f'=IF(TRIM({cell})="","",IFERROR(VLOOKUP({code},{codes},2,FALSE),'
            f'IFERROR(INDEX({names},MATCH(TRIM({cell}),{names},0)),"?")))')


def _promille(units: int | None, decimals: int) -> float | None:
    """The nearest float to the exact decimal; its shortest repr, which the file holds, is it."""
    return None if units is None else int(units) / 10**decimals
