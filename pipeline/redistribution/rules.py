"""Redistribution (omfördelning) rules: which agreements are valid, and the shares after them.

`breaches` is the one home of the rules of MODEL.md ("Redistribution"). Both front ends ask it:
the agency's agreement file (`validate_agreements`, the first breach, in English for the
statistician) and the county boards' returned forms (`forms.validation`, every breach at once, in
Swedish). They differ only in their words and in what they report, never in what is refused.

A duplicate agreement is the same giver and receiver appearing twice for one share year, whatever
the amounts, dates or references: two transfers between the same pair must be one agreement, and
the same agreement entered through both routes (CSV and workbook) must not count twice. A shared
reference (diarienummer) is allowed, because one county board decision may cover several transfers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

import polars as pl

from pipeline.core.errors import InputError, ModelError
from pipeline.core.units import total_units, units_to_text
from pipeline.redistribution.agreements import ALL, Agreement, resolved_units

RESULT_COLUMNS = [
    "municipality_code", "municipality_name", "county_code", "county_name",
    "calculated_units", "given_units", "received_units", "share_units",
]
GIVER, RECEIVER = "giver", "receiver"


class Rule(Enum):
    """The rules an agreement can break, in the order they are checked for one agreement."""

    OTHER_SHARE_YEAR = "for another share year"
    UNKNOWN_MUNICIPALITY = "a municipality without a calculated share"
    SAME_MUNICIPALITY = "giver and receiver the same"
    DIFFERENT_COUNTIES = "giver and receiver in different counties"
    NOT_POSITIVE = "an amount not above 0"
    APPROVAL_OUTSIDE_YEAR = "approved outside the year before the share year"
    DUPLICATE = "the same giver and receiver twice"
    GIVES_AND_RECEIVES = "a municipality that both gives and receives"
    GIVES_TOO_MUCH = "a giver giving more than its calculated share"


@dataclass(frozen=True)
class Terms:
    """What the rules look at in one agreement, as a front end read it.

    A value the front end could not read is None (it has refused it in its own words) and the
    rules that need it are not checked; `amount_read` tells an unread amount from "all"
    (`amount_units` None, as in `Agreement`).
    """

    share_year: int
    giver_code: str | None
    receiver_code: str | None
    amount_units: int | None
    approved_on: date | None
    amount_read: bool = True

    @classmethod
    def of(cls, agreement: Agreement) -> Terms:
        return cls(agreement.share_year, agreement.giver_code, agreement.receiver_code,
                   agreement.amount_units, agreement.approved_on)


@dataclass(frozen=True)
class Breach:
    """One rule broken by the agreement at `index` of the sequence checked.

    `role` says which of its municipalities the rule concerns (UNKNOWN_MUNICIPALITY,
    GIVES_AND_RECEIVES) and `other` the earlier agreement it conflicts with (DUPLICATE,
    GIVES_AND_RECEIVES). For GIVES_TOO_MUCH: `given_units` is what the giver gives up to and
    including this agreement, `total_units` what it gives in all, `counted` the agreements that
    make it up and `calculated_units` its calculated share.
    """

    rule: Rule
    index: int
    role: str | None = None
    other: int | None = None
    given_units: int = 0
    total_units: int = 0
    calculated_units: int = 0
    counted: tuple[int, ...] = ()


def breaches(terms: Sequence[Terms], share_year: int, calculated_units: Mapping[str, int],
             county_of: Mapping[str, str]) -> list[Breach]:
    """Every rule each agreement breaks, by agreement in order, and for one agreement in the
    order of `Rule` (conflicts with earlier agreements, earliest first).

    `calculated_units` maps municipality_code to its calculated share in units; `county_of` maps
    it to its county code. An agreement whose giver is its receiver takes no part in the rules
    between agreements (it is refused already), nor in what its giver gives.
    """
    found: list[Breach] = []
    first_pair: dict[tuple[str, str], int] = {}
    first_giving: dict[str, int] = {}
    first_receiving: dict[str, int] = {}
    for index, agreement in enumerate(terms):
        found += _alone(index, agreement, share_year, calculated_units, county_of)
        giver, receiver = agreement.giver_code, agreement.receiver_code
        if giver is not None and giver == receiver:
            continue
        between = []
        if giver is not None and receiver is not None and (giver, receiver) in first_pair:
            between.append(Breach(Rule.DUPLICATE, index, other=first_pair[(giver, receiver)]))
        if giver in first_receiving:
            between.append(Breach(Rule.GIVES_AND_RECEIVES, index, GIVER,
                                  first_receiving[giver]))
        if receiver in first_giving:
            between.append(Breach(Rule.GIVES_AND_RECEIVES, index, RECEIVER,
                                  first_giving[receiver]))
        found += sorted(between, key=lambda breach: breach.other)
        if giver is not None and receiver is not None:
            first_pair.setdefault((giver, receiver), index)
        if giver is not None:
            first_giving.setdefault(giver, index)
        if receiver is not None:
            first_receiving.setdefault(receiver, index)
    found += _given_too_much(terms, calculated_units)
    return sorted(found, key=lambda breach: breach.index)


def _alone(index: int, agreement: Terms, share_year: int, calculated_units: Mapping[str, int],
           county_of: Mapping[str, str]) -> list[Breach]:
    """The rules one agreement breaks on its own."""
    found = []
    if agreement.share_year != share_year:
        found.append(Breach(Rule.OTHER_SHARE_YEAR, index))
    giver, receiver = agreement.giver_code, agreement.receiver_code
    for role, code in ((GIVER, giver), (RECEIVER, receiver)):
        if code is not None and (code not in county_of or code not in calculated_units):
            found.append(Breach(Rule.UNKNOWN_MUNICIPALITY, index, role))
    if giver is not None and giver == receiver:
        found.append(Breach(Rule.SAME_MUNICIPALITY, index))
    elif (giver in county_of and receiver in county_of
          and county_of[giver] != county_of[receiver]):
        found.append(Breach(Rule.DIFFERENT_COUNTIES, index))
    amount = _amount(agreement, calculated_units)
    if amount is not None and amount <= 0:
        found.append(Breach(Rule.NOT_POSITIVE, index))
    approved_on = agreement.approved_on
    if approved_on is not None and approved_on.year != share_year - 1:
        found.append(Breach(Rule.APPROVAL_OUTSIDE_YEAR, index))
    return found


def _given_too_much(terms: Sequence[Terms],
                    calculated_units: Mapping[str, int]) -> list[Breach]:
    """A breach at every agreement from the one with which a giver's running total first exceeds
    its calculated share."""
    counted: dict[str, list[tuple[int, int]]] = {}
    for index, agreement in enumerate(terms):
        amount = _amount(agreement, calculated_units)
        if amount is not None and amount > 0 and agreement.giver_code != agreement.receiver_code:
            counted.setdefault(agreement.giver_code, []).append((index, amount))
    found = []
    for giver, entries in counted.items():
        calculated = calculated_units[giver]
        total = sum(amount for _, amount in entries)
        running = 0
        for index, amount in entries:
            running += amount
            if running > calculated:
                found.append(Breach(Rule.GIVES_TOO_MUCH, index, GIVER, given_units=running,
                                    total_units=total, calculated_units=calculated,
                                    counted=tuple(i for i, _ in entries)))
    return found


def _amount(agreement: Terms, calculated_units: Mapping[str, int]) -> int | None:
    """The amount in units, or None when it is unread or its giver is unknown."""
    giver = agreement.giver_code
    if not agreement.amount_read or giver is None or giver not in calculated_units:
        return None
    return resolved_units(agreement.amount_units, calculated_units[giver])


class AgreementError(InputError):
    """An agreement that breaks a redistribution rule; the message names the agreement and rule,
    `breach` is the rule's decision."""

    def __init__(self, agreement: Agreement, rule: str, decimals: int, breach: Breach) -> None:
        self.agreement = agreement
        self.decimals = decimals
        self.breach = breach
        super().__init__(agreement.source, rule)

    def describe(self) -> str:
        a = self.agreement
        return (f"{a.source}: agreement {a.giver_code} -> {a.receiver_code}, "
                f"{_amount_text(a.amount_units, self.decimals)}, reference {a.reference!r}: "
                f"{self.rule}")


