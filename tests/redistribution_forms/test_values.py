"""What people type: every accepted and every refused variant of a municipality, an amount and a
date, and the Swedish reason of each refusal."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.ingestion.register import Municipality
from pipeline.presentation.formats import MONTHS
from pipeline.redistribution.forms.values import (
    WHOLE_SHARE,
    MunicipalityIndex,
    Refused,
    normalised,
    parse_amount,
    parse_date,
    parse_municipality,
    parse_reference,
    shown,
)

SPACES = st.text(alphabet=" \t\u00a0", max_size=3)


# --- municipality ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, code", [
    ("1499", "1499"), ("  1499 ", "1499"), (1499, "1499"), (1499.0, "1499"), (114.0, "0114"),
    (114, "0114"), ("0114", "0114"), ("Falköping", "1499"), ("falköping", "1499"),
    ("FALKÖPING", "1499"), ("  Falköping\t", "1499"), ("1499 Falköping", "1499"),
    ("1499   falköping ", "1499"), ("Falko\u0308ping", "1499"), ("Upplands  Väsby", "0114"),
    ("0114 Upplands Väsby", "0114"), ("Håbo", "0305"), ("Habo", "0643"), ("HÅBO", "0305"),
    ("0305 Håbo", "0305"), ("0643 Habo", "0643"), ("Ha\u030abo", "0305"),
])
def test_accepted_municipalities(index, typed, code) -> None:
    assert parse_municipality(typed, index).code == code


@pytest.mark.parametrize("typed, reason", [
    ("114", "fyra siffror"), ("99999", "fyra siffror"), (99999, "fyra siffror"),
    (114.5, "fyra siffror"), (0, "fyra siffror"), (-114, "fyra siffror"),
    ("9999", "Okänd kommunkod 9999"), (9999, "Okänd kommunkod 9999"),
    ("Falkoping", "Okänt kommunnamn ”Falkoping”"), ("Hábo", "Okänt kommunnamn"),
    ("Falköpings kommun", "Okänt kommunnamn"),
    ("0305 Habo", "0305 är Håbo, inte ”Habo”"), ("0643 Håbo", "0643 är Habo, inte ”Håbo”"),
    ("1499 Skövde", "1499 är Falköping, inte ”Skövde”"), ("9999 Falköping", "Okänd kommunkod"),
    ("", "Kommun saknas"), ("   ", "Kommun saknas"), (None, "Kommun saknas"),
    (True, "Ange kommunen"), (date(2025, 1, 1), "Ange kommunen"), ("14.99", "fyra siffror"),
])
def test_refused_municipalities(index, typed, reason) -> None:
    result = parse_municipality(typed, index)
    assert isinstance(result, Refused)
    assert reason in result.reason


def test_habo_with_ring_and_habo_without_are_different(index) -> None:
    """Håbo (0305, Uppsala län) and Habo (0643, Jönköpings län): no diacritics are stripped."""
    hobo, habo = parse_municipality("Håbo", index), parse_municipality("Habo", index)
    assert (hobo.code, hobo.county_name) == ("0305", "Uppsala län")
    assert (habo.code, habo.county_name) == ("0643", "Jönköpings län")


@given(st.sampled_from(["Falköping", "Upplands Väsby", "Håbo", "Habo", "Örnsköldsvik"]),
       SPACES, SPACES, st.lists(st.booleans(), min_size=20, max_size=20),
       st.sampled_from(["NFC", "NFD"]))
def test_names_in_any_case_spacing_and_normal_form(index, name, before, after, upper,
                                                   form) -> None:
    typed = "".join(c.upper() if u else c.lower() for c, u in zip(name, upper, strict=False))
    typed = before + unicodedata.normalize(form, typed + name[len(upper):]) + after
    assert parse_municipality(typed, index).name == name


# --- amount ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, units", [
    ("0,5", 50), ("0.5", 50), ("0.50", 50), ("0,50", 50), ("0,5 ‰", 50), ("0,50‰", 50),
    ("0,5\u00a0‰", 50), (" 0,5 ", 50), (0.5, 50), (0.25, 25), ("1", 100), (2, 200), (2.0, 200),
    ("12,34", 1234), ("0,01", 1), (0.01, 1), ("3 promille", 300),
    ("hela andelen", WHOLE_SHARE), ("Hela andelen", WHOLE_SHARE), ("HELA", WHOLE_SHARE),
    ("hela", WHOLE_SHARE), ("all", WHOLE_SHARE), ("ALL", WHOLE_SHARE),
    ("  Hela   Andelen ", WHOLE_SHARE),
])
def test_accepted_amounts(typed, units) -> None:
    assert parse_amount(typed, 2) == units


@pytest.mark.parametrize("typed, reason", [
    ("1.000,5", "tusentalsavgränsare"), ("1 000", "tusentalsavgränsare"),
    ("1,000.5", "tusentalsavgränsare"), ("1.000", "högst 2 decimaler"),
    ("0,500", "högst 2 decimaler"), ("0,505", "högst 2 decimaler"), (0.505, "högst 2 decimaler"),
    (0.1 + 0.2, "högst 2 decimaler"), (1e-5, "högst 2 decimaler"),
    ("-0,5", "större än 0"), (-0.5, "större än 0"), ("0", "större än 0"),
    ("0,00", "större än 0"), (0, "större än 0"), (0.0, "större än 0"),
    ("abc", "ett tal i promille"), ("‰", "ett tal i promille"), ("1e3", "ett tal i promille"),
    (".5", "ett tal i promille"), ("+1", "ett tal i promille"), ("0,5 %", "ett tal i promille"),
    ("hela andelen tack", "ett tal i promille"), ("halva", "ett tal i promille"),
    ("", "Andel saknas"), (None, "Andel saknas"), (True, "ett tal i promille"),
    (float("nan"), "ett tal i promille"), (date(2025, 1, 1), "ett tal i promille"),
])
def test_refused_amounts(typed, reason) -> None:
    result = parse_amount(typed, 2)
    assert isinstance(result, Refused)
    assert reason in result.reason


def test_decimals_is_a_parameter() -> None:
    assert parse_amount("0,5", 1) == 5
    assert isinstance(parse_amount("0,55", 1), Refused)
    assert parse_amount("0,555", 3) == 555


@given(SPACES, SPACES, SPACES, st.lists(st.booleans(), min_size=12, max_size=12),
       st.sampled_from(["hela andelen", "hela", "all"]))
def test_whole_share_in_any_case_and_spacing(before, between, after, upper, words) -> None:
    if " " in words:
        words = words.replace(" ", " " + between)
    typed = "".join(c.upper() if u else c for c, u in zip(words, upper, strict=False))
    typed += words[len(upper):]
    assert parse_amount(before + typed + after) is WHOLE_SHARE


@given(st.integers(0, 999), st.integers(0, 99), st.booleans(), st.sampled_from(["", "‰", " ‰"]))
def test_decimal_comma_and_point_are_the_same(whole, hundredths, two_digits, sign) -> None:
    fraction = f"{hundredths:02d}" if two_digits else str(hundredths // 10)
    comma, point = f"{whole},{fraction}{sign}", f"{whole}.{fraction}{sign}"
    expected = whole * 100 + int(fraction.ljust(2, "0"))
    for typed in (comma, point):
        assert parse_amount(typed) == (expected if expected else parse_amount("0"))


@given(st.integers(1, 99_999))
def test_a_number_cell_reads_like_its_text(units) -> None:
    assert parse_amount(units / 100) == units == parse_amount(f"{units // 100},{units % 100:02d}")


# --- date -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "2025-12-05", "2025-12-5", " 2025-12-05 ", "5 december 2025", "5 December 2025",
    "5 DECEMBER 2025", "05 december 2025", "5. december 2025", "5 dec 2025", "5 Dec. 2025",
    "5/12/2025", "05/12/2025", "5.12.2025", "05.12.2025", date(2025, 12, 5),
    datetime(2025, 12, 5),
])
def test_accepted_dates(typed) -> None:
    assert parse_date(typed) == date(2025, 12, 5)


@pytest.mark.parametrize("typed, month", [
    ("1 maj 2025", 5), ("1 mars 2025", 3), ("1 mar 2025", 3), ("1 sept 2025", 9),
    ("1 sep 2025", 9), ("1 okt 2025", 10), ("1 juni 2025", 6), ("1 jul 2025", 7),
    ("1 augusti 2025", 8), ("1 FEB 2025", 2),
])
def test_swedish_month_names_and_abbreviations(typed, month) -> None:
    assert parse_date(typed) == date(2025, month, 1)


@pytest.mark.parametrize("typed, reason", [
    ("12/5", "saknar år"), ("5.12", "saknar år"), ("5.12.", "saknar år"),
    ("5 december", "saknar år"), ("5/12/25", "fyra siffror"), ("5.12.25", "fyra siffror"),
    ("5 december 25", "fyra siffror"), ("2025-02-30", "finns inte i kalendern"),
    ("31/4/2025", "finns inte i kalendern"), ("30 februari 2025", "finns inte i kalendern"),
    ("2025-13-01", "finns inte i kalendern"), ("0/12/2025", "finns inte i kalendern"),
    (45996, "ett tal, inte ett datum"), (45996.0, "ett tal, inte ett datum"),
    (datetime(2025, 12, 5, 14, 30), "utan klockslag"), ("5 decembr 2025", "ett datum med år"),
    ("5 ju 2025", "ett datum med år"), ("5 October 2025", "ett datum med år"),
    ("december 5, 2025", "ett datum med år"), ("2025/12/05", "ett datum med år"),
    ("5/12.2025", "ett datum med år"), ("20251205", "ett datum med år"),
    ("igår", "ett datum med år"), ("", "saknas"), (None, "saknas"), (True, "ett datum med år"),
])
def test_refused_dates(typed, reason) -> None:
    result = parse_date(typed)
    assert isinstance(result, Refused)
    assert reason in result.reason


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_written_form_of_a_date_gives_that_date(day) -> None:
    forms = [day.isoformat(), f"{day.year}-{day.month}-{day.day}", f"{day.day}/{day.month}/"
             f"{day.year}", f"{day.day:02d}.{day.month:02d}.{day.year}",
             f"{day.day} {MONTHS[day.month - 1].upper()} {day.year}"]
    assert {parse_date(text) for text in forms} == {day}


# --- reference and display --------------------------------------------------------------------

def test_reference() -> None:
    assert parse_reference(" Lst 851-1-2025 ") == "Lst 851-1-2025"
    assert parse_reference(8512025.0) == "8512025"
    assert isinstance(parse_reference("  "), Refused)


def test_values_are_shown_as_typed() -> None:
    assert shown(0.5) == "0,5"
    assert shown(114.0) == "114"
    assert shown(date(2025, 12, 5)) == "2025-12-05"
    assert shown(None) == ""
    assert shown(" 1499 ") == " 1499 "
    assert shown(True) == "SANT" and shown(False) == "FALSKT"
    assert shown(datetime(2025, 12, 5, 14, 30)) == "2025-12-05 14:30:00"
    assert shown(datetime(2025, 12, 5)) == "2025-12-05"
    assert shown(1499) == "1499"


# --- the whole reason a county board reads, on every path ---------------------------------------

AMOUNT_FORMAT = ("Andelen ska vara ett tal i promille med högst 2 decimaler, t.ex. 0,5 eller "
                 "0,50 ‰, eller ”hela andelen”; tusentalsavgränsare och text godtas inte")
CODE_DIGITS = "En kommunkod har fyra siffror, t.ex. 0114 eller 1499"
UNSAFE_RLO = ("Texten innehåller tecknet U+202E RIGHT-TO-LEFT OVERRIDE, ett styrtecken, "
              "radbrytning eller riktningstecken som inte godtas: skriv in texten på nytt")
UNSAFE_ESC = ("Texten innehåller tecknet U+001B control character, ett styrtecken, radbrytning "
              "eller riktningstecken som inte godtas: skriv in texten på nytt")
SUGGESTING = ("Skriv namnet exakt som i kommunregistret, med å, ä och ö, eller ange "
              "kommunkoden")


@pytest.mark.parametrize(("typed", "reason"), [
    (True, AMOUNT_FORMAT), (float("nan"), AMOUNT_FORMAT), (float("inf"), AMOUNT_FORMAT),
    (date(2025, 12, 5), AMOUNT_FORMAT), ("1.000,5", AMOUNT_FORMAT),
    # the unsafe character is named, whatever the rest would have been read as
    ("0,5\u202e", UNSAFE_RLO),
])
def test_the_whole_reason_for_a_refused_amount(typed, reason) -> None:
    assert parse_amount(typed, 2) == Refused(reason)


def test_an_amount_without_decimals_is_whole_promille() -> None:
    # at 0 decimals a unit is 1 ‰: "3" is 3 units, no fraction added
    assert parse_amount("3", 0) == 3
    assert parse_amount(3.0, 0) == 3


@pytest.mark.parametrize(("typed", "reason"), [
    # a numeric cell is a code from 1 to 9999: 1 is the (unknown) code 0001, 10000 is no code
    (1, "Okänd kommunkod 0001: ingen kommun har den koden"), (10000, CODE_DIGITS),
    ("Malmö\u202e", UNSAFE_RLO),
    ("Falkoping", f"Okänt kommunnamn ”Falkoping” – menade du Falköping (1499)? {SUGGESTING}"),
    ("Upplands Vasby",
     f"Okänt kommunnamn ”Upplands Vasby” – menade du Upplands Väsby (0114)? {SUGGESTING}"),
])
def test_the_whole_reason_for_a_refused_municipality(index, typed, reason) -> None:
    assert parse_municipality(typed, index) == Refused(reason)


def test_a_name_two_municipalities_share_asks_for_the_code() -> None:
    # no two Swedish municipalities share a name today; a register where two do
    register = pl.DataFrame(
        [("0101", "Dalby", "01", "Stockholms län"), ("0102", "Dalby", "01", "Stockholms län"),
         ("1201", "Ås", "12", "Skåne län")],
        schema=["municipality_code", "municipality_name", "county_code", "county_name"],
        orient="row")
    index = MunicipalityIndex(register)
    assert parse_municipality(" dalby ", index) == Refused(
        "Flera kommuner heter ”dalby” (0101, 0102): ange kommunkoden")
    assert parse_municipality("Ås", index) == Municipality("1201", "Ås", "12", "Skåne län")


def test_the_index_keeps_every_field_of_the_register(register) -> None:
    # built here, not taken from the session's fixture, so that the index itself is under test
    index = MunicipalityIndex(register)
    assert parse_municipality("Falköping", index) == Municipality(
        "1499", "Falköping", "14", "Västra Götalands län")
    assert parse_municipality("0114", index) == Municipality(
        "0114", "Upplands Väsby", "01", "Stockholms län")
    assert index.county_name("14") == "Västra Götalands län"
    assert index.county_name("99") is None


def test_names_are_compared_with_spaces_made_one_and_the_ends_trimmed() -> None:
    assert normalised("  Upplands \t\u00a0Väsby ") == "upplands väsby"
    assert normalised("Falko\u0308ping") == "falköping"


def test_the_whole_reason_for_a_refused_reference_or_date() -> None:
    assert parse_reference("  ") == Refused(
        "Diarienummer saknas: länsstyrelsens diarienummer ska anges")
    assert parse_reference("Lst\x1b851") == Refused(UNSAFE_ESC)
    assert parse_reference(date(2025, 12, 5)) == "2025-12-05"
    assert parse_date("2025-02-30") == Refused("Datumet ”2025-02-30” finns inte i kalendern")
