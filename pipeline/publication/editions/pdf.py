"""The PDF edition of the final shares (kommunandelar): an accessible A4 table by county.

Set by typst (`share_table.typ` beside this module) as PDF/UA-1: a tagged structure tree with the
table's header cells marked, the reading order of the text, the document language Swedish, and
title, author (the issuer) and date in the metadata. The text is Source Sans Pro (from the
`font-source-sans-pro` package), embedded. Every value reaches typst as JSON data and is placed as
text, so a name or reason holding typst markup prints as written. The creation date is the
publication date, so the same table gives the same bytes.

Page 1 states the version ("Version N, publicerad …" and, for a reissue, "Ersätter version N−1
av …. Skäl: …"); every page carries "Sida N av M" and, for illustrative data, a red mark; the
last page is the technical annex (file hashes, run id).
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
from pipeline.publication.table import (
    ILLUSTRATIVE_MARK,
    UNIT_COLUMNS,
    PublicationInfo,
    county_sections,
    national_totals,
    publication_title,
    valid_from_text,
    with_context,
)
from pipeline.publication.texts import (
    expected_note,
    replaces_line,
    statistic_name,
    table_headers,
    version_line,
)

TEMPLATE = Path(__file__).with_name("share_table.typ")
FONT_FOLDER = Path(font_source_sans_pro.font_directory)
# Column widths in mm (178 mm of text width): code, name, then the numbers.
CODE_WIDTH, NAME_WIDTH, NUMBER_WIDTH = 19, 36, 17.5


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
    has_previous = final["previous_units"].null_count() < final.height
    has_expected = final["expected_children"].null_count() < final.height
    headers = table_headers(info, has_previous, has_expected)
    title = publication_title(info.share_year)
    stamp = info.published_on or info.decision_date
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
        "explanation": [SHARE_TABLE_NOTE],
        "headers": headers,
        "widths": [CODE_WIDTH, NAME_WIDTH] + [NUMBER_WIDTH] * (len(headers) - 2),
        "rows": _rows(final, info.decimals, has_previous, has_expected),
        "redistributions": info.redistributions or ["Inga omfördelningar"],
        "expected_note": expected_note(info) if has_expected else None,
        "model": public_sentences(info.parameters, info.decimals, info.share_year,
                                  info.share_year - int(info.parameters.get(
                                      "reference_year_offset", 2))),
        "parameters": [list(row) for row in parameter_rows(info.parameters, info.decimals)],
        "sources": [item.description or item.name for item in info.inputs],
        "footer": f"{title} · version {info.version} · beslutsdatum "
                  f"{long_date(info.decision_date)}",
        "annex_lines": [
            f"Körnings-id: {info.run_id}",
            f"Parameteruppsättning: {info.parameter_set}",
            "Filernas SHA-256 och versionshistoriken finns i manifestet "
            f"publication_{info.share_year}.json.",
        ],
        "annex_inputs": [
            [statistic_name(item.name), item.path, f"SHA-256 {item.sha256}",
             "illustrativa uppgifter" if item.illustrative else "officiella uppgifter"]
            for item in info.inputs
        ],
        "date": [stamp.year, stamp.month, stamp.day],
    }


def _rows(final: pl.DataFrame, decimals: int, has_previous: bool,
          has_expected: bool) -> list[dict[str, object]]:
    def numbers(units) -> list[str]:
        return [PRINT.fixed(value, decimals) for value in units]

    def context(row: dict) -> list[str]:
        cells = []
        if has_previous:
            previous, change = row["previous_units"], row["change_units"]
            cells += [PRINT.fixed(previous, decimals),
                      PRINT.fixed(change, decimals, signed=True)]
        if has_expected:
            expected = row["expected_children"]
            cells.append(MISSING if expected is None else str(expected))
        return cells

    def total(label: str, part: pl.DataFrame, totals, kind: str) -> dict[str, object]:
        sums = {c: part[c].sum() if part[c].null_count() < part.height else None
                for c in ("previous_units", "change_units", "expected_children")}
        return {"kind": kind, "cells": [label, *numbers(totals), *context(sums)]}

    rows: list[dict[str, object]] = []
    for section in county_sections(final):
        rows.append({"kind": "county",
                     "cells": [f"{section.county_code} {section.county_name}"]})
        for row in section.municipalities.iter_rows(named=True):
            rows.append({"kind": "municipality", "cells": [
                row["municipality_code"], row["municipality_name"],
                *numbers(row[c] for c in UNIT_COLUMNS), *context(row)]})
        rows.append(total(f"{TOTAL} {section.county_name}", section.municipalities,
                          section.totals, "subtotal"))
    rows.append(total(NATIONAL, final, national_totals(final), "national"))
    return rows
