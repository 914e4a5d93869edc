"""The review workbook's form, "Omfördelning": what the county board fills in and sends back.

Top to bottom: the title; one instruction; the illustrative mark when the data are illustrative;
what to do when the county has no agreements; the contact fields (who filled in the form, phone,
e-mail); the header row, the five columns the reader reads (`FORM_HEADERS`) and two name columns;
a grey example row that is never read (its values are recorded on "Info", `forms.form_layout`);
FORM_ROWS rows to fill in.

It guides: drop-downs of the county's municipalities, and data validation with a Swedish input
message and error message on the amount (a number above 0 ‰ with at most `decimals` decimals, or
”hela andelen”) and on the date, in the forms Excel and LibreOffice both carry, so a wrong amount
is refused as it is typed, not in the report after sending. It protects: the sheet is protected
without a password (anyone can still read, copy, print and unprotect it), and only the contact
fields and the rows to fill in are unlocked, so the name formulas, the example and the texts are
not overwritten by accident.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from openpyxl.styles import Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import FONT_NAME, FONT_SIZE, number_format, put
from pipeline.presentation.formats import WEB, weekday_date
from pipeline.redistribution.agreements import FORM_HEADERS
from pipeline.redistribution.forms.form_layout import CONTACT_EMAIL, CONTACT_LABELS
from pipeline.redistribution.review_round import ReviewRound
from pipeline.redistribution.review_style import (
    BOLD,
    COMPUTED_FILL,
    GRID,
    GUIDE_SHEET,
    ILLUSTRATIVE_NOTE,
    PLAIN,
    TITLE,
    WARNING,
    WRAP,
    column_widths,
    fit_height,
    header,
    page,
    protect,
)

CODES_SHEET = "Kommuner"
NO_AGREEMENTS_ROW = 4
CONTACT_ROW = 5  # the first of the three contact fields
FORM_HEADER_ROW = 9
EXAMPLE_ROW = FORM_HEADER_ROW + 1
FIRST_FORM_ROW = EXAMPLE_ROW + 1
FORM_ROWS = 50
LAST_FORM_ROW = FIRST_FORM_ROW + FORM_ROWS - 1
NAME_HEADERS = ["Givande kommun (namn)", "Mottagande kommun (namn)"]
EXAMPLE_NOTE = "← Exempel, läses inte"
EXAMPLE_FONT = Font(name=FONT_NAME, size=FONT_SIZE, italic=True, color="595959")
UNLOCKED = Protection(locked=False)
WHOLE_SHARE_TEXT = "hela andelen"
NO_AGREEMENTS = ("Inga överenskommelser i länet? Fyll ändå i kontaktuppgifterna nedan, lämna "
                 "raderna tomma och skicka tillbaka blanketten: då vet Migrationsverket att "
                 "länet har granskat utkastet och att inga andelar ska omfördelas.")


def example_row(county: pl.DataFrame, share_year: int, decimals: int) -> list | None:
    """The example's five values: the county's first two municipalities, half a promille (one
    when shares have no decimals), a date in December of the year before; None for a county of
    one municipality, which has no one to give to."""
    if county.height < 2:
        return None
    (code, name), (other_code, other_name) = county.select(
        "municipality_code", "municipality_name").head(2).iter_rows()
    return [f"{code} {name}", f"{other_code} {other_name}",
            _example_units(decimals) / 10**decimals, date(share_year - 1, 12, 1),
            f"Lst 851-1234-{share_year - 1}"]


def example_amount(decimals: int) -> str:
    """The example amount as the county board writes it: "0,50" at two decimals."""
    return WEB.fixed(_example_units(decimals), decimals)


def _example_units(decimals: int) -> int:
    """Half a promille in units of 10^-decimals ‰; one promille when there are no decimals."""
    return 5 * 10 ** (decimals - 1) if decimals else 1


def form_sheet(sheet: Worksheet, county: pl.DataFrame, share_year: int, county_name: str,
               decimals: int, illustrative: bool, review_round: ReviewRound | None,
               example: list | None) -> None:
    """Write the form on `sheet`: texts, contact fields, header, example, rows to fill in."""
    n = len(county)
    headings = FORM_HEADERS + NAME_HEADERS
    put(sheet.cell(1, 1), f"Omfördelning av andelstal {share_year} – {county_name}", TITLE)
    choices = [f"{code} {name}" for code, name in
               county.select("municipality_code", "municipality_name").iter_rows()]
    longest_choice = max(len(choice) for choice in choices)
    sizes = column_widths(headings, [[("x" * longest_choice, None)] * 2 + ["0,25", "2025-12-05",
                                        "Lst AB 851-12345-2025"]
                                       + [("x" * (longest_choice - 5), None)] * 2],
                          minimum=14)
    texts = [(2, _instruction(share_year, county_name, decimals, review_round), PLAIN),
             (NO_AGREEMENTS_ROW, NO_AGREEMENTS, PLAIN)]
    if illustrative:
        texts.append((3, ILLUSTRATIVE_NOTE, WARNING))
    for row, text, text_font in texts:
        put(sheet.cell(row, 1), text, text_font).alignment = WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headings))
        fit_height(sheet, row, [(text, sum(sizes))], text_font is not PLAIN)
    _contact_fields(sheet)
    header(sheet, FORM_HEADER_ROW, headings, sizes)
    for column in (6, 7):
        sheet.cell(FORM_HEADER_ROW, column).fill = COMPUTED_FILL
    _rows(sheet, n, decimals)
    if example is not None:
        _example(sheet, example, decimals)
    _validations(sheet, county_name, share_year, decimals, n)
    sheet.column_dimensions["H"].width = len(EXAMPLE_NOTE) + 2
    sheet.freeze_panes = sheet.cell(FIRST_FORM_ROW, 1)
    protect(sheet)
    page(sheet, "landscape", title_rows=FORM_HEADER_ROW)


def _instruction(share_year: int, county_name: str, decimals: int,
                 review_round: ReviewRound | None) -> str:
    deadline = (f" Skicka senast {weekday_date(review_round.deadline)}."
                if review_round is not None else "")
    return (
        "En rad per överenskommelse, under den grå exempelraden. Välj kommun i listan eller "
        f"skriv kommunkod eller namn. Andel i promille med högst {decimals} decimaler, till "
        f"exempel {example_amount(decimals)}, eller ”{WHOLE_SHARE_TEXT}”. Beslutsdatum under "
        f"{share_year - 1}. Båda kommunerna ska ligga i {county_name}; en kommun kan inte både "
        f"ge och ta emot.{deadline} Mer på bladet {GUIDE_SHEET}.")


def _contact_fields(sheet: Worksheet) -> None:
    """A label in A and a field across B:C for each of the three; the fields are unlocked."""
    for row, label in enumerate(CONTACT_LABELS, start=CONTACT_ROW):
        put(sheet.cell(row, 1), label, BOLD)
        for column in (2, 3):
            cell = sheet.cell(row, column)
            cell.border, cell.protection = GRID, UNLOCKED
            cell.number_format = "@"  # a phone number keeps its leading zero
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)


def _rows(sheet: Worksheet, count: int, decimals: int) -> None:
    """The example row and the rows to fill in: A–E unlocked where a county board types, F–G
    the names of the municipalities typed in A and B."""
    formats = ["@", "@", number_format(decimals), "yyyy-mm-dd", "@"]
    for row in range(FIRST_FORM_ROW, LAST_FORM_ROW + 1):
        for column, cell_format in enumerate(formats, start=1):
            cell = sheet.cell(row, column)
            cell.number_format, cell.font, cell.border = cell_format, PLAIN, GRID
            cell.protection = UNLOCKED
        for column in (6, 7):
            cell = sheet.cell(row, column)
            cell.font, cell.fill, cell.border = PLAIN, COMPUTED_FILL, GRID
    for row in range(EXAMPLE_ROW, LAST_FORM_ROW + 1):
        for column, source in ((6, "A"), (7, "B")):
            sheet.cell(row, column).value = _name_formula(f"{source}{row}", count)


def _example(sheet: Worksheet, values: list, decimals: int) -> None:
    """The example row: grey, italic and locked, with a note beside it."""
    formats = [None, None, number_format(decimals), "yyyy-mm-dd", None]
    for column, (value, cell_format) in enumerate(zip(values, formats, strict=True), start=1):
        cell = put(sheet.cell(EXAMPLE_ROW, column), value, EXAMPLE_FONT, cell_format)
        cell.fill, cell.border = COMPUTED_FILL, GRID
    for column in (6, 7):
        cell = sheet.cell(EXAMPLE_ROW, column)
        cell.font, cell.fill, cell.border = EXAMPLE_FONT, COMPUTED_FILL, GRID
    put(sheet.cell(EXAMPLE_ROW, 8), EXAMPLE_NOTE, EXAMPLE_FONT)


def _validations(sheet: Worksheet, county_name: str, share_year: int, decimals: int,
                 count: int) -> None:
    first, last, year_before = FIRST_FORM_ROW, LAST_FORM_ROW, share_year - 1
    example = example_amount(decimals)
    codes = DataValidation(
        type="list", formula1=f"{CODES_SHEET}!$C$2:$C${count + 1}", allow_blank=True,
        showErrorMessage=True, errorStyle="warning", errorTitle="Kommunen finns inte i listan",
        error=f"Välj en kommun i {county_name} ur listan, eller skriv dess kod eller namn.",
        showInputMessage=True, promptTitle="Kommun",
        prompt="Välj i listan, eller skriv kommunkod eller namn.")
    codes.add(f"A{first}:B{last}")
    # The formula is written for the range's first cell; both programs shift it row by row. IF,
    # not OR/AND: both programs evaluate every argument of OR and AND, and ROUND of a text is an
    # error that would refuse "hela andelen" too.
    cell = f"C{first}"
    amount = DataValidation(
        type="custom", allow_blank=True,
        formula1=(f"IF(ISNUMBER({cell}),AND({cell}>0,ROUND({cell},{decimals})={cell}),"
                  f'TRIM({cell})="{WHOLE_SHARE_TEXT}")'),
        showErrorMessage=True, errorStyle="stop", errorTitle="Fel andel",
        error=(f"Andelen ska vara ett tal större än 0 i promille med högst {decimals} "
               f"decimaler, till exempel {example}, eller ”{WHOLE_SHARE_TEXT}” när kommunen "
               "ger bort hela sin andel. Skriv bara talet, utan ‰."),
        showInputMessage=True, promptTitle="Andel i promille",
        prompt=(f"Ett tal med högst {decimals} decimaler, till exempel {example}, eller "
                f"”{WHOLE_SHARE_TEXT}”."))
    amount.add(f"C{first}:C{last}")
    approved = DataValidation(
        type="date", operator="between", allow_blank=True, showErrorMessage=True,
        formula1=f"DATE({year_before},1,1)", formula2=f"DATE({year_before},12,31)",
        errorTitle="Fel beslutsdatum", error=f"Beslutsdatum ska ligga under {year_before}.",
        showInputMessage=True, promptTitle="Beslutsdatum",
        prompt=f"Dagen länsstyrelsen beslutade, under {year_before}, till exempel "
               f"{year_before}-12-01.")
    approved.add(f"D{first}:D{last}")
    prompt = {"promptTitle": "Kontaktuppgifter", "showInputMessage": True,
              "prompt": "Den på länsstyrelsen som har fyllt i blanketten och kan svara på "
                        "Migrationsverkets frågor om den."}
    email_row = CONTACT_ROW + CONTACT_LABELS.index(CONTACT_EMAIL)
    email_cell = f"B{email_row}"
    contact = DataValidation(allow_blank=True, **prompt)
    for row in range(CONTACT_ROW, CONTACT_ROW + len(CONTACT_LABELS)):
        if row != email_row:  # one validation a cell: the e-mail field has its own
            contact.add(f"B{row}")
    email = DataValidation(
        type="custom", allow_blank=True, formula1=f'ISNUMBER(SEARCH("@",{email_cell}))',
        showErrorMessage=True, errorStyle="warning", errorTitle="E-postadress",
        error="En e-postadress innehåller @.", **prompt)
    email.add(email_cell)
    for validation in (codes, amount, approved, contact, email):
        sheet.add_data_validation(validation)


def _name_formula(cell: str, count: int) -> str:
    """The name of the municipality in `cell`: typed as a code (text or number), as "code name"
    from the list, or as a name; "?" when it is none of the county's municipalities. Functions
    that Excel and LibreOffice both have, in the file's own (English, comma) syntax."""
    codes = f"{CODES_SHEET}!$A$2:$B${count + 1}"
    names = f"{CODES_SHEET}!$B$2:$B${count + 1}"
    code = f'IF(ISNUMBER({cell}),TEXT({cell},"0000"),LEFT(TRIM({cell}),4))'
    return (f'=IF(TRIM({cell})="","",IFERROR(VLOOKUP({code},{codes},2,FALSE),'
            f'IFERROR(INDEX({names},MATCH(TRIM({cell}),{names},0)),"?")))')
