"""Promille shares as exact integers in the smallest published unit (10^-decimals ‰).

With the default `decimals = 2` a share of 3.47 ‰ is held as 347 units; the national total is
exactly 100 000 units. Floats exist only in the unrounded model, never in sums that must be exact.
"""

from __future__ import annotations

import re

import polars as pl

_PROMILLE_TEXT = re.compile(r"^([0-9]+)(?:[.,]([0-9]+))?$")


def total_units(decimals: int) -> int:
    """The national total, 1000 ‰, in units of 10^-decimals ‰."""
    return 1000 * 10**decimals


def units_to_text(units: int, decimals: int) -> str:
    """Exact decimal text of a share for machines (CSV, logs): 347 units at 2 decimals ->
    "3.47". Swedish text is `pipeline.presentation.formats`."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(int(units)), 10**decimals)
    if decimals == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:0{decimals}d}"


def parse_promille(text: str, decimals: int) -> int:
    """Parse "3.47" or "3,47" into units; ValueError if it is not a plain non-negative decimal or
    has more than `decimals` decimals."""
    match = _PROMILLE_TEXT.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a non-negative decimal number")
    whole, frac = match.group(1), match.group(2) or ""
    if len(frac.rstrip("0")) > decimals:
        raise ValueError(f"{text!r} has more than {decimals} decimals")
    frac = frac[:decimals].ljust(decimals, "0")
    return int(whole) * 10**decimals + (int(frac) if frac else 0)


def promille_text(column: str, decimals: int) -> pl.Expr:
    """A column of units as exact decimal text ("3.47"); nulls stay null."""
    return pl.col(column).map_elements(lambda units: units_to_text(units, decimals),
                                       return_dtype=pl.String)
