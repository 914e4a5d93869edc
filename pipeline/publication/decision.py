"""The decision date (beslutsdatum) and the publication date of a share table: the one rule for
choosing each.

The table for share year Y is decided in December of Y−1 and applies from 1 January of Y. So a
date is never taken from the clock: a rerun of 2018 in 2026 still states a date in 2017.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pipeline.publication.settings import PublicationSettings
from pipeline.publication.table import PublicationError


def choose_decision_date(
    share_year: int,
    settings: PublicationSettings,
    *,
    given: date | None = None,
    explicit: bool = False,
    published: date | None = None,
    approvals: Iterable[date] = (),
) -> date:
    """The decision date of share year `share_year`, in this order:

    1. `given` (the asset config's `decision_date`; from the CLI's `--decision-date` with
       `explicit=True`);
    2. `published`, the date the year's published table already states (so a rerun matches);
    3. the last approval date of the year's redistribution agreements;
    4. the configured `decision_day` in December of the year before.

    A date after 1 January of the share year is refused unless `explicit`: a table decided after
    it starts to apply is an exception someone must ask for by name.
    """
    approvals = list(approvals)
    if given is not None:
        chosen, origin = given, "the given decision date"
    elif published is not None:
        return published
    elif approvals:
        chosen, origin = max(approvals), "the last approval date of the agreements"
    else:
        chosen, origin = settings.default_decision_date(share_year), "the configured decision_day"
    if chosen > date(share_year, 1, 1) and not explicit:
        raise PublicationError(
            f"{origin} {chosen.isoformat()} is after 1 January {share_year}, when the table for "
            f"{share_year} starts to apply; if the decision really was taken then, give it "
            f"explicitly (--decision-date {chosen.isoformat()}, or decision_date_explicit: true "
            f"in the run config)"
        )
    return chosen


def choose_publication_date(decision_date: date, given: date | None = None) -> date:
    """The date a new version states as "publicerad": `given` (the asset config's
    `publication_date`, the CLI's --publication-date), else its decision date.

    Never the clock: a table built today for a past year states the date it would have had, so
    the history built in 2026 says "publicerad 15 december 2020" for 2021, and the same table
    gives the same bytes whenever it is built. A version is not published before it is decided.
    """
    if given is None:
        return decision_date
    if given < decision_date:
        raise PublicationError(
            f"the publication date {given.isoformat()} is before the decision date "
            f"{decision_date.isoformat()}: a table is published on or after the day it is "
            "decided (--publication-date)")
    return given
