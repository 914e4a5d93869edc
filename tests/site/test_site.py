"""The statistics website without a browser: the queue places, Swedish number formats, the pages
written, links that stay inside the site, the illustrative mark, the map and the table, the
scenario forecasts against the project's rule, and the input checks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
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
    ledger.write_text(
        "assignment_id,arrival_date,arrival_municipality_code,date,municipality_code,kind,late\n"
        + "".join(f"A{i:07d},2026-01-0{i},0180,2026-01-0{i},{code},equalising,false\n"
                  for i, code in enumerate(chosen, start=1)), encoding="utf-8")
    (ledger.parent / "transfers.csv").unlink(missing_ok=True)
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


def test_pages_index_map_documents_21_counties_290_municipalities(built):
    site = built.site
    for name in ("index.html", "karta.html", "dokument.html", "style.css", "site.js"):
        assert (site / name).is_file(), name
    assert len(list((site / "lan").glob("*.html"))) == 21
    assert len(list((site / "kommun").glob("*.html"))) == 290
    assert len(list(site.rglob("*.html"))) == 3 + 21 + 290


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
        assert "<summary><strong>Illustrativa uppgifter</strong> – inte officiell statistik" \
            "</summary>" in text, page
        assert 'class="skip" href="#innehall"' in text and 'id="innehall"' in text
        assert text.count("<h1>") == 1


def maps(text: str) -> list[tuple[str, list[str]]]:
    """Each map's class and the codes of its shapes, in page order."""
    return [(klass, re.findall(r'<path data-code="(\d{4})"', body))
            for klass, body in re.findall(r'<svg class="(map[^"]*)"(.*?)</svg>', text, re.S)]


def test_the_map_has_290_named_shapes_insets_and_a_source(built, inputs):
    text = built.index.read_text(encoding="utf-8")
    (klass, codes), *insets = maps(text)
    assert klass == "map" and len(codes) == len(set(codes)) == 290
    stockholm = sorted(m.code for m in inputs.municipalities if m.county_code == "01")
    assert [(k, sorted(c)) for k, c in insets] == [
        ("map inset", stockholm),
        ("map inset", sorted(["1384", "1401", "1402", "1407", "1415", "1419", "1440", "1441",
                              "1462", "1480", "1481", "1482", "1489"])),
        ("map inset", sorted(["1230", "1231", "1233", "1261", "1262", "1263", "1264", "1267",
                              "1280", "1281", "1285", "1287"]))]
    assert "Kommungränser: Valmyndigheten via okfse/sweden-geojson" in text
    assert re.search(r'<title>Ale: måluppfyllelse \d+,\d\u00a0%, andelstal \d+,\d\d\u00a0‰'
                     r"</title>", text)
    assert 'id="visa-andel"' in text and 'href="#visa-andel"' in text
    assert 'href="karta.html"' in text
    large = maps((built.site / "karta.html").read_text(encoding="utf-8"))
    assert large[0][0] == "map large" and sorted(large[0][1]) == sorted(inputs.status)


def test_each_county_page_has_its_countys_map(built, inputs):
    for code, _ in inputs.counties:
        text = (built.site / "lan" / f"{code}.html").read_text(encoding="utf-8")
        [(klass, shown)] = maps(text)
        members = sorted(m.code for m in inputs.municipalities if m.county_code == code)
        assert klass == "map county" and sorted(shown) == members, code


def test_the_legend_counts_every_municipality_once_and_the_extremes_stand_alone(built, inputs):
    text = built.index.read_text(encoding="utf-8")
    legend = text[text.index('<div class="legend-fulfilment">'):]
    legend = legend[:legend.index("</ul>")]
    counts = [int(n) for n in re.findall(r'<span class="count">\((\d+)\)</span>', legend)]
    assert sum(counts) == 290
    values = [s.fulfilment_pct for s in inputs.status.values()]
    assert counts[-2] == sum(v is not None and v >= 150 for v in values)  # "150,0 % och mer"
    assert "150,0\u00a0% och mer" in legend and "under 95,0\u00a0%" in legend


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
    again = build_site_from_folders(data, out, AS_OF)
    assert again == built.index
    assert not (built.site / "stray.txt").exists()
    after = {p.relative_to(built.site): p.read_bytes() for p in built.site.rglob("*")
             if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".site")]


def test_every_published_edition_is_in_the_site_and_linked(built):
    """Each edition of each published version, byte for byte in the site, linked from
    dokument.html; every page links the editions of the table in force."""
    documents = (built.site / "dokument.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="(dokument/[^"]+)"', documents))
    published = []
    for manifest in sorted(built.out.glob("*/versions/v*/publication_*.json")):
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        folder = f"dokument/{recorded['share_year']}/v{recorded['version']}"
        for name in recorded["files"]:
            published.append(f"{folder}/{name}")
            copy = built.site / folder / name
            assert copy.read_bytes() == (manifest.parent / name).read_bytes(), copy
            assert f"{folder}/{name}" in linked
        assert recorded["version_statement"] in documents
    assert len(published) == 2 * 4  # 2018 and 2026, four editions each
    assert sorted(linked) == sorted(published)
    in_force = [f"dokument/2026/v1/shares_2026{suffix}"
                for suffix in (".pdf", ".xlsx", ".csv", "_svensk_excel.csv")]
    for page, root in ((built.index, ""), (built.site / "lan" / "12.html", "../"),
                       (built.site / "kommun" / "1280.html", "../")):
        text = page.read_text(encoding="utf-8")
        assert all(f'href="{root}{href}"' in text for href in in_force), page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_sites_planned_children_are_the_pdfs(built, inputs):
    """The children the published table expects each municipality to receive, as its PDF prints
    them (the last figure of the municipality's row) and as its page on the site states them."""
    pdf = subprocess.run(["pdftotext", "-layout", str(built.out / "2026" / "shares_2026.pdf"),
                          "-"], capture_output=True, text=True, check=True).stdout
    printed = {}
    for line in pdf.splitlines():
        row = re.match(r"\s*(\d{4})\s+\S.*\s(\d+)\s*$", line)
        if row:
            printed[row.group(1)] = int(row.group(2))
    assert sorted(printed) == sorted(inputs.status)
    for code, expected in printed.items():
        text = (built.site / "kommun" / f"{code}.html").read_text(encoding="utf-8")
        plan = re.search(r'<p id="andelstabellens-plan">.*?<strong>(\d+)\u00a0barn</strong>',
                         text)
        assert plan is not None and int(plan.group(1)) == expected, code


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
