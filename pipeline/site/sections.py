"""Sections more than one page shows: the table of municipalities, the assignments per year
(chart and table) and the redistributions in force."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from pipeline.presentation.columns import FULFILMENT, TARGET
from pipeline.presentation.formats import MISSING, WEB, long_date
from pipeline.presentation.terms import SHARE
from pipeline.site import map as choropleth
from pipeline.site.change_section import CHANGE_HEADING, change_cell
from pipeline.site.charts import CONNECTION_COLOUR, EQUALISING_COLOUR
from pipeline.site.markup import Context, county_href, figure, municipality_href, num, table
from pipeline.site.upstream import Municipality

# --- the table of municipalities -------------------------------------------------------------

# Key columns first, so that a phone shows the name, the share and goal fulfilment without
# scrolling sideways; the county last.
MUNICIPALITY_HEADERS = (
    ("Kommun", False), (SHARE.capitalize(), True), CHANGE_HEADING,
    (FULFILMENT.title(), True),
    ("Anvisade sedan 2016", True), (f"{TARGET.title()}, barn", True), ("Plats i kön", True),
    ("Län", False),
)


def fulfilment_cell(value: float | None) -> str:
    klass = choropleth.class_of(value, choropleth.FULFILMENT_BREAKS)
    if klass is None:
        return num(MISSING, "")
    colour = choropleth.PALETTE[klass]
    style = f"background:{colour};color:{choropleth.text_colour(colour)}"
    return num(f'<span class="pill" style="{style}">{WEB.percent(value)}</span>', value)


def municipality_rows(ctx: Context, municipalities: Iterable[Municipality], root: str) -> list[str]:
    rows = []
    for m in municipalities:
        s = ctx.inputs.status[m.code]
        rows.append(
            f'<tr><th scope="row"><a href="{municipality_href(m.code, root)}">{escape(m.name)}'
            "</a></th>"
            + num(WEB.promille(s.share_units, ctx.decimals), s.share_units)
            + change_cell(ctx, m.code)
            + fulfilment_cell(s.fulfilment_pct)
            + num(WEB.integer(s.assigned), s.assigned)
            + num(WEB.decimal(s.target, 0) if s.share_units else MISSING,
                  s.target if s.share_units else "")
            + num(WEB.integer(s.queue_place) if s.queue_place else "inte i kön",
                  s.queue_place or "")
            + f'<td><a href="{county_href(m.county_code, root)}">{escape(m.county_name)}</a></td>'
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
    return ('<p class="note" id="ko">Plats i kön: i vilken ordning kommunerna står på tur för '
            f"nästa utjämnande anvisning – lägst kvot mellan anvisade och {SHARE} först; vid lika "
            f"kvot går större {SHARE} först, sedan lägre kommunkod. En kommun med {SHARE} 0 får "
            f"inga utjämnande anvisningar och står inte i kön. Mål = {SHARE}et i promille av alla "
            f"{WEB.integer(ctx.inputs.total_assigned)} barn som anvisats i landet sedan "
            "1 januari 2016, avrundat till hela barn.</p>")


def per_year_rows(years: Sequence[int], counts: dict[int, tuple[int, int]]) -> list[str]:
    rows = []
    for year in years:
        e, c = counts.get(year, (0, 0))
        rows.append(f'<tr><th scope="row">{year}</th>' + num(WEB.integer(e)) + num(WEB.integer(c))
                    + num(WEB.integer(e + c)) + "</tr>")
    return rows


def assignments_block(ctx: Context, counts: dict[int, tuple[int, int]], whom: str) -> str:
    """The chart and table of assignments per year to `whom`: plain text, escaped here once
    (by the chart's label and the table's caption)."""
    years = ctx.inputs.years
    equalising = [counts.get(y, (0, 0))[0] for y in years]
    connection = [counts.get(y, (0, 0))[1] for y in years]
    label = (f"Stapeldiagram: anvisningar per år {years[0]}–{years[-1]} till {whom}, "
             "utjämnande och anknytning")
    svg = ctx.charts.assignments(equalising, connection, label)
    last = (f" ({years[-1]}: till och med {long_date(ctx.inputs.as_of)})")
    caption = (f'<span class="sw" style="background:{EQUALISING_COLOUR}" aria-hidden="true">'
               f'</span>utjämnande anvisningar, <span class="sw" style="background:'
               f'{CONNECTION_COLOUR}" aria-hidden="true"></span>anknytningsanvisningar'
               f"{escape(last)}.")
    return figure(svg, caption) + table(
        f"Anvisningar per år till {whom}",
        (("År", False), ("Utjämnande", True), ("Anknytning", True), ("Totalt", True)),
        per_year_rows(years, counts))



def transfers_block(ctx: Context, codes: set[str], root: str) -> str:
    inputs = ctx.inputs
    names = {m.code: m.name for m in inputs.municipalities}
    transfers = [t for t in inputs.transfers if t.giver in codes or t.receiver in codes]
    if not transfers:
        return (f"<p>Inga omfördelningar gäller {inputs.shown_year}: {SHARE}en är de "
                "beräknade.</p>")
    rows = [
        f'<tr><td><a href="{municipality_href(t.giver, root)}">{escape(names[t.giver])}</a></td>'
        f'<td><a href="{municipality_href(t.receiver, root)}">{escape(names[t.receiver])}</a>'
        f"</td>{num(WEB.promille(t.amount_units, ctx.decimals))}"
        f"<td>{long_date(t.approved_on)}</td><td>{escape(t.reference)}</td></tr>"
        for t in transfers
    ]
    return ("<p>Omfördelningar som länsstyrelsen förmedlat och Migrationsverket godkänt för "
            f"{inputs.shown_year} (givaren lämnar en del av sitt {SHARE} till en kommun i samma "
            "län).</p>" + table(
                f"Omfördelningar som gäller {inputs.shown_year}",
                (("Givare", False), ("Mottagare", False), (SHARE.capitalize(), True),
                 ("Godkänd", False), ("Diarienummer", False)), rows))
