"""The Swedish words of the variants' workbook and memo: one home for what both say.

Numbers in the printed Swedish forms (`pipeline.presentation`), parameters under the
names the published table gives them.
"""

from __future__ import annotations

from datetime import date

from pipeline.presentation.explanation import parameter_rows
from pipeline.presentation.formats import PRINT, long_date
from pipeline.presentation.terms import ILLUSTRATIVE
from pipeline.variants.catalogue import Variant
from pipeline.variants.comparison import NOTABLE_CHANGE_TENTHS, Comparison

ILLUSTRATIVE_NOTE = f"{ILLUSTRATIVE.upper()} – påhittade indata, inte verklig statistik"
NOTABLE = f"{PRINT.number(NOTABLE_CHANGE_TENTHS / 10, 2)} ‰"
SUMMARY_HEADINGS = ("Variant", "Kommuner på golvet", f"Kommuner som ändras minst {NOTABLE}",
                    "Flyttas mellan kommuner ‰", "Flyttas mellan län ‰")
DIFFERENCE = "Skillnad ‰"


def title(share_year: int) -> str:
    return f"Underlag för förslag till andelstal {share_year}"


def subtitle(comparison: Comparison, today: date) -> str:
    return (f"Modellvarianter jämförda med standardmodellen · referensår "
            f"{comparison.reference_year} · {long_date(today)}")


def introduction(comparison: Comparison) -> list[str]:
    """What the comparison is, in a few plain sentences."""
    standard = comparison.standard.title.lower()
    return [
        f"Varje variant räknas med samma modell och samma uppgifter för referensåret "
        f"{comparison.reference_year} som {standard}; bara de värden som anges för varianten "
        "skiljer sig. Andelarna avrundas på samma sätt och summerar till 1 000 ‰.",
        f"Skillnad = variantens andel − andelen enligt {standard}. Det som flyttas mellan "
        "kommuner (län) är hälften av summan av alla kommuners (läns) skillnader räknade utan "
        "tecken: det som några vinner och andra förlorar.",
        f"Det publicerade andelstalet beräknas alltid med {standard}. Varianterna är underlag "
        "för förslaget, inget beslut.",
    ]


def parameter_changes(variant: Variant, standard: Variant, decimals: int) -> str:
    """The values a variant sets, each against the standard's: "Mottagandejustering α 0
    (standardmodellen 0,5)"."""
    if variant.is_standard:
        return "Parametrarna i modellens parameterfil."
    if not variant.values:
        return f"Samma värden som {standard.title.lower()}."
    defaults = standard.parameters.as_dict()
    changes = []
    for key, value in variant.values.items():
        ((label, shown),) = parameter_rows({key: value}, decimals)
        ((_, before),) = parameter_rows({key: defaults[key]}, decimals)
        # The table's "Lägsta andel, ‰" reads as "Lägsta andel 0,50 ‰" in a sentence.
        unit = " ‰" if label.endswith(", ‰") else ""
        if changes:  # the parameters' names are capitalised for a table's rows
            label = label[0].lower() + label[1:]
        changes.append(f"{label.removesuffix(', ‰')} {shown}{unit} "
                       f"({standard.title.lower()} {before}{unit})")
    return "; ".join(changes) + "."

