"""The review form and the validation report in a real LibreOffice.

The form keeps its validation and its protection when LibreOffice opens it and saves it again as
.xlsx (read back with openpyxl) and when it is converted to .ods (read back from the ODF XML):
the amount's rule and its Swedish messages, every sheet protected, only the fields unlocked, the
properties. LibreOffice itself evaluates the amount's rule: a wrong amount is refused as it is
typed. The report prints on A4 with no row running into the next.

Skipped without `soffice` and `pdftotext` on the PATH. Each LibreOffice call has a profile of its
own under tmp_path.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from pipeline.model.change import ShareYear, share_change
from pipeline.model.parameters import load_parameters
from pipeline.redistribution.forms.problems import Problem
from pipeline.redistribution.forms.report import write_validation_report
from pipeline.redistribution.forms.spreadsheets import read_county_form
from pipeline.redistribution.review_round import ReviewRound
from pipeline.redistribution.review_workbook import write_review_workbook

PARAMETERS = Path(__file__).resolve().parents[2] / "data" / "parameters.toml"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext")
                                 is None, reason="LibreOffice or poppler is not installed")]

YEAR, NORRBOTTEN = 2026, "25"
ISSUER = "Migrationsverket (test)"
ROUND = ReviewRound(YEAR, date(2025, 12, 5), "Migrationsverket (påhittad), x@example.org",
                    "Exempelhandläggare, telefon 000-000 00 00")
FIELDS = ({f"{column}{row}" for row in range(11, 61) for column in "ABCDE"}
          | {f"{column}{row}" for row in (5, 6, 7) for column in "BC"})
NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "dc": "http://purl.org/dc/elements/1.1/",
      "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"}


def soffice(source: Path, target: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        ["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--convert-to", target, "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=180, check=False)
    saved = folder / f"{source.stem}.{target.split(':')[0]}"
    assert completed.returncode == 0 and saved.is_file(), completed.stderr
    return saved


@pytest.fixture(scope="module")
def form(tmp_path_factory, register: pl.DataFrame) -> Path:
    draft = register.with_columns(
        population=pl.lit(10_000), newcomers_settled=pl.lit(5), minors_received=pl.lit(1),
        asylum_housing_days=pl.lit(100), minor_arrival_housing_days=pl.lit(7),
        population_share=pl.lit(3.45), reception_share=pl.lit(3.4), adjusted_share=pl.lit(3.5),
        at_floor=pl.lit(False), share_units=pl.lit(345, dtype=pl.Int64))
    path = tmp_path_factory.mktemp("form") / "review_2026_25_norrbottens-lan.xlsx"
    parameters = load_parameters(PARAMETERS, YEAR)
    alone = share_change(ShareYear.drafted(YEAR, parameters, draft), None)  # nothing to compare
    write_review_workbook(path, YEAR, NORRBOTTEN, draft, alone, 2, True, "standard",
                          review_round=ROUND, issuer=ISSUER)
    return path


def test_saved_again_by_libreoffice_the_form_keeps_validation_and_protection(
        form: Path, tmp_path: Path) -> None:
    saved = soffice(form, "xlsx:Calc MS Excel 2007 XML", tmp_path / "xlsx")
    workbook = load_workbook(saved)
    sheet = workbook["Omfördelning"]
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    amount = rules["C11:C60"]
    assert (amount.type, amount.errorStyle, amount.errorTitle) == ("custom", "stop", "Fel andel")
    assert amount.formula1 == (
        'IF(ISNUMBER(C11),AND(C11>0,ROUND(C11,2)=C11),TRIM(C11)="hela andelen")')
    assert "”hela andelen”" in amount.error and "”hela andelen”" in amount.prompt
    assert rules["D11:D60"].type == "date" and rules["A11:B60"].type == "list"
    assert all(s.protection.sheet for s in workbook.worksheets)
    unlocked = {cell.coordinate for row in sheet.iter_rows() for cell in row
                if cell.has_style and not cell.protection.locked}
    assert unlocked == FIELDS
    assert not any(not cell.protection.locked for name in ("Så här gör du", "Utkast")
                   for row in workbook[name].iter_rows() for cell in row if cell.has_style)
    assert (workbook.properties.language, workbook.properties.creator) == ("sv-SE", ISSUER)


def test_converted_to_ods_the_form_keeps_validation_and_protection(
        form: Path, tmp_path: Path) -> None:
    ods = soffice(form, "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as archive:
        content = ET.fromstring(archive.read("content.xml"))
        meta = ET.fromstring(archive.read("meta.xml"))
    tables = {t.get(f"{{{NS['table']}}}name"): t for t in content.iter(f"{{{NS['table']}}}table")}
    assert all(t.get(f"{{{NS['table']}}}protected") == "true" for t in tables.values()), tables
    unprotected = {s.get(f"{{{NS['style']}}}name") for s in content.iter(f"{{{NS['style']}}}style")
                   if any(p.get(f"{{{NS['style']}}}cell-protect") == "none"
                          for p in s.iter(f"{{{NS['style']}}}table-cell-properties"))}
    cells = ods_cells(tables["Omfördelning"])
    assert {name for name, (style, _) in cells.items() if style in unprotected} == FIELDS
    validations = {v.get(f"{{{NS['table']}}}name"): v
                   for v in content.iter(f"{{{NS['table']}}}content-validation")}
    amount = validations[cells["C11"][1]]
    assert cells["C60"][1] == cells["C11"][1]
    condition = amount.get(f"{{{NS['table']}}}condition")
    assert condition == ('of:is-true-formula(IF(ISNUMBER([.C11]);AND([.C11]>0;ROUND([.C11];2)='
                         '[.C11]);TRIM([.C11])="hela andelen"))')
    error = amount.find("table:error-message", NS)
    assert error.get(f"{{{NS['table']}}}message-type") == "stop"
    assert "”hela andelen”" in "".join(error.itertext())
    assert "Ett tal med högst 2 decimaler" in "".join(
        amount.find("table:help-message", NS).itertext())
    assert meta.find(".//dc:language", NS).text == "sv-SE"
    assert meta.find(".//meta:initial-creator", NS).text == ISSUER
    assert meta.find(".//dc:title", NS).text.startswith("Granskningsunderlag: andelstal 2026")


def ods_cells(table: ET.Element) -> dict[str, tuple[str | None, str | None]]:
    """Every cell of an ODF table up to column H and row 60: its style and validation."""
    found: dict[str, tuple[str | None, str | None]] = {}
    row_number = 0
    for row in table.iter(f"{{{NS['table']}}}table-row"):
        rows = int(row.get(f"{{{NS['table']}}}number-rows-repeated", "1"))
        for _ in range(min(rows, 60)):
            row_number += 1
            column = 0
            for cell in row:
                repeat = int(cell.get(f"{{{NS['table']}}}number-columns-repeated", "1"))
                for _ in range(min(repeat, 8)):
                    column += 1
                    if column <= 8 and row_number <= 60:
                        found[f"{'ABCDEFGH'[column - 1]}{row_number}"] = (
                            cell.get(f"{{{NS['table']}}}style-name"),
                            cell.get(f"{{{NS['table']}}}content-validation-name"))
    return found


def test_libreoffice_refuses_a_wrong_amount_as_it_is_typed(form: Path, tmp_path: Path) -> None:
    """The amount's rule, evaluated by LibreOffice on each value in the form's own column."""
    typed = {0.5: True, 1.25: True, 3: True, "hela andelen": True, " Hela andelen ": True,
             0.125: False, 0: False, -1: False, "0,5 ‰": False, "all": False, "abc": False}
    workbook = load_workbook(form)
    sheet = workbook["Omfördelning"]
    (rule,) = [dv.formula1 for dv in sheet.data_validations.dataValidation
               if str(dv.sqref) == "C11:C60"]
    for row, value in enumerate(typed, start=11):
        sheet[f"C{row}"] = value
        sheet[f"J{row}"] = "=" + re.sub(r"\bC11\b", f"C{row}", rule)
    workbook.save(tmp_path / "typed.xlsx")
    computed = load_workbook(soffice(tmp_path / "typed.xlsx", "xlsx:Calc MS Excel 2007 XML",
                                     tmp_path / "out"), data_only=True)["Omfördelning"]
    assert {value: computed[f"J{row}"].value for row, value in enumerate(typed, start=11)
            } == typed


def test_a_form_returned_as_ods_reads_its_contact_and_never_its_example(
        form: Path, tmp_path: Path) -> None:
    workbook = load_workbook(form)
    sheet = workbook["Omfördelning"]
    sheet["B5"], sheet["B6"], sheet["B7"] = "Anna Andersson", "000-000 00 00", "a@example.org"
    for column, value in enumerate(["2510 Jokkmokk", "Gällivare", 0.5, date(2025, 12, 2),
                                    "Lst BD 1-2025"], start=1):
        sheet.cell(11, column).value = value
    workbook.save(tmp_path / "returned.xlsx")
    returned = read_county_form(soffice(tmp_path / "returned.xlsx", "ods", tmp_path / "ods"))
    assert [row.row for row in returned.rows] == [11]
    assert (returned.contact.name, returned.contact.phone, returned.contact.email) == (
        "Anna Andersson", "000-000 00 00", "a@example.org")
    assert returned.illustrative


def test_the_report_prints_on_a4_with_no_row_running_into_the_next(tmp_path: Path) -> None:
    message = ("Luleå ger sammanlagt 12,50 ‰ (rad 11, rad 12, rad 13, svar.xlsx rad 14), mer än "
               "sin beräknade andel 8,99 ‰. ")
    problems = [Problem(f"fil{i:02d}.xlsx", "Omfördelning", 11 + i, "C (Andel ‰)", "0,125",
                        message * (1 + i % 4) + f"slut{i:02d}") for i in range(24)]
    report = write_validation_report(tmp_path, YEAR, NORRBOTTEN, "Norrbottens län", problems,
                                     illustrative=True)
    pdf = soffice(report, "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info), info
    words = words_by_page(pdf)
    assert all(any(w == "ILLUSTRATIVA" for w, _, _ in page) for page in words), "mark per page"
    for page in words:
        top = {w: y_min for w, y_min, _ in page}
        bottom = {w: y_max for w, _, y_max in page}
        for i in range(len(problems) - 1):
            end, start = f"slut{i:02d}", f"fil{i + 1:02d}.xlsx"
            if end in bottom and start in top:
                assert bottom[end] <= top[start], (end, start)


def words_by_page(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Every word of each page with its top and bottom (pdftotext -bbox)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([(word, float(y_min), float(y_max)) for y_min, y_max, word in re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            page)])
    return pages
