"""The site's SVG charts, written from templates: axes with round ticks, bars whose heights are
the values, year labels that cannot overlap at either text size, a line only between
consecutive years, and an accessible name on every chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from pipeline.site.charts import BOTTOM, LEFT, RIGHT, Charts, nice_ticks, range_ticks

SVG = "{http://www.w3.org/2000/svg}"
# The widest a digit or letter of the site's sans-serif fonts gets, as a share of the font size
# (DejaVu Sans digits are 0.64 em): an upper bound for a label's width.
GLYPH = 0.64
WIDE_TEXT, NARROW_TEXT = 13, 20  # view-box units: static.py's chart text, wide and narrow


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element, klass: str) -> list[ET.Element]:
    return [t for t in root.iter(f"{SVG}text") if klass in t.get("class", "").split()]


@pytest.mark.parametrize(("top", "expected"), [
    (37.84, [0, 10, 20, 30, 40]), (2.87, [0, 1, 2, 3]), (5, [0, 2, 4, 6]),
    (1283, [0, 500, 1000, 1500]), (0, [0, 1]), (0.4, [0, 0.1, 0.2, 0.3, 0.4]),
])
def test_ticks_are_round_and_cover_the_largest_value(top, expected):
    assert nice_ticks(top) == pytest.approx(expected)


def test_range_ticks_cover_a_line_that_does_not_start_at_zero():
    assert range_ticks(94.0, 113.0) == pytest.approx([90, 95, 100, 105, 110, 115])


def test_share_bars_are_as_high_as_the_values_and_named():
    charts = Charts(range(2016, 2027), [2024, 2025, 2026], [])
    svg = charts.share_years([150, 300, 225], 2, "Andel per år")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Andel per år"
    bars = list(root.iter(f"{SVG}rect"))
    heights = [float(b.get("height")) for b in bars]
    # 1,50 ‰ : 3,00 ‰ : 2,25 ‰, against an axis from 0 to 3 ‰ (ticks 0, 1, 2, 3)
    full = BOTTOM - 14
    assert heights == pytest.approx([full / 2, full, full * 0.75], abs=0.1)
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "2024: 1,50\u00a0‰", "2025: 3,00\u00a0‰", "2026: 2,25\u00a0‰"]
    assert [t.text for t in texts(root, "y")] == ["0\u00a0‰", "1\u00a0‰", "2\u00a0‰", "3\u00a0‰"]


def test_stacked_bars_put_connection_assignments_on_top():
    charts = Charts([2016, 2017], [2026], [])
    root = parse(charts.assignments([30, 0], [10, 5], "Anvisningar"))
    groups = [g for g in root.iter(f"{SVG}g")]
    first = [(float(r.get("y")), float(r.get("height"))) for r in groups[0].iter(f"{SVG}rect")]
    (eq_y, eq_h), (co_y, co_h) = first
    assert eq_y + eq_h == pytest.approx(BOTTOM, abs=0.1)
    assert co_y + co_h == pytest.approx(eq_y, abs=0.1)
    assert eq_h == pytest.approx(3 * co_h, abs=0.2)
    assert groups[1].find(f"{SVG}title").text == "2017: 0 utjämnande, 5 anknytning"


@pytest.mark.parametrize("years", [range(2016, 2027), range(2016, 2041), range(2017, 2019)])
def test_year_labels_leave_room_for_each_other_at_both_text_sizes(years):
    """On a wide screen every label shows at 13 units; on a narrow one only every other one,
    at 20 units. Between the middles of two shown labels there is room for both halves."""
    years = list(years)
    root = parse(Charts(years, years, []).assignments([1] * len(years), [0] * len(years), "x"))
    labels = texts(root, "x")
    assert labels[-1].text == str(years[-1]) and "minor" not in labels[-1].get("class")
    if len(years) <= 12:
        assert [t.text for t in labels] == [str(y) for y in years]  # all, on a wide screen
    for size, shown in ((WIDE_TEXT, labels), (NARROW_TEXT, [t for t in labels
                                                             if "minor" not in t.get("class")])):
        assert len(shown) >= min(len(years), 4)
        positions = [float(t.get("x")) for t in shown]
        widths = [len(t.text) * GLYPH * size for t in shown]
        for (a, wa), (b, wb) in zip(zip(positions, widths, strict=True),
                                    zip(positions[1:], widths[1:], strict=True), strict=False):
            assert b - a >= (wa + wb) / 2, (size, a, b)
        assert positions[-1] + widths[-1] / 2 <= 600


def test_the_fulfilment_line_joins_consecutive_years_only():
    history = [date(2017, 12, 31), date(2018, 12, 31), date(2020, 12, 31), date(2021, 3, 1)]
    root = parse(Charts(range(2016, 2022), [2017, 2018, 2020, 2021], history)
                 .fulfilment([98.0, None, 101.0, 104.5], "Måluppfyllelse"))
    points = list(root.iter(f"{SVG}circle"))
    assert [p.find(f"{SVG}title").text for p in points] == [
        "2017: 98,0\u00a0%", "2020: 101,0\u00a0%", "1 mars 2021: 104,5\u00a0%"]
    # 2018 has no value and 2019 no year end: only 2020–2021 are joined
    segments = [line for line in root.iter(f"{SVG}line") if line.get("class") == "trend"]
    assert len(segments) == 1
    assert float(segments[0].get("x1")) == pytest.approx(float(points[1].get("cx")))
    assert float(segments[0].get("x2")) == pytest.approx(float(points[2].get("cx")))
    # the dashed 100 % line lies between the points of 98 and 101
    goal = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "goal")
    y98, y101 = float(points[0].get("cy")), float(points[1].get("cy"))
    assert y101 < float(goal.get("y1")) < y98
    assert float(goal.get("x1")) == LEFT and float(goal.get("x2")) == RIGHT


def test_chart_text_is_plain_swedish_with_no_ids_to_collide():
    svg = Charts([2026], [2026], [date(2026, 6, 1)]).fulfilment([1234.5], "x")
    assert " id=" not in svg
    assert re.search(r">1\u00a0\d{3}\u00a0%<", svg)  # thousands grouped, a no-break space
