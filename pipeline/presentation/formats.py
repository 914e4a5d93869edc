"""Swedish number, promille and date formats: the one home of how a figure is written.

A decimal comma everywhere. The media differ only in what stands between the digits:

- `PRINT` (the PDF and the texts of the workbooks): a space between thousands and a real minus
  sign, "1 000,00" and "−0,25".
- `WEB` (the site, and the review workbook's guide, where a figure must not break across a line):
  no-break spaces between thousands and before a unit, "1 234", "2,15 ‰", "97,3 %".
- `PLAIN` (the CSV for Swedish Excel, which Excel must read back as numbers; the forms' messages,
  which quote an amount as a county board types it; the December review tables of the Dagster
  metadata): no grouping and the hyphen, "1000,00" and "-0,25".

Shares are exact: `fixed` writes a whole number of 10^-decimals units digit for digit; only
`decimal` rounds (half up), for figures that are fractional already (targets, percentages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MINUS = "\u2212"
MISSING = "–"  # an empty cell of a table: no value, not zero

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")
# The abbreviations a county board writes in a date ("5 dec 2025"); each names exactly one month.
MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
                       "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12}
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
_MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS, start=1)}


@dataclass(frozen=True)
class Numbers:
    """Swedish numbers for one medium: `group` between thousands, `minus` before a negative
    number, `unit_space` between a number and its unit (‰, %)."""

    group: str
    minus: str
    unit_space: str

    def integer(self, value: int) -> str:
        """1234567 -> "1 234 567" (with this medium's space); -5 -> "−5"."""
        digits = f"{abs(int(value)):,}".replace(",", self.group)
        return (self.minus if value < 0 else "") + digits

    def fixed(self, units: int | None, decimals: int, *, signed: bool = False) -> str:
        """Exact: a whole number of 10^-decimals units, (347, 2) -> "3,47"; `signed` writes a
        plus sign before a positive number (a change); None -> "–"."""
        if units is None:
            return MISSING
        whole, fraction = divmod(abs(int(units)), 10**decimals)
        digits = self.integer(whole) + (f",{fraction:0{decimals}d}" if decimals else "")
        sign = self.minus if units < 0 else ("+" if signed and units > 0 else "")
        return sign + digits

    def decimal(self, value: float | Decimal | None, places: int) -> str:
        """Rounded half up to `places` decimals: (97.25, 1) -> "97,3"; None -> "–"."""
        if value is None:
            return MISSING
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        whole, _, fraction = f"{abs(rounded):f}".partition(".")
        digits = self.integer(int(whole)) + (f",{fraction}" if places else "")
        return (self.minus if rounded < 0 else "") + digits

    def number(self, value: float, places: int | None = None) -> str:
        """A value as it is written, never grouped (a parameter, a typed cell): the shortest text
        that reads back to it, 0.5 -> "0,5", 1.0 -> "1"; or with `places` decimals, "1,00"."""
        if places is not None:
            text = f"{value:.{places}f}"
        else:
            text = format(Decimal(repr(value)), "f").removesuffix(".0")
        return text.replace("-", self.minus).replace(".", ",")

    def quantity(self, value: float, places: int, unit: str) -> str:
        """A rounded value with its unit: (2.0, 2, "‰") -> "2,00 ‰"."""
        return f"{self.decimal(value, places)}{self.unit_space}{unit}"

    def percent(self, value: float | None, places: int = 1) -> str:
        """97.3 -> "97,3 %"; None (no target) -> "–"."""
        return MISSING if value is None else self.quantity(value, places, "%")

    def promille(self, units: int, decimals: int) -> str:
        """Exact, with the unit: (215, 2) -> "2,15 ‰"."""
        return f"{self.fixed(units, decimals)}{self.unit_space}‰"


PRINT = Numbers(group=" ", minus=MINUS, unit_space=" ")
WEB = Numbers(group=NBSP, minus=MINUS, unit_space=NBSP)
PLAIN = Numbers(group="", minus="-", unit_space=" ")


def long_date(day: date) -> str:
    """2026-11-27 -> "27 november 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def weekday_date(day: date) -> str:
    """2025-12-05 -> "fredag 5 december 2025"."""
    return f"{WEEKDAYS[day.weekday()]} {long_date(day)}"


def month_number(word: str) -> int | None:
    """The month a Swedish month name or its usual abbreviation names, in any case ("December",
    "dec", "sept" -> 12, 12, 9); None for any other word."""
    folded = word.casefold()
    return _MONTH_NUMBERS.get(folded) or MONTH_ABBREVIATIONS.get(folded)
