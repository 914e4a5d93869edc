"""Why a municipality's share changed since the year before, on the site: the section of its page
with the waterfall (`pipeline.site.waterfall`) from the published terms, and the change as the
table of all municipalities shows it, sortable by its size."""

from __future__ import annotations

from html import escape

from pipeline.presentation.columns import CHANGE_TERMS
from pipeline.presentation.formats import MISSING, WEB
from pipeline.site.markup import Context, num
from pipeline.site.upstream import Municipality
from pipeline.site.waterfall import Step, waterfall

# The published terms in the order the chart steps through them; their sum, the change of the
# calculated share, is no step of its own.
STEPS = [column for column in CHANGE_TERMS if column.name != "change_calculated"]
CHANGE_HEADING = ("Förändring", True)


def change_section(ctx: Context, m: Municipality) -> str:
    """The heading, a sentence on the change and its largest term, and the waterfall."""
    shown = ctx.inputs.shown
    previous = shown.compared_with
    heading = (f'<h2 id="forandring">Därför ändrades andelstalet '
               f"{previous if previous else shown.year - 1}–{shown.year}</h2>")
    if previous is None:
        return heading + (f"<p>Det finns inget publicerat andelstal för {shown.year - 1} att "
                          "jämföra med.</p>")
    values = shown.changes.get(m.code, {})
    change, before = values.get("change_units"), values.get("previous_units")
    if change is None or before is None:
        return heading + f"<p>{escape(m.name)} fanns inte i tabellen för {previous}.</p>"
    moved = (f"<p>Andelstalet för {escape(m.name)} ändrades med "
             f"{WEB.fixed(change, ctx.decimals, signed=True)}{WEB.unit_space}‰, från "
             f"{WEB.promille(before, ctx.decimals)} {previous} till "
             f"{WEB.promille(before + change, ctx.decimals)} {shown.year}.")
    if any(values.get(f"{column.name}_units") is None for column in STEPS):
        return heading + moved + (f" Förändringen kan inte delas upp på orsaker: uppgifterna "
                                  f"som andelstalen för {previous} räknades fram från finns "
                                  "inte kvar.</p>")
    terms = [Step(column.label, int(values[f"{column.name}_units"])) for column in STEPS]
    shown_terms = [step for step in terms if step.units]
    largest = max(shown_terms, key=lambda step: abs(step.units), default=None)
    if largest is not None:
        moved += (f" Störst bidrag: {escape(largest.label.lower())}, "
                  f"{WEB.fixed(largest.units, ctx.decimals, signed=True)}{WEB.unit_space}‰.")
    return heading + moved + "</p>" + waterfall(
        f"v{m.code}", Step(f"Andelstal {previous}", before), shown_terms,
        Step(f"Andelstal {shown.year}", before + change), ctx.decimals,
        f"Förändringen av andelstalet för {m.name} från {previous} till {shown.year}, steg för "
        "steg")


def change_cell(ctx: Context, code: str) -> str:
    """The change from the year before in the table of municipalities; it sorts by the size of
    the change, an increase and a decrease alike."""
    change = ctx.inputs.shown.changes.get(code, {}).get("change_units")
    if change is None:
        return num(MISSING, "")
    return num(f"{WEB.fixed(change, ctx.decimals, signed=True)}{WEB.unit_space}‰", abs(change))
