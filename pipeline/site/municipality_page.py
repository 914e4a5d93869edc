"""A municipality's page: its status, shares and goal fulfilment over the years, assignments per
year, the prognosis scenarios and the redistributions it is part of."""

from __future__ import annotations

from html import escape

from pipeline.presentation.formats import MISSING, NBSP, WEB, long_date
from pipeline.site.inputs import SiteInputs
from pipeline.site.markup import Context, county_href, facts, figure, num, page, table, updated
from pipeline.site.sections import assignments_block, transfers_block
from pipeline.site.upstream import Municipality

SCENARIO_NAMES = {"low": "Låg", "base": "Bas", "high": "Hög"}


def municipality_page(ctx: Context, m: Municipality) -> str:
    inputs = ctx.inputs
    s = inputs.status[m.code]
    body = [
        f"<h1>{escape(m.name)}</h1>",
        f'<p>Kommun i <a href="{county_href(m.county_code, "../")}">'
        f"{escape(m.county_name)}</a>, kommunkod {m.code}.</p>",
        updated(inputs),
        facts([
            (f"Andelstal {inputs.shown_year}", WEB.promille(s.share_units, ctx.decimals)),
            ("Anvisade sedan 1 januari 2016", WEB.integer(s.assigned)),
            ("Mål", WEB.decimal(s.target, 2) if s.share_units else MISSING),
            ("Måluppfyllelse", WEB.percent(s.fulfilment_pct)),
            ("Plats i kön", f"{WEB.integer(s.queue_place)} av {WEB.integer(_queued(inputs))}"
             if s.queue_place else "inte i kön"),
        ]),
        share_history(ctx, m),
        '<h2 id="per-ar">Anvisningar per år</h2>',
        assignments_block(ctx, inputs.yearly[m.code], f"k{m.code}", m.name),
        fulfilment_history(ctx, m),
        scenarios_block(ctx, m),
        f"<h2>Omfördelningar {inputs.shown_year}</h2>",
        transfers_block(ctx, {m.code}, "../"),
    ]
    return page(ctx, m.name, "../", [("Översikt", "../index.html"),
                                     (m.county_name, county_href(m.county_code, "../")),
                                     (m.name, None)], "\n".join(body))


def _queued(inputs: SiteInputs) -> int:
    return sum(1 for s in inputs.status.values() if s.queue_place)


def share_history(ctx: Context, m: Municipality) -> str:
    publications = sorted(ctx.inputs.publications.items())
    units = [p.shares[m.code] for _, p in publications]
    decimals = max(p.decimals for _, p in publications)
    scaled = [u * 10 ** (decimals - p.decimals) for u, (_, p) in zip(units, publications,
                                                                       strict=True)]
    label = (f"Stapeldiagram: andelstal för {m.name} per publicerat år, "
             + ", ".join(f"{y}: {WEB.promille(p.shares[m.code], p.decimals)}"
                         for y, p in publications))
    svg = ctx.charts.share_years(scaled, decimals, f"a{m.code}", label)
    rows = [
        f'<tr><th scope="row">{year}</th>'
        + num(WEB.promille(p.calculated[m.code], p.decimals))
        + num(WEB.promille(p.given[m.code], p.decimals) if p.given[m.code] else MISSING)
        + num(WEB.promille(p.received[m.code], p.decimals) if p.received[m.code] else MISSING)
        + num(WEB.promille(p.shares[m.code], p.decimals))
        + num(WEB.integer(p.version)) + "</tr>"
        for year, p in publications
    ]
    return ('<h2 id="andelstal">Andelstal per år</h2>'
            + figure(svg, "Andelstal i promille (‰) för varje publicerat år.")
            + table(f"Andelstal för {m.name} per publicerat år",
                    (("År", False), ("Beräknat", True), ("Lämnat", True), ("Mottaget", True),
                     ("Andelstal", True), ("Version", True)), rows))


def fulfilment_history(ctx: Context, m: Municipality) -> str:
    history = ctx.inputs.history
    values = [h.fulfilment_pct[m.code] for h in history]
    label = (f"Linjediagram: måluppfyllelse för {m.name}, "
             + ", ".join(f"{_when(h.when)}: {WEB.percent(v)}" for h, v in zip(history, values,
                                                                          strict=True)))
    svg = ctx.charts.fulfilment(values, f"m{m.code}", label)
    rows = [
        f'<tr><th scope="row">{_when(h.when)}</th><td>{h.share_year}</td>'
        + num(WEB.integer(h.assigned[m.code])) + num(WEB.integer(h.total))
        + num(WEB.percent(h.fulfilment_pct[m.code])) + "</tr>"
        for h in history
    ]
    missing = [y for y in range(ctx.inputs.years[0], ctx.inputs.as_of.year)
               if y not in ctx.inputs.publications]
    note = ""
    if missing:
        note = ('<p class="note">Måluppfyllelsen räknas mot årets eget andelstal och visas därför '
                "bara för år med en publicerad andelstabell; ingen finns för "
                f"{', '.join(map(str, missing))}.</p>")
    return ('<h2 id="maluppfyllelse">Måluppfyllelse över tid</h2>'
            + figure(svg, f"Måluppfyllelse den 31 december varje år med publicerade andelstal "
                     f"och den {long_date(ctx.inputs.as_of)}; streckad linje = 100{NBSP}%.")
            + table(f"Måluppfyllelse för {m.name} över tid",
                    (("Datum", False), ("Andelsår", False), ("Anvisade sedan 2016", True),
                     ("Anvisade i landet", True), ("Måluppfyllelse", True)), rows) + note)


def _when(day) -> str:
    return f"31 december {day.year}" if (day.month, day.day) == (12, 31) else long_date(day)


def scenarios_block(ctx: Context, m: Municipality) -> str:
    inputs = ctx.inputs
    year = inputs.as_of.year
    heading = f'<h2 id="prognos">Förväntat antal barn {year}</h2>'
    if not inputs.scenarios:
        return heading + f"<p>Ingen nationell prognos för {year} finns inlagd.</p>"
    so_far = sum(inputs.yearly[m.code].get(year, (0, 0)))
    rows = []
    for scenario in inputs.scenarios:
        expected = scenario.expected[m.code]
        rows.append(
            f'<tr><th scope="row">{SCENARIO_NAMES[scenario.key]}</th>'
            + num(WEB.integer(scenario.national)) + num(WEB.integer(scenario.remaining))
            + num(WEB.integer(expected)) + num(WEB.integer(so_far + expected))
            + num(WEB.percent(scenario.fulfilment_after[m.code])) + "</tr>")
    flag = " (illustrativ)" if inputs.prognosis and inputs.prognosis.illustrative else ""
    return (heading + f"<p>Nationell prognos för {year}{flag}: tre scenarier för hur många barn "
            "som anvisas under hela året. Hittills i år har "
            f"{WEB.integer(inputs.assigned_this_year)} barn anvisats i landet, varav "
            f"{WEB.integer(so_far)} till {escape(m.name)}. Resten av "
            "året antas bli utjämnande anvisningar och fördelas med regeln för utjämnande "
            "anvisning, steg för steg från dagens läge (inte andelstal × antal).</p>"
            + table(f"Förväntat antal anvisade barn till {m.name} {year}",
                    (("Scenario", False), ("Barn i landet under året", True),
                     ("Kvar att anvisa i landet", True), ("Förväntat till kommunen", True),
                     (f"Totalt till kommunen {year}", True),
                     ("Måluppfyllelse vid årets slut", True)), rows))
