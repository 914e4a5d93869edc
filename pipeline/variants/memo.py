"""The memo for the decision makers, "Underlag för förslag till andelstal <Y>": the variants in
plain Swedish, what each moves (the summary), the county totals and a map of each variant's
difference from the standard.

Set by typst (`memo.typ` beside this module) as PDF/UA-1 like the published table's PDF: tagged,
Swedish, the title and author in the metadata, Source Sans Pro embedded, each map an SVG image
with a text alternative. Every value reaches typst as JSON and is placed as text. The memo's date
is its creation date, so the same comparison on the same day gives the same bytes.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import font_source_sans_pro
import typst

from pipeline.core.geography import BOUNDARIES_SOURCE, Projected
from pipeline.core.units import total_units
from pipeline.presentation.formats import PRINT
from pipeline.publication.table import ILLUSTRATIVE_MARK
from pipeline.variants import maps, texts
from pipeline.variants.comparison import Comparison

TEMPLATE = Path(__file__).with_name("memo.typ")
FONT_FOLDER = Path(font_source_sans_pro.font_directory)
MAPS_PER_ROW = 4  # Sweden is tall: four maps side by side are each about 100 mm high on A4


def memo_pdf(comparison: Comparison, projected: Projected, illustrative: bool, today: date,
             author: str) -> bytes:
    """The memo as PDF/UA-1 bytes (written by the caller, atomically)."""
    data = json.dumps(memo_data(comparison, projected, illustrative, today, author),
                      ensure_ascii=False)
    return typst.compile(TEMPLATE.read_bytes(), sys_inputs={"data": data},
                         pdf_standards=["ua-1"], font_paths=[str(FONT_FOLDER)],
                         ignore_system_fonts=True)


def memo_data(comparison: Comparison, projected: Projected, illustrative: bool, today: date,
              author: str) -> dict[str, object]:
    """Everything the template prints, as plain JSON values (Swedish text, formatted numbers)."""
    decimals = comparison.decimals
    standard = comparison.standard
    title = texts.title(comparison.share_year)
    return {
        "title": title,
        "subtitle": texts.subtitle(comparison, today),
        "author": author,
        "mark": ILLUSTRATIVE_MARK if illustrative else None,
        "introduction": texts.introduction(comparison),
        "variants": [{"title": variant.title, "description": variant.description,
                      "changes": texts.parameter_changes(variant, standard, decimals)}
                     for variant in comparison.variants],
        "summary": _summary(comparison),
        "counties": _counties(comparison),
        "maps_heading": f"Kartor: skillnad mot {standard.title.lower()}",
        "legend_heading": f"Skillnad mot {standard.title.lower()}",
        "maps_note": (f"Varje kommun är färgad efter skillnaden mellan variantens andel och "
                      f"andelen enligt {standard.title.lower()}, i promille."),
        "map_columns": min(MAPS_PER_ROW, max(1, len(comparison.others))),
        "maps": [_map(comparison, projected, variant.name) for variant in comparison.others],
        "legend": [{"colour": item.colour, "label": item.label}
                   for item in maps.legend(decimals)],
        "source": f"{BOUNDARIES_SOURCE}.",
        "footer": f"{title} · {texts.ILLUSTRATIVE.lower()}" if illustrative else title,
        "date": [today.year, today.month, today.day],
    }


def _summary(comparison: Comparison) -> dict[str, object]:
    decimals = comparison.decimals
    rows = [{"total": False, "cells": [
        row["title"], str(row["at_floor"]), str(row["changed"]),
        PRINT.fixed(row["moved_between_municipalities_units"], decimals),
        PRINT.fixed(row["moved_between_counties_units"], decimals)]}
        for row in comparison.summary.iter_rows(named=True)]
    return {"headers": list(texts.SUMMARY_HEADINGS), "rows": rows}


def _counties(comparison: Comparison) -> dict[str, object]:
    """The standard's county totals and each variant's difference from them."""
    decimals = comparison.decimals
    counties = comparison.counties
    standard = counties.filter(counties["variant"] == comparison.standard.name)
    differences = {variant.name: counties.filter(counties["variant"] == variant.name)
                   ["difference_units"].to_list() for variant in comparison.others}
    rows = []
    for index, county in enumerate(standard.iter_rows(named=True)):
        rows.append({"total": False, "cells": [
            county["county_name"], PRINT.fixed(county["share_units"], decimals),
            *[PRINT.fixed(values[index], decimals, signed=True)
              for values in differences.values()]]})
    rows.append({"total": True, "cells": [
        "Riket", PRINT.fixed(total_units(decimals), decimals),
        *[PRINT.fixed(sum(values), decimals, signed=True) for values in differences.values()]]})
    return {
        "note": (f"Länets summa enligt {comparison.standard.title.lower()} och, för varje "
                 f"variant, skillnaden mot den ({texts.DIFFERENCE})."),
        "headers": ["Län", f"{comparison.standard.title} ‰",
                    *[variant.title for variant in comparison.others]],
        "rows": rows,
    }


def _map(comparison: Comparison, projected: Projected, name: str) -> dict[str, str]:
    variant = next(v for v in comparison.variants if v.name == name)
    rows = comparison.municipalities.filter(comparison.municipalities["variant"] == name)
    differences = dict(zip(rows["municipality_code"], rows["difference_units"], strict=True))
    return {"title": variant.title,
            "svg": maps.difference_svg(projected, differences, comparison.decimals),
            "alt": maps.description(variant.title, comparison.standard.title, differences,
                                    comparison.decimals)}
