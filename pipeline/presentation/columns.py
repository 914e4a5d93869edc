"""The registry of published columns: the one list of what every column of a table we publish is
called in Swedish, its unit and what it means.

As `pipeline.ingestion.registry` is for the statistics, each table's headings follow from here:
the share table of the PDF, the Excel edition and the CSV for Swedish Excel (`SHARE_TABLE`, whose
names are the machine CSV's columns), the draft sheet of the review workbook and the column guide
on its first sheet (`DRAFT_TABLE`), and the goal-fulfilment workbook (`FULFILMENT_TABLE`).

A heading is the label and the unit's sign: "Andel 2026 ‰". In labels and explanations "{year}"
is the share year, "{previous}" the share year compared with, "{reference}" the reference year,
"{decimals}" the published decimals and "{floor}" the floor as the reader sees it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from pipeline.ingestion.registry import STATISTICS
from pipeline.model.explain import CALCULATED, FACTORS, REDISTRIBUTION, ROUNDING
from pipeline.presentation.terms import SHARE, TOTAL

Unit = Literal["code", "name", "promille", "percent", "persons", "days", "children", "yes/no"]
SIGNS = {"promille": "‰", "percent": "%"}


@dataclass(frozen=True)
class Column:
    name: str  # the machine name: the CSV column, or the column of the frame shown
    label: str  # the Swedish heading without its unit
    unit: Unit
    explanation: str  # one line in Swedish
    empty: str = ""  # what the column means when no row has a value

    def title(self, **values: object) -> str:
        """The label with its years filled in: "Andel 2025"."""
        return self.label.format(**values)

    def heading(self, **values: object) -> str:
        """The heading a table prints: "Andel 2025 ‰"."""
        sign = SIGNS.get(self.unit)
        return f"{self.title(**values)} {sign}" if sign else self.title(**values)

    def explain(self, *, empty: bool = False, **values: object) -> str:
        """The explanation with its values filled in; `empty` when no row has a value (the
        explanation itself if the column says nothing else for that)."""
        return (self.empty if empty and self.empty else self.explanation).format(**values)


MUNICIPALITY_CODE = Column("municipality_code", "Kommunkod", "code", "Kommunens fyrsiffriga kod.")
MUNICIPALITY = Column("municipality_name", "Kommun", "name", "Kommunens namn.")
COUNTY_CODE = Column("county_code", "Länskod", "code", "Länets tvåsiffriga kod.")
COUNTY = Column("county_name", "Län", "name", "Länets namn.")

# --- the published share table (andelstal) -------------------------------------------------------
SHARE_DECISION: tuple[Column, ...] = (
    MUNICIPALITY_CODE, MUNICIPALITY, COUNTY_CODE, COUNTY,
    Column("calculated_promille", f"Beräknat {SHARE}", "promille",
           f"{SHARE.capitalize()} enligt modellen."),
    Column("given_promille", "Lämnat", "promille", f"{SHARE.capitalize()} lämnat till kommuner i "
           "länet."),
    Column("received_promille", "Mottaget", "promille", f"{SHARE.capitalize()} mottaget från "
           "kommuner i länet."),
    Column("share_promille", f"{SHARE.capitalize()} {{year}}", "promille",
           "Beräknat − lämnat + mottaget."),
)
# Beside the decision, where known: the previous share year's published share, the change from
# it, the children expected at the planning figure and, in a reissue, the version a row changed
# from.
CHANGED_FROM_VERSION = Column(
    "changed_from_version", "Ändrad från version", "code",
    "Numret på den version som raden har ändrats från; tom om raden är som i den ersatta "
    "versionen.")
SHARE_CONTEXT: tuple[Column, ...] = (
    Column("previous_share_promille", f"{SHARE.capitalize()} {{previous}}", "promille",
           f"Det publicerade {SHARE}et för {{previous}}."),
    Column("change_promille", "Förändring", "promille",
           f"{SHARE.capitalize()} {{year}} minus {SHARE} {{previous}}."),
    Column("expected_children", "Väntat antal barn {year}", "children",
           "Barn som kommunen väntas få anvisade under {year} om planeringstalet anvisas "
           "utjämnande."),
    CHANGED_FROM_VERSION,
)
SHARE_TABLE = SHARE_DECISION + SHARE_CONTEXT
# The PDF and the Excel edition group the rows by county, so they leave out the county columns.
BY_COUNTY = tuple(column for column in SHARE_TABLE if column not in (COUNTY_CODE, COUNTY))
# What the share columns of the table mean together, printed under "Tabellens kolumner".
SHARE_TABLE_NOTE = (
    f"{SHARE.capitalize()} i promille (‰) av alla anvisningar av ensamkommande barn under året. "
    f"Beräknat {SHARE} enligt fördelningsmodellen; lämnat och mottaget {SHARE} genom "
    f"omfördelning mellan kommuner i samma län. {SHARE.capitalize()} = beräknat − lämnat + "
    "mottaget."
)

# --- the draft sheet of the county board's review workbook ("Utkast") ---------------------------
# What each statistic counts, for the county board; a statistic without an entry is described by
# its heading.
STATISTIC_EXPLANATIONS = {
    "population": "Folkmängd den 31 december {reference} (SCB).",
    "newcomers_settled": "Nyanlända som tagits emot för bosättning i kommunen under {reference}.",
    "minors_received": "Ensamkommande barn som anvisats till kommunen under {reference}.",
    "asylum_housing_days": "Boendedygn för asylsökande i Migrationsverkets mottagande inom "
                           "kommunen under {reference}.",
    "minor_arrival_housing_days": "Boendedygn för ensamkommande barn som hade kommunen som "
                                  "ankomstkommun under {reference}.",
}
STATISTIC_COLUMNS: tuple[Column, ...] = tuple(
    Column(s.name, s.swedish, s.unit,
           STATISTIC_EXPLANATIONS.get(s.name, s.swedish + " under {reference}."))
    for s in STATISTICS)
SHARE_STEPS: tuple[Column, ...] = (
    Column("population_share", "Befolkningsandel", "promille",
           "Kommunens andel av rikets folkmängd, i promille (4 decimaler, oavrundad)."),
    Column("reception_share", "Mottagandeandel", "promille",
           "Kommunens andel av rikets mottagande, i promille (se nedan)."),
    Column("adjusted_share", "Justerad andel", "promille",
           "Befolkningsandelen justerad för mottagandet, före golv och avrundning."),
)
AT_FLOOR = Column("at_floor", "Golv", "yes/no",
                  "Ja om andelen har lyfts till golvet {floor}, annars Nej.")
DRAFT_SHARE = Column("share_units", "Utkast andel", "promille",
                     "Föreslagen andel {year} i promille med {decimals} decimaler. Det är den här "
                     "andelen som kan omfördelas.")
PREVIOUS_SHARE = Column("previous_units", "Andel {previous}", "promille",
                        "Den publicerade andelen för {previous}, efter omfördelningar.",
                        empty="Tom: ingen publicerad tabell för {previous}.")
DRAFT_CHANGE = Column("change_units", "Förändring", "promille",
                      "Utkast {year} minus andel {previous}; tom när det inte finns någon andel "
                      "att jämföra med.")
DRAFT_TABLE: tuple[Column, ...] = (
    MUNICIPALITY_CODE,
    replace(MUNICIPALITY, explanation=f"Kommunens namn. Sista raden, {TOTAL}, gäller hela länet."),
    *STATISTIC_COLUMNS, *SHARE_STEPS, AT_FLOOR, DRAFT_SHARE, PREVIOUS_SHARE, DRAFT_CHANGE,
)

# --- goal fulfilment (måluppfyllelse) -----------------------------------------------------------
TARGET = Column("target", "Mål", "children",
                "Kommunens andel (‰) av alla anvisningar i riket sedan 1 januari 2016.")
FULFILMENT = Column("fulfilment_pct", "Måluppfyllelse", "percent",
                    "Anvisade delat med målet, i procent; under 100 % = färre barn än andelen.")
FULFILMENT_TABLE: tuple[Column, ...] = (
    MUNICIPALITY_CODE, MUNICIPALITY, COUNTY_CODE,
    Column("share_promille", "Andel", "promille", "Kommunens andel i den gällande tabellen."),
    Column("assigned", "Anvisade sedan 2016", "children",
           "Barn som anvisats till kommunen sedan 1 januari 2016."),
    TARGET, FULFILMENT,
)

# --- why the share changed (förklaring av förändringen) -----------------------------------------
# The terms of the change from the previous share year (pipeline.model.explain): the last columns
# of the machine CSV and the names in every explanation of a change. A factor of a statistic
# without an entry here is named by the statistic's heading.
FACTOR_LABELS = {
    "population": "Befolkning",
    "newcomers": "Mottagna nyanlända",
    "minors": "Mottagna ensamkommande barn",
    "asylum_days": "Boendedygn asylsökande",
    "arrival_days": "Boendedygn ankomstkommun",
    "parameters": "Parametrar",
}
FACTOR_TERMS: tuple[Column, ...] = tuple(
    Column(f.column, label, "promille",
           f"{label}: bidraget till förändringen av den beräknade andelen sedan {{previous}}.")
    for f in FACTORS
    for label in [FACTOR_LABELS.get(f.name, f.statistic.swedish if f.statistic else f.name)])
CHANGE_TERMS: tuple[Column, ...] = (
    *FACTOR_TERMS,
    Column(ROUNDING, "Avrundning", "promille",
           "Avrundningens bidrag, så att bidragen summerar exakt till förändringen."),
    Column(CALCULATED, "Förändring beräknad andel", "promille",
           "Beräknad andel {year} minus beräknad andel {previous}: summan av bidragen."),
    Column(REDISTRIBUTION, "Omfördelning", "promille",
           "Mottagen minus lämnad andel {year}, minus detsamma {previous}."),
)
