"""The Swedish words of the public editions: one home for what the PDF, Excel and CSV say.

Numbers in Swedish form (decimal comma, a space between thousands, a real minus sign), dates as
"10 december 2025", the version statement, each source as its publisher names it, the model in a
few plain sentences and the parameters under Swedish names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from pipeline.core.units import units_to_text
from pipeline.ingestion.registry import RECEPTION, STATISTICS
from pipeline.publication.table import PublicationInfo

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")
MINUS = "−"
DECIMAL_WORDS = {0: "hela promille", 1: "en decimal", 2: "två decimaler", 3: "tre decimaler",
                 4: "fyra decimaler"}
OFFICIAL = "officiell statistik"
ILLUSTRATIVE = "Illustrativa uppgifter"
BASE_HEADERS = ("Kommunkod", "Kommun", "Beräknad andel ‰", "Lämnad ‰", "Mottagen ‰")
EXPLANATION = (
    "Andel i promille (‰) av alla anvisningar av ensamkommande barn under året. Beräknad andel "
    "enligt fördelningsmodellen; lämnad och mottagen andel genom omfördelning mellan kommuner i "
    "samma län. Andel = beräknad − lämnad + mottagen."
)
_NATIONAL_TOTAL = re.compile(r"national total ([\d  ]+\d)( days)?")


def swedish_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def promille_text(units: int, decimals: int, *, signed: bool = False) -> str:
    """Swedish form of a share: decimal comma, space between thousands ("1 000,00"); `signed`
    writes "+0,25" and "−0,25" (changes)."""
    text = units_to_text(abs(units), decimals, decimal_separator=",")
    whole, comma, fraction = text.partition(",")
    grouped = f"{int(whole):,}".replace(",", " ") + comma + fraction
    if units < 0:
        return MINUS + grouped
    return ("+" + grouped) if signed and units > 0 else grouped


def swedish_number(value: object, places: int | None = None) -> str:
    """A parameter value in Swedish form: 0.5 -> "0,5", 1.0 -> "1", (1.0, 2 places) -> "1,00"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:.{places}f}" if places is not None else f"{value:g}"
    return text.replace("-", MINUS).replace(".", ",")


def version_line(info: PublicationInfo) -> str:
    published = swedish_date(info.published_on) if info.published_on else "[ej publicerad]"
    return f"Version {info.version}, publicerad {published}"


def replaces_line(info: PublicationInfo) -> str | None:
    """ "Ersätter version N−1 av <datum>. Skäl: <reason>" for a reissue, else None."""
    if info.replaces is None:
        return None
    earlier = info.replaces
    return (f"Ersätter version {earlier.version} av {swedish_date(earlier.published_on)}. "
            f"Skäl: {earlier.reason}")


def statistic_name(name: str) -> str:
    """The Swedish heading of a registered statistic (e.g. "Folkmängd"); else the name."""
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
        line += f" (summa för riket {total.group(1).replace(' ', ' ')}{unit})"
    return line + " — inte verklig statistik"


def file_line(what: str, illustrative: bool) -> str:
    """A non-statistic input (agreements, ledger) in Swedish, capitalised, with its status."""
    if not illustrative:
        return what
    return f"{ILLUSTRATIVE}: {what[0].lower()}{what[1:]} — inte verkliga uppgifter"


def parameter_rows(parameters: Mapping[str, object], decimals: int) -> list[tuple[str, str]]:
    """The model parameters under Swedish names with Swedish values, in the model's order."""
    names = {s.weight: f"Vikt för {s.swedish.lower()}" for s in RECEPTION if s.weight}
    names |= {
        "reception_adjustment": "Mottagandejustering α",
        "floor_promille": "Lägsta andel, ‰",
        "decimals": "Antal decimaler",
        "reference_year_offset": "Referensår = andelsår minus (år)",
    }
    rows = [("Parameteruppsättning", str(parameters["name"]))] if "name" in parameters else []
    for key, label in names.items():
        if key in parameters:
            places = decimals if key == "floor_promille" else None
            rows.append((label, swedish_number(parameters[key], places)))
    return rows


def model_sentences(parameters: Mapping[str, object], decimals: int, share_year: int,
                    reference_year: int) -> list[str]:
    """The model (MODEL.md, "Calculation") in plain Swedish with this table's parameters."""
    def weight(statistic) -> str:
        return swedish_number(parameters.get(statistic.weight, 1.0))

    persons = [f"{s.swedish.lower()} (vikt {weight(s)})" for s in RECEPTION if s.unit == "persons"]
    days = [f"{s.swedish.lower()} (vikt {weight(s)})" for s in RECEPTION if s.unit == "days"]
    alpha = swedish_number(parameters.get("reception_adjustment", 0.5))
    floor = swedish_number(parameters.get("floor_promille", 1.0), decimals)
    total = promille_text(1000 * 10**decimals, decimals)
    return [
        f"Andelarna för {share_year} beräknas från uppgifter för referensåret {reference_year}.",
        f"Befolkningsandel: kommunens andel av rikets folkmängd den 31 december "
        f"{reference_year}.",
        f"Mottagandeandel: kommunens andel av rikets mottagande under {reference_year}, räknat i "
        f"helårsekvivalenter. {_listed(persons).capitalize()} räknas per person; "
        f"{_listed(days)} delas med antalet dagar i året.",
        f"Justerad andel = befolkningsandel + α × (befolkningsandel − mottagandeandel), där "
        f"α = {alpha}. En kommun som har tagit emot mindre än sin befolkningsandel får alltså en "
        f"högre andel, och en kommun som har tagit emot mer får en lägre.",
        f"Ingen kommun får en lägre andel än {floor} ‰. Övriga andelar skalas så att summan blir "
        f"{total} ‰ och avrundas till {DECIMAL_WORDS.get(decimals, f'{decimals} decimaler')} "
        f"så att summan stämmer exakt (största resten först).",
        "Omfördelning: en kommun kan lämna hela eller en del av sin andel till en annan kommun i "
        "samma län, efter överenskommelse som länsstyrelsen förmedlar och Migrationsverket "
        "godkänner. Andel = beräknad andel − lämnad + mottagen.",
    ]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def table_headers(info: PublicationInfo, has_previous: bool, has_expected: bool) -> list[str]:
    """The table's column headings: the decision, then the context that is known."""
    headers = [*BASE_HEADERS, f"Andel {info.share_year} ‰"]
    if has_previous:
        headers += [f"Andel {info.share_year - 1} ‰", "Förändring ‰"]
    if has_expected:
        headers.append(f"Väntat antal barn {info.share_year}")
    return headers


def expected_note(info: PublicationInfo) -> str | None:
    """What the expected-children column means, or None when it is not shown."""
    if info.planning_children is None or info.ledger_as_of is None:
        return None
    return (
        f"Väntat antal barn {info.share_year}: hur många barn kommunen skulle få anvisade om "
        f"{info.planning_children} barn anvisas utjämnande under {info.share_year} "
        f"(planeringstal). Beräknat med regeln om lägsta måluppfyllelse från anvisningarna till "
        f"och med {swedish_date(info.ledger_as_of)}: kommuner som har fått färre barn än sin "
        f"andel får fler, så talet är inte andelen gånger planeringstalet. Anknytningsanvisningar "
        f"ingår inte."
    )
