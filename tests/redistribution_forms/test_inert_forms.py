"""Text from a returned form stays inert: control characters, line separators and bidirectional
controls in a cell or a file name are refused as form problems naming the code point, every name
is shown escaped in the message the run prints, a forged hidden sheet is a form problem, and the
files that are not forms are named whether the forms are right or wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.redistribution.december_round import FormProblems
from pipeline.redistribution.review_form import FIRST_FORM_ROW
from tests.pipeline.test_review_workbook import (  # noqa: F401 (fixtures)
    change,
    december,
    draft,
    fill_form,
    forms_folder,
    register,
    workbook_path,
)

ROW = FIRST_FORM_ROW  # the form's first input row
GOOD_ROW = ["0381", "0380", "0,50", date(2025, 12, 8), "Lst C 851-1-2025"]
# Every character the policy refuses, none of which may reach a printed line or a report raw.
RAW = ("\n", "\r", "\x1b", "\u202e", "\u2028", "\u2066")


def failure(tmp_path, draft, register) -> FormProblems:  # noqa: F811
    with pytest.raises(FormProblems) as caught:
        december(tmp_path, draft, register)
    return caught.value


def report_texts(tmp_path: Path) -> list[str]:
    texts = []
    for path in (tmp_path / "out" / "2026" / "review").glob("granskning_2026_*.xlsx"):
        for row in load_workbook(path)["Granskning"].iter_rows(values_only=True):
            texts += [str(value) for value in row if value is not None]
    return texts


def assert_inert(text: str) -> None:
    assert not any(character in text for character in RAW), repr(text)


def assert_printed_inert(message: str) -> None:
    """The run's message: a first line, then only its own problem and notice lines."""
    first, *lines = message.split("\n")
    assert first.startswith("1 fel") or " fel i de returnerade" in first
    assert all(line.startswith(("  - ", "  ! ")) for line in lines), message
    for line in lines:
        assert_inert(line)


@pytest.mark.parametrize(("typed", "written", "code_point"), [
    ("Lst C 851-1-2025\u202e", "Lst C 851-1-2025\u202e", "U+202E"),
    # openpyxl cannot write ESC; Excel's own escape _x001B_ is what a file holds for it
    ("Lst C _x001B_[31m851", "Lst C \x1b[31m851", "U+001B"),
    ("Lst C 851\u2028error: forged", "Lst C 851\u2028error: forged", "U+2028"),
])
def test_a_reference_with_an_unsafe_character_is_a_form_problem(
        tmp_path, workbook_path, draft, register, typed, written, code_point) -> None:  # noqa: F811
    fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx",
              {ROW: [*GOOD_ROW[:4], typed]})
    problems = failure(tmp_path, draft, register)
    message = str(problems)
    assert len(problems.problems) == 1 and f"rad {ROW}" in message and "Diarienummer" in message
    assert code_point in message
    assert written.encode("unicode_escape").decode("ascii") in message
    assert_printed_inert(message)
    # the report is written, names the same problem, and holds no raw character either
    texts = report_texts(tmp_path)
    assert any(code_point in text for text in texts)
    for text in texts:
        assert_inert(text)


def test_a_municipality_cell_with_a_newline_cannot_forge_a_line(
        tmp_path, workbook_path, draft, register) -> None:  # noqa: F811
    fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx",
              {ROW: ["0381\nerror: all is well", *GOOD_ROW[1:]]})
    message = str(failure(tmp_path, draft, register))
    assert "U+000A" in message and "0381\\nerror: all is well" in message
    assert not any(line.startswith("error:") for line in message.splitlines())


@pytest.mark.parametrize("name", ["lst_c\nerror: forged.xlsx", "lst_c-\u202exslx.exe.xlsx"])
def test_a_form_whose_file_name_is_unsafe_is_refused_and_named_escaped(
        tmp_path, workbook_path, draft, register, name) -> None:  # noqa: F811
    fill_form(workbook_path, forms_folder(tmp_path) / name, {ROW: GOOD_ROW})
    problems = failure(tmp_path, draft, register)
    message = str(problems)
    assert name.encode("unicode_escape").decode("ascii") in message
    assert "byt namn på filen" in message
    assert_printed_inert(message)
    assert not any(line.startswith("error:") for line in message.splitlines())


def test_a_non_form_file_with_an_unsafe_name_is_named_escaped(
        tmp_path, workbook_path, draft, register) -> None:  # noqa: F811
    fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx", {ROW: GOOD_ROW})
    (forms_folder(tmp_path) / "notes\u202etxt.pdf").write_bytes(b"%PDF")
    round_, _ = december(tmp_path, draft, register)
    assert [notice.file for notice in round_.notices] == ["notes\\u202etxt.pdf"]
    assert_inert(round_.notices[0].message)


def forge_info(path: Path, key: str, value: object) -> None:
    workbook = load_workbook(path)
    for row in workbook["Info"].iter_rows():
        if row[0].value == key:
            row[1].value = value
    workbook.save(path)


def test_a_forged_county_in_the_hidden_sheet_is_a_form_problem_with_a_report(
        tmp_path, workbook_path, draft, register) -> None:  # noqa: F811
    form = fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx", {ROW: GOOD_ROW})
    forge_info(form, "county_code", "99")
    problems = failure(tmp_path, draft, register)
    assert problems.problems == [
        "lst_c.xlsx, blad Info, kolumn county_code: värde ”99”: Bladet ”Info” anger länskod 99, "
        "som inget län har: fyll i granskningsunderlaget som Migrationsverket skickade, utan "
        "att ändra bladet ”Info”"]
    reports = [p.name for p in (tmp_path / "out" / "2026" / "review").glob("granskning_*")]
    assert reports == ["granskning_2026_00_okant-lan.xlsx"]


@pytest.mark.parametrize(("key", "value"), [
    ("share_year", "20x6"), ("decimals", "två"), ("county_name", "Uppsala län\u202e")])
def test_a_forged_value_of_the_hidden_sheet_is_a_form_problem(
        tmp_path, workbook_path, draft, register, key, value) -> None:  # noqa: F811
    form = fill_form(workbook_path, forms_folder(tmp_path) / "lst_c.xlsx", {ROW: GOOD_ROW})
    forge_info(form, key, value)
    message = str(failure(tmp_path, draft, register))
    assert f"Bladet ”Info” har ett ogiltigt värde för {key}" in message
    assert_printed_inert(message)


def test_files_that_are_not_forms_are_named_when_the_forms_have_mistakes(
        tmp_path, workbook_path, draft, register) -> None:  # noqa: F811
    fill_form(workbook_path, forms_folder(tmp_path) / "a.xlsx", {ROW: ["Habo", *GOOD_ROW[1:]]})
    (forms_folder(tmp_path) / ".~lock.a.xlsx#").write_bytes(b"lock")
    message = str(failure(tmp_path, draft, register))
    notice_lines = [line for line in message.splitlines() if ".~lock.a.xlsx#" in line]
    assert len(notice_lines) == 1 and "låsfil" in notice_lines[0]
