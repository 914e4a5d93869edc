"""The statistics website without a browser: the queue places, Swedish number formats, the pages
written, links that stay inside the site, the illustrative mark, the map and the table, the
scenario forecasts against the project's rule, and the input checks."""

from __future__ import annotations

import re
import shutil
from datetime import date
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipeline.core.errors import AnvisningError, InputError
from pipeline.goals.fulfilment import next_equalising, step_by_step
from pipeline.presentation.formats import NBSP, WEB
from pipeline.site import collect_inputs
from pipeline.site.charts import Charts
from pipeline.site.map import PALETTE, contrast, text_colour
from pipeline.site.markup import Context
from pipeline.site.prognosis import load_prognosis
from pipeline.site.sections import municipality_rows
from tests.site.conftest import AS_OF

# --- queue -----------------------------------------------------------------------------------


def test_queue_head_is_the_projects_next_equalising(inputs):
    shares = inputs.shown.shares
    assigned = {code: s.assigned for code, s in inputs.status.items()}
    first = next(code for code, s in inputs.status.items() if s.queue_place == 1)
    assert first == next_equalising(assigned, shares)
    places = sorted(s.queue_place for s in inputs.status.values() if s.queue_place)
    assert places == list(range(1, sum(1 for v in shares.values() if v > 0) + 1))
    assert all(s.queue_place is None for s in inputs.status.values() if s.share_units == 0)


def test_queue_is_the_order_of_the_next_assignments(inputs):
    """Taking the queue's first k one after another is what the rule does k times (up to a
    municipality's second turn)."""
    shares = inputs.shown.shares
    assigned = {code: s.assigned for code, s in inputs.status.items()}
    by_place = sorted((s.queue_place, c) for c, s in inputs.status.items() if s.queue_place)
    order = []
    state = dict(assigned)
    for _ in range(5):
        code = next_equalising(state, shares)
        order.append(code)
        state[code] += 1
    if len(set(order)) == len(order):
        assert order == [c for _, c in by_place[:5]]


def test_the_sites_queue_place_is_the_rules_order_including_ties(published, inputs, tmp_path):
    """"Plats i kön" as the site's table shows it, against the rule of MODEL.md written out here
    (lowest assigned/share, then the larger share, then the lower code), on a ledger where
    ratios tie: no assignment at all for most municipalities (82 of them share the floor), one
    each for a few of equal share and for the largest."""
    data, out = published
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    shares = inputs.shown.shares
    floor = min(units for units in shares.values() if units > 0)
    at_floor = sorted(code for code, units in shares.items() if units == floor)
    chosen = [*at_floor[:3], max(shares, key=lambda code: (shares[code], code))]
    ledger = copy / "ledger" / "assignments.csv"
    ledger.write_text("assignment_id,date,municipality_code,kind\n" + "".join(
        f"A{i:07d},2026-01-0{i},{code},equalising\n" for i, code in enumerate(chosen, start=1)),
        encoding="utf-8")
    tied = collect_inputs(copy, out, AS_OF)
    assigned = dict.fromkeys(shares, 0) | dict.fromkeys(chosen, 1)
    rule = sorted((code for code in shares if shares[code] > 0),
                  key=lambda code: (Fraction(assigned[code], shares[code]), -shares[code], code))

    ctx = Context(tied, Charts(tied.years, sorted(tied.publications), []))
    shown = {}
    for row in municipality_rows(ctx, tied.municipalities, ""):
        code = re.search(r'href="kommun/(\d{4})\.html"', row).group(1)
        shown[code] = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)[-1]
    assert [shown[code] for code in rule] == [str(place) for place in range(1, len(rule) + 1)]
    assert all(shown[code] == "inte i kön" for code in shares if shares[code] == 0)


def test_palette_text_colours_meet_wcag_aa():
    for colour in PALETTE:
        assert contrast(text_colour(colour), colour) >= 4.5, colour


