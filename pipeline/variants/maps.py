"""A choropleth map of each variant's difference from the standard, for the memo: the site's map
of Sweden (`pipeline.core.geography`: the same boundaries, projection and white borders), each
municipality filled by the class of its difference.

Seven classes around "oförändrad", split at 0.10 ‰ (the comparison's notable change) and 0.50 ‰,
compared exactly in units. The palette is ColorBrewer's PuOr (colour-blind safe, diverging):
orange for a smaller share than the standard, purple for a larger one, grey for the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.core.geography import Projected
from pipeline.presentation.formats import PRINT

PALETTE = ("#b35806", "#f1a340", "#fee0b6", "#e3e3e3", "#d8daeb", "#998ec3", "#542788")
UNCHANGED = 3
BORDER = 'stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round"'
# The class limits in tenths of a promille: 0.10 ‰ and 0.50 ‰.
_LIMITS_TENTHS = (1, 5)


@dataclass(frozen=True)
class Legend:
    colour: str
    label: str


def difference_class(difference_units: int, decimals: int) -> int:
    """0–2 smaller than the standard (by 0.50 ‰ or more, 0.10–0.49 ‰, less than 0.10 ‰),
    3 the same, 4–6 larger (less than 0.10 ‰, 0.10–0.49 ‰, 0.50 ‰ or more)."""
    if difference_units == 0:
        return UNCHANGED
    # |d| / 10^decimals ≥ t / 10  ⇔  |d| · 10 ≥ t · 10^decimals, in integers.
    steps = sum(abs(difference_units) * 10 >= tenths * 10**decimals for tenths in _LIMITS_TENTHS)
    return UNCHANGED - 1 - steps if difference_units < 0 else UNCHANGED + 1 + steps


def legend(decimals: int) -> list[Legend]:
    """The classes in Swedish, from the largest decrease to the largest increase."""
    low, high = (tenths * 10**decimals // 10 for tenths in _LIMITS_TENTHS)

    def shown(units: int) -> str:
        return f"{PRINT.fixed(units, decimals)} ‰"

    below_high = shown(high - 1)
    labels = (f"minskar {shown(high)} eller mer", f"minskar {PRINT.fixed(low, decimals)}–"
              f"{below_high}", f"minskar mindre än {shown(low)}", "oförändrad",
              f"ökar mindre än {shown(low)}", f"ökar {PRINT.fixed(low, decimals)}–{below_high}",
              f"ökar {shown(high)} eller mer")
    return [Legend(colour, label) for colour, label in zip(PALETTE, labels, strict=True)]


def difference_svg(projected: Projected, differences: Mapping[str, int], decimals: int) -> str:
    """The map as a standalone SVG document: one path per municipality, filled by its class."""
    paths = "".join(
        f'<path fill="{PALETTE[difference_class(differences[code], decimals)]}" d="{data}"/>'
        for code, data in projected.paths.items())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {projected.width} '
            f'{projected.height}" width="{projected.width}" height="{projected.height}">'
            f'<g {BORDER}>{paths}</g></svg>')


def description(title: str, standard_title: str, differences: Mapping[str, int],
                decimals: int) -> str:
    """The map in words, its text alternative: how many municipalities get a smaller, the same
    and a larger share, and how many of them by at least 0.10 ‰."""
    classes = [difference_class(units, decimals) for units in differences.values()]
    smaller = sum(c < UNCHANGED for c in classes)
    larger = sum(c > UNCHANGED for c in classes)
    notable_smaller = sum(c < UNCHANGED - 1 for c in classes)
    notable_larger = sum(c > UNCHANGED + 1 for c in classes)
    low = f"{PRINT.fixed(10**decimals // 10, decimals)} ‰"
    return (f"Karta över Sveriges kommuner, {title}: skillnad mot {standard_title.lower()}. "
            f"{larger} kommuner får en större andel ({notable_larger} med minst {low}), "
            f"{smaller} en mindre ({notable_smaller} med minst {low}) och "
            f"{len(classes) - smaller - larger} samma andel.")
