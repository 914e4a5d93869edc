"""Reading the publishers' formats: PxWeb CSV in every encoding and delimiter, and Excel."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.core.errors import InputError
from pipeline.ingestion.readers import read_region_table
from pipeline.ingestion.schemas import validate_statistic
from tests.conftest import FIXTURES

SCB_2017 = FIXTURES / "scb_pxweb_population_2017_latin1.csv"


def _pxweb_lines(register, year=2024, value=lambda i: 1000 + i):
    return [f'"{r["municipality_code"]} {r["municipality_name"]}",{value(i)}'
            for i, r in enumerate(register.iter_rows(named=True))]


def test_untouched_scb_latin1_export_ingests_byte_for_byte(register):
    table = read_region_table(SCB_2017, 2017)
    values = validate_statistic(SCB_2017, table, register, "population")
    assert values.height == 290
    # SCB's national population on 31 December 2017 (data/sources/national_population_totals.csv)
    assert values["population"].sum() == 10_120_242
    assert table.rows[0].municipality_name == "Upplands Väsby"
    assert values.filter(values["municipality_code"] == "0305")["population"][0] > 0


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8),
                                          ("iso-8859-1", b""), ("utf-16", b"")])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_pxweb_csv_in_every_encoding_and_delimiter(tmp_path, register, encoding, bom, delimiter):
    lines = ['"region"' + delimiter + '"2024"']
    lines += [line.replace(",", delimiter) for line in _pxweb_lines(register)]
    path = tmp_path / "population.csv"
    path.write_bytes(bom + "\r\n".join(lines).encode(encoding))
    values = validate_statistic(path, read_region_table(path, 2024), register, "population")
    assert values["population"].sum() == sum(1000 + i for i in range(290))


def test_space_grouped_figures_and_title_lines(tmp_path, register):
    lines = ['"Folkmängd efter region och år"', "", '"region";"Folkmängd 2024"']
    lines += [f'"{r["municipality_code"]} {r["municipality_name"]}";"1\u00a0234 567"'
              for r in register.iter_rows(named=True)]
    path = tmp_path / "population.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    table = read_region_table(path, 2024)
    assert {row.value for row in table.rows} == {1_234_567}
    assert table.rows[0].line == 4


def test_excel_workbook_with_code_and_name_columns(tmp_path, register):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kommunkod", "Kommun", "Boendedygn 2024"])
    for i, r in enumerate(register.iter_rows(named=True)):
        # Excel drops a leading zero when a code is typed as a number
        code = int(r["municipality_code"]) if i % 2 else r["municipality_code"]
        sheet.append([code, r["municipality_name"], float(i)])
    path = tmp_path / "asylum_housing_days.xlsx"
    workbook.save(path)
    values = validate_statistic(path, read_region_table(path, 2024), register, "days")
    assert values["municipality_code"].to_list() == register["municipality_code"].to_list()
    assert values["days"].sum() == sum(range(290))


def _error(path: Path, year: int, register) -> InputError:
    with pytest.raises(InputError) as caught:
        validate_statistic(path, read_region_table(path, year), register, "population")
    return caught.value


def test_name_differing_only_by_a_ring_is_reported(tmp_path, register):
    lines = ['"region","2024"'] + _pxweb_lines(register)
    lines = [line.replace("0305 Håbo", "0305 Habo") for line in lines]
    path = tmp_path / "population.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    error = _error(path, 2024, register)
    assert error.value == "0305 Habo" and "Håbo" in error.rule and error.line is not None


def test_xlsx_that_is_not_a_zip_is_rejected(tmp_path, register):
    path = tmp_path / "newcomers_settled.xlsx"
    path.write_bytes(b"this is not a workbook")
    assert "not a readable zip" in _error(path, 2024, register).rule


def test_xlsx_with_macros_is_rejected(tmp_path, register):
    import zipfile

    path = tmp_path / "newcomers_settled.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    assert "macros" in _error(path, 2024, register).rule
