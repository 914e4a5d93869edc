"""Versions visible in every edition, earlier versions' editions kept byte for byte, the dates
they state never the build's, reproducible bytes, and the CSV edition for Swedish Excel."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from dataclasses import replace
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook

from pipeline.publication.editions.csv_swedish_excel import render_swedish_csv
from pipeline.publication.editions.excel import REPLACES_ROW, TABLE_SHEET, VERSION_ROW
from pipeline.publication.store import publish
from pipeline.publication.table import InputFile, PublicationInfo
from tests.publication_data import final_shares

EPOCH_2025_12_12 = "1765497600"
EPOCH_2030_06_01 = "1906502400"  # a build long after: no edition may state it


def info(run_id: str = "run-1") -> PublicationInfo:
    return PublicationInfo(
        share_year=2026, decision_date=date(2025, 12, 10), decimals=2, parameter_set="default",
        parameters={"name": "default", "floor_promille": 1.0, "reception_adjustment": 0.5},
        inputs=[InputFile("population", "data/population.csv", "a" * 64, False,
                          "SCB, folkmängd 31 december 2024 — officiell statistik")],
        run_id=run_id, redistributions=[],
    )


def move_share(final: pl.DataFrame) -> pl.DataFrame:
    code = pl.col("municipality_code")
    change = pl.when(code == "0114").then(-1).when(code == "0115").then(1).otherwise(0)
    return final.with_columns(share_units=pl.col("share_units") + change)


@pytest.fixture()
def reissued(tmp_path, monkeypatch):
    """Version 1 decided on 10 and published on 12 December 2025; version 2 decided on
    15 December (published that day by default); both built in 2030."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2030_06_01)
    out = tmp_path / "2026"
    first = publish(out, final_shares(), replace(info(), published_on=date(2025, 12, 12)))
    v1 = {path.name: path.read_bytes() for path in (out / "versions" / "v1").iterdir()}
    second = publish(out, move_share(final_shares()),
                     replace(info("run-2"), decision_date=date(2025, 12, 15)),
                     reissue_reason="rättad folkmängd för Upplands Väsby")
    return out, first, second, v1


def test_the_manifest_states_the_version_and_what_it_replaces(reissued):
    out, first, second, _ = reissued
    assert (first.version, second.version) == (1, 2)
    manifest = json.loads((out / "publication_2026.json").read_text(encoding="utf-8"))
    assert manifest["version_statement"] == "Version 2, publicerad 15 december 2025"
    assert manifest["replaces_statement"] == (
        "Ersätter version 1 av 12 december 2025. Skäl: rättad folkmängd för Upplands Väsby")
    assert manifest["published_on"] == manifest["published_at"] == "2025-12-15"
    assert manifest["built_at"] == "2030-06-01T00:00:00Z"


def test_the_earlier_versions_editions_stay_exactly_as_they_were(reissued):
    out, _, _, v1 = reissued
    now = {path.name: path.read_bytes() for path in (out / "versions" / "v1").iterdir()}
    manifest = "publication_2026.json"
    assert {k: v for k, v in now.items() if k != manifest} == {
        k: v for k, v in v1.items() if k != manifest}
    before, after = json.loads(v1[manifest]), json.loads(now[manifest])
    assert after.pop("replaced_by") == {
        "version": 2, "published_on": "2025-12-15",
        "reason": "rättad folkmängd för Upplands Väsby", "location": "versions/v2",
        "statement": "Ersatt av version 2, publicerad 15 december 2025. Skäl: rättad folkmängd "
                     "för Upplands Väsby"}
    assert after == before


def test_the_workbook_states_the_version_in_its_first_rows(reissued):
    out = reissued[0]
    sheet = load_workbook(out / "shares_2026.xlsx")[TABLE_SHEET]
    assert sheet.cell(VERSION_ROW, 1).value == "Version 2, publicerad 15 december 2025"
    assert sheet.cell(REPLACES_ROW, 1).value.startswith("Ersätter version 1 av 12 december 2025")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_pdftotext_finds_the_version_and_the_reason_on_page_1(reissued):
    out = reissued[0]
    page_1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out / "shares_2026.pdf"),
                             "-"], check=True, capture_output=True, text=True).stdout
    text = " ".join(page_1.split())
    assert "Version 2, publicerad 15 december 2025" in text
    assert ("Ersätter version 1 av 12 december 2025. Skäl: rättad folkmängd för Upplands Väsby"
            in text)
    earlier = subprocess.run(["pdftotext", "-f", "1", "-l", "1",
                              str(out / "versions" / "v1" / "shares_2026.pdf"), "-"],
                             check=True, capture_output=True, text=True).stdout
    assert "Version 1, publicerad 12 december 2025" in " ".join(earlier.split())
    assert "Ersätter" not in earlier


def test_two_fresh_publications_of_the_same_table_are_byte_identical_whenever_built(
        tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2025_12_12)
    first = publish(tmp_path / "a" / "2026", final_shares(), info())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2030_06_01)
    second = publish(tmp_path / "b" / "2026", final_shares(), info())
    for key in ("csv", "xlsx", "pdf", "csv_excel"):
        assert first.paths[key].read_bytes() == second.paths[key].read_bytes(), key


def test_the_swedish_excel_csv_has_a_bom_semicolons_decimal_commas_and_crlf():
    data = render_swedish_csv(final_shares(), info())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:8] == ["Kommunkod", "Kommun", "Länskod", "Län", "Beräknat andelstal ‰",
                           "Lämnat ‰", "Mottaget ‰", "Andelstal 2026 ‰"]
    assert rows[3][:8] == ["0117", "Österåker", "01", "Stockholms län", "2,58", "0,50", "0,00",
                           "2,08"]
    assert len(rows) == 291
