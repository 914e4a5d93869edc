"""A county's page: its sums, its map, redistributions, assignments per year and its
municipalities."""

from __future__ import annotations

from html import escape

from pipeline.presentation.formats import NBSP, WEB, long_date
from pipeline.presentation.terms import SHARE
from pipeline.site.answers import downloads
from pipeline.site.inputs import county_fulfilment
from pipeline.site.maps import county_map
from pipeline.site.markup import Context, facts, page, updated
from pipeline.site.sections import (
    assignments_block,
    municipality_table,
    queue_note,
    transfers_block,
)


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
            ("Kommuner", WEB.integer(len(members))),
            (f"{SHARE.capitalize()} {inputs.shown_year}, summa", WEB.promille(share, ctx.decimals)),
            ("Anvisade sedan 1 januari 2016", WEB.integer(assigned)),
            ("Mål, summa", f"{WEB.decimal(target, 0)}{NBSP}barn"),
            ("Måluppfyllelse", WEB.percent(county_fulfilment(inputs, codes))),
        ]),
        downloads(ctx, "../"),
        county_map(ctx, code, name),
        f"<h2>Kommunerna i {escape(name)}</h2>",
        municipality_table(ctx, members, "../", f"{SHARE.capitalize()} {inputs.shown_year} och "
                           f"måluppfyllelse per {long_date(inputs.as_of)}, {name}", "kommuner"),
        queue_note(ctx),
        f"<h2>Omfördelningar {inputs.shown_year}</h2>",
        transfers_block(ctx, set(codes), "../"),
        f'<h2 id="per-ar">Anvisningar per år i {escape(name)}</h2>',
        assignments_block(ctx, counts, name),
    ]
    return page(ctx, name, "../", [("Översikt", "../index.html"), (name, None)], "\n".join(body))
