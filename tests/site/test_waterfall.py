"""The waterfall of a share's change on the site (pipeline.site.waterfall, change_section): the
steps add up from last year's share to this year's, bars as long as their terms, a table as the
text alternative, the section's wording in each case, and the chart read at 390 px in Chromium
(text at least 11 px, nothing wider than the screen, no serious accessibility violation)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest

from pipeline.ingestion.register import Municipality
from pipeline.model.explain import PUBLISHED_TERMS, units
from pipeline.presentation.formats import NBSP
from pipeline.site.change_section import change_cell, change_section
from pipeline.site.inputs import Publication, SiteInputs
from pipeline.site.markup import Context
from pipeline.site.static import STYLE
from pipeline.site.waterfall import FONT, WIDTH, Step, waterfall
from tests.site.test_site_browser import axe_source, axe_violations, browser  # noqa: F401

TERMS = [Step("Befolkning", 8), Step("Mottagna nyanlända", -112), Step("Avrundning", 1),
         Step("Omfördelning", 50)]
START, END = Step("Andelstal 2025", 10_242), Step("Andelstal 2026", 10_189)
UPPSALA = Municipality("0380", "Uppsala", "03", "Uppsala län")


def table_rows(markup: str) -> list[list[str]]:
    body = markup[markup.index("<tbody>"):markup.index("</tbody>")]
    return [[unescape(re.sub(r"<[^>]+>", "", cell)) for cell in
             re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def hundredths(text: str) -> int:
    number = text.replace(NBSP, "").removesuffix("‰").replace("\u2212", "-").replace(",", "")
    return int(number)


def test_the_table_steps_from_last_years_share_through_each_term_to_this_years():
    rows = table_rows(waterfall("w", START, TERMS, END, 2, "Förändringen för Uppsala"))
    assert [row[0] for row in rows] == ["Andelstal 2025", "Befolkning", "Mottagna nyanlända",
                                        "Avrundning", "Omfördelning", "Andelstal 2026"]
    assert rows[0][2] == f"102,42{NBSP}‰" and rows[-1][2] == f"101,89{NBSP}‰"
    level = hundredths(rows[0][2])
    for row, step in zip(rows[1:-1], TERMS, strict=True):
        assert hundredths(row[1]) == step.units
        level += step.units
        assert hundredths(row[2]) == level
    assert rows[-1][1] == f"\u22120,53{NBSP}‰"  # the whole change, the terms' sum


def test_terms_that_do_not_add_up_to_this_years_share_are_refused():
    with pytest.raises(ValueError, match="do not add up"):
        waterfall("w", START, TERMS, Step("Andelstal 2026", 10_190), 2, "x")


def test_each_bar_is_as_long_as_its_term_and_starts_where_the_last_one_ended():
    svg = waterfall("w", START, TERMS, END, 2, "x")
    bars = [(float(x), float(w)) for x, w in
            re.findall(r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="10"', svg)]
    assert len(bars) == len(TERMS)
    per_unit = bars[1][1] / 112
    for (_, width), step in zip(bars, TERMS, strict=True):
        assert width == pytest.approx(max(abs(step.units) * per_unit, 1.5), abs=0.2)
    # Population raises the share from 102,42 to 102,50, newcomers take it down from there.
    assert bars[1][0] + bars[1][1] == pytest.approx(bars[0][0] + bars[0][1], abs=0.2)


def test_the_svg_is_an_image_with_a_name_drawn_at_phone_width():
    svg = waterfall("v0380", START, TERMS, END, 2, "Förändringen för Uppsala")
    assert f'viewBox="0 0 {WIDTH} ' in svg and WIDTH <= 350 and FONT >= 12
    assert 'role="img" aria-labelledby="v0380-title"' in svg
    title = re.search(r'<title id="v0380-title">(.*?)</title>', svg).group(1)
    assert unescape(title).startswith("Vattenfallsdiagram: Förändringen för Uppsala. Befolkning "
                                      f"+0,08{NBSP}‰, Mottagna nyanlända −1,12{NBSP}‰")
    assert "matplotlib" not in svg and "<script" not in svg


# --- the municipality page's section and the table's cell --------------------------------------


def context(compared_with: int | None, changes: dict[str, dict[str, int | None]]) -> Context:
    publication = Publication(
        year=2026, version=1, decision_date=date(2025, 12, 15),
        decimals=2, parameter_set="standard", illustrative_inputs=(), shares={}, calculated={},
        given={}, received={}, compared_with=compared_with, changes=changes)
    inputs = SiteInputs(as_of=date(2026, 11, 27), municipalities=[UPPSALA],
                        publications={2026: publication}, shown_year=2026, status={},
                        total_assigned=0, years=[2026], yearly={}, history=[], transfers=[],
                        features={})
    return Context(inputs=inputs, charts=None)  # type: ignore[arg-type]


def explained(**terms: int) -> dict[str, int | None]:
    values = {units(name): terms.get(name, 0) for name in PUBLISHED_TERMS}
    values[units("change_calculated")] = sum(v for k, v in terms.items()
                                             if k != "change_redistribution")
    change = sum(terms.values())
    return {"previous_units": 2330, "change_units": change, **values}


def test_the_section_draws_the_non_zero_terms_and_names_the_largest():
    values = explained(change_population=28, change_newcomers=23, change_asylum_days=30,
                       change_arrival_days=11, change_rounding=-1)
    html = change_section(context(2025, {"0380": values}), UPPSALA)
    assert '<h2 id="forandring">Därför ändrades andelstalet 2025–2026</h2>' in html
    assert (f"ändrades med +0,91{NBSP}‰, från 23,30{NBSP}‰ 2025 till 24,21{NBSP}‰ 2026. Störst "
            f"bidrag: boendedygn asylsökande, +0,30{NBSP}‰.") in html
    assert [row[0] for row in table_rows(html)] == [
        "Andelstal 2025", "Befolkning", "Mottagna nyanlända", "Boendedygn asylsökande",
        "Boendedygn ankomstkommun", "Avrundning", "Andelstal 2026"]


def test_the_section_says_why_there_is_no_chart():
    nothing = change_section(context(None, {}), UPPSALA)
    assert "Det finns inget publicerat andelstal för 2025 att jämföra med." in nothing
    unexplained = {"previous_units": 2330, "change_units": 91,
                   **{units(name): None for name in PUBLISHED_TERMS}}
    html = change_section(context(2025, {"0380": unexplained}), UPPSALA)
    assert "ändrades med +0,91" in html and "kan inte delas upp på orsaker" in html
    assert "<svg" not in html


def test_the_table_of_municipalities_sorts_the_change_by_its_size():
    ctx = context(2025, {"0380": explained(change_population=-25)})
    assert change_cell(ctx, "0380") == f'<td class="num" data-sort="25">\u22120,25{NBSP}‰</td>'
    assert change_cell(ctx, "0114") == '<td class="num" data-sort="">–</td>'


# --- in a browser, at 390 px ------------------------------------------------------------------


@pytest.mark.slow
def test_at_390_px_the_chart_text_is_at_least_11_px_and_fits_the_screen(
        browser, axe_source, tmp_path: Path):  # noqa: F811
    values = explained(change_population=-12, change_newcomers=3, change_minors=-250,
                       change_asylum_days=117, change_arrival_days=-2, change_parameters=1,
                       change_rounding=1, change_redistribution=-30)
    section = change_section(context(2025, {"0380": values}), UPPSALA)
    page = tmp_path / "kommun.html"
    page.write_text(
        '<!doctype html><html lang="sv"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width, initial-scale=1"><title>Uppsala</title>'
        f"<style>{STYLE}</style></head><body><main><h1>Uppsala</h1>{section}</main></body>"
        "</html>", encoding="utf-8")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    browser.get(page.as_uri())
    sizes = browser.execute_script(
        "const svg = document.querySelector('svg.waterfall');"
        "const scale = svg.getScreenCTM().a;"
        "return Array.from(svg.querySelectorAll('text')).map(t => "
        "scale * parseFloat(getComputedStyle(t).fontSize));")
    assert len(sizes) == 2 * 10 and min(sizes) >= 11, sizes
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth,"
        " document.querySelector('svg.waterfall').getBoundingClientRect().right,"
        " document.querySelector('.table-wrap table').getBoundingClientRect().right];")
    assert max(widths) <= 390, widths
    blocking = [v["id"] for v in axe_violations(browser, axe_source)
                if v["impact"] in ("serious", "critical")]
    assert blocking == []
