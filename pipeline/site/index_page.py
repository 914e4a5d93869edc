"""The index page: the map and the table of all municipalities, the national assignments per year
and the published share tables."""

from __future__ import annotations

from html import escape

from pipeline.presentation.formats import WEB, long_date
from pipeline.site import map as choropleth
from pipeline.site.markup import (
    Context,
    county_href,
    facts,
    municipality_href,
    num,
    page,
    table,
    updated,
)
from pipeline.site.sections import assignments_block, municipality_table, queue_note


def index_page(ctx: Context) -> str:
    inputs = ctx.inputs
    shown = inputs.shown
    first = next(code for code, s in inputs.status.items() if s.queue_place == 1)
    by_code = {m.code: m for m in inputs.municipalities}
    body = [
        "<h1>Anvisning av ensamkommande barn till kommuner</h1>",
        updated(inputs),
        "<p>Migrationsverket anvisar varje ensamkommande asylsökande barn till en kommun. Varje "
        "kommun har ett andelstal i promille för året, och varje utjämnande anvisning går till "
        "kommunen med lägst måluppfyllelse. Här visas andelstalen, anvisningarna sedan 1 januari "
        f"2016 och måluppfyllelsen per {long_date(inputs.as_of)} för alla 290 kommuner.</p>",
        facts([
            ("Anvisade sedan 1 januari 2016", WEB.integer(inputs.total_assigned)),
            (f"Anvisade hittills {inputs.as_of.year}", WEB.integer(inputs.assigned_this_year)),
            ("Näst på tur för utjämnande anvisning",
             f'<a href="{municipality_href(first, "")}">{escape(by_code[first].name)}</a>'),
            (f"Andelstal {shown.year}", f"version {shown.version}"),
        ]),
        '<p><a href="#kommuner">Hoppa förbi kartan till tabellen över alla kommuner</a></p>',
        map_section(ctx),
        national_assignments(ctx),
        '<h2 id="kommuner-rubrik">Alla kommuner</h2>',
        "<p>Tabellen är kartans textversion. Med JavaScript påslaget kan den sorteras (klicka på "
        "en kolumnrubrik) och filtreras. Förändring är skillnaden mot förra årets andelstal i "
        "promille; den kolumnen sorteras efter förändringens storlek, ökning som minskning.</p>",
        municipality_table(ctx, inputs.municipalities, "",
                           f"Andelstal {shown.year} och måluppfyllelse per "
                           f"{long_date(inputs.as_of)}, alla 290 kommuner", "kommuner"),
        queue_note(ctx),
        '<h2 id="lan">Län</h2><ul class="counties">' + "".join(
            f'<li><a href="{county_href(code, "")}">{escape(name)}</a></li>'
            for code, name in inputs.counties) + "</ul>",
        published_years(ctx),
    ]
    return page(ctx, "Översikt", "", [("Översikt", None)], "\n".join(body))


def map_section(ctx: Context) -> str:
    inputs = ctx.inputs
    decimals = ctx.decimals
    regions = []
    for m in inputs.municipalities:
        s = inputs.status[m.code]
        promille = s.share_units / 10**decimals
        label = (f"{m.name}: måluppfyllelse {WEB.percent(s.fulfilment_pct)}, andelstal "
                 f"{WEB.promille(s.share_units, decimals)}")
        regions.append(choropleth.Region(
            code=m.code, href=municipality_href(m.code, ""), label=label,
            fulfilment_class=choropleth.class_of(s.fulfilment_pct,
                                                 choropleth.FULFILMENT_BREAKS),
            share_class=choropleth.class_of(promille if s.share_units else None,
                                            choropleth.SHARE_BREAKS)))
    assert ctx.projected is not None
    svg = choropleth.svg(ctx.projected, regions,
                         f"Karta över Sveriges 290 kommuner, måluppfyllelse per "
                         f"{long_date(inputs.as_of)} eller andelstal {inputs.shown_year}")
    fulfilment_legend = legend(
        f"Måluppfyllelse {long_date(inputs.as_of)}",
        choropleth.legend_labels(choropleth.FULFILMENT_BREAKS, "%", 1),
        "inget andelstal", "legend-fulfilment")
    share_legend = legend(
        f"Andelstal {inputs.shown_year}",
        choropleth.legend_labels(choropleth.SHARE_BREAKS, "‰", 2), "andelstal 0",
        "legend-share")
    return f"""<h2 id="karta">Karta</h2>
<div id="visa-andel"><div id="visa-maluppfyllelse">
<p class="mapmodes"><a class="mode-fulfilment" href="#visa-maluppfyllelse">Visa måluppfyllelse</a>
<a class="mode-share" href="#visa-andel">Visa andelstal</a></p>
<div class="mapbox">{svg}<div class="legend">{fulfilment_legend}{share_legend}
<p class="note">Mörkare färg = lägre värde. Klicka på en kommun för dess sida.
Samma uppgifter finns i <a href="#kommuner">tabellen nedan</a>.</p>
<p class="source">{choropleth.SOURCE_TEXT}.</p></div></div>
</div></div>"""


def legend(title: str, labels: list[str], none_label: str, klass: str) -> str:
    items = "".join(f'<li><span class="sw c{i}" aria-hidden="true"></span>{escape(label)}</li>'
                    for i, label in enumerate(labels))
    items += f'<li><span class="sw cn" aria-hidden="true"></span>{escape(none_label)}</li>'
    return f'<div class="{klass}"><h3>{escape(title)}</h3><ul>{items}</ul></div>'


def national_assignments(ctx: Context) -> str:
    totals: dict[int, tuple[int, int]] = {}
    for counts in ctx.inputs.yearly.values():
        for year, (e, c) in counts.items():
            before = totals.get(year, (0, 0))
            totals[year] = (before[0] + e, before[1] + c)
    return ('<h2 id="per-ar">Anvisningar per år i hela landet</h2>'
            + assignments_block(ctx, totals, "riket", "alla kommuner"))


def published_years(ctx: Context) -> str:
    rows = []
    for year, p in sorted(ctx.inputs.publications.items()):
        rows.append(f'<tr><th scope="row">{year}</th>' + num(WEB.integer(p.version))
                    + f"<td>{escape(p.decision_date)}</td><td>{escape(p.published_at[:10])}</td>"
                    f"<td>{escape(p.parameter_set)}</td>"
                    f"<td>{'ja' if p.illustrative else 'nej'}</td></tr>")
    return ('<h2 id="publiceringar">Publicerade andelstal</h2>' + table(
        "Publicerade andelstabeller som webbplatsen bygger på",
        (("Andelsår", False), ("Version", True), ("Beslutsdatum", False), ("Publicerad", False),
         ("Parametrar", False), ("Illustrativa underlag", False)), rows))
