"""The Swedish words of the public editions: what the PDF, Excel and CSV say besides the numbers.

The version statement, each source as its publisher names it, the table's headings and the
expected-children note; numbers and dates in the formats of `pipeline.presentation.formats`, the
model as `pipeline.presentation.explanation` explains it.
"""

from __future__ import annotations

import re

from pipeline.ingestion.registry import STATISTICS
from pipeline.presentation.columns import BY_COUNTY
from pipeline.presentation.formats import long_date
from pipeline.presentation.terms import ILLUSTRATIVE
from pipeline.publication.table import PublicationInfo

OFFICIAL = "officiell statistik"
_NATIONAL_TOTAL = re.compile(r"national total ([\d ]+\d)( days)?")


def version_line(info: PublicationInfo) -> str:
    published = long_date(info.published_on) if info.published_on else "[ej publicerad]"
    return f"Version {info.version}, publicerad {published}"


def replaces_line(info: PublicationInfo) -> str | None:
    """ "Ersätter version N−1 av <datum>. Skäl: <reason>" for a reissue, else None."""
    if info.replaces is None:
        return None
    earlier = info.replaces
    return (f"Ersätter version {earlier.version} av {long_date(earlier.published_on)}. "
            f"Skäl: {earlier.reason}")


def statistic_name(name: str) -> str:
    """The Swedish heading of a registered statistic (e.g. "Folkmängd"); else the name."""
    return next((s.swedish for s in STATISTICS if s.name == name), name)


def source_line(name: str, source: str, illustrative: bool, reference_year: int) -> str:
    """One input as its publisher names it, with its reference year and whether it is real.

    A real source's own words up to its first parenthesis ("SCB, folkmängd 31 december 2024")
    + " — officiell statistik"; an illustrative one "Illustrativa uppgifter: <statistic>
    <year> …" (the technical origin goes to the annex and the manifest).
    """
    heading = statistic_name(name)
    if not illustrative:
        publisher = source.split(" (")[0].strip().rstrip(",") or heading
        if str(reference_year) not in publisher:
            publisher += f" {reference_year}"
        return f"{publisher} — {OFFICIAL}"
    line = f"{ILLUSTRATIVE}: {heading.lower()} {reference_year}, framtagna för att visa beräkningen"
    total = _NATIONAL_TOTAL.search(source)
    if total:
        unit = " dygn" if total.group(2) else ""
        line += f" (summa för riket {total.group(1)}{unit})"
    return line + " — inte verklig statistik"


def file_line(what: str, illustrative: bool) -> str:
    """A non-statistic input (agreements, ledger) in Swedish, capitalised, with its status."""
    if not illustrative:
        return what
    return f"{ILLUSTRATIVE}: {what[0].lower()}{what[1:]} — inte verkliga uppgifter"


def table_headers(info: PublicationInfo, has_previous: bool, has_expected: bool) -> list[str]:
    """The table's column headings: the decision, then the context that is known."""
    shown = {"previous_share_promille": has_previous, "change_promille": has_previous,
             "expected_children": has_expected}
    return [column.heading(year=info.share_year, previous=info.share_year - 1)
            for column in BY_COUNTY if shown.get(column.name, True)]


def expected_note(info: PublicationInfo) -> str | None:
    """What the expected-children column means, or None when it is not shown."""
    if info.planning_children is None or info.ledger_as_of is None:
        return None
    return (
        f"Väntat antal barn {info.share_year}: hur många barn kommunen skulle få anvisade om "
        f"{info.planning_children} barn anvisas utjämnande under {info.share_year} "
        f"(planeringstal). Beräknat med regeln om lägsta måluppfyllelse från anvisningarna till "
        f"och med {long_date(info.ledger_as_of)}: kommuner som har fått färre barn än sin "
        f"andel får fler, så talet är inte andelen gånger planeringstalet. Anknytningsanvisningar "
        f"ingår inte."
    )
