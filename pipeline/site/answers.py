"""The three answers at the top of a municipality's page, for the official who asks: what is
our share, how many children have we received against it, and how many should we expect.

1. The share of the shown year and the place in the queue for the next equalising assignment.
2. The children assigned so far this year against what the share implies of the national count
   so far; goal fulfilment since 2016 against the target as a whole number of children, and
   what it means (it counts every year since 2016, so it can be high in a year without a child).
3. The children expected for the rest of the year under the prognosis scenarios (by the
   equalising rule from today's state, not share × N) and, once next year's table is
   published, what that table expects for next year.

Then a link to each edition of the table in force. Figures come from `SiteInputs`; nothing here
recomputes the model.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

from pipeline.presentation.columns import FULFILMENT
from pipeline.presentation.formats import NBSP, WEB, long_date
from pipeline.presentation.terms import SCENARIO_NAMES, SHARE
from pipeline.site.documents import Version
from pipeline.site.inputs import NextYear
from pipeline.site.markup import Context
from pipeline.site.upstream import Municipality


def half_up(value: Fraction) -> int:
    """A non-negative fraction rounded to a whole number, halves up."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def children(count: int) -> str:
    """"12 barn", never broken between the number and the word."""
    return f"{WEB.integer(count)}{NBSP}barn"


def implied_so_far(share_units: int, decimals: int, national: int) -> int:
    """The children the share implies of `national` assignments: share/1000 × national, rounded
    to a whole child."""
    return half_up(Fraction(share_units * national, 1000 * 10**decimals))


def answers(ctx: Context, m: Municipality) -> str:
    """The three answers and the download line, for the top of the municipality's page."""
    return ('<div class="answers">' + _share(ctx, m) + _received(ctx, m) + _expected(ctx, m)
            + "</div>" + downloads(ctx, "../"))


def _card(key: str, title: str, big: str, body: str) -> str:
    return (f'<section class="answer" aria-labelledby="svar-{key}"><h2 id="svar-{key}">'
            f'{escape(title)}</h2><p class="big">{big}</p>{body}</section>')


def _share(ctx: Context, m: Municipality) -> str:
    inputs = ctx.inputs
    s = inputs.status[m.code]
    year = inputs.shown_year
    if s.queue_place:
        queued = sum(1 for other in inputs.status.values() if other.queue_place)
        queue = (f'<a href="#ko">Plats i kön</a>: <strong>{WEB.integer(s.queue_place)} av '
                 f"{WEB.integer(queued)}</strong> för nästa utjämnande anvisning.")
    else:
        queue = f"{SHARE.capitalize()} 0: inga utjämnande anvisningar, inte i kön."
    return _card("andelstal", f"{SHARE.capitalize()} {year}",
                 WEB.promille(s.share_units, ctx.decimals),
                 f"<p>av barnen som anvisas {year}. {queue}</p>")


def _received(ctx: Context, m: Municipality) -> str:
    inputs = ctx.inputs
    s = inputs.status[m.code]
    year = inputs.shown_year
    so_far = sum(inputs.yearly[m.code].get(year, (0, 0)))
    national = inputs.assigned_this_year
    implied = implied_so_far(s.share_units, ctx.decimals, national)
    lines = [f"<p>hittills {year}; {SHARE}et motsvarar {children(implied)} av de "
             f"{WEB.integer(national)} som anvisats i landet.</p>"]
    if s.share_units:
        lines.append(
            f"<p>{FULFILMENT.title()} sedan 2016: <strong>{WEB.percent(s.fulfilment_pct)}"
            f"</strong> – {children(s.assigned)} mot målet "
            f"{WEB.decimal(s.target, 0)}{NBSP}barn.</p>")
        why = (f"{escape(m.name)} har inget barn {year}, men alla år sedan 2016 räknas, så "
               "måluppfyllelsen kan ändå vara hög" if so_far == 0 else
               "Alla år sedan 2016 räknas, så den kan vara hög ett år utan barn")
        lines.append(
            f'<p class="small">Målet: {SHARE}et i promille av alla '
            f"{WEB.integer(inputs.total_assigned)} barn sedan 1 januari 2016. {why}.</p>")
    return _card("anvisade", f"Anvisade {year}", children(so_far), "".join(lines))


def _expected(ctx: Context, m: Municipality) -> str:
    inputs = ctx.inputs
    year = inputs.shown_year
    lines = []
    if inputs.scenarios:
        expected = [scenario.expected[m.code] for scenario in inputs.scenarios]
        nationals = [scenario.national for scenario in inputs.scenarios]
        big = children(expected[0]) if min(expected) == max(expected) else \
            f"{WEB.integer(min(expected))}–{children(max(expected))}"
        each = ", ".join(f"{SCENARIO_NAMES[scenario.key].lower()} {WEB.integer(value)}"
                         for scenario, value in zip(inputs.scenarios, expected, strict=True))
        lines.append(f"<p>resten av {year} ({each}), om {WEB.integer(min(nationals))}–"
                     f"{children(max(nationals))} anvisas i landet under året. "
                     '<a href="#prognos">Om prognosen</a></p>')
    else:
        big = "–"
        lines.append(f"<p>Ingen nationell prognos för resten av {year} finns inlagd.</p>")
    following = inputs.next_year
    if following is not None:
        lines.append(next_year_line(following, m.code))
    return _card("vanta", "Att vänta", big, "".join(lines))


def next_year_line(following: NextYear, code: str) -> str:
    """"2027: 17 barn enligt andelstalen för 2027, om 450 barn anvisas i landet", or from a
    draft, the range over next year's scenarios."""
    values = [expected[code] for expected in following.expected]
    count = children(values[0]) if min(values) == max(values) else \
        f"{WEB.integer(min(values))}–{children(max(values))}"
    national = ""
    if following.nationals:
        low, high = min(following.nationals), max(following.nationals)
        national = (f", om {children(low)} anvisas i landet" if low == high else
                    f", om {WEB.integer(low)}–{children(high)} anvisas i landet")
    source = (f"enligt utkastet till {SHARE} för {following.year}" if following.draft
              else f"enligt de publicerade {SHARE}en för {following.year}")
    return f"<p>{following.year}: <strong>{count}</strong> {source}{national}.</p>"


def current_version(ctx: Context) -> Version | None:
    """The version of the shown year's table in force: its newest."""
    versions = ctx.inputs.documents.get(ctx.inputs.shown_year) or []
    return versions[0] if versions else None


def downloads(ctx: Context, root: str) -> str:
    """A line of links to the editions of the table in force."""
    version = current_version(ctx)
    if version is None or not version.documents:
        return ""
    links = " · ".join(f'<a href="{root}{d.href}">{escape(d.label)}</a>'
                       for d in version.documents)
    decided = (f", beslutad {long_date(version.decision_date)}" if version.decision_date
               else "")
    return (f'<p class="downloads">{SHARE.capitalize()} {version.year} ({escape(version.statement)}'
            f"{decided}): {links} · <a href=\"{root}dokument.html\">alla år och "
            "versioner</a></p>")
