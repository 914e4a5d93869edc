"""Swedish texts for the county boards: value refusals, rule violations, file notices.

Everything a county board reads is here, so the wording can be reviewed in one place. Amounts are
written as the form takes them, with a decimal comma ("0,50 ‰"), municipalities by name.
"""

from __future__ import annotations

from pipeline.presentation.formats import PLAIN

# --- refusals of one typed value ----------------------------------------------------------------
MISSING_MUNICIPALITY = ("Kommun saknas: ange kommunkod (t.ex. 1499), namn eller båda "
                        "(1499 Falköping)")
CODE_DIGITS = "En kommunkod har fyra siffror, t.ex. 0114 eller 1499"
NOT_A_MUNICIPALITY = ("Ange kommunen som kod (1499), namn (Falköping) eller kod och namn "
                      "(1499 Falköping)")


def unknown_code(code: str) -> str:
    return f"Okänd kommunkod {code}: ingen kommun har den koden"


def unknown_name(name: str, suggestions: list[tuple[str, str]] = ()) -> str:
    """`suggestions` are (name, code) pairs of the municipalities probably meant."""
    rule = "namnet exakt som i kommunregistret, med å, ä och ö, eller ange kommunkoden"
    if not suggestions:
        return f"Okänt kommunnamn ”{name}”: skriv {rule}"
    named = [f"{suggested} ({code})" for suggested, code in suggestions]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " eller " + named[-1]
    return f"Okänt kommunnamn ”{name}” – menade du {listed}? Skriv {rule}"


def ambiguous_name(name: str, codes: list[str]) -> str:
    return f"Flera kommuner heter ”{name}” ({', '.join(codes)}): ange kommunkoden"


def code_name_mismatch(code: str, code_name: str, typed_name: str) -> str:
    return (f"Koden och namnet stämmer inte överens: {code} är {code_name}, inte ”{typed_name}”")


MISSING_AMOUNT = "Andel saknas: ange andel i promille (t.ex. 0,5) eller ”hela andelen”"


def amount_format(decimals: int) -> str:
    return (f"Andelen ska vara ett tal i promille med högst {decimals} decimaler, t.ex. 0,5 "
            f"eller 0,50 ‰, eller ”hela andelen”; tusentalsavgränsare och text godtas inte")


def amount_decimals(decimals: int) -> str:
    return f"Andelen får ha högst {decimals} decimaler"


AMOUNT_NOT_POSITIVE = "Andelen måste vara större än 0 ‰"

MISSING_DATE = "Beslutsdatum saknas"
DATE_FORMAT = ("Beslutsdatum ska vara ett datum med år, t.ex. 2025-12-05, 5 december 2025, "
               "5/12/2025 eller 5.12.2025")
TWO_DIGIT_YEAR = "Året ska skrivas med fyra siffror (2025, inte 25)"
DATE_WITHOUT_YEAR = "Datumet saknar år: skriv t.ex. 5/12/2025 eller 2025-12-05"
DATE_WITH_TIME = "Beslutsdatum ska vara ett datum utan klockslag"
NUMBER_NOT_DATE = ("Cellen innehåller ett tal, inte ett datum: skriv datumet som 2025-12-05 eller "
                   "formatera cellen som datum")


def impossible_date(text: str) -> str:
    return f"Datumet ”{text}” finns inte i kalendern"


MISSING_REFERENCE = "Diarienummer saknas: länsstyrelsens diarienummer ska anges"


def unsafe_character(character: str) -> str:
    return (f"Texten innehåller tecknet {character}, ett styrtecken, radbrytning eller "
            f"riktningstecken som inte godtas: skriv in texten på nytt")


def unsafe_file_name(character: str) -> str:
    return (f"Filnamnet innehåller tecknet {character}, ett styrtecken, radbrytning eller "
            f"riktningstecken; filen lästes inte – byt namn på filen / the file name holds "
            f"{character}; not read")


def unknown_county(code: str) -> str:
    return (f"Bladet ”Info” anger länskod {code}, som inget län har: fyll i "
            f"granskningsunderlaget som Migrationsverket skickade, utan att ändra bladet ”Info”")

# --- rules of the model, for one agreement or several -------------------------------------------


def different_counties(giver: str, giver_county: str, receiver: str, receiver_county: str) -> str:
    return (f"Givande och mottagande kommun ligger i olika län ({giver} i {giver_county}, "
            f"{receiver} i {receiver_county})")


def outside_own_county(name: str, county: str, own_county: str) -> str:
    return (f"{name} ligger i {county}, inte i {own_county}: blanketten gäller bara kommuner i "
            f"{own_county}")


