"""The choropleth map: the boundaries projected once to SVG path data
(`pipeline.core.geography`, shared with the variants memo's maps), coloured by class. Each
municipality is one <path> with
`data-code`, classes for its goal-fulfilment class (`f0`…`f6`, `fn` without a target) and share
class (`s0`…`s5`, `sn` for share 0), and an accessible name. The CSS colours the classes; a
`:target` switch (no JavaScript) shows the share classes instead.

Goal fulfilment is coloured on a diverging scale around 100 %: orange below (fewer children
than the share implies), purple above, darker further from 100 %; the outer classes stand alone
(under 95 %, 150 % and more), so an extreme is never lumped with the ordinary. Shares are
coloured on a sequential scale, darker for a larger share, with the metropolitan shares of 20 ‰
and more in a class of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from pipeline.core.geography import Projected
from pipeline.presentation.formats import WEB

# Goal fulfilment: ColorBrewer's colour-blind-safe diverging PuOr, three classes below 100 %
# and four above (the spread above is wider: a municipality far above had connection
# assignments the rule cannot hold back).
PALETTE = ("#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#b2abd2", "#8073ac", "#542788")
FULFILMENT_BREAKS = (95.0, 98.0, 100.0, 105.0, 120.0, 150.0)  # %
# Shares: viridis (colour-blind safe), light for a small share, dark for a large one.
SHARE_PALETTE = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
SHARE_BREAKS = (1.5, 2.0, 4.0, 8.0, 20.0)  # ‰
NO_VALUE = "#bdbdbd"


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """The class (0 = lowest) of a value between the breaks; None for no value."""
    if value is None:
        return None
    return sum(value >= b for b in breaks)


def legend_labels(breaks: Sequence[float], unit: str, places: int) -> list[str]:
    """"under 95,0 %", "95,0–97,9 %", …, "150,0 % och mer" (Swedish number format)."""
    step = 10**-places
    labels = [f"under {WEB.quantity(breaks[0], places, unit)}"]
    for low, high in zip(breaks, breaks[1:], strict=False):
        labels.append(f"{WEB.decimal(low, places)}–{WEB.quantity(high - step, places, unit)}")
    labels.append(f"{WEB.quantity(breaks[-1], places, unit)} och mer")
    return labels


@dataclass(frozen=True)
class Region:
    code: str
    href: str
    label: str
    fulfilment_class: int | None
    share_class: int | None


def svg(projected: Projected, regions: Sequence[Region], title: str, klass: str = "map") -> str:
    """The map as an inline <svg>: one link and <path> per municipality of `regions` that
    `projected` has a shape for."""
    out = [f'<svg class="{klass}" viewBox="0 0 {projected.width} {projected.height}" '
           f'role="group" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for region in regions:
        if region.code not in projected.paths:
            continue
        classes = (f"f{region.fulfilment_class}" if region.fulfilment_class is not None
                   else "fn") + (f" s{region.share_class}" if region.share_class is not None
                                 else " sn")
        label = escape(region.label)
        out.append(f'<a href="{escape(region.href)}" tabindex="-1" aria-label="{label}">'
                   f'<path data-code="{region.code}" class="{classes}" '
                   f'd="{projected.paths[region.code]}"><title>{label}</title></path></a>')
    out.append("</svg>")
    return "".join(out)


def css() -> str:
    """Colours of the classes: goal fulfilment by default, shares under #visa-andel:target."""
    rules = [f".map .f{i}{{fill:{c}}}" for i, c in enumerate(PALETTE)]
    rules.append(f".map .fn{{fill:{NO_VALUE}}}")
    rules += [f"#visa-andel:target .map .s{i}{{fill:{c}}}" for i, c in enumerate(SHARE_PALETTE)]
    rules.append(f"#visa-andel:target .map .sn{{fill:{NO_VALUE}}}")
    rules += [f".sw.f{i}{{background:{c}}}" for i, c in enumerate(PALETTE)]
    rules += [f".sw.s{i}{{background:{c}}}" for i, c in enumerate(SHARE_PALETTE)]
    rules.append(f".sw.fn,.sw.sn{{background:{NO_VALUE}}}")
    return "\n".join(rules)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with the background."""
    return "#000000" if contrast("#000000", background) >= contrast("#ffffff", background) \
        else "#ffffff"
