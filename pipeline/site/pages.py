"""The HTML of the site's pages, in Swedish: the index (map and table of all municipalities), one
page per county and one per municipality. Every page states its date, the publication version it
shows and, when any input is illustrative, says so at the top."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from pipeline.site import map as choropleth
from pipeline.site.charts import CONNECTION_COLOUR, EQUALISING_COLOUR, Charts
from pipeline.site.data import Municipality, SiteInputs, county_fulfilment
from pipeline.site.formatting import (
    MISSING,
    NBSP,
    decimal,
    integer,
    long_date,
    percent,
    promille_units,
)

SITE_NAME = "Anvisning av ensamkommande barn – statistik"
SCENARIO_NAMES = {"low": "Låg", "base": "Bas", "high": "Hög"}


def municipality_href(code: str, root: str) -> str:
    return f"{root}kommun/{code}.html"


def county_href(code: str, root: str) -> str:
    return f"{root}lan/{code}.html"


@dataclass(frozen=True)
class Context:
    """What every page needs: the inputs, the charts and the projected map."""

    inputs: SiteInputs
    charts: Charts
    projected: choropleth.Projected | None = None

    @property
    def decimals(self) -> int:
        return self.inputs.shown.decimals


# --- frame ---------------------------------------------------------------------------------

def page(ctx: Context, title: str, root: str, crumbs: Sequence[tuple[str, str | None]],
         body: str) -> str:
    inputs = ctx.inputs
    shown = inputs.shown
    trail = "".join(
        f'<li><a href="{escape(href)}">{escape(text)}</a></li>' if href else
        f'<li aria-current="page">{escape(text)}</li>' for text, href in crumbs)
    return f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – {SITE_NAME}</title>
<link rel="stylesheet" href="{root}style.css">
</head>
<body>
<a class="skip" href="#innehall">Hoppa till innehållet</a>
<header class="site">
<p class="brand"><a href="{root}index.html">{SITE_NAME}</a></p>
<nav class="crumbs" aria-label="Du är här"><ol>{trail}</ol></nav>
</header>
{illustrative_mark(inputs)}
<main id="innehall" tabindex="-1">
{body}
</main>
<footer>
<p>Uppdaterad {long_date(inputs.as_of)}. Visar andelstal {shown.year}, publicerad version
{shown.version} (beslutsdatum {escape(shown.decision_date)}, parameteruppsättning
”{escape(shown.parameter_set)}”). Måluppfyllelse räknas på alla anvisningar sedan 1 januari 2016
mot årets andelstal.</p>
<p>Kommungränser: Valmyndigheten via okfse/sweden-geojson. Kommunkoder: SCB.</p>
</footer>
<script src="{root}site.js" defer></script>
</body>
</html>
"""


def illustrative_mark(inputs: SiteInputs) -> str:
    if not inputs.illustrative:
        return ""
    items = "; ".join(escape(item) for item in inputs.illustrative)
    return ('<aside class="mark" aria-label="Om uppgifterna"><p><strong>Illustrativa uppgifter – '
            "inte ett beslut och inte Migrationsverkets statistik.</strong> Påhittade eller "
            f"genererade underlag: {items}.</p></aside>")


def updated(inputs: SiteInputs) -> str:
    shown = inputs.shown
    flag = " (illustrativa uppgifter)" if inputs.illustrative else ""
    return (f'<p class="meta">Uppdaterad {long_date(inputs.as_of)} · Andelstal {shown.year}, '
            f"publicerad version {shown.version}{flag}</p>")


def facts(items: Iterable[tuple[str, str]]) -> str:
    return '<dl class="facts">' + "".join(
        f"<div><dt>{escape(term)}</dt><dd>{value}</dd></div>" for term, value in items) + "</dl>"


def table(caption: str, headers: Sequence[tuple[str, bool]], rows: Iterable[str],
          attributes: str = "") -> str:
    head = "".join(f'<th scope="col"{" class=num" if numeric else ""}>{escape(text)}</th>'
                   for text, numeric in headers)
    # A wrapper that scrolls on narrow screens must be reachable by keyboard (WCAG 2.1.1).
    return (f'<div class="table-wrap" tabindex="0" role="region" aria-label="{escape(caption)}">'
            f"<table{attributes}><caption>{escape(caption)}</caption><thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>")


