"""The PDF edition: every municipality with its share in Swedish form, paged, font embedded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader

from pipeline.publication.editions.pdf import promille_text, write_share_pdf
from pipeline.publication.table import ILLUSTRATIVE_MARK, InputFile, PublicationInfo
from tests.publication_data import final_shares


def publication_info(*, illustrative: bool = False, notes: list[str] | None = None):
    return PublicationInfo(
        share_year=2026,
        decision_date=date(2025, 12, 10),
        decimals=2,
        parameter_set="default",
        parameters={"floor_promille": 1.0},
        inputs=[InputFile("population", "data/population.csv", "a" * 64, illustrative)],
        run_id="run-1",
        redistributions=(
            ["0117 Österåker ger 0,50 ‰ till 0120 Värmdö (Lst AB 851-1-2025)"]
            if notes is None else notes
        ),
    )


def pages_text(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def final() -> pl.DataFrame:
    return final_shares()


@pytest.fixture(scope="module")
def official_pdf(tmp_path_factory, final) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "official.pdf"
    write_share_pdf(path, final, publication_info())
    return path


@pytest.fixture(scope="module")
def illustrative_pdf(tmp_path_factory, final) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "illustrative.pdf"
    write_share_pdf(path, final, publication_info(illustrative=True, notes=[]))
    return path


def test_promille_text_uses_a_decimal_comma_and_spaced_thousands():
    assert promille_text(347, 2) == "3,47"
    assert promille_text(0, 2) == "0,00"
    assert promille_text(100_000, 2) == "1 000,00"
    assert promille_text(1000, 0) == "1 000"


def test_every_municipality_appears_with_its_values_in_decimal_comma_form(official_pdf, final):
    text = " ".join(pages_text(official_pdf))
    for row in final.iter_rows(named=True):
        values = [promille_text(row[c], 2) for c in
                  ("calculated_units", "given_units", "received_units", "share_units")]
        line = " ".join([row["municipality_code"], row["municipality_name"], *values])
        assert line in text


def test_heading_subtotals_and_national_total(official_pdf):
    pages = pages_text(official_pdf)
    assert pages[0].startswith(
        "Kommunandelar för ensamkommande asylsökande barn 2026 Gäller från 1 januari 2026 "
        "Beslutsdatum 2025-12-10 Parameteruppsättning default"
    )
    text = " ".join(pages)
    assert "01 Stockholms län" in text
    assert text.count("Summa ") == 21
    assert "Riket 1 000,00 0,50 0,50 1 000,00" in text


def test_every_page_is_numbered_and_repeats_the_header(official_pdf):
    pages = pages_text(official_pdf)
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in page
        assert "Kommunkod Kommun Beräknad ‰ Lämnad ‰ Mottagen ‰ Andel ‰" in page


def test_redistributions_are_listed_or_their_absence_stated(official_pdf, illustrative_pdf):
    assert "0117 Österåker ger 0,50 ‰ till 0120 Värmdö (Lst AB 851-1-2025)" in " ".join(
        pages_text(official_pdf)
    )
    assert "Inga omfördelningar" in " ".join(pages_text(illustrative_pdf))


def test_vera_is_embedded_on_every_page(official_pdf):
    for page in PdfReader(official_pdf).pages:
        fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
        names = [str(font["/BaseFont"]) for font in fonts]
        assert names and all("Vera" in name for name in names)
        descriptors = [font["/FontDescriptor"].get_object() for font in fonts]
        assert all("/FontFile2" in descriptor for descriptor in descriptors)


def test_illustrative_mark_is_on_every_page_and_only_when_illustrative(
    official_pdf, illustrative_pdf
):
    assert all(ILLUSTRATIVE_MARK in page for page in pages_text(illustrative_pdf))
    assert not any("ILLUSTRATIVA" in page for page in pages_text(official_pdf))


def test_metadata_and_deterministic_bytes(tmp_path, final, official_pdf):
    again = tmp_path / "again.pdf"
    write_share_pdf(again, final, publication_info())
    assert again.read_bytes() == official_pdf.read_bytes()
    metadata = PdfReader(again).metadata
    assert metadata.title == "Kommunandelar för ensamkommande asylsökande barn 2026"
    assert metadata.author == "anvisning"
