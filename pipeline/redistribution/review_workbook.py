"""The county board's review workbook (granskningsunderlag): one .xlsx per county (län).

Sheets, in order: "Så här gör du" (the steps, the deadline, where to send the workbook, what every
column of the draft means and how the draft is computed, with this run's parameters), "Utkast"
(the county's draft shares with the inputs that explain them and the comparison with share year
Y−1's published table), "Omfördelning" (the form the county board fills in, read back by
`forms.spreadsheets.read_county_form`), and the hidden "Kommuner" and "Info". A workbook holds
only its own county's data.

It should read like an agency document: one named sans-serif font (Arial 10, which LibreOffice
replaces by the metric-compatible Liberation Sans) on every style, the workbook's default style
included; headers that wrap between words, never inside one (every column is at least as wide as
its longest header word); A4 pages one page wide with the header rows repeated.

Numbers are written as numbers with Swedish-locale formats (`pipeline.core.excel_formats`), so
Excel on a Swedish system and LibreOffice anywhere show a decimal comma. Totals are values, not
formulas; the only formulas are the form's two name columns (F and G), which show the name of the
municipality typed or chosen in A and B and lie outside the five columns the reader reads.
"""

from __future__ import annotations

import calendar
import textwrap
from datetime import date
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import number_format
from pipeline.core.files import write_atomically_with
from pipeline.core.layout import Layout
from pipeline.core.units import units_to_text
from pipeline.ingestion.registry import RECEPTION, STATISTICS
from pipeline.model.parameters import ModelParameters
from pipeline.redistribution.agreements import FORM_HEADERS, FORM_SHEET, INFO_SHEET
from pipeline.redistribution.forms.messages import MONTH_NAMES
from pipeline.redistribution.forms.report import report_name
from pipeline.redistribution.review_round import ReviewRound

GUIDE_SHEET = "Så här gör du"
DRAFT_SHEET = "Utkast"
CODES_SHEET = "Kommuner"
ILLUSTRATIVE_NOTE = "ILLUSTRATIVA UPPGIFTER – påhittade indata, inte verklig statistik"
HEADER_ROW = 5
FORM_HEADER_ROW = 4
FORM_ROWS = 50
NAME_HEADERS = ["Givande kommun (namn)", "Mottagande kommun (namn)"]

FONT_NAME = "Arial"
FONT_SIZE = 10
PLAIN = Font(name=FONT_NAME, size=FONT_SIZE, family=2)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, family=2, bold=True)
HEADING = Font(name=FONT_NAME, size=12, family=2, bold=True)
TITLE = Font(name=FONT_NAME, size=14, family=2, bold=True)
WARNING = Font(name=FONT_NAME, size=FONT_SIZE, family=2, bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
COMPUTED_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRED = Alignment(horizontal="center")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
NUMBER_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top", horizontal="right")
CENTRED_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top", horizontal="center")
GRID_SIDE = Side(style="thin", color="BFBFBF")
GRID = Border(left=GRID_SIDE, right=GRID_SIDE, top=GRID_SIDE, bottom=GRID_SIDE)
# Column widths are in widths of the digit 0. A column is CHARACTER_WIDTH per character of its
# longest word wide, a margin for bold wide letters (m, Å, Ö); a row's height counts its lines of
# wrapped text at the average width of a bold or a plain letter.
CHARACTER_WIDTH = 1.2
BOLD_CHARACTER_WIDTH = 1.05
PLAIN_CHARACTER_WIDTH = 0.9
NUMBER_WIDTH = 10
PADDING = 2
LINE_HEIGHT = 13  # points per line of Arial 10
GUIDE_WIDTHS = [26, 82]

COUNT = number_format(0, grouped=True)
UNROUNDED = number_format(4)
THOUSAND = "1\u00a0000"
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]

