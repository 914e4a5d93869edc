"""The site's maps: the overview of Sweden with insets for the three metropolitan areas, the
large map (`karta.html`), and each county's own map. All are the same choropleth
(`pipeline.site.map`), coloured by goal fulfilment or, by a switch that needs no JavaScript, by
share; each has its legend with the number of municipalities in each class.

The metropolitan areas are SCB's (storstadsområden): Stor-Stockholm (Stockholms län),
Stor-Göteborg and Stor-Malmö. Seen on the whole map their municipalities are a few pixels wide;
an inset projects just them, so each is as large as a county.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from pipeline.core.geography import BOUNDARIES_SOURCE
from pipeline.presentation.formats import WEB, long_date
from pipeline.presentation.terms import SHARE
from pipeline.site import map as choropleth
from pipeline.site.markup import Context, municipality_href

# (name, codes) of each inset; Stor-Stockholm is every municipality of county 01.
METRO_AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Stor-Stockholm", ()),
    ("Stor-Göteborg", ("1384", "1401", "1402", "1407", "1415", "1419", "1440", "1441", "1462",
                       "1480", "1481", "1482", "1489")),
    ("Stor-Malmö", ("1230", "1231", "1233", "1261", "1262", "1263", "1264", "1267", "1280",
                    "1281", "1285", "1287")),
)
STOCKHOLM_COUNTY = "01"


def metro_codes(county_of: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Each metropolitan area's municipality codes (Stor-Stockholm: county 01's)."""
    return [(name, list(codes) if codes else
             sorted(c for c, county in county_of.items() if county == STOCKHOLM_COUNTY))
            for name, codes in METRO_AREAS]


def regions(ctx: Context, root: str, county: str | None = None) -> list[choropleth.Region]:
    """Every municipality (of `county`, if given) as a region of the map, with its classes and
    accessible name."""
    inputs = ctx.inputs
    decimals = ctx.decimals
    result = []
    for m in inputs.municipalities:
        if county is not None and m.county_code != county:
            continue
        s = inputs.status[m.code]
        label = (f"{m.name}: måluppfyllelse {WEB.percent(s.fulfilment_pct)}, {SHARE} "
                 f"{WEB.promille(s.share_units, decimals)}")
        result.append(choropleth.Region(
            code=m.code, href=municipality_href(m.code, root), label=label,
            fulfilment_class=choropleth.class_of(s.fulfilment_pct, choropleth.FULFILMENT_BREAKS),
            share_class=choropleth.class_of(s.share_units / 10**decimals if s.share_units
                                            else None, choropleth.SHARE_BREAKS)))
    return result


def _legend(title: str, labels: list[str], counts: list[int], none_label: str, none_count: int,
            prefix: str, klass: str) -> str:
    items = [(f"{prefix}{i}", label, count)
             for i, (label, count) in enumerate(zip(labels, counts, strict=True))]
    if none_count:
        items.append((f"{prefix}n", none_label, none_count))
    rows = "".join(f'<li><span class="sw {sw}" aria-hidden="true"></span>{escape(label)} '
                   f'<span class="count">({WEB.integer(count)})</span></li>'
                   for sw, label, count in items)
    return f'<div class="{klass}"><h3>{escape(title)}</h3><ul>{rows}</ul></div>'


def _legends(ctx: Context, shown: Sequence[choropleth.Region]) -> str:
    inputs = ctx.inputs
    f_labels = choropleth.legend_labels(choropleth.FULFILMENT_BREAKS, "%", 1)
    s_labels = choropleth.legend_labels(choropleth.SHARE_BREAKS, "‰", 2)
    f_counts = [sum(r.fulfilment_class == i for r in shown) for i in range(len(f_labels))]
    s_counts = [sum(r.share_class == i for r in shown) for i in range(len(s_labels))]
    return (_legend(f"Måluppfyllelse {long_date(inputs.as_of)}", f_labels, f_counts,
                    f"inget mål ({SHARE} 0)", sum(r.fulfilment_class is None for r in shown),
                    "f", "legend-fulfilment")
            + _legend(f"{SHARE.capitalize()} {inputs.shown_year}", s_labels, s_counts, f"{SHARE} 0",
                      sum(r.share_class is None for r in shown), "s", "legend-share")
            + '<p class="note">Antal kommuner inom parentes. Måluppfyllelse: orange = färre barn '
              f"än {SHARE}et motsvarar (under 100 %), lila = fler; mörkare = längre från 100 %. "
              f"{SHARE.capitalize()}: mörkare = större {SHARE}.</p>")