def validate_agreements(
    agreements: Iterable[Agreement],
    share_year: int,
    draft_units: dict[str, int],
    register: pl.DataFrame,
    decimals: int,
) -> None:
    """Raise AgreementError for the first agreement that breaks a redistribution rule.

    `draft_units` maps municipality_code to its calculated share in units; `register` has
    municipality_code and county_code.
    """
    agreements = list(agreements)
    county_of = dict(zip(register["municipality_code"], register["county_code"], strict=True))
    found = breaches([Terms.of(a) for a in agreements], share_year, draft_units, county_of)
    if found:
        first = found[0]
        rule = _in_english(first, agreements, share_year, draft_units, county_of, decimals)
        raise AgreementError(agreements[first.index], rule, decimals, first)


def _in_english(breach: Breach, agreements: Sequence[Agreement], share_year: int,
                draft_units: Mapping[str, int], county_of: Mapping[str, str],
                decimals: int) -> str:
    agreement = agreements[breach.index]
    giver, receiver = agreement.giver_code, agreement.receiver_code
    other = agreements[breach.other].source if breach.other is not None else ""
    match breach.rule:
        case Rule.OTHER_SHARE_YEAR:
            return f"the agreement is for share year {agreement.share_year}, not {share_year}"
        case Rule.UNKNOWN_MUNICIPALITY:
            code = giver if breach.role == GIVER else receiver
            return f"unknown municipality code {code!r} ({breach.role})"
        case Rule.SAME_MUNICIPALITY:
            return "giver and receiver are the same municipality"
        case Rule.DIFFERENT_COUNTIES:
            return (f"giver and receiver are in different counties "
                    f"({county_of[giver]} and {county_of[receiver]})")
        case Rule.NOT_POSITIVE:
            return (f"the amount must be greater than 0 ‰ (the calculated share is "
                    f"{_units(draft_units[giver], decimals)} ‰)")
        case Rule.APPROVAL_OUTSIDE_YEAR:
            return (f"approval date {agreement.approved_on.isoformat()} is outside "
                    f"{share_year - 1}, the calendar year before share year {share_year}")
        case Rule.DUPLICATE:
            return f"duplicate agreement: {giver} already gives to {receiver} ({other})"
        case Rule.GIVES_AND_RECEIVES if breach.role == GIVER:
            return (f"municipality {giver} both gives and receives in {share_year} "
                    f"(receives at {other})")
        case Rule.GIVES_AND_RECEIVES:
            return (f"municipality {receiver} both gives and receives in {share_year} "
                    f"(gives at {other})")
        case Rule.GIVES_TOO_MUCH:
            return (f"municipality {giver} would give {_units(breach.given_units, decimals)} ‰ "
                    f"in total, more than its calculated share of "
                    f"{_units(breach.calculated_units, decimals)} ‰")


