"""A municipality's page: the three answers (share, children received, children to expect),
then its share over the years, assignments per year, goal fulfilment over time, the prognosis
scenarios and the redistributions it is part of."""

from __future__ import annotations

from html import escape

from pipeline.presentation.columns import FULFILMENT, FULFILMENT_TABLE, SHARE_DECISION
from pipeline.presentation.formats import MISSING, NBSP, WEB, long_date
from pipeline.presentation.terms import PLANNING_FIGURE, SCENARIO_NAMES, SHARE
from pipeline.site.answers import answers, children
from pipeline.site.change_section import change_section
from pipeline.site.markup import Context, county_href, figure, num, page, table, updated
from pipeline.site.sections import assignments_block, queue_note, transfers_block
from pipeline.site.upstream import Municipality

_COLUMNS = {column.name: column for column in SHARE_DECISION + FULFILMENT_TABLE}
CALCULATED, GIVEN, RECEIVED = (_COLUMNS[name] for name in
                               ("calculated_promille", "given_promille", "received_promille"))
ASSIGNED = _COLUMNS["assigned"]


def municipality_page(ctx: Context, m: Municipality) -> str:
    inputs = ctx.inputs
    body = [
        f"<h1>{escape(m.name)}</h1>",
        f'<p class="lead">Kommun i <a href="{county_href(m.county_code, "../")}">'
        f"{escape(m.county_name)}</a> · kommunkod {m.code}</p>",
        answers(ctx, m),
        updated(inputs),
        change_section(ctx, m),
        share_history(ctx, m),
        '<h2 id="per-ar">Anvisningar per år</h2>',
        assignments_block(ctx, inputs.yearly[m.code], m.name),
        fulfilment_history(ctx, m),
        scenarios_block(ctx, m),
        queue_note(ctx),
        f"<h2>Omfördelningar {inputs.shown_year}</h2>",
        transfers_block(ctx, {m.code}, "../"),
    ]
    return page(ctx, m.name, "../", [("Översikt", "../index.html"),
                                     (m.county_name, county_href(m.county_code, "../")),
                                     (m.name, None)], "\n".join(body))


def share_history(ctx: Context, m: Municipality) -> str:
    publications = sorted(ctx.inputs.publications.items())
    units = [p.shares[m.code] for _, p in publications]
    decimals = max(p.decimals for _, p in publications)
    scaled = [u * 10 ** (decimals - p.decimals) for u, (_, p) in zip(units, publications,
                                                                       strict=True)]
    label = (f"Stapeldiagram: {SHARE} för {m.name} per publicerat år, "
             + ", ".join(f"{y}: {WEB.promille(p.shares[m.code], p.decimals)}"
                         for y, p in publications))
    svg = ctx.charts.share_years(scaled, decimals, label)
    rows = [
        f'<tr><th scope="row">{year}</th>'
        + num(WEB.promille(p.shares[m.code], p.decimals))
        + num(WEB.promille(p.calculated[m.code], p.decimals))
        + num(WEB.promille(p.given[m.code], p.decimals) if p.given[m.code] else MISSING)
        + num(WEB.promille(p.received[m.code], p.decimals) if p.received[m.code] else MISSING)
        + num(WEB.integer(p.version)) + "</tr>"
        for year, p in publications
    ]
    return (f'<h2 id="andelstal">{SHARE.capitalize()} per år</h2>'
            + figure(svg, f"{SHARE.capitalize()} i promille (‰) för varje publicerat år.")
            + table(f"{SHARE.capitalize()} för {m.name} per publicerat år",
                    (("År", False), (SHARE.capitalize(), True), (CALCULATED.title(), True),
                     (GIVEN.title(), True), (RECEIVED.title(), True), ("Version", True)), rows))


