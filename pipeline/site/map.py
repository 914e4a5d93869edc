"""The choropleth map: the boundaries projected once to SVG path data
(`pipeline.core.geography`), coloured by class. Each municipality is one <path> with
`data-code`, classes for its goal-fulfilment class (`f0`…`f5`, `fn` without a target) and share
class (`s0`…`s5`), and an accessible name. The CSS colours the classes; a `:target` switch (no
JavaScript) shows the share classes instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from pipeline.core.geography import Projected
from pipeline.presentation.formats import WEB

# Colour-blind-safe sequential palette (viridis, 6 classes), dark to light.
PALETTE = ("#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#fde725")
NO_VALUE = "#e0e0e0"
FULFILMENT_BREAKS = (96.0, 98.0, 100.0, 102.0, 104.0)  # %
SHARE_BREAKS = (1.1, 1.5, 2.0, 4.0, 8.0)  # ‰


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    """The class (0 = lowest) of a value between the breaks; None for no value."""
    if value is None:
        return None
    return sum(value >= b for b in breaks)


def legend_labels(breaks: Sequence[float], unit: str, places: int) -> list[str]:
    """"under 96,0 %", "96,0–97,9 %", …, "104,0 % och mer" (Swedish number format)."""
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


def svg(projected: Projected, regions: Sequence[Region], title: str) -> str:
    """The map as an inline <svg>: one link and <path> per municipality."""
    out = [f'<svg class="map" viewBox="0 0 {projected.width} {projected.height}" '
           f'role="group" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for region in regions:
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
    rules += [f"#visa-andel:target .map .s{i}{{fill:{c}}}" for i, c in enumerate(PALETTE)]
    rules.append(f"#visa-andel:target .map .sn{{fill:{NO_VALUE}}}")
    rules += [f".sw.c{i}{{background:{c}}}" for i, c in enumerate(PALETTE)]
    rules.append(f".sw.cn{{background:{NO_VALUE}}}")
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
