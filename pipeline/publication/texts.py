"""The Swedish words of the public editions: what the PDF, Excel and CSV say besides the numbers.

The version statement, what a reissue changed, each source as its publisher names it, the
table's headings and the expected-children note; numbers and dates in the formats of
`pipeline.presentation.formats`, the model as `pipeline.presentation.explanation` explains it.
"""

from __future__ import annotations

import re
from datetime import date

from pipeline.ingestion.registry import STATISTICS
from pipeline.presentation.columns import BY_COUNTY, SHARE_TABLE
from pipeline.presentation.formats import MISSING, PRINT, long_date
from pipeline.presentation.terms import ILLUSTRATIVE, LEDGER
from pipeline.publication.table import FieldChange, PublicationInfo, RowChange

OFFICIAL = "officiell statistik"
MAX_LISTED_CHANGES = 20
# Inputs that are not registered statistics, by the name a manifest gives them.
OTHER_INPUTS = {"parameters": "Modellens parametrar", "ledger": LEDGER.capitalize()}
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


def replaced_by_line(version: int, published_on: date, reason: str) -> str:
    """What a replaced version's manifest says of its replacement."""
    return (f"Ersatt av version {version}, publicerad {long_date(published_on)}. "
            f"Skäl: {reason}")


def changes_heading(info: PublicationInfo) -> str | None:
    """ "Ändringar jämfört med version N−1" for a reissue, else None."""
    return None if info.replaces is None else (
        f"Ändringar jämfört med version {info.replaces.version}")


def change_lines(info: PublicationInfo, marked: str) -> list[str]:
    """What a reissue changed, row by row (at most `MAX_LISTED_CHANGES`), after a sentence
    saying how the edition marks the rows (`marked`: "med gul bakgrund …")."""
    if info.replaces is None:
        return []
    earlier = f"version {info.replaces.version}"
    if info.changes is None:
        return [f"Jämförelsen med {earlier} saknas: dess tabell kunde inte läsas."]
    if not info.changes:
        return [f"Tabellens värden är desamma som i {earlier}; det som har ändrats är det "
                "som skälet anger."]
    count = len(info.changes)
    rows = "en kommun" if count == 1 else f"{PRINT.integer(count)} kommuner"
    lines = [f"Raderna för {rows} skiljer sig från {earlier}. De är markerade i tabellen "
             f"{marked}."]
    lines += [_change_line(change, info) for change in info.changes[:MAX_LISTED_CHANGES]]
    if count > MAX_LISTED_CHANGES:
        lines.append(f"… och {PRINT.integer(count - MAX_LISTED_CHANGES)} kommuner till.")
    return lines


def _change_line(change: RowChange, info: PublicationInfo) -> str:
    name = f"{change.municipality_code} {change.municipality_name}"
    if not change.fields:
        return f"{name}: ny i tabellen"
    return f"{name}: " + "; ".join(_field_text(field, info) for field in change.fields)


def _field_text(field: FieldChange, info: PublicationInfo) -> str:
    column = next(c for c in SHARE_TABLE if c.name == field.column)
    label = column.title(year=info.share_year, previous=info.share_year - 1)
    label = label[0].lower() + label[1:]
    if column.unit == "promille":
        before, after = (PRINT.fixed(v, info.decimals) for v in (field.before, field.after))
        return f"{label} {before} → {after} ‰"
    before, after = (MISSING if v is None else PRINT.integer(v)
                     for v in (field.before, field.after))
    return f"{label} {before} → {after}"


def statistic_name(name: str) -> str:
    """The Swedish name of an input: a registered statistic's heading ("Folkmängd"), the
    parameters, the ledger, the agreements or a county board's form; else the name."""
    if name in OTHER_INPUTS:
        return OTHER_INPUTS[name]
    if name.startswith("redistributions/"):
        file = name.removeprefix("redistributions/")
        return ("Överenskommelser om omfördelning" if file.endswith(".csv")
                else "Länsstyrelsens blankett för omfördelning")
    return next((s.swedish for s in STATISTICS if s.name == name), name)


def source_line(name: str, source: str, illustrative: bool, reference_year: int) -> str:
    """One input as its publisher names it, with its reference year and whether it is real.

    A real source's own words up to its first parenthesis ("SCB, folkmängd 31 december 2024")
    + " — officiell statistik"; an illustrative one "Illustrativa uppgifter: <statistic>
    <year> …", naming the records it was computed from where those are a publisher's
    ("… ur Migrationsverkets anvisningsregister"; the technical origin goes to the annex and the
    manifest).
    """
    heading = statistic_name(name)
    if not illustrative:
        publisher = source.split(" (")[0].strip().rstrip(",") or heading
        if str(reference_year) not in publisher:
            publisher += f" {reference_year}"
        return f"{publisher} — {OFFICIAL}"
    line = f"{ILLUSTRATIVE}: {heading.lower()} {reference_year}, framtagna för att visa beräkningen"
    if not source.startswith("Illustrative"):  # computed from records a publisher names
        line += f" ur {source.split(' (')[0].strip()}"
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


def table_headers(info: PublicationInfo, has_previous: bool, has_expected: bool,
                  has_changes: bool = False) -> list[str]:
    """The table's column headings: the decision, then the context that is known (the column
    marking changed rows only where an edition shows it, in a reissue)."""
    shown = {"previous_share_promille": has_previous, "change_promille": has_previous,
             "expected_children": has_expected, "changed_from_version": has_changes}
    return [column.heading(year=info.share_year, previous=info.share_year - 1)
            for column in BY_COUNTY if shown.get(column.name, True)]
