"""The variants step's outputs: each variant stored beside the standard draft without touching it,
the CSV, the Swedish workbook and the PDF/UA memo; a refused variants file writes nothing."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pipeline.core.errors import AnvisningError, InputError
from pipeline.core.excel_formats import FONT_NAME
from pipeline.core.geography import load_features, project
from pipeline.core.layout import Layout
from pipeline.model.parameters import load_parameters
from pipeline.model.shares import compute_shares
from pipeline.variants.memo import memo_pdf
from pipeline.variants.service import VariantsResult, propose_variants
from pipeline.warehouse.sql import create_tables, execute, query
from tests.pipeline.test_share_pdf import structure_types
from tests.pipeline.test_workbook_print import rendered_pages
from tests.variants_data import DATA, SHARE_YEAR, seed_warehouse

TODAY = date(2025, 8, 12)
TITLES = ["Standardmodellen", "Endast folkmängd", "Full mottagandejustering", "Lägre golv",
          "Utan boendedygn"]


@dataclass(frozen=True)
class Proposed:
    root: Path
    layout: Layout
    warehouse: Path
    result: VariantsResult
    standard_before: pl.DataFrame


def data_folder(target: Path) -> Path:
    """The inputs the step reads besides the warehouse: parameters, variants, publication
    settings and the reference folder (register and boundaries)."""
    target.mkdir(parents=True)
    for name in ("parameters.toml", "variants.toml", "publication.toml"):
        shutil.copy(DATA / name, target / name)
    shutil.copytree(DATA / "reference", target / "reference")
    return target


def standard_rows(warehouse: Path) -> pl.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.sql("SELECT * FROM draft_shares WHERE variant = 'standard' "
                        "ORDER BY municipality_code").pl()


@pytest.fixture(scope="module")
def proposed(tmp_path_factory) -> Proposed:
    root = tmp_path_factory.mktemp("variants")
    layout = Layout(data_folder(root / "data"), root / "out")
    warehouse = root / "warehouse.duckdb"
    seed_warehouse(warehouse)
    standard = load_parameters(layout.parameters, SHARE_YEAR)
    with duckdb.connect(str(warehouse)) as conn:
        # The standard draft as the draft_shares asset stores it.
        basis = query(conn, "share_basis_for_year", share_year=SHARE_YEAR)
        execute(conn, "replace_draft_shares", incoming=compute_shares(basis, standard, 366),
                share_year=SHARE_YEAR, variant="standard", decimals=2, parameter_set="standard")
    before = standard_rows(warehouse)
    with duckdb.connect(str(warehouse)) as conn:
        result = propose_variants(conn, layout, SHARE_YEAR, TODAY)
    return Proposed(root, layout, warehouse, result, before)


def test_the_standard_draft_is_untouched_and_each_variant_is_stored_beside_it(proposed):
    assert standard_rows(proposed.warehouse).equals(proposed.standard_before)
    with duckdb.connect(str(proposed.warehouse), read_only=True) as conn:
        stored = conn.sql("SELECT variant, municipality_code, share_units, parameter_set "
                          "FROM draft_shares WHERE variant <> 'standard'").pl()
    assert sorted(stored["variant"].unique()) == ["full_reception_adjustment", "lower_floor",
                                                  "no_housing_days", "population_only"]
    assert stored.group_by("variant").agg(pl.len(), pl.col("share_units").sum()).select(
        "len", "share_units").unique().rows() == [(290, 100_000)]
    computed = proposed.result.comparison.municipalities.filter(pl.col("variant") != "standard")
    joined = stored.join(computed, on=["variant", "municipality_code"], suffix="_computed")
    assert joined.height == 4 * 290
    assert (joined["share_units"] == joined["share_units_computed"]).all()
    assert set(stored["parameter_set"]) == {f"standard+{n}" for n in stored["variant"].unique()}


def test_a_variant_taken_out_of_the_file_leaves_no_rows(proposed, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(proposed.warehouse, warehouse)
    layout = Layout(data_folder(tmp_path / "data"), tmp_path / "out")
    text = layout.variants.read_text(encoding="utf-8")
    layout.variants.write_text(text[:text.index("[variants.lower_floor]")], encoding="utf-8")
    with duckdb.connect(str(warehouse)) as conn:
        propose_variants(conn, layout, SHARE_YEAR, TODAY)
        names = conn.sql("SELECT DISTINCT variant FROM draft_shares ORDER BY 1").fetchall()
    assert [n for (n,) in names] == ["full_reception_adjustment", "population_only", "standard"]
    assert standard_rows(warehouse).equals(proposed.standard_before)


def test_the_csv_has_every_variants_share_with_the_standards_and_the_difference(proposed):
    lines = proposed.result.csv.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("share_year,variant,municipality_code,municipality_name,county_code,"
                        "county_name,standard_share_promille,share_promille,"
                        "difference_promille,at_floor")
    rows = [line.split(",") for line in lines[1:]]
    assert len(rows) == 5 * 290
    assert all(row[8] == "0.00" and row[6] == row[7] for row in rows[:290])
    for row in rows:
        shares = [round(float(value) * 100) for value in row[6:9]]
        assert shares[1] - shares[0] == shares[2]
    assert sum(round(float(row[7]) * 100) for row in rows if row[1] == "lower_floor") == 100_000


def sheet_rows(path: Path, name: str) -> list[tuple]:
    return list(load_workbook(path)[name].iter_rows(values_only=True))


def test_the_workbook_is_swedish_and_prints_like_the_others(proposed):
    book = load_workbook(proposed.result.workbook)
    assert book.sheetnames == ["Sammanfattning", "Kommuner", "Län", "Parametrar"]
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert sheet.print_title_rows and "Sida &P av &N" in sheet.oddFooter.right.text
        fonts = {cell.font.name for row in sheet.iter_rows() for cell in row
                 if cell.value is not None}
        assert fonts == {FONT_NAME}, sheet.title
        assert sheet["A2"].value.startswith("ILLUSTRATIVA UPPGIFTER")  # the inputs are
        assert sheet["A1"].value.startswith("Underlag för förslag till andelstal 2026")


def test_the_workbooks_summary_names_each_variant_and_what_it_moves(proposed):
    rows = sheet_rows(proposed.result.workbook, "Sammanfattning")
    header = next(i for i, row in enumerate(rows) if row[0] == "Variant")
    assert rows[header][3:] == ("Kommuner på golvet", "Kommuner som ändras minst 0,10 ‰",
                                "Flyttas mellan kommuner ‰", "Flyttas mellan län ‰")
    body = rows[header + 1:header + 6]
    assert [row[0] for row in body] == TITLES
    summary = proposed.result.comparison.summary.to_dicts()
    for row, expected in zip(body, summary, strict=True):
        assert row[3:5] == (expected["at_floor"], expected["changed"])
        assert row[6] == pytest.approx(expected["moved_between_counties_units"] / 100)
    assert body[1][2] == "Mottagandejustering α 0 (standardmodellen 0,5)."
    assert body[3][2] == "Lägsta andel 0,50 ‰ (standardmodellen 1,00 ‰)."


def test_the_workbooks_tables_give_each_municipality_and_county_under_every_variant(proposed):
    comparison = proposed.result.comparison
    municipalities = sheet_rows(proposed.result.workbook, "Kommuner")
    heading = next(i for i, row in enumerate(municipalities) if row[0] == "Kommunkod")
    assert [v for v in municipalities[heading][3:] if v] == TITLES
    body = municipalities[heading + 2:]
    assert len(body) == 291 and body[-1][0] == "Riket"
    assert body[-1][3:] == pytest.approx((1000.0, 1000.0, 0.0) + (1000.0, 0.0) * 3)
    stockholm = next(row for row in body if row[0] == "0180")
    expected = comparison.municipalities.filter(pl.col("municipality_code") == "0180")
    units = dict(zip(expected["variant"], expected["share_units"], strict=True))
    assert stockholm[3] == pytest.approx(units["standard"] / 100)
    assert stockholm[4:6] == pytest.approx(
        (units["population_only"] / 100, (units["population_only"] - units["standard"]) / 100))
    counties = sheet_rows(proposed.result.workbook, "Län")
    heading = next(i for i, row in enumerate(counties) if row[0] == "Länskod")
    body = counties[heading + 2:]
    assert len(body) == 22 and body[0][:2] == ("01", "Stockholms län")
    assert body[-1][2:] == pytest.approx((1000.0, 1000.0, 0.0) + (1000.0, 0.0) * 3)


def pages_text(path: Path, pages: slice) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages[pages]]


def test_the_memo_describes_the_variants_and_sums_them_up(proposed):
    # The first two pages; the maps' page takes pypdf seconds to read (the slow test below).
    pages = pages_text(proposed.result.memo, slice(0, 2))
    text = " ".join(pages)
    assert pages[0].startswith("ILLUSTRATIVA UPPGIFTER – inte ett beslut Underlag för förslag "
                               "till andelstal 2026 Modellvarianter jämförda med "
                               "standardmodellen · referensår 2024 · 12 augusti 2025")
    for title in TITLES:
        assert title in pages[0]
    assert "som i Danmarks kommunekvoter" in pages[0]
    summary = proposed.result.comparison.summary.row(1, named=True)  # population only
    moved = [f"{summary[key] // 100},{summary[key] % 100:02d}" for key in (
        "moved_between_municipalities_units", "moved_between_counties_units")]
    assert (f"Endast folkmängd {summary['at_floor']} {summary['changed']} {moved[0]} "
            f"{moved[1]}") in text
    assert "Riket 1 000,00 0,00 0,00 0,00 0,00" in text
    assert "Sida 1 av 3" in pages[0] and "Sida 2 av 3" in pages[1]


@pytest.mark.slow
def test_the_memos_maps_page_has_the_legend_and_cites_the_boundaries(proposed):
    (page,) = pages_text(proposed.result.memo, slice(2, 3))
    assert page.startswith("ILLUSTRATIVA UPPGIFTER – inte ett beslut Kartor: skillnad mot "
                           "standardmodellen")
    for label in ("minskar 0,50 ‰ eller mer", "minskar 0,10–0,49 ‰", "oförändrad",
                  "ökar mindre än 0,10 ‰", "ökar 0,50 ‰ eller mer"):
        assert label in page
    assert "Kommungränser: Valmyndigheten via okfse/sweden-geojson" in page
    assert "Sida 3 av 3" in page


def test_the_memo_is_pdf_ua_with_a_described_map_of_each_variant(proposed):
    reader = PdfReader(proposed.result.memo)
    catalog = reader.trailer["/Root"]
    assert str(catalog["/Lang"]).lower().startswith("sv")
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()
    assert reader.metadata.title == "Underlag för förslag till andelstal 2026"
    assert {"/Table", "/TH", "/TD", "/Figure"} <= structure_types(proposed.result.memo)
    alternatives = []
    stack = [catalog["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alternatives.append(str(node["/Alt"]))
            if node.get("/K") is not None:
                stack.append(node["/K"])
    assert sorted(a.split(",")[1].split(":")[0].strip() for a in alternatives) == sorted(
        TITLES[1:])
    assert all("kommuner får en större andel" in a for a in alternatives)


def test_the_same_comparison_on_the_same_day_gives_the_same_memo(proposed):
    comparison = proposed.result.comparison
    projected = project(load_features(proposed.layout.boundaries,
                                      comparison.drafts["standard"]["municipality_code"]
                                      .to_list()))
    again = memo_pdf(comparison, projected, True, TODAY, "[utgivare saknas]")
    assert again == proposed.result.memo.read_bytes()


def snapshot(warehouse: Path, out: Path) -> tuple[list, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.sql("SELECT * FROM draft_shares ORDER BY ALL").fetchall()
    files = {path: (path.read_bytes(), path.stat().st_mtime_ns)
             for path in sorted(out.rglob("*")) if path.is_file()}
    return rows, files


@pytest.mark.parametrize(("change", "line", "column"), [
    (("floor_promille = 0.5", "floor_promille = 0.5\nweight_newcomer = 2.0"), 41,
     "weight_newcomer"),
    (("reception_adjustment = 1.0", "reception_adjustment = 1.2"), 35, "reception_adjustment"),
    (("floor_promille = 0.5", "floor_promille = 3.45"), 40, "floor_promille"),
    (("[variants.no_housing_days]", "[variants.population_only]"), 42,
     "[variants.population_only]"),
])
def test_a_refused_variants_file_writes_nothing(proposed, tmp_path, change, line, column):
    warehouse, out = tmp_path / "warehouse.duckdb", tmp_path / "out"
    shutil.copy(proposed.warehouse, warehouse)
    shutil.copytree(proposed.layout.out_dir, out)
    layout = Layout(data_folder(tmp_path / "data"), out)
    text = layout.variants.read_text(encoding="utf-8")
    assert change[0] in text
    layout.variants.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    before = snapshot(warehouse, out)
    with duckdb.connect(str(warehouse)) as conn, pytest.raises(InputError) as caught:
        propose_variants(conn, layout, SHARE_YEAR, TODAY)
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        str(layout.variants), line, column)
    assert snapshot(warehouse, out) == before


def test_a_failed_write_rolls_the_warehouse_back(proposed, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(proposed.warehouse, warehouse)
    layout = Layout(data_folder(tmp_path / "data"), tmp_path / "out")
    text = layout.variants.read_text(encoding="utf-8")
    layout.variants.write_text(text[:text.index("[variants.lower_floor]")], encoding="utf-8")
    layout.variants_memo(SHARE_YEAR).mkdir(parents=True)  # the memo cannot replace a folder
    before = snapshot(warehouse, tmp_path / "nothing")[0]
    with duckdb.connect(str(warehouse)) as conn, pytest.raises(OSError):
        propose_variants(conn, layout, SHARE_YEAR, TODAY)
    assert snapshot(warehouse, tmp_path / "nothing")[0] == before


def test_without_a_share_basis_the_step_says_what_to_run_first(tmp_path):
    layout = Layout(data_folder(tmp_path / "data"), tmp_path / "out")
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as conn:
        create_tables(conn)
        with pytest.raises(AnvisningError, match="no share basis for share year 2027"):
            propose_variants(conn, layout, 2027, TODAY)
    assert not layout.out_dir.exists()



@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_prints_the_workbook_one_page_wide_on_a_bounded_number_of_pages(
        proposed, tmp_path):
    # Sammanfattning 1 page, Kommuner ~9 (290 rows, landscape), Län 1, Parametrar 1.
    assert 10 <= rendered_pages(tmp_path, proposed.result.workbook) <= 14
