"""Redistribution (omfördelning) rules: which agreements are valid, and the shares after them.

A duplicate agreement is the same giver and receiver appearing twice for one share year, whatever
the amounts, dates or references: two transfers between the same pair must be one agreement, and
the same agreement entered through both routes (CSV and workbook) must not count twice. A shared
reference (diarienummer) is allowed, because one county board decision may cover several transfers.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from pipeline.core.errors import InputError, ModelError
from pipeline.core.units import total_units, units_to_text
from pipeline.redistribution.agreements import ALL, Agreement

RESULT_COLUMNS = [
    "municipality_code", "municipality_name", "county_code", "county_name",
    "calculated_units", "given_units", "received_units", "share_units",
]


class AgreementError(InputError):
    """An agreement that breaks a redistribution rule; the message names the agreement and rule."""

    def __init__(self, agreement: Agreement, rule: str, decimals: int) -> None:
        self.agreement = agreement
        self.decimals = decimals
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
    county_of = dict(zip(register["municipality_code"], register["county_code"], strict=True))
    earlier: list[Agreement] = []
    given: dict[str, int] = {}
    for agreement in agreements:
        giver = agreement.giver_code
        rule = (_rule_broken_alone(agreement, share_year, county_of, draft_units, decimals)
                or _rule_broken_with(earlier, agreement, share_year))
        if rule is None:
            calculated = draft_units[giver]
            given[giver] = given.get(giver, 0) + _resolve(agreement, calculated)
            if given[giver] > calculated:
                rule = (f"municipality {giver} would give {_units(given[giver], decimals)} ‰ "
                        f"in total, more than its calculated share of "
                        f"{_units(calculated, decimals)} ‰")
        if rule is not None:
            raise AgreementError(agreement, rule, decimals)
        earlier.append(agreement)


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
        amount = _resolve(agreement, calculated[agreement.giver_code])
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


def check_invariants(final: pl.DataFrame, decimals: int = 2) -> list[str]:
    """Human-readable violations of the redistribution invariants (empty list: all hold)."""
    problems = []
    national = final["share_units"].sum()
    if national != total_units(decimals):
        problems.append(f"the national total is {_units(national, decimals)} ‰, not 1000 ‰")
    counties = (
        final.group_by("county_code", "county_name")
        .agg(pl.col("calculated_units").sum(), pl.col("share_units").sum())
        .filter(pl.col("calculated_units") != pl.col("share_units"))
        .sort("county_code")
    )
    for row in counties.iter_rows(named=True):
        problems.append(
            f"county {row['county_code']} {row['county_name']}: total "
            f"{_units(row['share_units'], decimals)} ‰ after redistribution, "
            f"{_units(row['calculated_units'], decimals)} ‰ calculated")
    expected = pl.col("calculated_units") - pl.col("given_units") + pl.col("received_units")
    checks = [
        (pl.col("share_units") != expected, "share is not calculated − given + received"),
        ((pl.col("given_units") == 0) & (pl.col("received_units") == 0)
         & (pl.col("share_units") != pl.col("calculated_units")),
         "outside every agreement but its share changed"),
        (pl.col("share_units") < 0, "negative share"),
    ]
    for condition, rule in checks:
        for row in final.filter(condition).iter_rows(named=True):
            problems.append(
                f"{row['municipality_code']} {row['municipality_name']}: {rule} "
                f"(calculated {_units(row['calculated_units'], decimals)}, given "
                f"{_units(row['given_units'], decimals)}, received "
                f"{_units(row['received_units'], decimals)}, final "
                f"{_units(row['share_units'], decimals)} ‰)")
    return problems


def _rule_broken_alone(
    agreement: Agreement, share_year: int, county_of: dict[str, str],
    draft_units: dict[str, int], decimals: int,
) -> str | None:
    """The rule one agreement breaks on its own, if any."""
    if agreement.share_year != share_year:
        return f"the agreement is for share year {agreement.share_year}, not {share_year}"
    for role, code in (("giver", agreement.giver_code), ("receiver", agreement.receiver_code)):
        if code not in county_of or code not in draft_units:
            return f"unknown municipality code {code!r} ({role})"
    if agreement.giver_code == agreement.receiver_code:
        return "giver and receiver are the same municipality"
    giver_county = county_of[agreement.giver_code]
    receiver_county = county_of[agreement.receiver_code]
    if giver_county != receiver_county:
        return (f"giver and receiver are in different counties "
                f"({giver_county} and {receiver_county})")
    calculated = draft_units[agreement.giver_code]
    if _resolve(agreement, calculated) <= 0:
        return (f"the amount must be greater than 0 ‰ (the calculated share is "
                f"{_units(calculated, decimals)} ‰)")
    if agreement.approved_on.year != share_year - 1:
        return (f"approval date {agreement.approved_on.isoformat()} is outside {share_year - 1}, "
                f"the calendar year before share year {share_year}")
    return None


def _rule_broken_with(
    earlier: list[Agreement], agreement: Agreement, share_year: int
) -> str | None:
    """The rule an agreement breaks together with the agreements before it, if any."""
    giver, receiver = agreement.giver_code, agreement.receiver_code
    for other in earlier:
        if (other.giver_code, other.receiver_code) == (giver, receiver):
            return f"duplicate agreement: {giver} already gives to {receiver} ({other.source})"
        if other.receiver_code == giver:
            return (f"municipality {giver} both gives and receives in {share_year} "
                    f"(receives at {other.source})")
        if other.giver_code == receiver:
            return (f"municipality {receiver} both gives and receives in {share_year} "
                    f"(gives at {other.source})")
    return None


def _resolve(agreement: Agreement, calculated: int) -> int:
    return calculated if agreement.amount_units is None else agreement.amount_units


def _units(units: int, decimals: int) -> str:
    return units_to_text(units, decimals)


def _amount_text(amount_units: int | None, decimals: int) -> str:
    return ALL if amount_units is None else f"{_units(amount_units, decimals)} ‰"

