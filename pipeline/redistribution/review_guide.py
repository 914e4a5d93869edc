"""The first sheet of the review workbook, "Så här gör du": what the county board does and by
when, where the workbook goes, what every column of "Utkast" means and how the draft is computed,
with the run's own parameters in Swedish number format (decimal comma)."""

from __future__ import annotations

import calendar
from datetime import date

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core.excel_formats import put
from pipeline.core.units import units_to_text
from pipeline.ingestion.registry import RECEPTION, STATISTICS
from pipeline.model.parameters import ModelParameters
from pipeline.redistribution.agreements import FORM_SHEET
from pipeline.redistribution.forms.messages import MONTH_NAMES
from pipeline.redistribution.forms.report import report_name
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
THOUSAND = "1\u00a0000"
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]

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



def comparison(share_year: int, compared: int | None) -> str:
    if compared is None:
        return (f"Jämförelse: ingen publicerad tabell för {share_year - 1}; kolumnerna "
                f"{previous_heading(share_year, compared)} och Förändring ‰ är tomma.")
    return f"Jämförelse med de publicerade andelstalen för {compared}."


def previous_heading(share_year: int, compared: int | None) -> str:
    return f"Andel {compared if compared is not None else share_year - 1} ‰"


def guide_sheet(sheet: Worksheet, share_year: int, county_code: str, county_name: str,
                 example_choice: str, compared: int | None, decimals: int, illustrative: bool,
                 parameter_set: str, review_round: ReviewRound | None,
                 parameters: ModelParameters | None) -> None:
    sheet.title = GUIDE_SHEET
    year_before = share_year - 1
    example = units_to_text(5 * 10 ** max(decimals - 1, 0), decimals, ",") if decimals else "1"
    deadline = swedish_date(review_round.deadline) if review_round else None
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
    reference = (str(parameters.reference_year(share_year)) if parameters is not None
                 else "referensåret")
    floor = (f"{_floor(parameters)} ‰" if parameters is not None else "golvet")
    previous = previous_heading(share_year, compared)
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


def swedish_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTH_NAMES[day.month]} {day.year}"
