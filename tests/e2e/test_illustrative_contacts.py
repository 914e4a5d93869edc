"""No illustrative output points at a real mailbox, web site or telephone.

The shipped data are illustrative; a run, the statistics site and a refused form's validation
report are made from them, and every file written is read as a person reads it: every cell,
header, footer, validation message and document property of a workbook, the text and metadata
of a PDF, the text and links of a page, every line of a CSV or JSON file. No e-mail address may
be off the example domains, no web address or telephone number real-looking
(`pipeline.core.fictional`), and — checked on its own — neither the agency's public domain nor its
public telephone number may appear at all. The extraction is shown to find a real address where
one is planted.

Skipped without `pdftotext` and `pdfinfo` (poppler).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli.main import main
from pipeline.core.fictional import real_looking_contacts
from tests.conftest import DATA, environment

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler missing")]

YEAR = 2026
AGENCY = ("migrationsverket.se", "0771-235 235", "601 70")
# Parts of a workbook that hold only the format's own machinery: namespaces and relationships.
MACHINERY = (".rels", "[Content_Types].xml")
# Attributes whose values are the format's machinery, not text anyone reads.
SCHEMA_ATTRIBUTES = {"Type", "Target", "Requires", "Ignorable", "{http://schemas.openxmlformats."
                     "org/markup-compatibility/2006}Ignorable"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """The shipped data run, the site built, then a form with a mistake returned and refused."""
    root = tmp_path_factory.mktemp("illustrative")
    data, out = root / "data", root / "out"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    folders = ["--data-dir", str(data), "--out-dir", str(out)]
    silent = contextlib.redirect_stdout(io.StringIO())
    with environment(DAGSTER_HOME=str(root / "home"),
                     ANVISNING_WAREHOUSE=str(root / "w.duckdb")), silent:
        assert main(["run", "--year", str(YEAR), *folders]) == 0
        assert main(["site", *folders]) == 0
        review = out / str(YEAR) / "review" / "review_2026_25_norrbottens-lan.xlsx"
        returned = data / "redistributions" / str(YEAR) / "svar.xlsx"
        returned.parent.mkdir(parents=True, exist_ok=True)
        workbook = load_workbook(review)
        for column, value in enumerate(["Lulea", "Boden", "0,5", "2025-12-01", "Lst BD 1"],
                                       start=1):
            workbook["Omfördelning"].cell(11, column).value = value
        workbook.save(returned)
        with contextlib.redirect_stderr(io.StringIO()):
            assert main(["publish", "--year", str(YEAR), *folders]) == 1
    assert (out / str(YEAR) / "review" / "granskning_2026_25_norrbottens-lan.xlsx").is_file()
    return out


def readable_text(path: Path) -> str:
    """What a person can read in an output file."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _workbook_text(path)
    if suffix == ".pdf":
        return "\n".join(subprocess.run([tool, str(path), *rest], capture_output=True,
                                        text=True, check=True).stdout
                         for tool, rest in (("pdftotext", ["-"]), ("pdfinfo", [])))
    if suffix in (".html", ".svg"):
        reader = _PageText()
        reader.feed(path.read_text(encoding="utf-8"))
        return "\n".join(reader.parts)
    if suffix in (".csv", ".json", ".txt", ".css", ".js"):
        return path.read_text(encoding="utf-8-sig")
    return ""


def _workbook_text(path: Path) -> str:
    parts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml") or name.endswith(MACHINERY):
                continue
            for element in ET.fromstring(archive.read(name)).iter():
                parts += [element.text or "", element.tail or ""]
                parts += [value for key, value in element.attrib.items()
                          if key not in SCHEMA_ATTRIBUTES]
    return "\n".join(part for part in parts if part.strip())


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts += [value for key, value in attrs
                       if value and key in ("href", "src", "title", "alt", "aria-label",
                                            "content")]


def test_no_illustrative_output_points_at_a_real_contact(outputs: Path) -> None:
    files = [path for path in sorted(outputs.rglob("*")) if path.is_file()]
    kinds = {path.suffix for path in files}
    assert {".xlsx", ".pdf", ".csv", ".json", ".html"} <= kinds, kinds
    offending = {}
    for path in files:
        text = readable_text(path)
        found = real_looking_contacts(text) + [a for a in AGENCY if a in text]
        if found:
            offending[str(path.relative_to(outputs))] = sorted(set(found))
    assert offending == {}


def test_the_review_workbooks_and_the_report_name_the_fictional_contact(outputs: Path) -> None:
    review = outputs / str(YEAR) / "review"
    guide = readable_text(review / "review_2026_25_norrbottens-lan.xlsx")
    assert "omfordelning@example.org" in guide and "000-000 00 00" in guide
    report = readable_text(review / "granskning_2026_25_norrbottens-lan.xlsx")
    assert "ILLUSTRATIVA UPPGIFTER" in report and "Luleå" in report


def test_a_planted_real_address_is_found(tmp_path: Path, outputs: Path) -> None:
    """The extraction reads what the scan needs: a cell, a header, a property, a validation."""
    workbook = load_workbook(outputs / str(YEAR) / "review" /
                             "review_2026_01_stockholms-lan.xlsx")
    places = {
        "cell": lambda w, text: setattr(w["Utkast"]["A2"], "value", text),
        "header": lambda w, text: setattr(w["Utkast"].oddHeader.left, "text", text),
        "property": lambda w, text: setattr(w.properties, "subject", text),
        "validation": lambda w, text: setattr(
            w["Omfördelning"].data_validations.dataValidation[0], "prompt", text),
    }
    for place, plant in places.items():
        workbook = load_workbook(outputs / str(YEAR) / "review" /
                                 "review_2026_01_stockholms-lan.xlsx")
        plant(workbook, "skriv till registrator@migrationsverket.se")
        workbook.save(tmp_path / f"{place}.xlsx")
        assert real_looking_contacts(readable_text(tmp_path / f"{place}.xlsx")) == [
            "registrator@migrationsverket.se"], place
