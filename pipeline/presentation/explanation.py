"""The share model (MODEL.md, "Calculation") explained in Swedish, with the run's own parameters.

One explanation at two depths, from the same steps and values: the public editions state the rule
in plain sentences (`public_sentences`, the PDF and the Excel edition's "Så beräknas
andelarna"); the county board, which checks its own figures against the draft, gets each step's
arithmetic (`county_board_paragraphs`, the review workbook's "Så räknas utkastet"). The
parameters' Swedish names are here too (`parameter_rows`).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping

from pipeline.core.units import total_units
from pipeline.ingestion.registry import RECEPTION, Statistic
from pipeline.model.parameters import ModelParameters
from pipeline.presentation.formats import PRINT, WEB
from pipeline.presentation.terms import SHARE

DECIMAL_WORDS = {0: "hela promille", 1: "en decimal", 2: "två decimaler", 3: "tre decimaler",
                 4: "fyra decimaler"}
ADJUSTMENT = "Justerad andel = befolkningsandel + α × (befolkningsandel − mottagandeandel)"
PARAMETER_NAMES = {
    **{s.weight: f"Vikt för {s.swedish.lower()}" for s in RECEPTION if s.weight},
    "reception_adjustment": "Mottagandejustering α",
    "floor_promille": "Lägsta andel, ‰",
    "decimals": "Antal decimaler",
    "reference_year_offset": "Referensår = andelsår minus (år)",
}


def public_sentences(parameters: Mapping[str, object], decimals: int, share_year: int,
                     reference_year: int) -> list[str]:
    """The model in plain Swedish with this table's parameters (`parameters` as published)."""
    def weighted(statistic: Statistic) -> str:
        weight = PRINT.number(parameters.get(statistic.weight, 1.0))
        return f"{statistic.swedish.lower()} (vikt {weight})"

    persons = [weighted(s) for s in _counted_in("persons")]
    days = [weighted(s) for s in _counted_in("days")]
    alpha = PRINT.number(parameters.get("reception_adjustment", 0.5))
    floor = PRINT.number(parameters.get("floor_promille", 1.0), decimals)
    total = PRINT.fixed(total_units(decimals), decimals)
    return [
        f"{SHARE.capitalize()}en för {share_year} beräknas från uppgifter för referensåret "
        f"{reference_year}.",
        f"Befolkningsandel: kommunens andel av rikets folkmängd den 31 december "
        f"{reference_year}.",
        f"Mottagandeandel: kommunens andel av rikets mottagande under {reference_year}, räknat i "
        f"helårsekvivalenter. {_listed(persons).capitalize()} räknas per person; "
        f"{_listed(days)} delas med antalet dagar i året.",
        f"{ADJUSTMENT}, där α = {alpha}. En kommun som har tagit emot mindre än sin "
        f"befolkningsandel får alltså en högre andel, och en kommun som har tagit emot mer får en "
        f"lägre.",
        f"{_floor_rule(floor)} Övriga andelar skalas så att summan blir {total} ‰ och avrundas "
        f"till {DECIMAL_WORDS.get(decimals, f'{decimals} decimaler')} så att summan stämmer "
        f"exakt (största resten först).",
        f"Omfördelning: en kommun kan lämna hela eller en del av sitt {SHARE} till en annan "
        "kommun i samma län, efter överenskommelse som länsstyrelsen förmedlar och "
        f"Migrationsverket godkänner. {SHARE.capitalize()} = beräknat {SHARE} − lämnat + "
        "mottaget.",
    ]


def county_board_paragraphs(share_year: int, decimals: int, parameter_set: str,
                            parameters: ModelParameters | None) -> list[tuple[str, str]]:
    """Each step of the draft with its arithmetic, as (label, paragraph); without `parameters`
    only the parameter set's name."""
    if parameters is None:
        return [("Parametrar", f"Parameteruppsättning: {parameter_set}.")]
    reference = parameters.reference_year(share_year)
    days = 366 if calendar.isleap(reference) else 365
    persons = [f"{WEB.number(parameters.weight(s.weight))} × {s.swedish.lower()}"
               for s in _counted_in("persons")]
    housing = [f"{WEB.number(parameters.weight(s.weight))} × {s.swedish.lower()}"
               for s in _counted_in("days")]
    reception = " + ".join(persons + ([f"({' + '.join(housing)}) / {days}"] if housing else []))
    weights = [f"{s.swedish.lower()} {WEB.number(parameters.weight(s.weight))}"
               for s in RECEPTION if s.weight]
    thousand = WEB.integer(1000)
    return [
        ("Indata", f"Uppgifterna gäller år {reference}: andelsåret {share_year} minus "
         f"{parameters.reference_year_offset} år."),
        ("Befolkningsandel", f"Kommunens folkmängd delad med rikets, gånger {thousand} ‰."),
        ("Mottagande", f"Mottagande = {reception} (boendedygnen räknas om till helår med "
         f"{days} dagar). Mottagandeandelen är kommunens mottagande delat med rikets, gånger "
         f"{thousand} ‰."),
        ("Vikter", f"Vikterna i mottagandet är {_listed(weights)}. En vikt säger hur mycket en "
         "person, eller ett helår i boende, räknas; med vikten 0 räknas uppgiften inte alls. "
         f"Vikterna hör till parameteruppsättningen {parameters.name}."),
        ("Justering", f"{ADJUSTMENT}, med α = {WEB.number(parameters.reception_adjustment)}. En "
         "kommun som har tagit emot mindre än sin befolkningsandel får en högre andel, en kommun "
         "som har tagit emot mer får en lägre. Ingen andel blir negativ."),
        ("Golvet", f"{_floor_rule(floor_text(parameters))} Kommuner under golvet lyfts till "
         "golvet (Golv = Ja) och de övriga kommunernas andelar skalas om så att summan för "
         f"riket blir {thousand} ‰."),
        ("Avrundning", f"Andelarna avrundas till {decimals} decimaler så att summan för riket "
         f"blir exakt {WEB.fixed(total_units(decimals), decimals)} ‰: alla avrundas först "
         "nedåt, och de enheter som fattas går till de kommuner som förlorade mest på "
         "avrundningen."),
        ("Parametrar", f"Parameteruppsättning: {parameters.name}."),
    ]


def floor_text(parameters: ModelParameters) -> str:
    """The floor as the county board reads it: "1,00"."""
    return WEB.fixed(parameters.floor_units, parameters.decimals)


def parameter_rows(parameters: Mapping[str, object], decimals: int) -> list[tuple[str, str]]:
    """The model parameters under Swedish names with Swedish values, in the model's order."""
    rows = [("Parameteruppsättning", str(parameters["name"]))] if "name" in parameters else []
    for key, label in PARAMETER_NAMES.items():
        if key in parameters:
            places = decimals if key == "floor_promille" else None
            rows.append((label, PRINT.number(parameters[key], places)))
    return rows


def _counted_in(unit: str) -> list[Statistic]:
    """The reception statistics counted in persons, or in days (divided by the year's days)."""
    return [s for s in RECEPTION if s.unit == unit and s.weight]


def _floor_rule(floor: str) -> str:
    return f"Ingen kommun får en lägre andel än {floor} ‰."


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]