# --- the built site --------------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str]] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        for name in ("src", "href", "xlink:href", "action", "data", "poster"):
            if attributes.get(name) is not None:
                self.references.append((name, attributes[name]))


def parsed(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_pages_one_index_21_counties_290_municipalities(built):
    site = built.site
    assert (site / "index.html").is_file()
    assert len(list((site / "lan").glob("*.html"))) == 21
    assert len(list((site / "kommun").glob("*.html"))) == 290
    assert len(list(site.rglob("*.html"))) == 1 + 21 + 290
    assert (site / "style.css").is_file() and (site / "site.js").is_file()


def test_every_src_and_href_stays_inside_the_site(built):
    site = built.site.resolve()
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css
    for page in site.rglob("*.html"):
        links = parsed(page)
        scripts = [a for tag, a in links.tags if tag == "script"]
        assert [Path(a.get("src", "")).name for a in scripts] == ["site.js"], page
        assert not [tag for tag, _ in links.tags if tag in ("style", "iframe", "object",
                                                            "embed", "img")], page
        for name, reference in links.references:
            parts = urlsplit(reference)
            assert not parts.scheme and not parts.netloc, f"{page}: {name}={reference}"
            if not parts.path:
                continue  # a fragment on the same page
            target = (page.parent / parts.path).resolve()
            assert target.is_relative_to(site), f"{page}: {reference} leaves the site"
            assert target.is_file(), f"{page}: {reference} does not exist"


def test_every_page_is_swedish_dated_versioned_and_marked_illustrative(built):
    for page in built.site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="sv">' in text
        assert "Uppdaterad 27 november 2026" in text, page
        assert "publicerad version 1" in text, page
        assert "Illustrativa uppgifter –" in text, page
        assert 'class="skip" href="#innehall"' in text and 'id="innehall"' in text
        assert text.count("<h1>") == 1


def test_the_map_has_290_named_shapes_and_a_source(built):
    text = built.index.read_text(encoding="utf-8")
    codes = re.findall(r'<path data-code="(\d{4})"', text)
    assert len(codes) == len(set(codes)) == 290
    assert "Kommungränser: Valmyndigheten via okfse/sweden-geojson" in text
    assert re.search(r'<title>Ale: måluppfyllelse \d+,\d\u00a0%, andelstal \d+,\d\d\u00a0‰'
                     r"</title>", text)
    assert 'id="visa-andel"' in text and 'href="#visa-andel"' in text


def test_the_table_lists_all_290_with_header_scopes(built, inputs):
    text = built.index.read_text(encoding="utf-8")
    table = text[text.index('<table id="kommuner"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<tr><th scope="row"><a href="kommun/(\d{4}).html">', table)
    assert len(rows) == 290
    assert table.count('<th scope="col"') == 8  # with the change from the year before
    ale = table[table.index('href="kommun/1440.html"'):]
    ale = ale[:ale.index("</tr>")]
    status = inputs.status["1440"]
    assert WEB.promille(status.share_units, 2) in ale
    assert f'data-sort="{status.queue_place}"' in ale


def test_a_municipality_page_shows_every_published_year_and_the_scenarios(built, inputs):
    text = (built.site / "kommun" / "1440.html").read_text(encoding="utf-8")
    for year, publication in inputs.publications.items():
        assert f'<th scope="row">{year}</th>' in text
        assert WEB.promille(publication.shares["1440"], publication.decimals) in text
    assert text.count('class="chart"') == 3
    for name in ("Låg", "Bas", "Hög"):
        assert f'<th scope="row">{name}</th>' in text


def test_scenarios_follow_the_equalising_rule_step_by_step(inputs):
    assert [s.key for s in inputs.scenarios] == ["low", "base", "high"]
    shares = inputs.shown.shares
    assigned = {code: s.assigned for code, s in inputs.status.items()}
    codes = sorted(shares)
    for scenario in inputs.scenarios:
        assert scenario.remaining == max(0, scenario.national - inputs.assigned_this_year)
        assert scenario.expected == step_by_step(assigned, shares, codes, scenario.remaining)


def test_a_county_page_lists_its_redistributions(built):
    text = (built.site / "lan" / "03.html").read_text(encoding="utf-8")
    assert "Uppsala" in text and "Enköping" in text and "Knivsta" in text
    assert f"0,50{NBSP}‰" in text and f"0,25{NBSP}‰" in text
    assert "Lst C 851-23456-2025" in text
    assert "Inga omfördelningar" in (built.site / "lan" / "25.html").read_text(encoding="utf-8")


def test_building_again_gives_the_same_site_and_replaces_it(built, published):
    from pipeline.site import build_site_from_folders

    data, out = published
    before = {p.relative_to(built.site): p.read_bytes() for p in built.site.rglob("*")
              if p.is_file()}
    (built.site / "stray.txt").write_text("old", encoding="utf-8")
    again = build_site_from_folders(data, out, AS_OF, workers=1)
    assert again == built.index
    assert not (built.site / "stray.txt").exists()
    after = {p.relative_to(built.site): p.read_bytes() for p in built.site.rglob("*")
             if p.is_file()}
    # one process or several, charts drawn afresh or reused: the same bytes
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".site")]