def _switch(inner: str) -> str:
    """The two views of a map, switched by links to `#visa-andel` (no JavaScript)."""
    return ('<div id="visa-andel"><div id="visa-maluppfyllelse">'
            '<p class="mapmodes"><a class="mode-fulfilment" href="#visa-maluppfyllelse">Visa '
            f'måluppfyllelse</a> <a class="mode-share" href="#visa-andel">Visa {SHARE}</a></p>'
            f"{inner}</div></div>")


def _insets(ctx: Context, all_regions: list[choropleth.Region], klass: str) -> str:
    figures = []
    for name, projected in ctx.insets:
        svg = choropleth.svg(projected, all_regions, f"Karta över {name}", f"map {klass}")
        figures.append(f"<figure>{svg}<figcaption>{escape(name)}</figcaption></figure>")
    return f'<div class="insets">{"".join(figures)}</div>'


def overview(ctx: Context) -> str:
    """The index's map: Sweden, the three metropolitan insets, the legends and a link to the
    large map."""
    assert ctx.projected is not None
    all_regions = regions(ctx, "")
    svg = choropleth.svg(ctx.projected, all_regions,
                         f"Karta över Sveriges 290 kommuner, måluppfyllelse per "
                         f"{long_date(ctx.inputs.as_of)} eller {SHARE} {ctx.inputs.shown_year}")
    return ('<h2 id="karta">Karta</h2>' + _switch(
        f'<div class="mapbox">{svg}<div class="legend">{_legends(ctx, all_regions)}'
        '<p><a href="karta.html">Större karta</a> – hela landet i full bredd. Storstadsområdena '
        "förstorade:</p>" + _insets(ctx, all_regions, "inset")
        + '<p class="note">Klicka på en kommun för dess sida. Samma uppgifter finns i '
          '<a href="#kommuner">tabellen nedan</a>.</p>'
          f'<p class="source">{BOUNDARIES_SOURCE}.</p></div></div>'))


def large_map(ctx: Context) -> str:
    """The body of `karta.html`: the whole map in the page's full width, then the insets."""
    assert ctx.projected is not None
    all_regions = regions(ctx, "")
    svg = choropleth.svg(ctx.projected, all_regions,
                         f"Stor karta över Sveriges 290 kommuner, måluppfyllelse per "
                         f"{long_date(ctx.inputs.as_of)} eller {SHARE} {ctx.inputs.shown_year}",
                         "map large")
    return _switch(
        f'<div class="legend wide">{_legends(ctx, all_regions)}</div>{svg}'
        '<h2 id="storstader">Storstadsområdena</h2>' + _insets(ctx, all_regions, "inset large")
        + f'<p class="source">{BOUNDARIES_SOURCE}.</p>')


def county_map(ctx: Context, code: str, name: str) -> str:
    """A county page's map of its municipalities, with the legends counted for the county."""
    projected = ctx.county_maps.get(code)
    if projected is None:
        return ""
    shown = regions(ctx, "../", code)
    svg = choropleth.svg(projected, shown, f"Karta över {name}s kommuner, måluppfyllelse per "
                         f"{long_date(ctx.inputs.as_of)} eller {SHARE} {ctx.inputs.shown_year}",
                         "map county")
    return (f'<h2 id="karta">Karta över {escape(name)}</h2>' + _switch(
        f'<div class="mapbox">{svg}<div class="legend">{_legends(ctx, shown)}'
        '<p class="note">Klicka på en kommun för dess sida; tabellen nedan har samma '
        f'uppgifter.</p><p class="source">{BOUNDARIES_SOURCE}.</p></div></div>'))
