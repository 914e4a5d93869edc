"""Charts as inline SVG, drawn by matplotlib's SVG backend (no hand-written chart geometry).

A site has ~600 charts, so each kind of chart is one matplotlib figure built once and redrawn
with new data (bar heights, line data, axis limits): building a figure costs ~4 times as much as
drawing it. Text stays text (`svg.fonttype = none`), so it is sharp, searchable and small; the
ids matplotlib writes are prefixed per chart so that several charts can share one page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from html import escape

import matplotlib

matplotlib.use("svg")

from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from pipeline.presentation.formats import WEB  # noqa: E402

EQUALISING_COLOUR = "#0072b2"  # Okabe–Ito blue, 5.2:1 on white
CONNECTION_COLOUR = "#d55e00"  # Okabe–Ito vermillion, 3.9:1 on white
LINE_COLOUR = "#222222"
TEXT_COLOUR = "#222222"
GRID_COLOUR = "#d0d0d0"
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "anvisning",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": "#555555",
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "path.simplify": True,
}
_ID = re.compile(r'(\bid="|url\(#|href="#)')
_SIZE = re.compile(r'<svg([^>]*?) width="([\d.]+)pt" height="[\d.]+pt"')
_HEAD = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
# matplotlib's <style>*{…}</style> would apply to the whole HTML page; style.css scopes it.
_STYLE = re.compile(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", re.S)


def _swedish(value: float, _position: object = None) -> str:
    return WEB.decimal(value, 0 if float(value).is_integer() else 1)


def _draw(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = _METADATA.sub("", _HEAD.sub("", buffer.getvalue(), count=1), count=1)
    return _STYLE.sub("", text, count=1)


def _label(text: str, prefix: str, label: str) -> str:
    text = _ID.sub(lambda m: m.group(1) + prefix + "-", text)
    attributes = f' role="img" aria-label="{escape(label)}" class="chart" focusable="false"'
    return _SIZE.sub(lambda m: f'<svg{m.group(1)}{attributes} style="max-width:{m.group(2)}pt"',
                     text, count=1)


def _new_figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(width, height))
        FigureCanvasSVG(figure)
    return figure


def _style_axes(ax) -> None:
    # Empty titles, axis labels and offset texts are laid out on every draw unless hidden.
    for text in (ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label,
                 ax.xaxis.offsetText, ax.yaxis.offsetText):
        text.set_visible(False)
    # Fixed (hidden) label positions: otherwise every draw measures all tick labels to place them.
    ax.xaxis.set_label_coords(0.5, -0.2)
    ax.yaxis.set_label_coords(-0.2, 0.5)
    ax.tick_params(axis="y", length=0)
    ax.yaxis.set_major_locator(MaxNLocator(4, integer=True, min_n_ticks=2))
    ax.yaxis.set_major_formatter(FuncFormatter(_swedish))
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
    ax.set_axisbelow(True)


class Charts:
    """The site's charts, each kind one reused figure. `years` are the calendar years on the
    assignments axis; `share_years` the published share years."""

    def __init__(self, years: Sequence[int], share_years: Sequence[int],
                 history: Sequence[date]) -> None:
        with matplotlib.rc_context(STYLE):
            self._years = list(years)
            self._share_years = list(share_years)
            self._history = list(history)
            self._share_figure, self._share_axes, self._share_bars = self._bars(
                [str(y) for y in self._share_years], width=max(2.6, 0.9 * len(share_years) + 1.4))
            self._share_axes.yaxis.set_major_locator(MaxNLocator(4, min_n_ticks=2))
            self._assign_figure, self._assign_axes, self._stacks = self._stacked(
                [str(y) for y in self._years])
            self._fulfil_figure, self._fulfil_axes, self._fulfil_line = self._line()
        self._drawn: dict[tuple, str] = {}

    def _svg(self, key: tuple, figure: Figure, update, prefix: str, label: str) -> str:
        """Draw the figure after `update` (skipped when a chart of the same kind and data was
        drawn already in this build: many municipalities share e.g. the floor share)."""
        drawn = self._drawn.get(key)
        if drawn is None:
            update()
            drawn = self._drawn[key] = _draw(figure)
        return _label(drawn, prefix, label)

    # --- figures built once ---------------------------------------------------------------

    def _bars(self, labels: list[str], width: float):
        figure = _new_figure(width, 2.2)
        ax = figure.add_axes((0.22, 0.14, 0.74, 0.8))
        _style_axes(ax)
        bars = ax.bar(range(len(labels)), [0] * len(labels), color=EQUALISING_COLOUR, width=0.6)
        ax.set_xticks(range(len(labels)), labels)
        ax.tick_params(axis="x", length=0)
        return figure, ax, bars

    def _stacked(self, labels: list[str]):
        figure = _new_figure(6.4, 2.4)
        ax = figure.add_axes((0.08, 0.13, 0.9, 0.82))
        _style_axes(ax)
        positions = list(range(len(labels)))
        # every year labelled up to 12 years, then every other one (the table has them all)
        ax.set_xticks(positions, [label if len(labels) <= 12 or (len(labels) - 1 - i) % 2 == 0
                                  else "" for i, label in enumerate(labels)])
        ax.set_xlim(-0.6, len(labels) - 0.4)
        ax.tick_params(axis="x", length=0)
        # Bars as two vertical line collections (one artist each, butt ends): redrawing 22
        # Rectangle patches per chart took three times as long.
        slot = 0.9 * 6.4 * 72 / max(1, len(labels))
        style = {"linewidth": min(28.0, slot * 0.7), "capstyle": "butt"}
        lower = ax.vlines(positions, 0, 0, color=EQUALISING_COLOUR, **style)
        upper = ax.vlines(positions, 0, 0, color=CONNECTION_COLOUR, **style)
        return figure, ax, (positions, lower, upper)

    def _line(self):
        figure = _new_figure(6.4, 2.2)
        ax = figure.add_axes((0.1, 0.14, 0.88, 0.8))
        _style_axes(ax)
        ax.yaxis.set_major_locator(MaxNLocator(4, min_n_ticks=2))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{_swedish(v)} %"))
        ax.axhline(100, color="#555555", linewidth=1, linestyle=(0, (4, 3)))
        # A line only joins consecutive year ends: between published years nothing is known.
        joined = all(b.year == a.year + 1 for a, b in zip(self._history, self._history[1:],
                                                           strict=False))
        (line,) = ax.plot([], [], color=LINE_COLOUR, marker="o", markersize=6, linewidth=1.5,
                          linestyle="-" if joined else "none")
        positions = [d.toordinal() for d in self._history]
        ax.set_xticks(positions, [_date_label(d) for d in self._history])
        low = min(positions, default=0)
        high = max(positions, default=1)
        margin = max(60, (high - low) * 0.06)
        ax.set_xlim(low - margin, high + margin)
        return figure, ax, line

    # --- one chart each --------------------------------------------------------------------

    def share_years(self, units: Sequence[int], decimals: int, prefix: str, label: str) -> str:
        values = [u / 10**decimals for u in units]

        def update() -> None:
            for bar, value in zip(self._share_bars, values, strict=True):
                bar.set_height(value)
            self._share_axes.set_ylim(0, _top(max(values, default=0)))

        return self._svg(("share", *values), self._share_figure, update, prefix, label)

    def assignments(self, equalising: Sequence[int], connection: Sequence[int], prefix: str,
                    label: str) -> str:
        positions, lower, upper = self._stacks
        tops = [e + c for e, c in zip(equalising, connection, strict=True)]

        def update() -> None:
            lower.set_segments([((x, 0), (x, e))
                                for x, e in zip(positions, equalising, strict=True)])
            upper.set_segments([((x, e), (x, t))
                                for x, e, t in zip(positions, equalising, tops, strict=True)])
            self._assign_axes.set_ylim(0, _top(max(tops, default=0)))

        key = ("assignments", *equalising, *connection)
        return self._svg(key, self._assign_figure, update, prefix, label)

    def fulfilment(self, values: Sequence[float | None], prefix: str, label: str) -> str:
        points = [(d.toordinal(), v) for d, v in zip(self._history, values, strict=True)
                  if v is not None]

        def update() -> None:
            self._fulfil_line.set_data([p for p, _ in points], [v for _, v in points])
            shown = [v for _, v in points] + [100.0]
            low, high = min(shown), max(shown)
            spread = max(high - low, 4.0)
            self._fulfil_axes.set_ylim(max(0.0, low - spread * 0.25), high + spread * 0.25)

        return self._svg(("fulfilment", *values), self._fulfil_figure, update, prefix, label)


def _top(value: float) -> float:
    return max(1.0, value * 1.08)


def _date_label(day: date) -> str:
    return str(day.year) if (day.month, day.day) == (12, 31) else day.isoformat()