# (heading, draft column) of the explanation columns, in sheet order: the registry's statistics.
COUNT_COLUMNS = [(statistic.swedish, statistic.name) for statistic in STATISTICS]
SHARE_COLUMNS = [
    ("Befolkningsandel ‰", "population_share"),
    ("Mottagandeandel ‰", "reception_share"),
    ("Justerad andel ‰", "adjusted_share"),
]
# What each statistic counts, for the county board; {year} is the reference year.
STATISTIC_TEXTS = {
    "population": "Folkmängd den 31 december {year} (SCB).",
    "newcomers_settled": "Nyanlända som tagits emot för bosättning i kommunen under {year}.",
    "minors_received": "Ensamkommande barn som anvisats till kommunen under {year}.",
    "asylum_housing_days": "Boendedygn för asylsökande i Migrationsverkets mottagande inom "
                           "kommunen under {year}.",
    "minor_arrival_housing_days": "Boendedygn för ensamkommande barn som hade kommunen som "
                                  "ankomstkommun under {year}.",
}


def write_review_workbooks(
    layout: Layout,
    share_year: int,
    draft: pl.DataFrame,
    previous: pl.DataFrame | None,
    decimals: int,
    illustrative: bool,
    parameter_set: str,
    *,
    review_round: ReviewRound | None = None,
    parameters: ModelParameters | None = None,
) -> list[Path]:
    """Write every county's review workbook (named by the layout); return the paths."""
    paths = []
    counties = draft.select("county_code", "county_name").unique().sort("county_code")
    for county_code, county_name in counties.iter_rows():
        path = layout.review_workbook(share_year, county_code, county_name)
        write_review_workbook(path, share_year, county_code, draft, previous, decimals,
                              illustrative, parameter_set, review_round=review_round,
                              parameters=parameters)
        paths.append(path)
    return paths


def write_review_workbook(
    path: Path,
    share_year: int,
    county_code: str,
    draft: pl.DataFrame,
    previous: pl.DataFrame | None,
    decimals: int,
    illustrative: bool,
    parameter_set: str,
    *,
    review_round: ReviewRound | None = None,
    parameters: ModelParameters | None = None,
) -> None:
    """Write one county's review workbook; the file appears whole or not at all.

    Without `review_round` the first sheet leaves out the deadline and the return address;
    without `parameters` it leaves out the model's values."""
    county = _county_rows(draft, previous, county_code)
    county_name = county["county_name"][0]
    compared = _compared_year(previous, share_year) if previous is not None else None
    workbook = Workbook()
    _arial_everywhere(workbook)
    example = f"{county['municipality_code'][0]} {county['municipality_name'][0]}"
    _guide_sheet(workbook.active, share_year, county_code, county_name, example, compared,
                 decimals, illustrative, parameter_set, review_round, parameters)
    _draft_sheet(workbook.create_sheet(DRAFT_SHEET), county, share_year, compared, county_name,
                 decimals, illustrative, parameter_set)
    _form_sheet(workbook.create_sheet(FORM_SHEET), county, share_year, county_name, decimals,
                illustrative, review_round)
    _codes_sheet(workbook.create_sheet(CODES_SHEET), county)
    _info_sheet(workbook.create_sheet(INFO_SHEET), share_year, county_code, county_name,
                decimals, illustrative, parameter_set)
    workbook.active = 0
    write_atomically_with(path, workbook.save)


def _arial_everywhere(workbook: Workbook) -> None:
    """The default font (style 0 and the Normal style) is Arial 10 too, not openpyxl's Calibri."""
    workbook._fonts = IndexedList([PLAIN])
    workbook._named_styles["Normal"].font = PLAIN


def _county_rows(draft: pl.DataFrame, previous: pl.DataFrame | None,
                 county_code: str) -> pl.DataFrame:
    county = draft.filter(pl.col("county_code") == county_code).sort("municipality_code")
    if county.is_empty():
        raise ValueError(f"the draft has no municipality in county {county_code!r}")
    if previous is None:
        return county.with_columns(previous_units=pl.lit(None, dtype=pl.Int64))
    last_year = previous.select("municipality_code",
                                pl.col("share_units").cast(pl.Int64).alias("previous_units"))
    return county.join(last_year, on="municipality_code", how="left")


