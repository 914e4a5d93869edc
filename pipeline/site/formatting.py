"""Swedish number and date formats: decimal comma, a no-break space between thousands and
before the unit ("1 234", "97,3 %", "2,15 ‰", "27 november 2026")."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MINUS = "\u2212"
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")
MISSING = "–"


def integer(value: int) -> str:
    """1234567 -> "1 234 567" (no-break spaces), −5 with a real minus sign."""
    text = f"{abs(int(value)):,}".replace(",", NBSP)
    return (MINUS if value < 0 else "") + text


def decimal(value: float | Decimal | None, places: int) -> str:
    """A number rounded half up to `places` decimals with a decimal comma and grouped
    thousands; None gives "–"."""
    if value is None:
        return MISSING
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = MINUS if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    text = integer(int(whole))
    return sign + (f"{text},{fraction}" if places else text)


def percent(value: float | None, places: int = 1) -> str:
    """97.3 -> "97,3 %"; None (no target) -> "–"."""
    return MISSING if value is None else f"{decimal(value, places)}{NBSP}%"


def promille_units(units: int, decimals: int) -> str:
    """Exact: 215 units at 2 decimals -> "2,15 ‰"."""
    whole, fraction = divmod(abs(int(units)), 10**decimals)
    text = integer(whole) + (f",{fraction:0{decimals}d}" if decimals else "")
    return ("" if units >= 0 else MINUS) + text + f"{NBSP}‰"


def long_date(day: date) -> str:
    """2026-11-27 -> "27 november 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
