"""The form a county board fills in guides and protects: a Swedish header, validated amounts and
dates with Swedish messages, a grey example row that is never read, contact fields, a line for a
county without agreements, every cell but the fields locked, and properties naming the document.
Read back from the saved file with openpyxl (LibreOffice: tests/e2e/test_review_form_libreoffice).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from pipeline.model.change import ShareChange, ShareYear, share_change
from pipeline.model.parameters import load_parameters
from pipeline.redistribution.forms.spreadsheets import read_county_form
from pipeline.redistribution.review_round import ReviewRound
from pipeline.redistribution.review_workbook import write_review_workbook
from tests.conftest import DATA
from tests.redistribution_forms.form_data import DECIMALS, YEAR

NORRBOTTEN, GOTLAND = "25", "09"
ROUND = ReviewRound(YEAR, date(2025, 12, 5), "Migrationsverket (påhittad), x@example.org",
                    "Exempelhandläggare, telefon 000-000 00 00")
ISSUER = "Migrationsverket (test)"
# The rows of the form as a county board sees it: header, example, the first row to fill in.
HEADER, EXAMPLE, FIRST, LAST = 9, 10, 11, 60


@pytest.fixture(scope="module")
def draft(register: pl.DataFrame) -> pl.DataFrame:
    """A made-up draft with the columns the review workbook shows: 3,45 ‰ each."""
    return register.with_columns(
        population=pl.lit(10_000), newcomers_settled=pl.lit(5), minors_received=pl.lit(1),
        asylum_housing_days=pl.lit(100), minor_arrival_housing_days=pl.lit(7),
        population_share=pl.lit(3.45), reception_share=pl.lit(3.4), adjusted_share=pl.lit(3.5),
        at_floor=pl.lit(False), share_units=pl.lit(345, dtype=pl.Int64))


def alone(draft: pl.DataFrame) -> ShareChange:
    """The draft with no previous share year to compare with."""
    return share_change(ShareYear.drafted(YEAR, load_parameters(DATA / "parameters.toml", YEAR),
                                          draft), None)


@pytest.fixture(scope="module")
def norrbotten(tmp_path_factory, draft: pl.DataFrame) -> Path:
    path = tmp_path_factory.mktemp("form") / "review_2026_25.xlsx"
    write_review_workbook(path, YEAR, NORRBOTTEN, draft, alone(draft), DECIMALS, True, "standard",
                          review_round=ROUND, parameters=load_parameters(
                              DATA / "parameters.toml", YEAR), issuer=ISSUER)
    return path


def form_sheet(path: Path):
    return load_workbook(path)["Omfördelning"]


def validation(sheet, cells: str):
    found = [dv for dv in sheet.data_validations.dataValidation if str(dv.sqref) == cells]
    assert len(found) == 1, [str(dv.sqref) for dv in sheet.data_validations.dataValidation]
    return found[0]


def test_the_amount_header_is_swedish_with_the_whole_share_in_quotes(norrbotten: Path) -> None:
    headings = [cell.value for cell in form_sheet(norrbotten)[HEADER]][:5]
    assert headings[2] == "Andel ‰ (eller ”hela andelen”)"
    assert not any('"' in text or "all" in text.split() for text in headings)


def test_the_amount_is_validated_as_typed_with_swedish_messages(norrbotten: Path) -> None:
    amount = validation(form_sheet(norrbotten), f"C{FIRST}:C{LAST}")
    assert amount.type == "custom" and amount.errorStyle == "stop"
    assert amount.formula1 == ('IF(ISNUMBER(C11),AND(C11>0,ROUND(C11,2)=C11),'
                               'TRIM(C11)="hela andelen")')
    assert amount.showErrorMessage and amount.showInputMessage and amount.allow_blank
    assert amount.errorTitle == "Fel andel" and amount.promptTitle == "Andel i promille"
    assert "högst 2 decimaler" in amount.error and "”hela andelen”" in amount.error
    assert "0,50" in amount.prompt and "”hela andelen”" in amount.prompt
    # Excel's limits: a title of at most 32 characters, a message of at most 255.
    assert len(amount.error) <= 255 and len(amount.prompt) <= 255
    assert len(amount.errorTitle) <= 32 and len(amount.promptTitle) <= 32


def test_the_amount_cells_hold_numbers_not_text(norrbotten: Path) -> None:
    sheet = form_sheet(norrbotten)
    assert {sheet[f"C{row}"].number_format for row in (FIRST, LAST)} == {"[$-41D]0.00"}
    assert sheet[f"A{FIRST}"].number_format == "@"  # a code keeps its leading zero


def test_the_date_and_the_contact_fields_carry_swedish_input_messages(norrbotten: Path) -> None:
    sheet = form_sheet(norrbotten)
    approved = validation(sheet, f"D{FIRST}:D{LAST}")
    assert (approved.type, approved.formula1, approved.formula2) == (
        "date", "DATE(2025,1,1)", "DATE(2025,12,31)")
    assert approved.prompt == "Dagen länsstyrelsen beslutade, under 2025, till exempel 2025-12-01."
    email = validation(sheet, "B7")
    assert email.formula1 == 'ISNUMBER(SEARCH("@",B7))' and email.errorStyle == "warning"
    assert validation(sheet, "B5 B6").promptTitle == "Kontaktuppgifter"


def test_the_contact_fields_and_the_line_for_a_county_without_agreements(
        norrbotten: Path) -> None:
    sheet = form_sheet(norrbotten)
    assert [sheet.cell(row, 1).value for row in (5, 6, 7)] == [
        "Kontaktperson", "Telefon", "E-post"]
    assert {"B5:C5", "B6:C6", "B7:C7"} <= {str(cells) for cells in sheet.merged_cells.ranges}
    assert sheet["A4"].value.startswith("Inga överenskommelser i länet?")
    assert "skicka tillbaka blanketten" in sheet["A4"].value


def test_the_example_row_shows_two_of_the_countys_municipalities_in_grey(
        norrbotten: Path) -> None:
    sheet = form_sheet(norrbotten)
    values = [sheet.cell(EXAMPLE, column).value for column in range(1, 6)]
    assert values == ["2505 Arvidsjaur", "2506 Arjeplog", 0.5, datetime(2025, 12, 1),
                      "Lst 851-1234-2025"]
    assert sheet.cell(EXAMPLE, 8).value == "← Exempel, läses inte"
    assert all(sheet.cell(EXAMPLE, column).font.i for column in range(1, 6))
    assert sheet.cell(EXAMPLE, 1).fill.fgColor.rgb.endswith("F2F2F2")
    assert sheet.cell(EXAMPLE, 6).value.startswith("=IF(TRIM(A10)")  # its names show too


def test_every_cell_is_locked_but_the_fields_a_county_board_fills_in(norrbotten: Path) -> None:
    workbook = load_workbook(norrbotten)
    assert all(sheet.protection.sheet for sheet in workbook.worksheets)
    assert not any(sheet.protection.password for sheet in workbook.worksheets)
    assert workbook.security.lockStructure and not workbook.security.workbookPassword
    unlocked = {(sheet.title, cell.coordinate) for sheet in workbook.worksheets
                for row in sheet.iter_rows() for cell in row
                if cell.has_style and not cell.protection.locked}
    fields = {("Omfördelning", f"{column}{row}") for row in range(FIRST, LAST + 1)
              for column in "ABCDE"}
    contact = {("Omfördelning", f"{column}{row}") for row in (5, 6, 7) for column in "BC"}
    assert unlocked == fields | contact


def test_the_workbook_names_itself_in_swedish_with_the_issuer_as_author(
        norrbotten: Path) -> None:
    properties = load_workbook(norrbotten).properties
    assert properties.title == "Granskningsunderlag: andelstal 2026 – Norrbottens län"
    assert properties.subject.startswith("Utkast till andelstal 2026")
    assert properties.language == "sv-SE"
    assert properties.creator == properties.lastModifiedBy == ISSUER


def test_the_guide_names_the_weights_with_their_values(norrbotten: Path) -> None:
    guide = {row[0]: row[1] for row in load_workbook(norrbotten)["Så här gör du"].iter_rows(
        values_only=True) if row[0] and row[1]}
    assert guide["Vikter"].startswith(
        "Vikterna i mottagandet är nyanlända 1, ensamkommande barn 1, boendedygn asylsökande 1 "
        "och boendedygn ankomstkommun 1.")
    assert "Lämna raderna tomma" in guide["Inga överenskommelser?"]
    assert "telefon och e-post" in guide["3. Fyll i blanketten"]


def test_the_example_is_never_read_and_the_contact_is(tmp_path: Path, norrbotten: Path) -> None:
    workbook = load_workbook(norrbotten)
    sheet = workbook["Omfördelning"]
    sheet["B5"], sheet["B6"], sheet["B7"] = "Anna Andersson", "0000-00 00 00", "anna@example.org"
    for column, value in enumerate(["2510 Jokkmokk", "Gällivare", "hela andelen",
                                    date(2025, 11, 3), "Lst BD 1-2025"], start=1):
        sheet.cell(FIRST, column).value = value
    workbook.save(tmp_path / "returned.xlsx")
    form = read_county_form(tmp_path / "returned.xlsx")
    assert [row.row for row in form.rows] == [FIRST]
    assert (form.contact.name, form.contact.phone, form.contact.email) == (
        "Anna Andersson", "0000-00 00 00", "anna@example.org")
    assert form.illustrative


def test_an_example_typed_over_is_read_as_an_agreement(tmp_path: Path, norrbotten: Path) -> None:
    workbook = load_workbook(norrbotten)
    workbook["Omfördelning"].cell(EXAMPLE, 3).value = 0.25
    workbook.save(tmp_path / "returned.xlsx")
    (row,) = read_county_form(tmp_path / "returned.xlsx").rows
    assert (row.row, row.values[:3]) == (EXAMPLE, ("2505 Arvidsjaur", "2506 Arjeplog", 0.25))


def test_a_county_of_one_municipality_has_no_example(tmp_path: Path, draft) -> None:
    path = tmp_path / "gotland.xlsx"
    write_review_workbook(path, YEAR, GOTLAND, draft, alone(draft), DECIMALS, False, "standard")
    workbook = load_workbook(path)
    assert all(workbook["Omfördelning"].cell(EXAMPLE, c).value is None for c in range(1, 6))
    facts = dict(workbook["Info"].iter_rows(values_only=True))
    assert not any(key.startswith("example") for key in facts)
    assert workbook.properties.creator is None  # no issuer given: none, not "openpyxl"
    assert read_county_form(path).rows == []


def test_a_form_with_the_earlier_english_header_is_still_read(tmp_path: Path,
                                                              norrbotten: Path) -> None:
    workbook = load_workbook(norrbotten)
    sheet = workbook["Omfördelning"]
    sheet.cell(HEADER, 3).value = 'Andel ‰ (eller "all")'
    sheet.cell(FIRST, 1).value = "2510"
    workbook.save(tmp_path / "earlier.xlsx")
    form = read_county_form(tmp_path / "earlier.xlsx")
    assert form.header_row == HEADER and [row.row for row in form.rows] == [FIRST]


def test_the_input_range_covers_the_rows_the_reader_reads(norrbotten: Path) -> None:
    sheet = form_sheet(norrbotten)
    codes = validation(sheet, f"A{FIRST}:B{LAST}")
    min_col, min_row, max_col, max_row = range_boundaries(str(codes.sqref))
    assert (min_row, max_row) == (FIRST, LAST) == (HEADER + 2, HEADER + 51)