def _compared_year(previous: pl.DataFrame, share_year: int) -> int:
    """The share year the draft is compared with: the previous table's own year when it has one
    (the latest earlier year in the warehouse need not be the year before)."""
    if "share_year" in previous.columns and previous.height:
        return int(previous["share_year"][0])
    return share_year - 1


def _comparison(share_year: int, compared: int | None) -> str:
    if compared is None:
        return (f"Jämförelse: ingen publicerad tabell för {share_year - 1}; kolumnerna "
                f"{_previous_heading(share_year, compared)} och Förändring ‰ är tomma.")
    return f"Jämförelse med de publicerade andelstalen för {compared}."


def _previous_heading(share_year: int, compared: int | None) -> str:
    return f"Andel {compared if compared is not None else share_year - 1} ‰"


# --- "Så här gör du" -----------------------------------------------------------------------------

def _guide_sheet(sheet: Worksheet, share_year: int, county_code: str, county_name: str,
                 example_choice: str, compared: int | None, decimals: int, illustrative: bool,
                 parameter_set: str, review_round: ReviewRound | None,
                 parameters: ModelParameters | None) -> None:
    sheet.title = GUIDE_SHEET
    year_before = share_year - 1
    example = units_to_text(5 * 10 ** max(decimals - 1, 0), decimals, ",") if decimals else "1"
    deadline = _swedish_date(review_round.deadline) if review_round else None
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
               f"{_comparison(share_year, compared)}", None),
              ("2. Diskutera med kommunerna", "En kommun kan ge hela eller en del av sin andel "
               f"till en annan kommun i {county_name}, om båda kommunerna är överens. Flera "
               "kommuner kan ge till samma kommun, men en kommun kan inte både ge och ta emot.",
               None),
              ("3. Fyll i blanketten", f"Fyll i bladet {FORM_SHEET}, en rad per "
               "överenskommelse: givande och mottagande kommun (välj i listan, till exempel "
               f"”{example_choice}”, eller skriv kommunkoden eller namnet), andel i "
               f"promille med högst {decimals} decimaler (till exempel {example}) eller ”hela "
               f"andelen”, beslutsdatum under {year_before} (till exempel {year_before}-12-01) "
               "och länsstyrelsens diarienummer. Kolumnerna F och G visar namnen på de kommuner "
               "ni angett.", None),
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
              _model_texts(share_year, decimals, parameter_set, parameters)]
    widths = [max(GUIDE_WIDTHS[0], *(_width(len(label)) for label, text, _ in lines if text)),
              GUIDE_WIDTHS[1]]
    for row, (label, text, font) in enumerate(lines, start=1):
        if label and not text:  # a title or heading across the page
            _put(sheet.cell(row, 1), label, font or BOLD)
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            continue
        if label:
            _put(sheet.cell(row, 1), label, font or BOLD).alignment = WRAP
        if text:
            _put(sheet.cell(row, 2), text, font if font is BOLD else PLAIN).alignment = WRAP
            _fit_height(sheet, row, [(text, widths[1])], bold=font is BOLD)
    _widths(sheet, widths)
    _page(sheet, "portrait", title_rows=None)