def apply_redistributions(
    draft: pl.DataFrame, agreements: Iterable[Agreement], decimals: int
) -> pl.DataFrame:
    """Final shares after validated agreements: calculated − given + received, in register order.

    The draft's `share_units` must total exactly 1000 ‰; "all" resolves to the giver's calculated
    share.
    """
    calculated = dict(zip(draft["municipality_code"], draft["share_units"], strict=True))
    if sum(calculated.values()) != total_units(decimals):
        raise ModelError(f"the draft shares total {_units(sum(calculated.values()), decimals)} ‰, "
                         f"not 1000 ‰; redistribution needs the complete draft")
    given = dict.fromkeys(calculated, 0)
    received = dict.fromkeys(calculated, 0)
    for agreement in agreements:
        amount = agreement.units(calculated)
        given[agreement.giver_code] += amount
        received[agreement.receiver_code] += amount
    return (
        draft.select(*RESULT_COLUMNS[:4],
                     pl.col("share_units").cast(pl.Int64).alias("calculated_units"))
        .with_columns(
            given_units=pl.col("municipality_code").replace_strict(given, return_dtype=pl.Int64),
            received_units=pl.col("municipality_code").replace_strict(
                received, return_dtype=pl.Int64),
        )
        .with_columns(
            share_units=pl.col("calculated_units") - pl.col("given_units")
            + pl.col("received_units"),
        )
        .select(RESULT_COLUMNS)
        .sort("municipality_code")
    )


def _units(units: int, decimals: int) -> str:
    return units_to_text(units, decimals)


def _amount_text(amount_units: int | None, decimals: int) -> str:
    return ALL if amount_units is None else f"{_units(amount_units, decimals)} ‰"