def fulfilment_history(ctx: Context, m: Municipality) -> str:
    history = ctx.inputs.history
    values = [h.fulfilment_pct[m.code] for h in history]
    label = (f"Linjediagram: måluppfyllelse för {m.name}, "
             + ", ".join(f"{_when(h.when)}: {WEB.percent(v)}" for h, v in zip(history, values,
                                                                          strict=True)))
    svg = ctx.charts.fulfilment(values, label)
    rows = [
        f'<tr><th scope="row">{_when(h.when)}</th>'
        + num(WEB.percent(h.fulfilment_pct[m.code])) + num(WEB.integer(h.assigned[m.code]))
        + num(WEB.integer(h.total)) + "</tr>"
        for h in history
    ]
    missing = [y for y in range(ctx.inputs.years[0], ctx.inputs.as_of.year)
               if y not in ctx.inputs.publications]
    note = ""
    if missing:
        note = (f'<p class="note">Måluppfyllelsen räknas mot årets eget {SHARE} och visas därför '
                f"bara för år med publicerade {SHARE}; inga finns för "
                f"{', '.join(map(str, missing))}.</p>")
    last = history[-1].when if history else ctx.inputs.as_of
    return ('<h2 id="maluppfyllelse">Måluppfyllelse över tid</h2>'
            + figure(svg, f"Måluppfyllelse den 31 december varje år med publicerade {SHARE}; "
                     f"sista punkten är {long_date(last)}. Streckad linje = 100{NBSP}%.")
            + table(f"Måluppfyllelse för {m.name} över tid",
                    (("Datum", False), (FULFILMENT.title(), True),
                     (f"{ASSIGNED.title()}, {m.name}", True), ("Anvisade i landet", True)),
                    rows) + note)


def _when(day) -> str:
    return f"31 december {day.year}" if (day.month, day.day) == (12, 31) else long_date(day)


def scenarios_block(ctx: Context, m: Municipality) -> str:
    inputs = ctx.inputs
    year = inputs.as_of.year
    heading = f'<h2 id="prognos">Förväntat antal barn {year}</h2>'
    planned = _planned(ctx, m)
    if not inputs.scenarios:
        return heading + f"<p>Ingen nationell prognos för {year} finns inlagd.</p>" + planned
    so_far = sum(inputs.yearly[m.code].get(year, (0, 0)))
    rows = []
    for scenario in inputs.scenarios:
        expected = scenario.expected[m.code]
        rows.append(
            f'<tr><th scope="row">{SCENARIO_NAMES[scenario.key]}</th>'
            + num(WEB.integer(expected)) + num(WEB.integer(so_far + expected))
            + num(WEB.integer(scenario.national)) + num(WEB.integer(scenario.remaining))
            + num(WEB.percent(scenario.fulfilment_after[m.code])) + "</tr>")
    flag = " (illustrativ)" if inputs.prognosis and inputs.prognosis.illustrative else ""
    return (heading + f"<p>Nationell prognos för {year}{flag}: tre scenarier för hur många barn "
            "som anvisas under hela året. Hittills i år har "
            f"{WEB.integer(inputs.assigned_this_year)} barn anvisats i landet, varav "
            f"{WEB.integer(so_far)} till {escape(m.name)}. Resten av "
            "året antas bli utjämnande anvisningar och fördelas med regeln för utjämnande "
            f"anvisning, en i taget från dagens läge – inte {SHARE} × antal: den kommun som ligger "
            "längst under sitt mål får nästa barn.</p>"
            + table(f"Förväntat antal anvisade barn till {m.name} {year}",
                    (("Scenario", False), ("Resten av året", True),
                     (f"Hela {year}", True), ("Barn i landet under året", True),
                     ("Kvar att anvisa i landet", True),
                     ("Måluppfyllelse vid årets slut", True)), rows) + planned)


def _planned(ctx: Context, m: Municipality) -> str:
    """What the published table itself expects for the whole year at its planning figure: the
    number its PDF and Excel editions print."""
    shown = ctx.inputs.shown
    if shown.expected is None:
        return ""
    national = ""
    if shown.planning_children is not None:
        scenario = SCENARIO_NAMES.get(shown.planning_scenario or "")
        national = (f", om {WEB.integer(shown.planning_children)} barn anvisas i landet under året "
                    f"({PLANNING_FIGURE}" + (f", scenariot {scenario})" if scenario else ")"))
    return (f'<p id="andelstabellens-plan">Enligt de publicerade {SHARE}en för {shown.year} väntas '
            f"{escape(m.name)} få <strong>{children(shown.expected[m.code])}</strong> under hela "
            f"{shown.year}{national}, räknat från läget den 31 december {shown.year - 1}.</p>")