# --- input checks ----------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_prognosis_is_read_and_validated(tmp_path):
    good = write(tmp_path / "p.toml", "illustrative = true\n[prognosis.2026]\n"
                 "low = 1\nbase = 2\nhigh = 2\n")
    prognosis = load_prognosis(good)
    assert (prognosis.year, prognosis.children, prognosis.illustrative) == \
        (2026, {"low": 1, "base": 2, "high": 2}, True)
    assert load_prognosis(good, 2026) == prognosis
    assert load_prognosis(good, 2027) is None
    assert load_prognosis(tmp_path / "missing.toml") is None
    for body, rule in [
        ("[prognosis.2026]\nlow = 3\nbase = 2\nhigh = 4\n", "low ≤ base ≤ high"),
        ("[prognosis.2026]\nlow = -1\nbase = 2\nhigh = 4\n", "prognosis.2026.low: must be a whole"),
        ("[prognosis.2026]\nlow = 1.5\nbase = 2\nhigh = 4\n", "prognosis.2026.low"),
        ("[prognosis.2026]\nlow = true\nbase = 2\nhigh = 4\n", "prognosis.2026.low"),
        ("[prognosis.2026]\nlow = 1\nhigh = 4\n", "prognosis.2026.base: is required"),
        ("[prognosis.2026]\nlow = 1\nbase = 2\nhigh = 4\nmid = 3\n", "prognosis.2026.mid"),
        ("[prognosis.next]\nlow = 1\nbase = 2\nhigh = 4\n", "prognosis.next"),
        ("lowest = 1\n", "unknown key 'lowest'"),
        ("[prognosis.2026\n", "not valid TOML"),
    ]:
        path = write(tmp_path / "bad.toml", body)
        with pytest.raises(InputError) as error:
            load_prognosis(path)
        assert str(path) in str(error.value) and rule in str(error.value), body


def test_a_site_dated_in_an_unpublished_year_is_refused(published):
    from pipeline.site import build_site_from_folders

    data, out = published
    with pytest.raises(AnvisningError, match="no published share table for 2025"):
        build_site_from_folders(data, out, date(2025, 6, 1))


def test_a_geojson_missing_a_municipality_is_refused(published, tmp_path):
    import json
    import shutil

    from pipeline.site import build_site_from_folders

    data, out = published
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    path = copy / "reference" / "municipalities_2pct.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["features"] = document["features"][1:]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match="exactly the register's municipalities") as error:
        build_site_from_folders(copy, out, AS_OF)  # refused before anything is written
    assert "municipalities_2pct.geojson" in str(error.value)