def _column_texts(share_year: int, compared: int | None, decimals: int,
                  parameters: ModelParameters | None) -> list[tuple[str, str]]:
    reference = (str(parameters.reference_year(share_year)) if parameters is not None
                 else "referensåret")
    floor = (f"{_floor(parameters)} ‰" if parameters is not None else "golvet")
    previous = _previous_heading(share_year, compared)
    texts = [("Kommunkod", "Kommunens fyrsiffriga kod."),
             ("Kommun", "Kommunens namn. Sista raden, Summa, gäller hela länet.")]
    texts += [(statistic.swedish,
               STATISTIC_TEXTS.get(statistic.name, statistic.swedish + " under {year}.")
               .format(year=reference)) for statistic in STATISTICS]
    texts += [
        ("Befolkningsandel ‰", "Kommunens andel av rikets folkmängd, i promille (4 decimaler, "
         "oavrundad)."),
        ("Mottagandeandel ‰", "Kommunens andel av rikets mottagande, i promille (se nedan)."),
        ("Justerad andel ‰", "Befolkningsandelen justerad för mottagandet, före golv och "
         "avrundning."),
        ("Golv", f"Ja om andelen har lyfts till golvet {floor}, annars Nej."),
        ("Utkast andel ‰", f"Föreslagen andel {share_year} i promille med {decimals} "
         "decimaler. Det är den här andelen som kan omfördelas."),
        (previous, f"Den publicerade andelen för {compared}, efter omfördelningar."
         if compared is not None else f"Tom: ingen publicerad tabell för {share_year - 1}."),
        ("Förändring ‰", f"Utkast {share_year} minus {previous.removesuffix(' ‰').lower()}; "
         "tom när det inte finns någon andel att jämföra med."),
    ]
    return texts


def _model_texts(share_year: int, decimals: int, parameter_set: str,
                 parameters: ModelParameters | None) -> list[tuple[str, str]]:
    if parameters is None:
        return [("Parametrar", f"Parameteruppsättning: {parameter_set}.")]
    reference = parameters.reference_year(share_year)
    days = 366 if calendar.isleap(reference) else 365
    persons = [f"{_number(parameters.weight(s.weight))} × {s.swedish.lower()}"
               for s in RECEPTION if s.unit == "persons" and s.weight]
    housing = [f"{_number(parameters.weight(s.weight))} × {s.swedish.lower()}"
               for s in RECEPTION if s.unit == "days" and s.weight]
    reception = " + ".join(persons + ([f"({' + '.join(housing)}) / {days}"] if housing else []))
    alpha = _number(parameters.reception_adjustment)
    total = units_to_text(1000 * 10**decimals, decimals, ",").replace("1000", THOUSAND)
    return [
        ("Indata", f"Uppgifterna gäller år {reference}: andelsåret {share_year} minus "
         f"{parameters.reference_year_offset} år."),
        ("Befolkningsandel", f"Kommunens folkmängd delad med rikets, gånger {THOUSAND} ‰."),
        ("Mottagande", f"Mottagande = {reception} (boendedygnen räknas om till helår med "
         f"{days} dagar). Mottagandeandelen är kommunens mottagande delat med rikets, gånger "
         f"{THOUSAND} ‰."),
        ("Justering", f"Justerad andel = befolkningsandel + α × (befolkningsandel − "
         f"mottagandeandel), med α = {alpha}. En kommun som har tagit emot mindre än sin "
         "befolkningsandel får en högre andel, en kommun som har tagit emot mer får en lägre. "
         "Ingen andel blir negativ."),
        ("Golvet", f"Ingen kommun får en lägre andel än {_floor(parameters)} ‰. Kommuner under "
         "golvet lyfts till golvet (Golv = Ja) och de övriga kommunernas andelar skalas om så "
         f"att summan för riket blir {THOUSAND} ‰."),
        ("Avrundning", f"Andelarna avrundas till {decimals} decimaler så att summan för riket "
         f"blir exakt {total} ‰: alla avrundas först nedåt, och de enheter som fattas går till "
         "de kommuner som förlorade mest på avrundningen."),
        ("Parametrar", f"Parameteruppsättning: {parameters.name}."),
    ]


def _floor(parameters: ModelParameters) -> str:
    return units_to_text(parameters.floor_units, parameters.decimals, ",")