def num(text: str, sort: object | None = None) -> str:
    attribute = "" if sort is None else f' data-sort="{sort}"'
    return f'<td class="num"{attribute}>{text}</td>'


def figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


# --- the table of municipalities -------------------------------------------------------------

MUNICIPALITY_HEADERS = (
    ("Kommun", False), ("Län", False), ("Andelstal", True), ("Anvisade sedan 2016-01-01", True),
    ("Mål", True), ("Måluppfyllelse", True), ("Plats i kön", True),
)


def fulfilment_cell(value: float | None) -> str:
    klass = choropleth.class_of(value, choropleth.FULFILMENT_BREAKS)
    if klass is None:
        return num(MISSING, "")
    colour = choropleth.PALETTE[klass]
    style = f"background:{colour};color:{choropleth.text_colour(colour)}"
    return num(f'<span class="pill" style="{style}">{percent(value)}</span>', value)


def municipality_rows(ctx: Context, municipalities: Iterable[Municipality], root: str) -> list[str]:
    rows = []
    for m in municipalities:
        s = ctx.inputs.status[m.code]
        rows.append(
            f'<tr><th scope="row"><a href="{municipality_href(m.code, root)}">{escape(m.name)}'
            f'</a></th><td><a href="{county_href(m.county_code, root)}">'
            f"{escape(m.county_name)}</a></td>"
            + num(promille_units(s.share_units, ctx.decimals), s.share_units)
            + num(integer(s.assigned), s.assigned)
            + num(decimal(s.target, 2) if s.share_units else MISSING,
                  s.target if s.share_units else "")
            + fulfilment_cell(s.fulfilment_pct)
            + num(integer(s.queue_place) if s.queue_place else "inte i kön",
                  s.queue_place or "")
            + "</tr>")
    return rows


def municipality_table(ctx: Context, municipalities: list[Municipality], root: str,
                       caption: str, table_id: str) -> str:
    search = (f'<div class="filter" id="{table_id}-filter" hidden><label for="{table_id}-sok">'
              f'Sök kommun eller län</label> <input id="{table_id}-sok" type="search" '
              f'autocomplete="off"> <span role="status" aria-live="polite"></span></div>')
    return search + table(caption, MUNICIPALITY_HEADERS, municipality_rows(ctx, municipalities,
                                                                           root),
                          f' id="{table_id}" data-sortable data-filter="{table_id}-filter"')


def queue_note(ctx: Context) -> str:
    return ('<p class="note">Plats i kön: i vilken ordning kommunerna står på tur för nästa '
            "utjämnande anvisning – lägst kvot mellan anvisade och andelstal först; vid lika kvot "
            "går större andelstal först, sedan lägre kommunkod. En kommun med andelstal 0 får inga "
            "utjämnande anvisningar och står inte i kön. Mål = andelstal/1000 × alla anvisningar "
            f"sedan 2016 ({integer(ctx.inputs.total_assigned)}).</p>")


# --- index -----------------------------------------------------------------------------------

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
            ("Anvisade sedan 1 januari 2016", integer(inputs.total_assigned)),
            (f"Anvisade hittills {inputs.as_of.year}", integer(inputs.assigned_this_year)),
            ("Näst på tur för utjämnande anvisning",
             f'<a href="{municipality_href(first, "")}">{escape(by_code[first].name)}</a>'),
            (f"Andelstal {shown.year}", f"version {shown.version}"),
        ]),
        '<p><a href="#kommuner">Hoppa förbi kartan till tabellen över alla kommuner</a></p>',
        map_section(ctx),
        national_assignments(ctx),
        '<h2 id="kommuner-rubrik">Alla kommuner</h2>',
        "<p>Tabellen är kartans textversion. Med JavaScript påslaget kan den sorteras (klicka på "
        "en kolumnrubrik) och filtreras.</p>",
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
        label = (f"{m.name}: måluppfyllelse {percent(s.fulfilment_pct)}, andelstal "
                 f"{promille_units(s.share_units, decimals)}")
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


def per_year_rows(years: Sequence[int], counts: dict[int, tuple[int, int]]) -> list[str]:
    rows = []
    for year in years:
        e, c = counts.get(year, (0, 0))
        rows.append(f'<tr><th scope="row">{year}</th>' + num(integer(e)) + num(integer(c))
                    + num(integer(e + c)) + "</tr>")
    return rows


