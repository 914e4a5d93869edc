"""The PDF edition of the final shares (kommunandelar): an A4 table by county, ready to print.

The text is set in Bitstream Vera (shipped with reportlab), embedded so å, ä, ö, ‰ and the en dash
render everywhere. Promille values use a decimal comma and a space as thousands separator
("1 000,00"), as Swedish official tables do. Every page carries "Sida N av M" and, for illustrative
data, a red mark. The document is built in reportlab's invariant mode, so the same input gives the
same bytes.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl
import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pipeline.core.units import units_to_text
from pipeline.publication.table import (
    ILLUSTRATIVE_MARK,
    PUBLISHER,
    UNIT_COLUMNS,
    PublicationInfo,
    county_sections,
    national_totals,
    publication_title,
    valid_from_text,
)

FONT = "Vera"
FONT_BOLD = "Vera-Bold"
HEADERS = ("Kommunkod", "Kommun", "Beräknad ‰", "Lämnad ‰", "Mottagen ‰", "Andel ‰")
COLUMN_WIDTHS = (25 * mm, 49 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm)
MARGIN = 18 * mm
RED = colors.HexColor("#C00000")
GREY = colors.HexColor("#E7E6E6")
BLUE = colors.HexColor("#D9E1F2")
EXPLANATION = (
    "Andel i promille (‰) av alla anvisningar av ensamkommande barn under året. Beräknad andel "
    "enligt fördelningsmodellen; lämnad och mottagen andel genom omfördelning mellan kommuner i "
    "samma län. Andel = beräknad − lämnad + mottagen."
)


def write_share_pdf(path: Path, final: pl.DataFrame, info: PublicationInfo) -> None:
    """Write the final shares of `info.share_year` as an A4 PDF to `path`."""
    _register_fonts()
    title = publication_title(info.share_year)
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN,
        title=title,
        author=PUBLISHER,
        creator=PUBLISHER,
        subject=f"{valid_from_text(info.share_year)}; parameteruppsättning {info.parameter_set}",
        initialFontName=FONT,
        invariant=1,
    )
    footer = f"{title} · Beslutsdatum {info.decision_date.isoformat()}"
    mark = ILLUSTRATIVE_MARK if info.illustrative else None
    canvas_maker = partial(_NumberedCanvas, footer=footer, mark=mark)
    document.build(_story(final, info), canvasmaker=canvas_maker)


def promille_text(units: int, decimals: int) -> str:
    """Swedish form of a share: decimal comma, space between thousands ("1 000,00")."""
    text = units_to_text(units, decimals, decimal_separator=",")
    whole, comma, fraction = text.partition(",")
    grouped = f"{int(whole):,}".replace(",", " ")
    return grouped + comma + fraction


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=13, leading=17),
        "valid": ParagraphStyle("valid", parent=body, fontName=FONT_BOLD, fontSize=11, leading=15),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=10,
                                  leading=14, spaceBefore=8, spaceAfter=2),
        "mark": ParagraphStyle("mark", parent=body, fontName=FONT_BOLD, fontSize=11, leading=15,
                               textColor=colors.white, backColor=RED, borderPadding=4,
                               alignment=1, spaceBefore=4, spaceAfter=6),
    }


def _story(final: pl.DataFrame, info: PublicationInfo) -> list:
    styles = _styles()
    story: list = [
        Paragraph(escape(publication_title(info.share_year)), styles["title"]),
        Paragraph(escape(valid_from_text(info.share_year)), styles["valid"]),
        Paragraph(f"Beslutsdatum {info.decision_date.isoformat()}", styles["body"]),
        Paragraph(f"Parameteruppsättning {escape(info.parameter_set)}", styles["body"]),
    ]
    if info.illustrative:
        story.append(Paragraph(ILLUSTRATIVE_MARK, styles["mark"]))
    story += [
        Spacer(1, 3 * mm),
        Paragraph(EXPLANATION, styles["small"]),
        Spacer(1, 3 * mm),
        _table(final, info.decimals),
        Paragraph("Omfördelningar", styles["heading"]),
        *(
            Paragraph(escape(note), styles["body"])
            for note in info.redistributions or ["Inga omfördelningar"]
        ),
        Paragraph("Underlag", styles["heading"]),
        *(
            Paragraph(
                f"{escape(item.name)}: SHA-256 {item.sha256[:16]}… "
                f"({'illustrativ' if item.illustrative else 'officiell'})",
                styles["small"],
            )
            for item in info.inputs
        ),
        Paragraph(f"Körnings-id {escape(info.run_id)}", styles["small"]),
    ]
    return story


def _table(final: pl.DataFrame, decimals: int) -> Table:
    rows: list[list[str]] = [list(HEADERS)]
    style: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("BACKGROUND", (0, 0), (-1, 0), BLUE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
    ]

    def numbers(units: tuple[int, ...] | list[int]) -> list[str]:
        return [promille_text(value, decimals) for value in units]

    for section in county_sections(final):
        heading = len(rows)
        rows.append([f"{section.county_code} {section.county_name}", "", "", "", "", ""])
        style += [
            ("SPAN", (0, heading), (-1, heading)),
            ("FONTNAME", (0, heading), (-1, heading), FONT_BOLD),
            ("BACKGROUND", (0, heading), (-1, heading), GREY),
            ("TOPPADDING", (0, heading), (-1, heading), 3),
            ("NOSPLIT", (0, heading), (-1, heading + 1)),
        ]
        for row in section.municipalities.iter_rows(named=True):
            units = [row[column] for column in UNIT_COLUMNS]
            rows.append([row["municipality_code"], row["municipality_name"], *numbers(units)])
        subtotal = len(rows)
        rows.append([f"Summa {section.county_name}", "", *numbers(section.totals)])
        style += [
            ("SPAN", (0, subtotal), (1, subtotal)),
            ("FONTNAME", (0, subtotal), (-1, subtotal), FONT_BOLD),
            ("LINEABOVE", (0, subtotal), (-1, subtotal), 0.5, colors.black),
            ("NOSPLIT", (0, subtotal - 1), (-1, subtotal)),
        ]
    national = len(rows)
    rows.append(["Riket", "", *numbers(national_totals(final))])
    style += [
        ("SPAN", (0, national), (1, national)),
        ("FONTNAME", (0, national), (-1, national), FONT_BOLD),
        ("TOPPADDING", (0, national), (-1, national), 3),
        ("LINEABOVE", (0, national), (-1, national), 1.2, colors.black),
        ("LINEBELOW", (0, national), (-1, national), 1.2, colors.black),
    ]
    return Table(rows, colWidths=COLUMN_WIDTHS, repeatRows=1, style=TableStyle(style),
                 hAlign="LEFT")


class _NumberedCanvas(Canvas):
    """Holds each page until the count is known, then stamps "Sida N av M" and the mark."""

    def __init__(self, *args: object, footer: str, mark: str | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._mark = mark
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self._decorate(number, len(self._pages))
            super().showPage()
        super().save()

    def _decorate(self, number: int, total: int) -> None:
        width, height = A4
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setFillColor(colors.black)
        self.drawString(MARGIN, MARGIN - 8 * mm, self._footer)
        self.drawRightString(width - MARGIN, MARGIN - 8 * mm, f"Sida {number} av {total}")
        if self._mark:
            self.setFillColor(RED)
            self.setStrokeColor(RED)
            self.setFont(FONT_BOLD, 10)
            self.drawCentredString(width / 2, height - MARGIN + 1 * mm, self._mark)
            self.setLineWidth(1)
            self.line(MARGIN, height - MARGIN - 1 * mm, width - MARGIN, height - MARGIN - 1 * mm)
        self.restoreState()
