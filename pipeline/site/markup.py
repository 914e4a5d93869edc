"""What every page of the site shares: the context, the links between pages, the page frame (header,
breadcrumbs, the illustrative mark, the footer) and small HTML helpers (facts, tables, cells,
figures). Every page states its date, the publication version it shows and, when any input is
illustrative, says so at the top."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from pipeline.presentation.formats import long_date
from pipeline.presentation.terms import ILLUSTRATIVE, SHARE
from pipeline.site import map as choropleth
from pipeline.site.charts import Charts
from pipeline.site.inputs import SiteInputs

SITE_NAME = "Anvisning av ensamkommande barn – statistik"


def municipality_href(code: str, root: str) -> str:
    return f"{root}kommun/{code}.html"


def county_href(code: str, root: str) -> str:
    return f"{root}lan/{code}.html"


@dataclass(frozen=True)
class Context:
    """What every page needs: the inputs, the charts, the projected map, the metropolitan
    insets (name, projection) and each county's own projection."""

    inputs: SiteInputs
    charts: Charts
    projected: choropleth.Projected | None = None
    insets: tuple[tuple[str, choropleth.Projected], ...] = ()
    county_maps: dict[str, choropleth.Projected] = field(default_factory=dict)

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
<p>Uppdaterad {long_date(inputs.as_of)}. Visar {SHARE}en för {shown.year}, version
{shown.version}{_decided(shown.decision_date)}, parameteruppsättning
”{escape(shown.parameter_set)}”. Måluppfyllelse räknas på alla anvisningar sedan 1 januari 2016
mot årets {SHARE}. <a href="{root}dokument.html">Alla publicerade {SHARE} att ladda ner</a>.</p>
<p>Kommungränser: Valmyndigheten via okfse/sweden-geojson. Kommunkoder: SCB.</p>
</footer>
<script src="{root}site.js" defer></script>
</body>
</html>
"""


def _decided(day: date | None) -> str:
    return f", beslutad {long_date(day)}" if day else ""


def illustrative_mark(inputs: SiteInputs) -> str:
    """One line on every page, its details behind a toggle that needs no JavaScript."""
    if not inputs.illustrative:
        return ""
    items = "; ".join(escape(item) for item in inputs.illustrative)
    return ('<aside class="mark" aria-label="Om uppgifterna"><details><summary><strong>'
            f"{ILLUSTRATIVE}</strong> – inte officiell statistik</summary><p>Inte ett beslut "
            "och inte Migrationsverkets statistik. Påhittade eller genererade underlag: "
            f"{items}.</p></details></aside>")


def updated(inputs: SiteInputs) -> str:
    shown = inputs.shown
    flag = f" ({ILLUSTRATIVE.lower()})" if inputs.illustrative else ""
    return (f'<p class="meta">Uppdaterad {long_date(inputs.as_of)} · {SHARE.capitalize()} '
            f"{shown.year}, publicerad version {shown.version}{flag}</p>")


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

