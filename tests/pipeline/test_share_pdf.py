"""The PDF edition: every municipality with its share in Swedish form, paged, accessible
(PDF/UA-1: tagged table with header cells, language sv, title and author), fonts embedded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from pypdf import PdfReader

from pipeline.presentation.formats import PRINT
from pipeline.publication.editions.pdf import write_share_pdf
from pipeline.publication.table import (
    ILLUSTRATIVE_MARK,
    InputFile,
    PublicationInfo,
    Replacement,
)
from tests.publication_data import final_shares

PARAMETERS = {"name": "default", "weight_newcomers": 1.0, "weight_minors": 1.0,
              "weight_asylum_days": 1.0, "weight_arrival_days": 1.0,
              "reception_adjustment": 0.5, "floor_promille": 1.0, "decimals": 2,
              "reference_year_offset": 2}


def publication_info(*, illustrative: bool = False, notes: list[str] | None = None):
    return PublicationInfo(
        share_year=2026,
        decision_date=date(2025, 12, 10),
        decimals=2,
        parameter_set="default",
        parameters=PARAMETERS,
        inputs=[InputFile("population", "data/population.csv", "a" * 64, illustrative,
                          "SCB, folkmängd 31 december 2024 — officiell statistik")],
        run_id="run-1",
        redistributions=(
            ["0117 Österåker ger 0,50 ‰ till 0120 Värmdö (Lst AB 851-1-2025)"]
            if notes is None else notes
        ),
        issuer="Migrationsverket",
        published_on=date(2025, 12, 12),
    )


def pages_text(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def structure_types(path: Path) -> set[str]:
    """Every structure element type (/S) in the PDF's structure tree."""
    root = PdfReader(path).trailer["/Root"]["/StructTreeRoot"].get_object()
    found: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if hasattr(node, "get_object"):
            node = node.get_object()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "/S" in node:
                found.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
    return found


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


# The text of each shared PDF is extracted once, not in every test: pypdf takes about twice as
# long to extract it as typst takes to write it.
@pytest.fixture(scope="module")
def official_pages(official_pdf) -> list[str]:
    return pages_text(official_pdf)


@pytest.fixture(scope="module")
def illustrative_pages(illustrative_pdf) -> list[str]:
    return pages_text(illustrative_pdf)


def test_every_municipality_appears_with_its_values_in_decimal_comma_form(official_pages,
                                                                          final):
    text = " ".join(official_pages)
    for row in final.iter_rows(named=True):
        values = [PRINT.fixed(row[c], 2) for c in
                  ("calculated_units", "given_units", "received_units", "share_units")]
        line = " ".join([row["municipality_code"], row["municipality_name"], *values])
        assert line in text


def test_first_page_states_title_validity_version_decision_and_issuer(official_pages):
    first = official_pages[0]
    assert first.startswith(
        "Andelstal 2026 för anvisning av ensamkommande barn Gäller från 1 januari 2026 "
        "Version 1, publicerad 12 december 2025 Beslutsdatum 10 december 2025 "
        "Utgivare: Migrationsverket Diarienummer: [diarienummer saknas]"
    )


def test_subtotals_and_national_total(official_pages):
    text = " ".join(official_pages)
    assert "01 Stockholms län" in text
    assert text.count("Summa ") == 21
    assert "Riket 1 000,00 0,50 0,50 1 000,00" in text


def test_every_page_is_numbered_and_the_table_pages_repeat_the_header(official_pages):
    pages = official_pages
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in page
    for page in pages[:4]:
        assert "Kommunkod Kommun Beräknat andelstal ‰ Lämnat ‰ Mottaget ‰ Andelstal 2026 ‰" in page


def test_model_parameters_in_swedish_and_hashes_only_in_the_annex(official_pages):
    pages = official_pages
    body, annex = " ".join(pages[:-1]), pages[-1]
    assert "Så beräknas andelstalen" in body
    assert "α = 0,5" in body and "lägre andel än 1,00 ‰" in body
    assert "SCB, folkmängd 31 december 2024 — officiell statistik" in body
    assert "a" * 64 not in body and "run-1" not in body
    assert annex.startswith("Teknisk bilaga") or "Teknisk bilaga" in annex
    assert "a" * 64 in annex.replace(" ", "") and "run-1" in annex


def test_redistributions_are_listed_or_their_absence_stated(official_pages, illustrative_pages):
    assert "0117 Österåker ger 0,50 ‰ till 0120 Värmdö (Lst AB 851-1-2025)" in " ".join(
        official_pages
    )
    assert "Inga omfördelningar" in " ".join(illustrative_pages)


def test_the_font_is_embedded(official_pdf):
    for page in PdfReader(official_pdf).pages[:2]:
        fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
        assert fonts and all("SourceSansPro" in str(font["/BaseFont"]) for font in fonts)
        for font in fonts:
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile2", "/FontFile3"} & set(descriptor)


