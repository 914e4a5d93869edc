"""What each municipality can expect in the share year after the shown one, once there is
something to expect it from:

* next year's **published table**: the children the table itself states (`expected_children`,
  at its planning figure), the same numbers as its PDF and Excel editions;
* else next year's **draft** (`O/<Y+1>/draft_shares_<Y+1>.csv`) with a prognosis for Y+1: the
  equalising rule run on the draft shares from where this year is expected to end (today's
  counts plus the base scenario's rest of the year), once for each scenario of Y+1 — never
  share × N.

Without either, nothing is said about next year.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.units import parse_promille
from pipeline.site.inputs import NextYear, Prognosis, Publication, Scenario
from pipeline.site.prognosis import SCENARIOS
from pipeline.site.upstream import forecast

BASE = "base"


def from_table(publication: Publication) -> NextYear | None:
    """Next year's published table's own expectation, where it states one."""
    if publication.expected is None:
        return None
    nationals = (publication.planning_children,) if publication.planning_children else ()
    return NextYear(year=publication.year, draft=False, nationals=nationals,
                    expected=(publication.expected,))


def read_draft_shares(path: Path, decimals: int, codes: set[str]) -> dict[str, int]:
    """The draft's `share_promille` by code, in units of 10^-decimals ‰."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"the draft shares cannot be read ({error})") from None
    shares: dict[str, int] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        code, value = row.get("municipality_code"), row.get("share_promille")
        if code is None or value is None:
            raise InputError(path, "a draft share table has the columns municipality_code and "
                             "share_promille", line=line)
        try:
            shares[code] = parse_promille(value, decimals)
        except ValueError as error:
            raise InputError(path, str(error), line=line, column="share_promille",
                             value=value) from None
    if set(shares) != codes:
        raise InputError(path, "the draft does not list exactly the register's municipalities")
    return shares


def from_draft(year: int, shares: dict[str, int], assigned_now: dict[str, int],
               this_year: list[Scenario], prognosis: Prognosis) -> NextYear:
    """The rule on the draft shares, for each scenario of next year's prognosis, from today's
    counts plus what the base scenario gives each municipality for the rest of this year."""
    base = next((s.expected for s in this_year if s.key == BASE), {})
    at_year_end = {code: count + base.get(code, 0) for code, count in assigned_now.items()}
    codes = sorted(shares)
    expected = tuple(forecast(at_year_end, shares, codes, prognosis.children[key])
                     for key in SCENARIOS)
    return NextYear(year=year, draft=True,
                    nationals=tuple(prognosis.children[key] for key in SCENARIOS),
                    expected=expected)
