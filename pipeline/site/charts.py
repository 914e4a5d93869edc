"""Charts as inline SVG written directly from templates: bars, stacked bars and a line.

No plotting library: a chart is a few dozen rectangles, lines and labels, so writing them as text
costs microseconds, where drawing ~1 000 charts with matplotlib took most of a site build.

Every chart has the view box `WIDTH` × `HEIGHT`; the page scales it to the column's width. Its
text is sized by the stylesheet in view-box units: 13 units on a wide screen, where the chart is
drawn at most 1:1; 20 units on a narrow one (`static.py`), where the chart is shrunk to about
0.58 of its size, so that no label ends up under 11 px. On a narrow screen every other year label
is hidden (class `minor`), so the larger labels never overlap; the table under each chart lists
every year. Each chart is `role="img"` with an accessible name that lists its values, and each
bar or point has a `<title>` for the pointer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from html import escape

from pipeline.presentation.formats import NBSP, WEB, long_date

EQUALISING_COLOUR = "#0072b2"  # Okabe–Ito blue, 5.2:1 on white
CONNECTION_COLOUR = "#d55e00"  # Okabe–Ito vermillion, 3.9:1 on white
LINE_COLOUR = "#222222"

WIDTH, HEIGHT = 600, 240
# The plot area: room on the left for the y labels at the narrow screen's larger text, on the
# right for half of the last year label, and below for the year labels.
LEFT, RIGHT, TOP, BOTTOM = 86, 572, 14, 206
LABEL_Y = 232
# Text sizes in view-box units (the stylesheet's, wide and narrow screen), and the widest a
# character of the site's sans-serif fonts gets, as a share of the size (DejaVu Sans digits are
# 0.64 em): what a label may need, so that labels are thinned before they could overlap.
WIDE_TEXT, NARROW_TEXT = 13, 20
GLYPH = 0.64
GAP = 6


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and up to `count` evenly spaced ticks of a "nice" step (1, 2, 2.5 or 5 × 10^k), the
    last at or above `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def range_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Evenly spaced "nice" ticks covering [low, high] (for a line that does not start at 0)."""
    span = max(high - low, 1e-9)
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * m for m in (1, 2, 2.5, 5, 10) if power * m >= raw)
    first = math.floor(low / step) * step
    ticks = [round(first, 10)]
    while ticks[-1] < high - 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _number(value: float) -> str:
    return WEB.decimal(value, 0 if float(value).is_integer() else 1)


class _Frame:
    """The y scale and the x slots of one chart, and its axes as SVG."""

    def __init__(self, ticks: Sequence[float], slots: int, unit: str = "") -> None:
        self.low, self.high = ticks[0], ticks[-1]
        self.ticks = list(ticks)
        self.slots = slots
        self.unit = unit

    def y(self, value: float) -> float:
        return BOTTOM - (value - self.low) / (self.high - self.low) * (BOTTOM - TOP)

    @property
    def slot(self) -> float:
        return (RIGHT - LEFT) / self.slots

    def x(self, index: int) -> float:
        """The middle of slot `index`."""
        return LEFT + (index + 0.5) * self.slot

    def axes(self) -> str:
        parts = []
        for tick in self.ticks:
            y = _f(self.y(tick))
            label = _number(tick) + (f"{NBSP}{self.unit}" if self.unit else "")
            parts.append(f'<line class="grid" x1="{LEFT}" x2="{RIGHT}" y1="{y}" y2="{y}"/>'
                         f'<text class="y" x="{LEFT - 8}" y="{y}">{label}</text>')
        parts.append(f'<line class="axis" x1="{LEFT}" x2="{RIGHT}" y1="{BOTTOM}" '
                     f'y2="{BOTTOM}"/>')
        return "".join(parts)

    def x_labels(self, labels: Sequence[str]) -> str:
        """The slots' labels, thinned from the last (always shown) so that they never overlap:
        every `wide`-th label on a wide screen, and of those every `narrow`-th on a narrow one,
        where the others are `minor` (hidden by the stylesheet)."""
        longest = max((len(label) for label in labels), default=0)
        wide = _step(longest * GLYPH * WIDE_TEXT + GAP, self.slot)
        narrow = wide * _step(longest * GLYPH * NARROW_TEXT + GAP, self.slot * wide)
        last = len(labels) - 1
        return "".join(
            f'<text class="x{"" if (last - i) % narrow == 0 else " minor"}" '
            f'x="{_f(self.x(i))}" y="{LABEL_Y}">{escape(label)}</text>'
            for i, label in enumerate(labels) if (last - i) % wide == 0)