def _number(value: float) -> str:
    """A parameter in Swedish: 1.0 -> "1", 0.5 -> "0,5"."""
    return f"{value:g}".replace(".", ",")


def _swedish_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTH_NAMES[day.month]} {day.year}"


# --- "Utkast" -----------------------------------------------------------------------------------

def _draft_sheet(sheet: Worksheet, county: pl.DataFrame, share_year: int, compared: int | None,
                 county_name: str, decimals: int, illustrative: bool,
                 parameter_set: str) -> None:
    share = number_format(decimals)
    change = number_format(decimals, signed=True)
    previous_heading = _previous_heading(share_year, compared)
    headings = (
        ["Kommunkod", "Kommun"] + [h for h, _ in COUNT_COLUMNS] + [h for h, _ in SHARE_COLUMNS]
        + ["Golv", "Utkast andel ‰", previous_heading, "Förändring ‰"]
    )
    _put(sheet.cell(1, 1), f"Utkast till andelstal {share_year} för anvisning av "
                           f"ensamkommande barn – {county_name}", TITLE)
    _put(sheet.cell(2, 1), f"Andelar i promille (‰) med {decimals} decimaler. "
                           f"Parameteruppsättning: {parameter_set}. Förändring = utkast "
                           f"{share_year} − {previous_heading.removesuffix(' ‰').lower()}. "
                           f"Kolumnerna förklaras på bladet {GUIDE_SHEET}.", PLAIN)
    if illustrative:
        _put(sheet.cell(3, 1), ILLUSTRATIVE_NOTE, WARNING)
    _put(sheet.cell(4, 1), _comparison(share_year, compared), PLAIN)

    rows = []
    for record in county.iter_rows(named=True):
        previous = record["previous_units"]
        rows.append(
            [record["municipality_code"], record["municipality_name"]]
            + [(record[c], COUNT) for _, c in COUNT_COLUMNS]
            + [(record[c], UNROUNDED) for _, c in SHARE_COLUMNS]
            + ["Ja" if record["at_floor"] else "Nej",
               (_promille(record["share_units"], decimals), share),
               (_promille(previous, decimals), share),
               (_promille(_change(record["share_units"], previous), decimals), change)])
    # Last year's total and the change cover only municipalities that had a share last year.
    with_previous = county.filter(pl.col("previous_units").is_not_null())
    previous_total = with_previous["previous_units"].sum() if len(with_previous) else None
    total = (
        ["Summa", county_name]
        + [(county[c].sum(), COUNT) for _, c in COUNT_COLUMNS]
        + [(county[c].sum(), UNROUNDED) for _, c in SHARE_COLUMNS]
        + [None,
           (_promille(county["share_units"].sum(), decimals), share),
           (_promille(previous_total, decimals), share),
           (_promille(_change(with_previous["share_units"].sum(), previous_total), decimals),
            change)]
    )
    _header(sheet, HEADER_ROW, headings,
            _column_widths(headings, [*rows, total], minimum=NUMBER_WIDTH))
    for row, cells in enumerate([*rows, total], start=HEADER_ROW + 1):
        _write_row(sheet, row, cells, BOLD if cells is total else PLAIN)
    floor_column = headings.index("Golv") + 1
    for column in range(3, len(headings) + 1):  # the headers over numbers
        sheet.cell(HEADER_ROW, column).alignment = NUMBER_HEADER_ALIGNMENT
    sheet.cell(HEADER_ROW, floor_column).alignment = CENTRED_HEADER_ALIGNMENT
    for row in range(HEADER_ROW + 1, HEADER_ROW + len(rows) + 2):
        sheet.cell(row, floor_column).alignment = CENTRED
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    _page(sheet, "landscape", title_rows=HEADER_ROW)


# --- "Omfördelning" -----------------------------------------------------------------------------