def test_illustrative_mark_is_on_every_page_and_only_when_illustrative(
    official_pages, illustrative_pages
):
    assert all(ILLUSTRATIVE_MARK in page for page in illustrative_pages)
    assert not any("ILLUSTRATIVA" in page for page in official_pages)


def test_the_pdf_is_tagged_with_a_table_of_header_and_data_cells(official_pdf):
    reader = PdfReader(official_pdf)
    catalog = reader.trailer["/Root"]
    assert str(catalog["/Lang"]).lower().startswith("sv")
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert {"/Table", "/TH", "/TD", "/TR"} <= structure_types(official_pdf)
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b"pdfuaid" in xmp


def test_metadata_title_author_date_and_deterministic_bytes(tmp_path, final, official_pdf):
    again = tmp_path / "again.pdf"
    write_share_pdf(again, final, publication_info())
    assert again.read_bytes() == official_pdf.read_bytes()
    reader = PdfReader(again)
    assert reader.metadata.title == "Andelstal 2026 för anvisning av ensamkommande barn"
    assert reader.metadata.author == "Migrationsverket"
    assert reader.metadata.creation_date.date() == date(2025, 12, 12)


def test_typst_markup_in_names_and_reasons_prints_as_written(tmp_path, final):
    hostile = final.with_columns(
        municipality_name=pl.when(pl.col("municipality_code") == "0114")
        .then(pl.lit('#set text(fill: red) *fet* ]"\\'))
        .otherwise(pl.col("municipality_name"))
    )
    info = replace(publication_info(), version=2,
                   replaces=Replacement(1, date(2025, 12, 11), "rättelse #panic() $x$ <l>"))
    path = tmp_path / "hostile.pdf"
    write_share_pdf(path, hostile, info)
    text = " ".join(pages_text(path))
    assert '#set text(fill: red) *fet* ]"\\' in text
    assert "Ersätter version 1 av 11 december 2025. Skäl: rättelse #panic() $x$ <l>" in text


def test_context_columns_show_last_year_the_change_and_expected_children(tmp_path, final):
    with_context = final.with_columns(
        previous_units=pl.col("share_units") - 25,
        change_units=pl.lit(25, pl.Int64),
        expected_children=pl.lit(3, pl.Int64),
    )
    info = replace(publication_info(), planning_children=870, ledger_as_of=date(2025, 12, 31))
    path = tmp_path / "context.pdf"
    write_share_pdf(path, with_context, info)
    pages = pages_text(path)
    assert ("Kommunkod Kommun Beräknat andelstal ‰ Lämnat ‰ Mottaget ‰ Andelstal 2026 ‰ "
            "Andelstal 2025 ‰ "
            "Förändring ‰ Väntat antal barn 2026") in pages[0]
    row = final.filter(pl.col("municipality_code") == "0114").row(0, named=True)
    share = PRINT.fixed(row["share_units"], 2)
    assert (f"0114 Upplands Väsby {share} 0,00 0,00 {share} "
            f"{PRINT.fixed(row['share_units'] - 25, 2)} +0,25 3") in " ".join(pages)
    assert "870 barn" in " ".join(pages)


def outline_entries(path: Path) -> list[tuple[str, int, int]]:
    """Every bookmark of the PDF: (title, depth, 0-based page)."""
    reader = PdfReader(path)
    found: list[tuple[str, int, int]] = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((item.title, depth, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def test_counties_are_bookmarked_headings_each_whole_on_one_page(official_pdf, official_pages,
                                                                 final):
    counties = sorted(set(zip(final["county_code"], final["county_name"], strict=True)))
    entries = [(title, page) for title, depth, page in outline_entries(official_pdf)
               if depth == 2]
    assert [title for title, _ in entries[:-1]] == [f"{c} {n}" for c, n in counties]
    assert "/H3" in structure_types(official_pdf)
    for (code, name), (_, page) in zip(counties, entries, strict=False):
        members = final.filter(pl.col("county_code") == code)
        for row in members.iter_rows(named=True):
            assert f"{row['municipality_code']} {row['municipality_name']}" in \
                official_pages[page], (name, row["municipality_name"])
        assert f"Summa {name}" in official_pages[page]


def test_the_pdf_explains_the_promille_before_the_first_row(official_pages):
    text = " ".join(official_pages)
    assert text.index("Så läser du tabellen") < text.index("1 ‰ betyder ett barn av tusen") \
        < text.index("0114 Upplands Väsby")


def test_the_annex_is_swedish_and_names_no_path(official_pages):
    text = " ".join(official_pages)
    assert "data/population.csv" not in text
    annex = official_pages[-1]
    assert annex.startswith("Teknisk bilaga Körnings-id: run-1")
    assert "Indata SHA-256 och status Folkmängd SHA-256" in annex
    assert "officiella uppgifter" in annex