def assignments_block(ctx: Context, counts: dict[int, tuple[int, int]], prefix: str,
                      whom: str) -> str:
    years = ctx.inputs.years
    equalising = [counts.get(y, (0, 0))[0] for y in years]
    connection = [counts.get(y, (0, 0))[1] for y in years]
    label = (f"Stapeldiagram: anvisningar per år {years[0]}–{years[-1]} till {whom}, "
             "utjämnande och anknytning")
    svg = ctx.charts.assignments(equalising, connection, prefix, label)
    last = (f" ({years[-1]}: till och med {long_date(ctx.inputs.as_of)})")
    caption = (f'<span class="sw" style="background:{EQUALISING_COLOUR}" aria-hidden="true">'
               f'</span>utjämnande anvisningar, <span class="sw" style="background:'
               f'{CONNECTION_COLOUR}" aria-hidden="true"></span>anknytningsanvisningar'
               f"{escape(last)}.")
    return figure(svg, caption) + table(
        f"Anvisningar per år till {whom}",
        (("År", False), ("Utjämnande", True), ("Anknytning", True), ("Totalt", True)),
        per_year_rows(years, counts))


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
        rows.append(f'<tr><th scope="row">{year}</th>' + num(integer(p.version))
                    + f"<td>{escape(p.decision_date)}</td><td>{escape(p.published_at[:10])}</td>"
                    f"<td>{escape(p.parameter_set)}</td>"
                    f"<td>{'ja' if p.illustrative else 'nej'}</td></tr>")
    return ('<h2 id="publiceringar">Publicerade andelstal</h2>' + table(
        "Publicerade andelstabeller som webbplatsen bygger på",
        (("Andelsår", False), ("Version", True), ("Beslutsdatum", False), ("Publicerad", False),
         ("Parametrar", False), ("Illustrativa underlag", False)), rows))


# --- county ----------------------------------------------------------------------------------

def county_page(ctx: Context, code: str, name: str) -> str:
    inputs = ctx.inputs
    members = [m for m in inputs.municipalities if m.county_code == code]
    codes = [m.code for m in members]
    share = sum(inputs.status[c].share_units for c in codes)
    assigned = sum(inputs.status[c].assigned for c in codes)
    target = sum(inputs.status[c].target for c in codes)
    counts: dict[int, tuple[int, int]] = {}
    for c in codes:
        for year, (e, k) in inputs.yearly[c].items():
            before = counts.get(year, (0, 0))
            counts[year] = (before[0] + e, before[1] + k)
    body = [
        f"<h1>{escape(name)}</h1>",
        updated(inputs),
        facts([
            ("Kommuner", integer(len(members))),
            (f"Andelstal {inputs.shown_year} (summa)", promille_units(share, ctx.decimals)),
            ("Anvisade sedan 1 januari 2016", integer(assigned)),
            ("Mål (summa)", decimal(target, 2)),
            ("Måluppfyllelse", percent(county_fulfilment(inputs, codes))),
        ]),
        f"<h2>Omfördelningar {inputs.shown_year}</h2>",
        transfers_block(ctx, set(codes), "../"),
        f'<h2 id="per-ar">Anvisningar per år i {escape(name)}</h2>',
        assignments_block(ctx, counts, f"lan{code}", escape(name)),
        f"<h2>Kommunerna i {escape(name)}</h2>",
        municipality_table(ctx, members, "../", f"Andelstal {inputs.shown_year} och "
                           f"måluppfyllelse per {long_date(inputs.as_of)}, {name}", "kommuner"),
        queue_note(ctx),
    ]
    return page(ctx, name, "../", [("Översikt", "../index.html"), (name, None)], "\n".join(body))