def _step(width: float, slot: float) -> int:
    """Every how many slots a label of `width` fits."""
    return max(1, math.ceil(width / slot))


def _f(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _svg(label: str, body: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="{escape(label)}" focusable="false" '
            f'xmlns="http://www.w3.org/2000/svg">{body}</svg>')


class Charts:
    """The site's charts. `years` are the calendar years on the assignments axis,
    `share_years` the published share years, `history` the dates of the goal-fulfilment line
    (31 December of each published year, and the site's date)."""

    def __init__(self, years: Sequence[int], share_years: Sequence[int],
                 history: Sequence[date]) -> None:
        self._years = list(years)
        self._share_years = list(share_years)
        self._history = list(history)

    def share_years(self, units: Sequence[int], decimals: int, label: str) -> str:
        """Bars: the share in ‰ of each published share year."""
        values = [u / 10**decimals for u in units]
        frame = _Frame(nice_ticks(max(values, default=0)), len(values), "‰")
        width = min(frame.slot * 0.6, 40)
        bars = []
        for i, (year, value, unit) in enumerate(zip(self._share_years, values, units,
                                                    strict=True)):
            top = frame.y(value)
            bars.append(f'<rect x="{_f(frame.x(i) - width / 2)}" y="{_f(top)}" '
                        f'width="{_f(width)}" height="{_f(BOTTOM - top)}" '
                        f'fill="{EQUALISING_COLOUR}"><title>{year}: '
                        f"{WEB.promille(unit, decimals)}</title></rect>")
        return _svg(label, frame.axes() + "".join(bars)
                    + frame.x_labels([str(y) for y in self._share_years]))

    def assignments(self, equalising: Sequence[int], connection: Sequence[int],
                    label: str) -> str:
        """Stacked bars: equalising assignments below, connection assignments above, per year."""
        tops = [e + c for e, c in zip(equalising, connection, strict=True)]
        frame = _Frame(nice_ticks(max(tops, default=0)), len(tops))
        width = min(frame.slot * 0.6, 40)
        bars = []
        for i, (year, e, c) in enumerate(zip(self._years, equalising, connection, strict=True)):
            x = _f(frame.x(i) - width / 2)
            middle, top = frame.y(e), frame.y(e + c)
            title = (f"<title>{year}: {WEB.integer(e)} utjämnande, {WEB.integer(c)} "
                     "anknytning</title>")
            bars.append(f'<g>{title}<rect x="{x}" y="{_f(middle)}" width="{_f(width)}" '
                        f'height="{_f(BOTTOM - middle)}" fill="{EQUALISING_COLOUR}"/>'
                        f'<rect x="{x}" y="{_f(top)}" width="{_f(width)}" '
                        f'height="{_f(middle - top)}" fill="{CONNECTION_COLOUR}"/></g>')
        return _svg(label, frame.axes() + "".join(bars)
                    + frame.x_labels([str(y) for y in self._years]))

    def fulfilment(self, values: Sequence[float | None], label: str) -> str:
        """A line of goal fulfilment in %, one point per date of `history` at its year's slot, a
        dashed line at 100 %. Points of consecutive years are joined; a year without a point
        (no published table, no target) leaves a gap."""
        if not self._history:
            return _svg(label, "")
        first = self._history[0].year
        years = list(range(first, self._history[-1].year + 1))
        shown = [v for v in values if v is not None] + [100.0]
        low, high = min(shown), max(shown)
        margin = max((high - low) * 0.1, 2.0)
        frame = _Frame(range_ticks(max(0.0, low - margin), high + margin), len(years), "%")
        points = [(day.year - first, day, v) for day, v in zip(self._history, values, strict=True)
                  if v is not None]
        hundred = _f(frame.y(100.0))
        parts = [frame.axes(), f'<line class="goal" x1="{LEFT}" x2="{RIGHT}" y1="{hundred}" '
                 f'y2="{hundred}"/>']
        for (a, _, va), (b, _, vb) in zip(points, points[1:], strict=False):
            if b == a + 1:
                parts.append(f'<line class="trend" x1="{_f(frame.x(a))}" y1="{_f(frame.y(va))}" '
                             f'x2="{_f(frame.x(b))}" y2="{_f(frame.y(vb))}"/>')
        for index, day, value in points:
            parts.append(f'<circle class="point" cx="{_f(frame.x(index))}" '
                         f'cy="{_f(frame.y(value))}" r="5"><title>{_when(day)}: '
                         f"{WEB.percent(value)}</title></circle>")
        parts.append(frame.x_labels([str(y) for y in years]))
        return _svg(label, "".join(parts))


def _when(day: date) -> str:
    return str(day.year) if (day.month, day.day) == (12, 31) else long_date(day)
