"""The rules between agreements, each in both row orders, at the level a mutation would change
them: which rule, at which agreement, for which of its municipalities, against which earlier one.
Written from MODEL.md ("Redistribution"), not from the code's output."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.redistribution.rules import GIVER, RECEIVER, Breach, Rule, Terms, breaches

YEAR = 2026
DAY = date(2025, 12, 5)
# Four municipalities of one county (14), with calculated shares in units.
COUNTY_OF = {"1499": "14", "1496": "14", "1497": "14", "1401": "14"}
UNITS = {"1499": 345, "1496": 345, "1497": 345, "1401": 345}


def terms(*pairs: tuple[str, str, int | None]) -> list[Terms]:
    return [Terms(YEAR, giver, receiver, amount, DAY) for giver, receiver, amount in pairs]


def test_a_municipality_that_received_cannot_then_give() -> None:
    # row 0: 1496 receives; row 1: 1496 gives. The breach is row 1's giver, against row 0.
    found = breaches(terms(("1499", "1496", 50), ("1496", "1497", 10)), YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.GIVES_AND_RECEIVES, 1, GIVER, 0)]


def test_a_municipality_that_gave_cannot_then_receive() -> None:
    # row 0: 1496 gives; row 1: 1496 receives. The breach is row 1's receiver, against row 0.
    found = breaches(terms(("1496", "1497", 50), ("1499", "1496", 10)), YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.GIVES_AND_RECEIVES, 1, RECEIVER, 0)]


def test_the_conflict_names_the_first_row_not_a_later_one() -> None:
    found = breaches(terms(("1496", "1497", 10), ("1496", "1401", 10), ("1499", "1496", 10)),
                     YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.GIVES_AND_RECEIVES, 2, RECEIVER, 0)]
    found = breaches(terms(("1499", "1496", 10), ("1401", "1496", 10), ("1496", "1497", 10)),
                     YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.GIVES_AND_RECEIVES, 2, GIVER, 0)]


def test_a_chain_through_one_municipality_breaks_once_per_later_row() -> None:
    # 1496 gives in row 0 and receives in row 1, then gives again in row 2: rows 1 and 2 both
    # conflict with the first row of the other kind.
    found = breaches(terms(("1496", "1497", 10), ("1499", "1496", 10), ("1496", "1401", 10)),
                     YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.GIVES_AND_RECEIVES, 1, RECEIVER, 0),
                     Breach(Rule.GIVES_AND_RECEIVES, 2, GIVER, 1)]


def test_a_pair_given_twice_is_a_duplicate_of_the_first() -> None:
    found = breaches(terms(("1499", "1496", 10), ("1499", "1497", 10), ("1499", "1496", 20)),
                     YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.DUPLICATE, 2, None, 0)]


def test_a_municipality_giving_to_itself_takes_no_part_in_the_rules_between_rows() -> None:
    found = breaches(terms(("1496", "1496", 10), ("1499", "1496", 10)), YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.SAME_MUNICIPALITY, 0)]


@pytest.mark.parametrize(("amounts", "at", "running"), [
    ((345,), None, None), ((346,), 0, 346), ((200, 145), None, None), ((200, 146), 1, 346),
    ((None,), None, None), ((None, 1), 1, 346), ((1, None), 1, 346)])
def test_a_giver_may_give_up_to_its_calculated_share_and_not_one_unit_more(
        amounts, at, running) -> None:
    receivers = ["1496", "1497"]
    found = breaches(terms(*(("1499", r, a) for r, a in zip(receivers, amounts, strict=False))),
                     YEAR, UNITS, COUNTY_OF)
    if at is None:
        assert found == []
    else:
        total = sum(345 if a is None else a for a in amounts)
        assert found == [Breach(Rule.GIVES_TOO_MUCH, at, GIVER, given_units=running,
                                total_units=total, calculated_units=345,
                                counted=tuple(range(len(amounts))))]


def test_the_rows_after_one_giving_to_itself_are_still_checked() -> None:
    found = breaches(terms(("1496", "1496", 10), ("1499", "1497", 10), ("1499", "1497", 20)),
                     YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.SAME_MUNICIPALITY, 0), Breach(Rule.DUPLICATE, 2, None, 1)]


def test_an_amount_that_could_not_be_read_counts_for_nothing_not_for_all() -> None:
    # A form row whose amount cell was unreadable is refused in the form's own words; the rules
    # must not read it as "hela andelen" (345), which would make 1499's other 200 too much.
    unread = Terms(YEAR, "1499", "1497", None, DAY, amount_read=False)
    found = breaches([*terms(("1499", "1496", 200)), unread], YEAR, UNITS, COUNTY_OF)
    assert found == []


def test_an_amount_of_nothing_takes_no_part_in_what_its_giver_gives() -> None:
    # Row 0 gives 346 of 345 units; row 1 gives 0, refused on its own (not above 0). Row 1 gives
    # nothing, so it is neither counted in the giver's total nor a giving of too much.
    found = breaches(terms(("1499", "1496", 346), ("1499", "1497", 0)), YEAR, UNITS, COUNTY_OF)
    assert found == [Breach(Rule.GIVES_TOO_MUCH, 0, GIVER, given_units=346, total_units=346,
                            calculated_units=345, counted=(0,)),
                     Breach(Rule.NOT_POSITIVE, 1)]
