"""A reissue shows what changed: the changed rows are marked in every edition and listed on the
first page, and the replaced version's manifest names its replacement (written once, repaired by
the next run if it is missing)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pipeline.publication.decision import choose_publication_date
from pipeline.publication.editions.excel import TABLE_SHEET
from pipeline.publication.store import publish
from pipeline.publication.table import InputFile, PublicationError, PublicationInfo
from tests.publication_data import final_shares

REASON = "Omfördelning i Stockholms län godkänd i efterhand"


def all_versions(out, share_year: int) -> list[dict]:
    """Every version's manifest, versions/v1, v2, … in order."""
    folders = sorted((out / "versions").glob("v*"), key=lambda path: int(path.name[1:]))
    return [json.loads((folder / f"publication_{share_year}.json").read_text("utf-8"))
            for folder in folders]


def info(decision: date = date(2025, 12, 10), run_id: str = "run-1") -> PublicationInfo:
    return PublicationInfo(
        share_year=2026, decision_date=decision, decimals=2, parameter_set="standard",
        parameters={"name": "standard", "floor_promille": 1.0, "reception_adjustment": 0.5},
        inputs=[InputFile("population", "data/population.csv", "a" * 64, False,
                          "SCB, folkmängd 31 december 2024 — officiell statistik")],
        run_id=run_id,
    )


def give(final: pl.DataFrame, giver: str, receiver: str, units: int) -> pl.DataFrame:
    """An agreement added afterwards: `giver` gives `units` to `receiver`."""
    code = pl.col("municipality_code")
    return final.with_columns(
        given_units=pl.col("given_units") + pl.when(code == giver).then(units).otherwise(0),
        received_units=pl.col("received_units")
        + pl.when(code == receiver).then(units).otherwise(0),
    ).with_columns(
        share_units=pl.col("calculated_units") - pl.col("given_units") + pl.col("received_units"))


@pytest.fixture(scope="module")
def reissued(tmp_path_factory):
    out = tmp_path_factory.mktemp("reissue") / "2026"
    publish(out, final_shares(), info())
    later = give(final_shares(), "0125", "0126", 30)  # Ekerö gives 0,30 ‰ to Huddinge
    result = publish(out, later, info(date(2025, 12, 21), "run-2"), reissue_reason=REASON)
    return out, later, result


def csv_rows(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")),
                               delimiter=";" if path.name.endswith("excel.csv") else ","))


def test_the_machine_csv_marks_exactly_the_changed_rows_with_the_replaced_version(reissued):
    out, _, result = reissued
    rows = csv_rows(result.paths["csv"])
    assert {r["municipality_code"]: r["changed_from_version"] for r in rows
            if r["changed_from_version"]} == {"0125": "1", "0126": "1"}
    first = csv_rows(out / "versions" / "v1" / "shares_2026.csv")
    assert all(row["changed_from_version"] == "" for row in first)
    # The columns published before reissues were marked keep their names and order; the mark
    # follows them (then the terms of the change).
    before = ["municipality_code", "municipality_name", "county_code", "county_name",
              "calculated_promille", "given_promille", "received_promille", "share_promille",
              "previous_share_promille", "change_promille", "expected_children"]
    assert list(rows[0])[:len(before) + 1] == [*before, "changed_from_version"]
    assert list(rows[0]) == list(first[0])


def test_the_swedish_csv_marks_the_same_rows(reissued):
    rows = csv_rows(reissued[2].paths["csv_excel"])
    assert {r["Kommunkod"] for r in rows if r["Ändrad från version"] == "1"} == {"0125", "0126"}


def test_the_reissued_pdf_lists_the_changed_municipalities_on_page_1_and_marks_their_rows(
        reissued):
    pages = [" ".join(page.extract_text().split())
             for page in PdfReader(reissued[2].paths["pdf"]).pages]
    first = pages[0]
    assert "Ändringar jämfört med version 1" in first
    assert "Raderna för 2 kommuner skiljer sig från version 1" in first
    ekero = final_shares().filter(pl.col("municipality_code") == "0125").row(0, named=True)
    before = ekero["share_units"]
    assert (f"0125 Ekerö: lämnat 0,00 → 0,30 ‰; andelstal 2026 "
            f"{before // 100},{before % 100:02d} → "
            f"{(before - 30) // 100},{(before - 30) % 100:02d} ‰") in first
    assert "0126 Huddinge: mottaget 0,00 → 0,30 ‰" in first
    text = " ".join(pages)
    assert "Ekerö (ändrad)" in text and "Huddinge (ändrad)" in text
    assert text.count("(ändrad)") == 2