def transfers_block(ctx: Context, codes: set[str], root: str) -> str:
    inputs = ctx.inputs
    names = {m.code: m.name for m in inputs.municipalities}
    transfers = [t for t in inputs.transfers if t.giver in codes or t.receiver in codes]
    if not transfers:
        return (f"<p>Inga omfördelningar gäller {inputs.shown_year}: andelstalen är de "
                "beräknade.</p>")
    rows = [
        f'<tr><td><a href="{municipality_href(t.giver, root)}">{escape(names[t.giver])}</a></td>'
        f'<td><a href="{municipality_href(t.receiver, root)}">{escape(names[t.receiver])}</a>'
        f"</td>{num(promille_units(t.amount_units, ctx.decimals))}"
        f"<td>{t.approved_on.isoformat()}</td><td>{escape(t.reference)}</td></tr>"
        for t in transfers
    ]
    return ("<p>Omfördelningar som länsstyrelsen förmedlat och Migrationsverket godkänt för "
            f"{inputs.shown_year} (givaren lämnar en del av sitt andelstal till en kommun i samma "
            "län).</p>" + table(
                f"Omfördelningar som gäller {inputs.shown_year}",
                (("Givare", False), ("Mottagare", False), ("Andel", True),
                 ("Godkänd", False), ("Diarienummer", False)), rows))


# --- municipality ----------------------------------------------------------------------------

def municipality_page(ctx: Context, m: Municipality) -> str:
    inputs = ctx.inputs
    s = inputs.status[m.code]
    body = [
        f"<h1>{escape(m.name)}</h1>",
        f'<p>Kommun i <a href="{county_href(m.county_code, "../")}">'
        f"{escape(m.county_name)}</a>, kommunkod {m.code}.</p>",
        updated(inputs),
        facts([
            (f"Andelstal {inputs.shown_year}", promille_units(s.share_units, ctx.decimals)),
            ("Anvisade sedan 1 januari 2016", integer(s.assigned)),
            ("Mål", decimal(s.target, 2) if s.share_units else MISSING),
            ("Måluppfyllelse", percent(s.fulfilment_pct)),
            ("Plats i kön", f"{integer(s.queue_place)} av {integer(_queued(inputs))}"
             if s.queue_place else "inte i kön"),
        ]),
        share_history(ctx, m),
        '<h2 id="per-ar">Anvisningar per år</h2>',
        assignments_block(ctx, inputs.yearly[m.code], f"k{m.code}", escape(m.name)),
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
             + ", ".join(f"{y}: {promille_units(p.shares[m.code], p.decimals)}"
                         for y, p in publications))
    svg = ctx.charts.share_years(scaled, decimals, f"a{m.code}", label)
    rows = [
        f'<tr><th scope="row">{year}</th>'
        + num(promille_units(p.calculated[m.code], p.decimals))
        + num(promille_units(p.given[m.code], p.decimals) if p.given[m.code] else MISSING)
        + num(promille_units(p.received[m.code], p.decimals) if p.received[m.code] else MISSING)
        + num(promille_units(p.shares[m.code], p.decimals))
        + num(integer(p.version)) + "</tr>"
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
             + ", ".join(f"{_when(h.when)}: {percent(v)}" for h, v in zip(history, values,
                                                                          strict=True)))
    svg = ctx.charts.fulfilment(values, f"m{m.code}", label)
    rows = [
        f'<tr><th scope="row">{_when(h.when)}</th><td>{h.share_year}</td>'
        + num(integer(h.assigned[m.code])) + num(integer(h.total))
        + num(percent(h.fulfilment_pct[m.code])) + "</tr>"
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
            + num(integer(scenario.national)) + num(integer(scenario.remaining))
            + num(integer(expected)) + num(integer(so_far + expected))
            + num(percent(scenario.fulfilment_after[m.code])) + "</tr>")
    flag = " (illustrativ)" if inputs.prognosis and inputs.prognosis.illustrative else ""
    return (heading + f"<p>Nationell prognos för {year}{flag}: tre scenarier för hur många barn "
            f"som anvisas under hela året. Hittills i år har {integer(inputs.assigned_this_year)} "
            f"barn anvisats i landet, varav {integer(so_far)} till {escape(m.name)}. Resten av "
            "året antas bli utjämnande anvisningar och fördelas med regeln för utjämnande "
            "anvisning, steg för steg från dagens läge (inte andelstal × antal).</p>"
            + table(f"Förväntat antal anvisade barn till {m.name} {year}",
                    (("Scenario", False), ("Barn i landet under året", True),
                     ("Kvar att anvisa i landet", True), ("Förväntat till kommunen", True),
                     (f"Totalt till kommunen {year}", True),
                     ("Måluppfyllelse vid årets slut", True)), rows))
