"""The PDF edition of the final shares (andelstal): an accessible A4 document that explains
before it lists.

Set by typst (`share_table.typ` beside this module) as PDF/UA-1: a tagged structure tree with the
tables' header cells marked, the reading order of the text, the document language Swedish, and
title, author (the issuer) and date in the metadata. The text is Source Sans Pro (from the
`font-source-sans-pro` package), embedded. Every value reaches typst as JSON data and is placed as
text, so a name or reason holding typst markup prints as written. The creation date is the
publication date, so the same table gives the same bytes.

Page 1 states the version ("Version N, publicerad …" and, for a reissue, "Ersätter version N−1
av …. Skäl: …" with the changed rows listed), then how to read the table: what 1 ‰ means, one
worked example, why the expected children are not share × the planning figure. Each county is a
heading (a bookmark in the PDF's outline) over its own table, kept whole on one page; a reissue's
changed rows have a yellow background, bold figures and "(ändrad)" after the name. Every page
carries "Sida N av M" and, for illustrative data, a red mark; the last page is the technical
annex (hashes, run id), in Swedish and without the machine's paths.
"""

from __future__ import annotations

import json
from pathlib import Path

import font_source_sans_pro
import polars as pl
import typst

from pipeline.presentation.columns import SHARE_TABLE_NOTE
from pipeline.presentation.explanation import parameter_rows, public_sentences
from pipeline.presentation.formats import MISSING, PRINT, long_date
from pipeline.presentation.terms import NATIONAL, TOTAL
from pipeline.publication.guide import reading_guide
from pipeline.publication.table import (
    ILLUSTRATIVE_MARK,
    UNIT_COLUMNS,
    CountySection,
    PublicationInfo,
    county_sections,
    national_totals,
    publication_title,
    valid_from_text,
    with_context,
)
from pipeline.publication.texts import (
    change_lines,
    changes_heading,
    replaces_line,
    statistic_name,
    table_headers,
    version_line,
)

TEMPLATE = Path(__file__).with_name("share_table.typ")
FONT_FOLDER = Path(font_source_sans_pro.font_directory)
# Column widths in mm (178 mm of text width): code, name, then the numbers.
CODE_WIDTH, NAME_WIDTH, NUMBER_WIDTH = 19, 36, 17.5
CHANGED = "ändrad"
MARKED = f"med gul bakgrund, fet stil och ”{CHANGED}” efter kommunens namn"
CONTEXT_SUMS = ("previous_units", "change_units", "expected_children")


def write_share_pdf(path: Path, final: pl.DataFrame, info: PublicationInfo) -> None:
    """Write the final shares of `info.share_year` as an A4 PDF/UA-1 document to `path`."""
    data = json.dumps(document_data(final, info), ensure_ascii=False)
    pdf = typst.compile(TEMPLATE.read_bytes(), sys_inputs={"data": data},
                        pdf_standards=["ua-1"], font_paths=[str(FONT_FOLDER)],
                        ignore_system_fonts=True)
    Path(path).write_bytes(pdf)


def document_data(final: pl.DataFrame, info: PublicationInfo) -> dict[str, object]:
    """Everything the template prints, as plain JSON values (Swedish text, formatted numbers)."""
    final = with_context(final)
    shown = (final["previous_units"].null_count() < final.height,
             final["expected_children"].null_count() < final.height)
    headers = table_headers(info, *shown)
    title = publication_title(info.share_year)
    stamp = info.published_on or info.decision_date
    sections = county_sections(final)
    return {
        "title": title,
        "valid_from": valid_from_text(info.share_year),
        "version_line": version_line(info),
        "replaces_line": replaces_line(info),
        "decision_line": f"Beslutsdatum {long_date(info.decision_date)}",
        "issuer": info.issuer,
        "issuer_line": f"Utgivare: {info.issuer}",
        "diarienummer_line": f"Diarienummer: {info.diarienummer}",
        "contact_line": f"Kontakt: {info.contact}",
        "mark": ILLUSTRATIVE_MARK if info.illustrative else None,
        "changes_heading": changes_heading(info),
        "changes": change_lines(info, MARKED),
        "guide": reading_guide(final, info),
        "columns_note": SHARE_TABLE_NOTE,
        "headers": headers,
        "widths": [CODE_WIDTH, NAME_WIDTH] + [NUMBER_WIDTH] * (len(headers) - 2),
        "counties": [_county(section, info, shown) for section in sections],
        "summary": [[s.county_code, s.county_name,
                     *_total("", s.municipalities, s.totals, info.decimals, shown)[1:]]
                    for s in sections],
        "national": _total(NATIONAL, final, national_totals(final), info.decimals, shown),
        "redistributions": info.redistributions or ["Inga omfördelningar"],
        "model": public_sentences(info.parameters, info.decimals, info.share_year,
                                  info.share_year - int(info.parameters.get(
                                      "reference_year_offset", 2))),
        "parameters": [list(row) for row in parameter_rows(info.parameters, info.decimals)],
        "sources": [item.description or statistic_name(item.name) for item in info.inputs],
        "footer": f"{title} · version {info.version} · beslutsdatum "
                  f"{long_date(info.decision_date)}",
        "annex_lines": [
            f"Körnings-id: {info.run_id}",
            f"Parameteruppsättning: {info.parameter_set}",
            "Filernas namn, sökvägar och SHA-256 samt versionshistoriken finns i manifestet "
            f"publication_{info.share_year}.json.",
        ],
        "annex_inputs": [
            [statistic_name(item.name), f"SHA-256 {item.sha256}",
             "illustrativa uppgifter" if item.illustrative else "officiella uppgifter"]
            for item in info.inputs
        ],
        "date": [stamp.year, stamp.month, stamp.day],
    }


def _numbers(units, decimals: int) -> list[str]:
    return [PRINT.fixed(value, decimals) for value in units]


def _context(row: dict, decimals: int, shown: tuple[bool, bool]) -> list[str]:
    cells = []
    if shown[0]:
        cells += [PRINT.fixed(row["previous_units"], decimals),
                  PRINT.fixed(row["change_units"], decimals, signed=True)]
    if shown[1]:
        expected = row["expected_children"]
        cells.append(MISSING if expected is None else PRINT.integer(expected))
    return cells


def _total(label: str, part: pl.DataFrame, totals, decimals: int,
           shown: tuple[bool, bool]) -> list[str]:
    sums = {c: part[c].sum() if part[c].null_count() < part.height else None
            for c in CONTEXT_SUMS}
    return [label, *_numbers(totals, decimals), *_context(sums, decimals, shown)]


def _county(section: CountySection, info: PublicationInfo,
            shown: tuple[bool, bool]) -> dict[str, object]:
    rows = []
    for row in section.municipalities.iter_rows(named=True):
        changed = row["changed_from_version"] is not None
        name = f"{row['municipality_name']} ({CHANGED})" if changed else row["municipality_name"]
        rows.append({"changed": changed, "cells": [
            row["municipality_code"], name,
            *_numbers((row[c] for c in UNIT_COLUMNS), info.decimals),
            *_context(row, info.decimals, shown)]})
    return {
        "heading": f"{section.county_code} {section.county_name}",
        "rows": rows,
        "total": _total(f"{TOTAL} {section.county_name}", section.municipalities,
                        section.totals, info.decimals, shown),
    }
