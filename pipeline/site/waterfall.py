"""A waterfall chart of a share's change, from last year's share to this year's, term by term:
hand-written SVG and the table that is its text alternative. Pure: values in, markup out.

Drawn for a phone first: the SVG's coordinates are CSS pixels at 350 px wide (a 390 px screen
less the page's margins), so its text is 12 px there, and it grows to at most 28rem beside wider
text. Each step is a row: its label and signed value on one line, its bar below, from the level
before the step to the level after. The two shares are marks at their level, not bars from zero:
the scale spans only the range the share moved through, so a change of 0,01 ‰ stays visible
beside a share of 20 ‰; the caption says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from pipeline.presentation.formats import WEB

WIDTH = 350
ROW = 34  # a label line of 12 px text, a bar of 10 px and the space between rows
FONT = 12
BAR = 10
MARGIN = 6
UP, DOWN, LEVEL, TEXT, GUIDE = "#1f5f9e", "#b3261e", "#1a1a1a", "#1a1a1a", "#8a8a8a"


@dataclass(frozen=True)
class Step:
    """One row: a label and a value in units of 10^-decimals ‰ (a share, or a signed term)."""

    label: str
    units: int


def waterfall(ident: str, start: Step, terms: Sequence[Step], end: Step, decimals: int,
              title: str) -> str:
    """The chart and its table: from `start` through each term to `end`, whose value must be
    `start` plus every term. `ident` makes the SVG's ids unique on the page."""
    if start.units + sum(step.units for step in terms) != end.units:
        raise ValueError(f"{title}: the terms do not add up from {start.units} to {end.units}")
    levels = [start.units]
    for step in terms:
        levels.append(levels[-1] + step.units)
    caption = ("Blått höjer och rött sänker andelstalet. Skalan börjar inte vid 0: den visar "
               "bara det intervall som andelstalet rörde sig inom. Samma uppgifter står i "
               "tabellen.")
    return (f'<figure class="waterfall">{_svg(ident, start, terms, end, levels, decimals, title)}'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
            + _table(start, terms, end, levels, decimals, title))


def _svg(ident: str, start: Step, terms: Sequence[Step], end: Step, levels: list[int],
         decimals: int, title: str) -> str:
    low, high = min(levels), max(levels)
    pad = max((high - low) // 12, 1)
    low, high = low - pad, high + pad

    def x(units: int) -> float:
        return round(MARGIN + (units - low) / (high - low) * (WIDTH - 2 * MARGIN), 1)

    rows = [_level_row(0, start, x(start.units), decimals) + _connector(0, x(start.units))]
    for i, step in enumerate(terms, start=1):
        rows.append(_term_row(i, step, x(levels[i - 1]), x(levels[i]), decimals)
                    + _connector(i, x(levels[i])))
    rows.append(_level_row(len(terms) + 1, end, x(end.units), decimals))
    height = ROW * (len(terms) + 2) + MARGIN
    label = f"Vattenfallsdiagram: {title}. " + ", ".join(
        f"{step.label} {_signed(step, decimals)}" for step in terms)
    return (f'<svg class="waterfall" id="{ident}" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{ident}-title" style="width:100%;max-width:28rem;height:auto;'
            f'display:block" font-family="inherit" font-size="{FONT}">'
            f'<title id="{ident}-title">{escape(label)}</title>{"".join(rows)}</svg>')


def _level_row(row: int, step: Step, at: float, decimals: int) -> str:
    bar = _bar_top(row)
    return (_texts(row, step.label, WEB.promille(step.units, decimals), bold=True)
            + f'<rect x="{round(at - 1.5, 1)}" y="{bar - 2}" width="3" height="{BAR + 4}" '
              f'fill="{LEVEL}"/>')


def _term_row(row: int, step: Step, before: float, after: float, decimals: int) -> str:
    left, width = min(before, after), max(abs(after - before), 1.5)
    colour = UP if step.units > 0 else DOWN
    drawn = ("" if step.units == 0 else
             f'<rect x="{left}" y="{_bar_top(row)}" width="{round(width, 1)}" height="{BAR}" '
             f'fill="{colour}"/>')
    return _texts(row, step.label, _signed(step, decimals), bold=False) + drawn


def _connector(row: int, at: float) -> str:
    """A dashed line from where a row's bar ends down to the next row's bar."""
    return (f'<line x1="{at}" x2="{at}" y1="{_bar_top(row) + BAR}" y2="{_bar_top(row + 1)}" '
            f'stroke="{GUIDE}" stroke-dasharray="2 2"/>')


def _bar_top(row: int) -> int:
    return row * ROW + MARGIN + FONT + 4


def _texts(row: int, label: str, value: str, bold: bool) -> str:
    # A white outline behind the letters keeps a dashed connector from crossing them.
    style = (f' fill="{TEXT}" stroke="#fff" stroke-width="3" paint-order="stroke"'
             + (' font-weight="700"' if bold else ""))
    baseline = row * ROW + MARGIN + FONT - 1
    return (f'<text x="{MARGIN}" y="{baseline}"{style}>{escape(label)}</text>'
            f'<text x="{WIDTH - MARGIN}" y="{baseline}" text-anchor="end"{style}>'
            f"{escape(value)}</text>")


def _table(start: Step, terms: Sequence[Step], end: Step, levels: list[int], decimals: int,
           title: str) -> str:
    def row(label: str, change: str, level: int, strong: bool = False) -> str:
        name = f"<strong>{escape(label)}</strong>" if strong else escape(label)
        return (f'<tr><th scope="row">{name}</th><td class="num">{change}</td>'
                f'<td class="num">{WEB.promille(level, decimals)}</td></tr>')

    body = [row(start.label, "", start.units, True)]
    body += [row(step.label, _signed(step, decimals), level)
             for step, level in zip(terms, levels[1:], strict=True)]
    total = Step("Förändring", end.units - start.units)
    body.append(row(end.label, _signed(total, decimals), end.units, True))
    return (f'<div class="table-wrap" tabindex="0" role="region" aria-label="{escape(title)}">'
            f"<table><caption>{escape(title)}</caption><thead><tr>"
            '<th scope="col">Steg</th><th scope="col" class="num">Bidrag</th>'
            '<th scope="col" class="num">Andelstal</th></tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _signed(step: Step, decimals: int) -> str:
    return f"{WEB.fixed(step.units, decimals, signed=True)}{WEB.unit_space}‰"