def _form_sheet(sheet: Worksheet, county: pl.DataFrame, share_year: int, county_name: str,
                decimals: int, illustrative: bool, review_round: ReviewRound | None) -> None:
    first, last = FORM_HEADER_ROW + 1, FORM_HEADER_ROW + FORM_ROWS
    year_before = share_year - 1
    n = len(county)
    headings = FORM_HEADERS + NAME_HEADERS
    _put(sheet.cell(1, 1), f"Omfördelning av andelstal {share_year} – {county_name}", TITLE)
    deadline = (f" Skicka senast {_swedish_date(review_round.deadline)}."
                if review_round is not None else "")
    instruction = (
        "En rad per överenskommelse. Välj kommun i listan eller skriv kommunkod eller namn. "
        f"Andel i promille med högst {decimals} decimaler, eller ”hela andelen”. Beslutsdatum "
        f"under {year_before}. Båda kommunerna ska ligga i {county_name}; en kommun kan inte "
        f"både ge och ta emot.{deadline} Mer på bladet {GUIDE_SHEET}.")
    _put(sheet.cell(2, 1), instruction, PLAIN).alignment = WRAP
    if illustrative:
        _put(sheet.cell(3, 1), ILLUSTRATIVE_NOTE, WARNING)
    choices = [f"{code} {name}" for code, name in
               county.select("municipality_code", "municipality_name").iter_rows()]
    longest_choice = max(len(choice) for choice in choices)
    widths = _column_widths(headings, [[("x" * longest_choice, None)] * 2 + ["0,25", "2025-12-05",
                                        "Lst AB 851-12345-2025"]
                                       + [("x" * (longest_choice - 5), None)] * 2],
                            minimum=14)
    _header(sheet, FORM_HEADER_ROW, headings, widths)
    for column in (6, 7):
        sheet.cell(FORM_HEADER_ROW, column).fill = COMPUTED_FILL
    formats = ["@", "@", "@", "yyyy-mm-dd", "@"]
    for row in range(first, last + 1):
        for column, text_format in enumerate(formats, start=1):
            cell = sheet.cell(row, column)
            cell.number_format, cell.font, cell.border = text_format, PLAIN, GRID
        for column, source in ((6, "A"), (7, "B")):
            cell = sheet.cell(row, column)
            cell.value = _name_formula(f"{source}{row}", n)
            cell.font, cell.fill, cell.border = PLAIN, COMPUTED_FILL, GRID

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
    _fit_height(sheet, 2, [(instruction, sum(widths))], False)
    _page(sheet, "landscape", title_rows=FORM_HEADER_ROW)


def _name_formula(cell: str, count: int) -> str:
    """The name of the municipality in `cell`: typed as a code (text or number), as "code name"
    from the list, or as a name; "?" when it is none of the county's municipalities. Functions
    that Excel and LibreOffice both have, in the file's own (English, comma) syntax."""
    codes = f"{CODES_SHEET}!$A$2:$B${count + 1}"
    names = f"{CODES_SHEET}!$B$2:$B${count + 1}"
    code = f'IF(ISNUMBER({cell}),TEXT({cell},"0000"),LEFT(TRIM({cell}),4))'
    return (f'=IF(TRIM({cell})="","",IFERROR(VLOOKUP({code},{codes},2,FALSE),'
            f'IFERROR(INDEX({names},MATCH(TRIM({cell}),{names},0)),"?")))')


# --- hidden sheets ------------------------------------------------------------------------------

def _codes_sheet(sheet: Worksheet, county: pl.DataFrame) -> None:
    """The drop-down source ("code name") and the name look-up: this county's municipalities
    only, hidden and protected."""
    headings = ["Kommunkod", "Kommun", "Val"]
    rows = [[code, name, f"{code} {name}"] for code, name in
            county.select("municipality_code", "municipality_name").iter_rows()]
    _header(sheet, 1, headings, _column_widths(headings, rows))
    for row, cells in enumerate(rows, start=2):
        _write_row(sheet, row, cells, PLAIN)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    _page(sheet, "portrait", title_rows=1)


