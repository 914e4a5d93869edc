"""Every problem of a form at once, in Swedish, with municipality names: one test per rule of
MODEL.md ("Redistribution"), and a form with three mistakes giving three messages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.redistribution.agreements import Agreement
from pipeline.redistribution.forms.spreadsheets import CountyForm, FormRow, read_county_form
from pipeline.redistribution.forms.validation import validate_county_forms
from tests.redistribution_forms.form_data import (
    DECIMALS,
    FILLED_ROWS,
    YEAR,
    filled_review_workbook,
)

DAY = date(2025, 12, 5)


def form(*rows: list, county: str = "14", county_name: str = "Västra Götalands län",
         name: str = "vg.xlsx", share_year: int = YEAR) -> CountyForm:
    return CountyForm(path=Path("data/redistributions/2026") / name, share_year=share_year,
                      county_code=county, county_name=county_name, decimals=DECIMALS,
                      header_row=4,
                      rows=[FormRow(5 + i, tuple(row)) for i, row in enumerate(rows)])


def check(register, calculated, *forms: CountyForm, earlier=()):
    return validate_county_forms(forms, share_year=YEAR, register=register,
                                 calculated_units=calculated, decimals=DECIMALS, earlier=earlier)


def messages(result) -> list[str]:
    return [p.message for p in result.problems]


def row(giver="1499", receiver="1496", amount="0,5", day=DAY, reference="Lst 1") -> list:
    return [giver, receiver, amount, day, reference]


def test_a_correct_form_gives_its_agreements_and_no_problem(register, calculated) -> None:
    result = check(register, calculated, form(*FILLED_ROWS))
    assert result.problems == []
    assert [(a.giver_code, a.receiver_code, a.amount_units) for a in result.agreements] == [
        ("1499", "1496", 50), ("1401", "1402", 25), ("1497", "1496", None), ("1472", "1496", 150)]
    assert result.agreements[0].source == (
        "data/redistributions/2026/vg.xlsx sheet 'Omfördelning' row 5")
    assert result.agreements[0].share_year == YEAR


def test_three_mistakes_give_three_swedish_messages(register, calculated) -> None:
    result = check(register, calculated, form(
        row(receiver="Vallentuna"),
        row(giver="1401", receiver="1402", amount="0,505"),
        row(giver="1407", receiver="1415", day="5 december 2024"),
    ))
    assert [(p.row, p.column[0], p.message) for p in result.problems] == [
        (5, "B", "Givande och mottagande kommun ligger i olika län (Falköping i Västra "
                 "Götalands län, Vallentuna i Stockholms län)"),
        (6, "C", "Andelen får ha högst 2 decimaler"),
        (7, "D", "Beslutsdatum 2024-12-05 ligger inte under 2025: omfördelningar för 2026 "
                 "beslutas under året före, 2025"),
    ]
    problem = result.problems[1]
    assert (problem.file, problem.sheet, problem.column, problem.value) == (
        "vg.xlsx", "Omfördelning", "C (Andel ‰ (eller ”hela andelen”))", "0,505")
    assert "vg.xlsx, blad Omfördelning, rad 6" in problem.describe()
    assert result.agreements == []


def test_every_unreadable_cell_of_a_row_is_reported(register, calculated) -> None:
    result = check(register, calculated, form(["Falkoping", 99, "-1", "12/5", None]))
    assert [p.column[0] for p in result.problems] == ["A", "B", "C", "D", "E"]
    assert "Okänt kommunnamn ”Falkoping”" in result.problems[0].message
    assert "Okänd kommunkod 0099" in result.problems[1].message
    assert "större än 0" in result.problems[2].message
    assert "saknar år" in result.problems[3].message
    assert "Diarienummer saknas" in result.problems[4].message


def test_habo_is_not_habo(register, calculated) -> None:
    """Uppsala län's form: Håbo gives to Älvkarleby fine; "Habo" is Jönköpings län's Habo."""
    uppsala = dict(county="03", county_name="Uppsala län", name="uppsala.ods")
    assert check(register, calculated, form(row("Håbo", "Älvkarleby"), **uppsala)).problems == []
    result = check(register, calculated, form(row("Habo", "Älvkarleby"), **uppsala))
    assert messages(result) == [
        "Givande och mottagande kommun ligger i olika län (Habo i Jönköpings län, Älvkarleby i "
        "Uppsala län)"]


def test_both_municipalities_outside_the_boards_county(register, calculated) -> None:
    result = check(register, calculated, form(row("0114", "Vallentuna")))
    assert messages(result) == [
        "Upplands Väsby ligger i Stockholms län, inte i Västra Götalands län: blanketten gäller "
        "bara kommuner i Västra Götalands län",
        "Vallentuna ligger i Stockholms län, inte i Västra Götalands län: blanketten gäller "
        "bara kommuner i Västra Götalands län"]


def test_giver_equal_to_receiver(register, calculated) -> None:
    result = check(register, calculated, form(row("1499", "1499 Falköping")))
    assert messages(result) == ["Givande och mottagande kommun är samma kommun (Falköping)"]


@pytest.mark.parametrize("amount, reason", [
    ("0", "större än 0"), ("-0,5", "större än 0"), ("0,123", "högst 2 decimaler"),
    ("1.000,5", "tusentalsavgränsare"), ("mycket", "ett tal i promille")])
def test_amount_rules(register, calculated, amount, reason) -> None:
    (message,) = messages(check(register, calculated, form(row(amount=amount))))
    assert reason in message


def test_whole_share_of_a_zero_share(register, calculated) -> None:
    result = check(register, calculated | {"1499": 0}, form(row(amount="hela andelen")))
    assert messages(result) == [
        "Falköping har en beräknad andel på 0,00 ‰; hela andelen är 0 ‰ och andelen måste vara "
        "större än 0 ‰"]


def test_giving_more_than_the_calculated_share_in_total(register, calculated) -> None:
    result = check(register, calculated, form(
        row(amount="2"), row(receiver="1497", amount="1,46"), row(receiver="1401", amount="0,01")))
    assert [(p.row, p.message) for p in result.problems] == [
        (6, "Falköping ger sammanlagt 3,47 ‰ (rad 5, rad 6, rad 7), mer än sin beräknade andel "
            "3,45 ‰")]
    assert [a.receiver_code for a in result.agreements] == ["1496", "1401"]


def test_giving_exactly_the_calculated_share_is_fine(register, calculated) -> None:
    result = check(register, calculated, form(row(amount="2"), row(receiver="1497", amount=1.45)))
    assert result.problems == []


def test_whole_share_and_another_transfer_from_the_same_giver(register, calculated) -> None:
    result = check(register, calculated, form(row(amount="hela"), row(receiver="1497")))
    assert messages(result) == [
        "Falköping ger sammanlagt 3,95 ‰ (rad 5, rad 6), mer än sin beräknade andel 3,45 ‰"]


def test_a_municipality_that_gives_and_receives(register, calculated) -> None:
    result = check(register, calculated, form(row("1499", "1496"), row("1496", "1497")))
    assert messages(result) == [
        "Skövde både ger och tar emot andel samma år (tar emot i rad 5); en kommun kan inte både "
        "ge och ta emot"]


@pytest.mark.parametrize("day", [date(2024, 12, 31), date(2026, 1, 1), "1 januari 2026"])
def test_approval_date_outside_the_year_before(register, calculated, day) -> None:
    (message,) = messages(check(register, calculated, form(row(day=day))))
    assert "ligger inte under 2025" in message


def test_duplicate_agreement_whatever_the_amount(register, calculated) -> None:
    result = check(register, calculated, form(row(), row("Falköping", "Skövde", amount="0,1")))
    assert messages(result) == [
        "Dubblett: Falköping ger redan till Skövde (rad 5); samma givare och mottagare får bara "
        "finnas i en överenskommelse"]
    assert result.problems[0].value == "Falköping → Skövde"


def test_duplicate_of_an_agreement_in_the_csv_file(register, calculated) -> None:
    earlier = [Agreement(YEAR, "1499", "1496", 10, DAY, "Lst 1",
                         "data/redistributions/2026.csv line 2")]
    result = check(register, calculated, form(row()), earlier=earlier)
    assert "(data/redistributions/2026.csv line 2)" in messages(result)[0]


def test_rules_across_two_forms_name_the_other_file(register, calculated) -> None:
    result = check(register, calculated, form(row()), form(row(), name="vg_igen.xls"))
    assert "(vg.xlsx rad 5)" in messages(result)[0]
    assert result.problems[0].file == "vg_igen.xls"


def test_a_form_for_another_share_year(register, calculated) -> None:
    result = check(register, calculated, form(row(day=date(2024, 12, 1)), share_year=2025))
    assert [(p.row, p.value, p.message) for p in result.problems] == [
        (None, "2025", "Blanketten gäller andelsår 2025, inte 2026: lägg den i mappen för 2025 "
                       "eller fyll i blanketten för 2026")]


def test_an_empty_form_has_no_problem_and_no_agreement(register, calculated) -> None:
    result = check(register, calculated, form())
    assert result.problems == result.agreements == []


def test_read_and_validated_from_a_real_workbook(tmp_path, draft, register, calculated) -> None:
    path = filled_review_workbook(tmp_path, draft, [
        [1499, "Vallentuna", 0.505, "5/12/25", "Lst 1"], ["Falköping", "Skövde", "hela", DAY, ""]])
    result = check(register, calculated, read_county_form(path))
    assert [(p.row, p.column[0], p.value) for p in result.problems] == [
        (11, "C", "0,505"), (11, "D", "5/12/25"), (11, "B", "Vallentuna"), (12, "E", "")]
