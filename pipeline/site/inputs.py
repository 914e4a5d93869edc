"""Everything the statistics website shows, as plain Python values: `SiteInputs` and the records
it holds. `pipeline.site.collect` fills it; the rest of `pipeline.site` renders it and computes
nothing from the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from pipeline.site.documents import Version
from pipeline.site.upstream import Municipality


@dataclass(frozen=True)
class Publication:
    """One published share year: its version, decision and the final table (units)."""

    year: int
    version: int
    decision_date: date | None
    decimals: int
    parameter_set: str
    illustrative_inputs: tuple[str, ...]
    shares: dict[str, int]
    calculated: dict[str, int]
    given: dict[str, int]
    received: dict[str, int]
    # What the table states each municipality can expect in its year at the national planning
    # figure (the published CSV's `expected_children`), where the table states it.
    expected: dict[str, int] | None = None
    planning_children: int | None = None
    planning_scenario: str | None = None  # the prognosis scenario the planning figure is
    # The share year the table compares with, and per municipality its change from it term by
    # term (the published CSV's last columns, in units; None where not explained).
    compared_with: int | None = None
    changes: dict[str, dict[str, int | None]] = field(default_factory=dict)

    @property
    def illustrative(self) -> bool:
        return bool(self.illustrative_inputs)


@dataclass(frozen=True)
class Status:
    """A municipality on the site's date against the shown year's shares."""

    share_units: int
    assigned: int
    target: float
    fulfilment_pct: float | None
    queue_place: int | None


@dataclass(frozen=True)
class YearEnd:
    """Goal fulfilment on one date (31 December of a published year, or the site's date)."""

    when: date
    share_year: int
    total: int
    assigned: dict[str, int]
    fulfilment_pct: dict[str, float | None]


@dataclass(frozen=True)
class Transfer:
    """One redistribution in force: `amount_units` resolved (also for "all")."""

    giver: str
    receiver: str
    amount_units: int
    approved_on: date
    reference: str


@dataclass(frozen=True)
class Prognosis:
    """National prognosis scenarios (children in the year) from `prognosis.toml`."""

    year: int
    children: dict[str, int]
    illustrative: bool
    source: str


@dataclass(frozen=True)
class Scenario:
    """One scenario's forecast for the rest of the year, by the equalising rule."""

    key: str
    national: int
    remaining: int
    expected: dict[str, int]
    fulfilment_after: dict[str, float | None]


@dataclass(frozen=True)
class NextYear:
    """What each municipality can expect in the share year after the shown one
    (`pipeline.site.next_year`): from its published table (one expectation, at the table's
    planning figure) or from its draft (one per scenario of its prognosis)."""

    year: int
    draft: bool
    nationals: tuple[int, ...]  # the national numbers of children the expectations assume
    expected: tuple[dict[str, int], ...]


@dataclass
class SiteInputs:
    as_of: date
    municipalities: list[Municipality]
    publications: dict[int, Publication]
    shown_year: int
    status: dict[str, Status]
    total_assigned: int
    years: list[int]
    yearly: dict[str, dict[int, tuple[int, int]]]
    history: list[YearEnd]
    transfers: list[Transfer]
    features: dict[str, dict]
    assigned_this_year: int = 0
    prognosis: Prognosis | None = None
    scenarios: list[Scenario] = field(default_factory=list)
    illustrative: list[str] = field(default_factory=list)
    documents: dict[int, list[Version]] = field(default_factory=dict)
    next_year: NextYear | None = None

    @property
    def counties(self) -> list[tuple[str, str]]:
        return sorted({(m.county_code, m.county_name) for m in self.municipalities})

    @property
    def shown(self) -> Publication:
        return self.publications[self.shown_year]



def county_fulfilment(inputs: SiteInputs, codes: list[str]) -> float | None:
    """A county's goal fulfilment: its assignments over its summed target, exactly, then rounded
    half up to one decimal (as pipeline.goals.fulfilment rounds a municipality's)."""
    shares = sum(inputs.status[c].share_units for c in codes)
    assigned = sum(inputs.status[c].assigned for c in codes)
    if shares == 0 or inputs.total_assigned == 0:
        return None
    total_units = 1000 * 10 ** inputs.shown.decimals
    ratio = Fraction(assigned * total_units * 1000, shares * inputs.total_assigned)  # tenths of %
    return float((2 * ratio.numerator + ratio.denominator) // (2 * ratio.denominator)) / 10