def same_municipality(name: str) -> str:
    return f"Givande och mottagande kommun är samma kommun ({name})"


def no_calculated_share(name: str, gives: bool = True) -> str:
    return (f"{name} har ingen beräknad andel i utkastet och kan inte "
            f"{'ge' if gives else 'ta emot'}")


def whole_share_is_zero(name: str, decimals: int) -> str:
    return (f"{name} har en beräknad andel på {PLAIN.promille(0, decimals)}; hela andelen är "
            f"0 ‰ och andelen måste vara större än 0 ‰")


def date_outside_year(day, share_year: int) -> str:
    return (f"Beslutsdatum {day.isoformat()} ligger inte under {share_year - 1}: omfördelningar "
            f"för {share_year} beslutas under året före, {share_year - 1}")


def duplicate(giver: str, receiver: str, where: str) -> str:
    return (f"Dubblett: {giver} ger redan till {receiver} ({where}); samma givare och mottagare "
            f"får bara finnas i en överenskommelse")


def gives_and_receives(name: str, where: str, gives_there: bool) -> str:
    other = "ger" if gives_there else "tar emot"
    return (f"{name} både ger och tar emot andel samma år ({other} i {where}); en kommun kan "
            f"inte både ge och ta emot")


def gives_too_much(name: str, given: int, calculated: int, rows: str, decimals: int) -> str:
    return (f"{name} ger sammanlagt {PLAIN.promille(given, decimals)} ({rows}), mer än sin "
            f"beräknade andel {PLAIN.promille(calculated, decimals)}")


def wrong_share_year(form_year: int, share_year: int) -> str:
    return (f"Blanketten gäller andelsår {form_year}, inte {share_year}: lägg den i mappen för "
            f"{form_year} eller fyll i blanketten för {share_year}")


# --- files in a redistribution folder ---------------------------------------------------------


def not_a_spreadsheet(name: str) -> str:
    return (f"{name}: inte ett kalkylark (.xlsx, .xlsm, .ods eller .xls) och lästes inte / "
            f"not a spreadsheet (.xlsx, .xlsm, .ods or .xls), not read")


def lock_file(name: str) -> str:
    return (f"{name}: en låsfil som Excel eller LibreOffice skapar medan en fil är öppen; den "
            f"lästes inte – stäng filen och ta bort låsfilen / an office lock file, not read")


def hidden_file(name: str) -> str:
    return f"{name}: en dold fil; den lästes inte / a hidden file, not read"


def folder_in_folder(name: str) -> str:
    return (f"{name}: en mapp; filer i undermappar läses inte / a folder, files in sub-folders "
            f"are not read")


def csv_in_folder(name: str, share_year: str) -> str:
    return (f"{name}: en CSV-fil läses inte här; överenskommelser i CSV hör hemma i "
            f"{share_year}.csv bredvid mappen / a CSV file in the form folder, not read")


# --- reading a spreadsheet ----------------------------------------------------------------------
FILE_TOO_LARGE = "Filen är större än {limit} MiB"
UNPACKED_TOO_LARGE = "Kalkylarket packas upp till mer än {limit} MiB (zip-bomb?)"
NOT_A_ZIP = "Filen är inte ett läsbart {suffix}-kalkylark (inte ett zip-arkiv)"
NOT_AN_XLS = "Filen är inte ett läsbart .xls-kalkylark (Excel 97–2003)"
UNREADABLE = "Kalkylarket kan inte läsas ({detail})"
TOO_BIG_TO_READ = ("Kalkylarket kan inte läsas: bladen spänner över för många celler "
                   "(en cell långt ner eller långt till höger?)")
TOO_SLOW_TO_READ = "Kalkylarket kan inte läsas inom {seconds} sekunder"
TOO_MANY_ROWS = "Bladet har fler än {limit} rader"
ENCRYPTED = "Kalkylarket är lösenordsskyddat och kan inte läsas; spara det utan lösenord"
NO_FORM_SHEET = ("Kalkylarket saknar bladet ”{sheet}”: fyll i granskningsunderlaget som "
                 "Migrationsverket skickade")
NO_INFO = ("Kalkylarket saknar det dolda bladet ”Info” med andelsår och län: fyll i "
           "granskningsunderlaget som Migrationsverket skickade, utan att ta bort blad")
BAD_INFO = "Bladet ”Info” har ett ogiltigt värde för {key}"
NO_HEADER = "Blanketten saknar rubrikraden ({headers}) bland de första {rows} raderna"