def _info_sheet(sheet: Worksheet, share_year: int, county_code: str, county_name: str,
                decimals: int, illustrative: bool, parameter_set: str) -> None:
    """What the reader needs to interpret the form; hidden and protected."""
    facts = [("share_year", share_year), ("county_code", county_code),
             ("county_name", county_name), ("decimals", decimals),
             ("illustrative", illustrative), ("parameter_set", parameter_set)]
    for row, fact in enumerate(facts, start=1):
        _write_row(sheet, row, list(fact), PLAIN)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True
    _widths(sheet, [16, 24])
    _page(sheet, "portrait", title_rows=None)


# --- cells, widths and pages ---------------------------------------------------------------------

def _header(sheet: Worksheet, row: int, headings: list[str], widths: list[float]) -> None:
    _write_row(sheet, row, headings, BOLD)
    for cell in sheet[row]:
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
    _widths(sheet, widths)
    _fit_height(sheet, row, list(zip(headings, widths, strict=True)), True)


def _column_widths(headings: list[str], rows: list[list], minimum: float = 0) -> list[float]:
    """Each column as wide as its longest header word and its longest value (and `minimum`): a
    header wraps between words, never inside one."""
    widths = []
    for column, heading in enumerate(headings):
        longest = max(len(word) for word in heading.split())
        for cells in rows:
            item = cells[column]
            value, text_format = item if isinstance(item, tuple) else (item, None)
            longest = max(longest, len(_shown(value, text_format)))
        widths.append(max(_width(longest), minimum))
    return widths


def _shown(value: object, text_format: str | None) -> str:
    """Roughly what a cell shows: a grouped count gains a space per thousand."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:+.4f}"
    if isinstance(value, int) and text_format == COUNT:
        return f"{value:,}"
    return str(value)


def _width(characters: int) -> float:
    return round(characters * CHARACTER_WIDTH + PADDING, 1)


def _fit_height(sheet: Worksheet, row: int, cells: list[tuple[str, float]], bold: bool) -> None:
    """A row tall enough for its wrapped text: neither Excel nor LibreOffice fits a row to
    wrapped text in every case, so the height is set from the text and the column widths."""
    per_character = BOLD_CHARACTER_WIDTH if bold else PLAIN_CHARACTER_WIDTH
    lines = max([len(textwrap.wrap(text, max(int((width - PADDING) / per_character), 1),
                                   break_long_words=False))
                 for text, width in cells if text] or [1])
    if lines > 1:
        sheet.row_dimensions[row].height = lines * LINE_HEIGHT + 3


def _write_row(sheet: Worksheet, row: int, cells: list, font: Font) -> None:
    """Write values left to right; a (value, number_format) pair formats a number."""
    for column, item in enumerate(cells, start=1):
        value, text_format = item if isinstance(item, tuple) else (item, None)
        cell = _put(sheet.cell(row, column), value, font)
        if text_format is not None and not isinstance(value, str):
            cell.number_format = text_format


def _put(cell: Cell, value: object, font: Font) -> Cell:
    """Text stays text (a value beginning with '=' is not a formula); numbers stay numbers."""
    cell.value = value
    if isinstance(value, str) and cell.data_type != "s":
        cell.data_type = "s"
        cell.quotePrefix = True
    cell.font = font
    return cell


def _promille(units: int | None, decimals: int) -> float | None:
    """The nearest float to the exact decimal; its shortest repr, which the file holds, is it."""
    return None if units is None else int(units) / 10**decimals


def _change(units: int, previous: int | None) -> int | None:
    return None if previous is None else units - previous


def _page(sheet: Worksheet, orientation: str, title_rows: int | None) -> None:
    """A4, all columns on one page wide, the header row repeated on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = orientation
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows}:{title_rows}"


def _widths(sheet: Worksheet, widths: list[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
