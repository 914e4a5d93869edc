"""The review workbook's "Förändring" sheet and the method on its first sheet: per municipality
the terms of the change in Swedish, which add up to the change shown, and one sentence naming
the largest cause; a workbook without a previous year says why there is none."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from pipeline.model.change import share_change
from pipeline.model.explain import explain_change
from pipeline.presentation.formats import MINUS
from pipeline.redistribution.review_round import ReviewRound
from pipeline.redistribution.review_workbook import write_review_workbook
from tests.explain_data import STANDARD, drafted, published, shipped_draft

UPPSALA = "03"
UPPSALA_CODES = ["0305", "0319", "0330", "0331", "0360", "0380", "0381", "0382"]
ROUND = ReviewRound(2026, date(2025, 12, 5), "Migrationsverket, 601 70 Norrköping",
                    "Anvisningsenheten")
TERM = re.compile(r"(?P<label>[A-ZÅÄÖa-zåäö ]+?) (?P<sign>[+\u2212])(?P<whole>\d+),(?P<cents>\d\d)"
                  "\u00a0‰")


def write(path: Path, previous_redistributed: dict[str, int] | None = None,
          with_previous: bool = True) -> Path:
    draft = shipped_draft(2026)
    previous = (published(2025, shipped_draft(2025), redistributed=previous_redistributed)
                if with_previous else None)
    change = share_change(drafted(2026, draft), previous)
    write_review_workbook(path, 2026, UPPSALA, draft, change, 2, illustrative=True,
                          parameter_set="standard", review_round=ROUND, parameters=STANDARD,
                          explanation=explain_change(change))
    return path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    # Last year Knivsta (0330) gave 0,20 ‰ to Uppsala (0380).
    return write(tmp_path_factory.mktemp("explained") / "review_2026_03.xlsx",
                 {"0330": -20, "0380": 20})


def rows(path: Path) -> list[tuple]:
    sheet = load_workbook(path)["Förändring"]
    return [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=6)]


def units_of(terms: str) -> dict[str, int]:
    """The terms written in a cell, read back: label -> signed hundredths of a promille."""
    found: dict[str, int] = {}
    if terms == "Ingen förändring":
        return found
    for part in terms.split(" · "):
        match = TERM.fullmatch(part)
        assert match, part
        value = int(match["whole"]) * 100 + int(match["cents"])
        found[match["label"]] = value if match["sign"] == "+" else -value
    return found


def test_every_municipality_has_its_terms_which_add_up_to_the_change_shown(workbook):
    found = rows(workbook)
    assert [row[0] for row in found] == UPPSALA_CODES
    sheet = load_workbook(workbook)["Förändring"]
    assert [c.value for c in sheet[5]] == [
        "Kommunkod", "Kommun", "Andel 2025 ‰", "Utkast andel ‰", "Förändring ‰",
        "Bidrag till förändringen", "Främsta orsak"]
    for code, _, previous, share, change, terms, _ in found:
        assert round((share - previous) * 100) == round(change * 100), code
        assert sum(units_of(terms).values()) == round(change * 100), (code, terms)


def test_last_years_agreement_is_a_term_of_its_own(workbook):
    by_code = {row[0]: units_of(row[5]) for row in rows(workbook)}
    assert by_code["0330"]["Omfördelning"] == 20
    assert by_code["0380"]["Omfördelning"] == -20
    assert "Omfördelning" not in by_code["0305"]


def test_the_sentence_names_the_largest_term_with_its_amount(workbook):
    for code, *_, terms, cause in rows(workbook):
        if terms == "Ingen förändring":
            assert cause == "Andelen är oförändrad."
            continue
        written = {label: value for label, value in units_of(terms).items()
                   if label != "Avrundning"}
        largest = max(abs(value) for value in written.values())
        assert cause.startswith("Störst betydelse har ") and cause.endswith("\u00a0‰."), cause
        shown = f"{largest // 100},{largest % 100:02d}\u00a0‰"
        assert f"andelen med {shown}" in cause, (code, terms, cause)
        verb = "höjer" if max(written.values(), key=abs) > 0 else "sänker"
        assert verb in cause, (code, cause)


def test_the_first_sheet_explains_the_method_in_three_sentences_without_a_formula(workbook):
    guide = load_workbook(workbook).worksheets[0]
    cells = {row[0]: row[1] for row in guide.iter_rows(values_only=True) if row[0]}
    assert "Bladet Förändring – därför ändras andelen" in cells
    method = cells["Så delas förändringen upp"]
    assert len(re.findall(r"[.!?](?:\s|$)", method)) == 3
    assert not set(method) & set("=×÷∑Σφ/^") and MINUS not in method
    assert "sedan 2025" in method and "summerar exakt" in method


def test_without_a_previous_year_the_sheet_says_there_is_nothing_to_compare_with(tmp_path):
    sheet = load_workbook(write(tmp_path / "alone.xlsx", with_previous=False))["Förändring"]
    assert sheet["A1"].value == "Därför ändras andelen från 2025 till 2026 – Uppsala län"
    assert sheet["A2"].value == "Det finns ingen publicerad tabell för 2025 att jämföra med."
    assert sheet.max_row == 3  # the title, the reason and the illustrative mark


def test_the_sheet_prints_one_page_wide_with_its_header_repeated_and_fits_its_words(workbook):
    sheet = load_workbook(workbook)["Förändring"]
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$5:$5"
    for cell in sheet[5]:
        longest = max(cell.value.split(), key=len)
        assert len(longest) <= sheet.column_dimensions[cell.column_letter].width, cell.value
    for row in sheet.iter_rows(min_row=6):
        assert row[5].alignment.wrap_text and row[6].alignment.wrap_text


def test_a_municipality_not_in_last_years_table_is_not_explained(tmp_path):
    """The municipalities must be the same in both years: one missing, nothing is explained."""
    draft = shipped_draft(2026)
    before = shipped_draft(2025).filter(pl.col("municipality_code") != "0330")
    change = share_change(drafted(2026, draft), published(2025, before))
    assert explain_change(change) is None
