"""The first sheet of the review workbook, "Så här gör du": what the county board does and by
when, where the workbook goes, what every column of "Utkast" means and how the draft is computed,
with the run's own parameters in Swedish number format (decimal comma)."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import put
from pipeline.model.parameters import ModelParameters
from pipeline.presentation.columns import DRAFT_CHANGE, DRAFT_TABLE, PREVIOUS_SHARE
from pipeline.presentation.explanation import county_board_paragraphs, floor_text
from pipeline.presentation.formats import weekday_date
from pipeline.redistribution.agreements import FORM_SHEET
from pipeline.redistribution.forms.report import report_name
from pipeline.redistribution.review_form import example_amount
from pipeline.redistribution.review_round import ReviewRound
from pipeline.redistribution.review_style import (
    BOLD,
    DRAFT_SHEET,
    GUIDE_SHEET,
    HEADING,
    ILLUSTRATIVE_NOTE,
    PLAIN,
    TITLE,
    WARNING,
    WRAP,
    fit_height,
    page,
    set_widths,
    width,
)

GUIDE_WIDTHS = [26, 82]


def comparison(share_year: int, compared: int | None) -> str:
    if compared is None:
        return (f"Jämförelse: ingen publicerad tabell för {share_year - 1}; kolumnerna "
                f"{PREVIOUS_SHARE.heading(previous=share_year - 1)} och "
                f"{DRAFT_CHANGE.heading()} är tomma.")
    return f"Jämförelse med de publicerade andelstalen för {compared}."


def previous_year(share_year: int, compared: int | None) -> int:
    """The share year the draft's previous-share column names (the year before without one)."""
    return compared if compared is not None else share_year - 1


def guide_sheet(sheet: Worksheet, share_year: int, county_code: str, county_name: str,
                 example_choice: str, compared: int | None, decimals: int, illustrative: bool,
                 parameter_set: str, review_round: ReviewRound | None,
                 parameters: ModelParameters | None) -> None:
    sheet.title = GUIDE_SHEET
    year_before = share_year - 1
    example = example_amount(decimals)
    deadline = weekday_date(review_round.deadline) if review_round else None
    send = (f"Spara arbetsboken och skicka den senast {deadline} till adressen nedan. "
            if deadline else "Spara arbetsboken och skicka den till Migrationsverket. ")
    lines: list[tuple[str, str, Font | None]] = [
        (f"Andelstal {share_year} för anvisning av ensamkommande barn – {county_name}", "",
         TITLE),
        ("Granskningsunderlag för länsstyrelsen", "", BOLD),
    ]
    if illustrative:
        lines.append((ILLUSTRATIVE_NOTE, "", WARNING))
    lines += [("", "", None), ("Så här gör du", "", HEADING),
              ("1. Granska utkastet", f"Bladet {DRAFT_SHEET} visar utkastet till andelstal "
               f"{share_year} för länets kommuner och de uppgifter som förklarar det. "
               f"{comparison(share_year, compared)}", None),
              ("2. Diskutera med kommunerna", "En kommun kan ge hela eller en del av sin andel "
               f"till en annan kommun i {county_name}, om båda kommunerna är överens. Flera "
               "kommuner kan ge till samma kommun, men en kommun kan inte både ge och ta emot.",
               None),
              ("3. Fyll i blanketten", f"Fyll i bladet {FORM_SHEET}: först vem som fyller "
               "i blanketten, med telefon och e-post, sedan en rad per överenskommelse under "
               "den grå exempelraden, som inte läses: givande och mottagande kommun (välj i "
               f"listan, till exempel ”{example_choice}”, eller skriv kommunkoden eller "
               f"namnet), andel i promille med högst {decimals} decimaler (till exempel "
               f"{example}) eller ”hela andelen”, beslutsdatum under {year_before} (till "
               f"exempel {year_before}-12-01) och länsstyrelsens diarienummer. En andel som "
               "inte går att läsa stoppas redan när den skrivs. Kolumnerna F och G visar "
               "namnen på de kommuner ni angett. Bara de vita fälten går att skriva i.", None),
              ("Inga överenskommelser?", "Lämna raderna tomma, fyll i vem ni är och skicka "
               "tillbaka blanketten ändå, så vet Migrationsverket att länet har granskat "
               "utkastet och att inga andelar ska omfördelas.", None),
              ("4. Spara och skicka", send + "Filen kan sparas i Excel (.xlsx, .xls) eller "
               "LibreOffice (.ods) och heta vad som helst. Behåll bladen som de är: de dolda "
               "bladen Kommuner och Info talar om vilket län och år blanketten gäller.", None),
              ("", "", None)]
    if review_round is not None:
        lines += [("Sista dag", deadline or "", BOLD),
                  ("Skicka till", review_round.return_address, None),
                  ("Frågor", review_round.contact, None),
                  ("", "", None)]
    lines += [("Om något är fel", "Migrationsverket kontrollerar alla rader på en gång. Är "
               "något fel får länsstyrelsen en granskningsrapport, "
               f"{report_name(share_year, county_code, county_name)}, med en rad per fel: "
               "blad, rad, kolumn, det som står i cellen och vad som ska rättas. Rätta "
               "blanketten och skicka den igen. Inga omfördelningar i länet räknas förrän "
               "blanketten är utan fel.", None),
              ("", "", None),
              (f"Bladet {DRAFT_SHEET} – kolumnerna", "", HEADING)]
    lines += [(heading, text, None) for heading, text in
              _column_texts(share_year, compared, decimals, parameters)]
    lines += [("", "", None), ("Så räknas utkastet", "", HEADING)]
    lines += [(label, text, None) for label, text in
              county_board_paragraphs(share_year, decimals, parameter_set, parameters)]
    sizes = [max(GUIDE_WIDTHS[0], *(width(len(label)) for label, text, _ in lines if text)),
             GUIDE_WIDTHS[1]]
    for row, (label, text, font) in enumerate(lines, start=1):
        if label and not text:  # a title or heading across the page
            put(sheet.cell(row, 1), label, font or BOLD)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            continue
        if label:
            put(sheet.cell(row, 1), label, font or BOLD).alignment = WRAP
        if text:
            put(sheet.cell(row, 2), text, font if font is BOLD else PLAIN).alignment = WRAP
            fit_height(sheet, row, [(text, sizes[1])], bold=font is BOLD)
    set_widths(sheet, sizes)
    page(sheet, "portrait", title_rows=None)


def _column_texts(share_year: int, compared: int | None, decimals: int,
                  parameters: ModelParameters | None) -> list[tuple[str, str]]:
    """Each column of the draft sheet with what it means, from the registry of columns."""
    values = {
        "year": share_year,
        "previous": previous_year(share_year, compared),
        "reference": (parameters.reference_year(share_year) if parameters is not None
                      else "referensåret"),
        "decimals": decimals,
        "floor": f"{floor_text(parameters)} ‰" if parameters is not None else "golvet",
    }
    return [(column.heading(**values), column.explain(empty=compared is None, **values))
            for column in DRAFT_TABLE]
