"""`dokument.html`: every published share table, each year and version, to download. Each
version shows its own version line, what it replaced and why, and a version that was replaced is
marked "ersatt" with a link to its replacement."""

from __future__ import annotations

from html import escape

from pipeline.presentation.formats import NBSP, WEB, long_date
from pipeline.presentation.terms import SHARE
from pipeline.site.documents import Version
from pipeline.site.markup import Context, page, updated
from pipeline.site.upstream import publication_title

REPLACED = "ersatt"


def _size(size: int) -> str:
    return f"{WEB.integer(max(1, round(size / 1024)))}{NBSP}kB"


def version_block(version: Version, in_force: bool) -> str:
    """One version: its own version line as heading, "gäller" or "ersatt", the decision date,
    what it replaced and why, and its editions."""
    links = "".join(f'<li><a href="{escape(d.href)}">{escape(d.label)}</a> '
                    f'<span class="count">({_size(d.size)})</span></li>'
                    for d in version.documents)
    lines = []
    if version.replaced_by is not None:
        link = (f'<a href="#a{version.year}-v{version.replaced_by}">version '
                f"{version.replaced_by}</a>")
        lines.append(f'<p class="replaced-note"><strong>{escape(version.replaced_statement)}'
                     f"</strong> Se {link}.</p>" if version.replaced_statement else
                     f'<p class="replaced-note"><strong>{REPLACED.capitalize()}</strong> av '
                     f"{link}; gäller inte längre.</p>")
    if version.decision_date:
        lines.append(f"<p>Beslutad {long_date(version.decision_date)}.</p>")
    if version.replaces:
        lines.append(f"<p>{escape(version.replaces)}</p>")
    state = (f" – {REPLACED}" if version.replaced_by is not None
             else " – gäller" if in_force else "")
    klass = "version replaced" if version.replaced_by is not None else "version"
    return (f'<section class="{klass}" id="{version.anchor}" aria-labelledby="{version.anchor}-h">'
            f'<h3 id="{version.anchor}-h">{escape(version.statement)}{state}</h3>'
            f"{''.join(lines)}<ul class=\"files\">{links}</ul></section>")


def documents_page(ctx: Context) -> str:
    inputs = ctx.inputs
    body = [f"<h1>Publicerade {SHARE} att ladda ner</h1>", updated(inputs),
            f"<p>Varje publicerad tabell med {SHARE}, alla år och alla versioner. PDF för att "
            "läsa och skriva ut, Excel för att räkna vidare, CSV för maskinläsning (punkt som "
            "decimaltecken) och CSV för svenskt Excel (semikolon och decimalkomma). En tabell som "
            "har ersatts av en ny version finns kvar här, märkt ”ersatt”.</p>"]
    for year in sorted(inputs.documents, reverse=True):
        versions = inputs.documents[year]
        body.append(f'<h2 id="ar-{year}">{escape(publication_title(year))}</h2>')
        body += [version_block(version, year == inputs.shown_year and i == 0)
                 for i, version in enumerate(versions)]
    title = f"Publicerade {SHARE}"
    return page(ctx, title, "", [("Översikt", "index.html"), (title, None)], "\n".join(body))
