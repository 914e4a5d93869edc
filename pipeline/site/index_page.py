"""The index page: the map with its metropolitan insets, the table of all municipalities, the
national assignments per year and the table in force to download."""

from __future__ import annotations

from html import escape

from pipeline.presentation.formats import WEB, long_date
from pipeline.presentation.terms import SHARE
from pipeline.site.answers import downloads
from pipeline.site.maps import overview
from pipeline.site.markup import (
    Context,
    county_href,
    facts,
    municipality_href,
    page,
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
        f"kommun har ett {SHARE} i promille för året, och varje utjämnande anvisning går till "
        f"kommunen med lägst måluppfyllelse. Här visas {SHARE}en, anvisningarna sedan 1 januari "
        f"2016 och måluppfyllelsen per {long_date(inputs.as_of)} för alla 290 kommuner.</p>",
        facts([
            ("Anvisade sedan 1 januari 2016", WEB.integer(inputs.total_assigned)),
            (f"Anvisade hittills {inputs.as_of.year}", WEB.integer(inputs.assigned_this_year)),
            ("Näst på tur för utjämnande anvisning",
             f'<a href="{municipality_href(first, "")}">{escape(by_code[first].name)}</a>'),
            (f"{SHARE.capitalize()} {shown.year}", f"version {shown.version}"),
        ]),
        downloads(ctx, ""),
        '<p><a href="#kommuner">Hoppa förbi kartan till tabellen över alla kommuner</a></p>',
        overview(ctx),
        national_assignments(ctx),
        '<h2 id="kommuner-rubrik">Alla kommuner</h2>',
        "<p>Tabellen är kartans textversion. Med JavaScript påslaget kan den sorteras (klicka på "
        "en kolumnrubrik) och filtreras. Förändring är skillnaden mot förra årets andelstal i "
        "promille; den kolumnen sorteras efter förändringens storlek, ökning som minskning.</p>",
        municipality_table(ctx, inputs.municipalities, "",
                           f"{SHARE.capitalize()} {shown.year} och måluppfyllelse per "
                           f"{long_date(inputs.as_of)}, alla 290 kommuner", "kommuner"),
        queue_note(ctx),
        '<h2 id="lan">Län</h2><ul class="counties">' + "".join(
            f'<li><a href="{county_href(code, "")}">{escape(name)}</a></li>'
            for code, name in inputs.counties) + "</ul>",
        f'<h2 id="dokument">Publicerade {SHARE}</h2><p>Varje publicerad tabell, alla år och '
        'versioner, som PDF, Excel och CSV: <a href="dokument.html">Publicerade '
        f"{SHARE} att ladda ner</a>.</p>",
    ]
    return page(ctx, "Översikt", "", [("Översikt", None)], "\n".join(body))


def national_assignments(ctx: Context) -> str:
    totals: dict[int, tuple[int, int]] = {}
    for counts in ctx.inputs.yearly.values():
        for year, (e, c) in counts.items():
            before = totals.get(year, (0, 0))
            totals[year] = (before[0] + e, before[1] + c)
    return ('<h2 id="per-ar">Anvisningar per år i hela landet</h2>'
            + assignments_block(ctx, totals, "alla kommuner"))