def test_the_reissued_workbook_lists_the_changes_and_marks_the_rows(reissued):
    sheet = load_workbook(reissued[2].paths["xlsx"])[TABLE_SHEET]
    first = next(row for row in range(1, 40) if sheet.cell(row, 1).value == "Kommunkod")
    assert first > 8  # below the list of changes
    headers = [cell.value for cell in sheet[first] if cell.value]
    assert headers[-1] == "Ändrad från version"
    marked = {row[0].value: (row[len(headers) - 1].value, row[0].fill.fgColor.rgb)
              for row in sheet.iter_rows(min_row=first + 1)
              if row[len(headers) - 1].value is not None and row[1].value}
    assert marked == {"0125": (1, "00FFF2B3"), "0126": (1, "00FFF2B3")}
    listed = [sheet.cell(row, 1).value for row in range(8, first)]
    assert listed[0] == "Ändringar jämfört med version 1"
    assert any(str(line).startswith("0125 Ekerö: lämnat 0,00 → 0,30 ‰") for line in listed)


def test_the_replaced_versions_manifest_names_its_replacement(reissued):
    out = reissued[0]
    first = json.loads((out / "versions" / "v1" / "publication_2026.json").read_text("utf-8"))
    assert first["replaced_by"]["version"] == 2
    assert first["replaced_by"]["statement"] == (
        f"Ersatt av version 2, publicerad 21 december 2025. Skäl: {REASON}")
    current = json.loads((out / "publication_2026.json").read_text("utf-8"))
    assert "replaced_by" not in current
    assert [m["version"] for m in all_versions(out, 2026)] == [1, 2]


def test_a_rerun_of_the_reissue_is_unchanged_and_repairs_a_missing_replaced_by(reissued):
    out, later, _ = reissued
    path = out / "versions" / "v1" / "publication_2026.json"
    manifest = json.loads(path.read_text("utf-8"))
    del manifest["replaced_by"]  # as a run killed after switching to version 2 leaves it
    path.write_text(json.dumps(manifest), encoding="utf-8")
    again = publish(out, later, info(date(2025, 12, 21), "run-3"))
    assert again.status == "unchanged"
    assert json.loads(path.read_text("utf-8"))["replaced_by"]["version"] == 2


def test_a_second_reissue_marks_against_version_2_and_chains_the_replacements(tmp_path):
    out = tmp_path / "2026"
    publish(out, final_shares(), info())
    second = give(final_shares(), "0125", "0126", 30)
    publish(out, second, info(date(2025, 12, 21)), reissue_reason="a")
    third = give(second, "0127", "0128", 10)
    result = publish(out, third, info(date(2025, 12, 22)), reissue_reason="b")
    rows = csv_rows(result.paths["csv"])
    assert {r["municipality_code"]: r["changed_from_version"] for r in rows
            if r["changed_from_version"]} == {"0127": "2", "0128": "2"}
    assert [(m["version"], (m.get("replaced_by") or {}).get("version"))
            for m in all_versions(out, 2026)] == [(1, 2), (2, 3), (3, None)]


def test_a_reissue_that_changes_no_row_says_so(tmp_path):
    out = tmp_path / "2026"
    publish(out, final_shares(), info())
    result = publish(out, final_shares(), replace(info(), diarienummer="MIG 2025-1"),
                     reissue_reason="diarienummer")
    text = " ".join(PdfReader(result.paths["pdf"]).pages[0].extract_text().split())
    assert "Tabellens värden är desamma som i version 1" in text


def test_the_publication_date_is_the_decision_date_unless_given_never_before_it():
    decided = date(2020, 12, 15)
    assert choose_publication_date(decided) == decided
    assert choose_publication_date(decided, date(2020, 12, 18)) == date(2020, 12, 18)
    with pytest.raises(PublicationError, match="before the decision date 2020-12-15"):
        choose_publication_date(decided, date(2020, 12, 14))


def test_a_reissue_over_an_unreadable_published_csv_says_the_comparison_is_missing(tmp_path):
    out = tmp_path / "2026"
    first = publish(out, final_shares(), info())
    first.paths["csv"].resolve().write_text("not,a\nshare table\n", encoding="utf-8")
    result = publish(out, give(final_shares(), "0125", "0126", 30), info(date(2025, 12, 21)),
                     reissue_reason="rättelse")
    text = " ".join(PdfReader(result.paths["pdf"]).pages[0].extract_text().split())
    assert "Jämförelsen med version 1 saknas: dess tabell kunde inte läsas." in text
    assert all(row["changed_from_version"] == "" for row in csv_rows(result.paths["csv"]))
