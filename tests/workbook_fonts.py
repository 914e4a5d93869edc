"""A written workbook's fonts as its styles part declares them, read from the file itself (not
from openpyxl's private attributes): every font, and the font of the Normal style, which empty
and unstyled cells use."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def declared_fonts(path: Path) -> tuple[list[tuple[str, float]], tuple[str, float]]:
    """(every font as (name, size), the Normal style's font)."""
    with zipfile.ZipFile(path) as archive:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    fonts = [(font.find(f"{_MAIN}name").get("val"), float(font.find(f"{_MAIN}sz").get("val")))
             for font in styles.find(f"{_MAIN}fonts")]
    normal = next(style for style in styles.find(f"{_MAIN}cellStyles")
                  if style.get("name") == "Normal")
    record = list(styles.find(f"{_MAIN}cellStyleXfs"))[int(normal.get("xfId"))]
    return fonts, fonts[int(record.get("fontId"))]
