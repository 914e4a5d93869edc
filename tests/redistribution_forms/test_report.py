"""The Swedish validation report per county: name, columns, A4, one named font everywhere."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pipeline.core.excel_formats import FONT_NAME
from pipeline.redistribution.forms.problems import Notice, Problem
from pipeline.redistribution.forms.report import (
    REPORT_COLUMNS,
    county_slug,
    write_validation_report,
)
from tests.workbook_fonts import declared_fonts


@pytest.mark.parametrize("name, slug", [
    ("Västra Götalands län", "vastra-gotalands-lan"), ("Stockholms län", "stockholms-lan"),
    ("Skåne län", "skane-lan"), ("Örebro län", "orebro-lan"), ("Jämtlands län", "jamtlands-lan"),
    ("Västra  Götalands län ", "vastra-gotalands-lan"), ("Va\u0308rmlands län", "varmlands-lan"),
])
def test_county_slug(name, slug) -> None:
    assert county_slug(name) == slug


PROBLEMS = [
    Problem("vg.xlsx", "Omfördelning", 5, "B (Mottagande kommun (kod))", "Vallentuna",
            "Givande och mottagande kommun ligger i olika län (Falköping i Västra Götalands län, "
            "Vallentuna i Stockholms län)"),
    Problem("vg.xlsx", "Omfördelning", 6, "C (Andel ‰)", "=1+1",
            "Andelen får ha högst 2 decimaler"),
    Problem("trasig.ods", None, None, None, "", "Kalkylarket kan inte läsas (ZipError)"),
]


def test_the_report_lists_every_problem(tmp_path) -> None:
    path = write_validation_report(tmp_path, 2026, "14", "Västra Götalands län", PROBLEMS,
                                   [Notice("beslut.pdf", "beslut.pdf: inte ett kalkylark")])
    assert path == tmp_path / "granskning_2026_14_vastra-gotalands-lan.xlsx"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    workbook = load_workbook(path)
    sheet = workbook["Granskning"]
    assert "Västra Götalands län" in sheet["A1"].value
    assert sheet["A2"].value.startswith("3 fel")
    assert sheet["A3"].value is None  # not illustrative: no mark
    assert [c.value for c in sheet[5]] == REPORT_COLUMNS == [
        "Fil", "Blad", "Rad", "Kolumn", "Värde", "Fel"]
    assert all(c.alignment.wrap_text for c in sheet[5])
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=6)]
    assert rows[0] == ["vg.xlsx", "Omfördelning", 5, "B (Mottagande kommun (kod))", "Vallentuna",
                       PROBLEMS[0].message]
    assert rows[1][4] == "=1+1" and sheet["E7"].data_type == "s"  # text, never a formula
    assert rows[2][:3] == ["trasig.ods", None, None]
    assert rows[3][0] == "beslut.pdf" and rows[3][5].startswith("Varning")
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    # the one named sans-serif font on every style, the default style included
    fonts, normal = declared_fonts(path)
    assert {name for name, _ in fonts} == {FONT_NAME} and normal == (FONT_NAME, 10)
    assert all(c.font.name == FONT_NAME for r in sheet.iter_rows() for c in r)


def test_a_report_without_problems_says_so(tmp_path) -> None:
    path = write_validation_report(tmp_path, 2026, "03", "Uppsala län", [])
    assert path.name == "granskning_2026_03_uppsala-lan.xlsx"
    assert load_workbook(path)["Granskning"]["A2"].value.startswith("Inga fel")


def test_rewriting_replaces_the_report(tmp_path) -> None:
    first = write_validation_report(tmp_path, 2026, "03", "Uppsala län", PROBLEMS)
    again = write_validation_report(tmp_path, 2026, "03", "Uppsala län", [])
    assert first == again
    assert load_workbook(again)["Granskning"].max_row == 5


def test_an_illustrative_report_says_so_on_the_sheet_and_on_every_printed_page(tmp_path) -> None:
    path = write_validation_report(tmp_path, 2026, "14", "Västra Götalands län", PROBLEMS,
                                   illustrative=True, issuer="Migrationsverket (test)")
    workbook = load_workbook(path)
    sheet = workbook["Granskning"]
    assert sheet["A3"].value.startswith("ILLUSTRATIVA UPPGIFTER – ")
    assert sheet["A3"].font.color.rgb.endswith("C00000") and sheet["A3"].font.b
    assert sheet.oddHeader.right.text == "ILLUSTRATIVA UPPGIFTER"
    assert sheet.print_title_rows == "$5:$5"
    properties = workbook.properties
    assert properties.title == "Granskning av omfördelningar 2026 – Västra Götalands län"
    assert (properties.language, properties.creator) == ("sv-SE", "Migrationsverket (test)")


def test_every_row_is_as_tall_as_its_longest_wrapped_text(tmp_path) -> None:
    """80 characters wide hold about 80 letters a line: a 400-letter message needs at least five
    lines of 10-point text (13 points each); a one-line message keeps one line."""
    long = Problem("vg.xlsx", "Omfördelning", 7, "C (Andel ‰)", "x", "ord " * 100)
    path = write_validation_report(tmp_path, 2026, "14", "Västra Götalands län",
                                   [PROBLEMS[1], long])
    sheet = load_workbook(path)["Granskning"]
    one_line, five_lines = sheet.row_dimensions[6].height, sheet.row_dimensions[7].height
    assert 13 <= one_line < 2 * 13
    assert five_lines >= 5 * 13


def test_the_report_names_who_filled_in_each_form(tmp_path) -> None:
    from pipeline.redistribution.forms.form_layout import FormContact

    path = write_validation_report(
        tmp_path, 2026, "14", "Västra Götalands län", PROBLEMS[:2],
        contacts=[("vg.xlsx", FormContact("Anna Andersson", "000-000 00 00", "a@example.org")),
                  ("vg2.ods", FormContact("", "", ""))])
    assert load_workbook(path)["Granskning"]["A4"].value == (
        "Ifylld av: Anna Andersson, telefon 000-000 00 00, e-post a@example.org (vg.xlsx); "
        "ingen kontaktperson angiven (vg2.ods)")


def test_problems_are_grouped_by_the_county_of_their_form() -> None:
    from pathlib import Path

    from pipeline.redistribution.forms.report import problems_by_county
    from pipeline.redistribution.forms.spreadsheets import CountyForm

    forms = [CountyForm(Path("vg.xlsx"), 2026, "14", "Västra Götalands län", 2, 4),
             CountyForm(Path("uppsala.ods"), 2026, "03", "Uppsala län", 2, 4)]
    grouped, unattributed = problems_by_county(forms, PROBLEMS)
    assert grouped == {"14": PROBLEMS[:2], "03": []}
    assert unattributed == PROBLEMS[2:]
