"""`karta.html`: the map of all municipalities in the page's full width, and the three
metropolitan areas enlarged – the larger map that needs no JavaScript."""

from __future__ import annotations

from pipeline.presentation.formats import long_date
from pipeline.presentation.terms import SHARE
from pipeline.site.maps import large_map
from pipeline.site.markup import Context, page, updated


def map_page(ctx: Context) -> str:
    inputs = ctx.inputs
    body = ["<h1>Karta över alla kommuner</h1>", updated(inputs),
            f"<p>Måluppfyllelse per {long_date(inputs.as_of)} eller {SHARE} {inputs.shown_year} "
            "för Sveriges 290 kommuner. Klicka på en kommun för dess sida. Samma uppgifter finns "
            'som tabell på <a href="index.html#kommuner">översikten</a>.</p>',
            large_map(ctx)]
    return page(ctx, "Karta", "", [("Översikt", "index.html"), ("Karta", None)],
                "\n".join(body))
