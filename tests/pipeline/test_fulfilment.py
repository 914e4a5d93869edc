"""Goal fulfilment, the equalising rule and its forecast: exact integers, ties by the rule, and
the forecast equal to the rule applied step by step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.errors import AnvisningError, ModelError
from pipeline.goals.fulfilment import (
    _verify,
    assigned_counts,
    forecast,
    forecast_municipality,
    forecast_table,
    fulfilment_table,
    next_equalising,
    queue_places,
    step_by_step,
)
from pipeline.goals.ledger import LEDGER_SCHEMA

AS_OF = date(2024, 6, 30)


def ledger_of(*rows: tuple[str, date, str, str]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LEDGER_SCHEMA, orient="row")


def repeated(code: str, count: int, when: date = date(2020, 1, 1), kind: str = "equalising"):
    return [(f"{code}-{when}-{i}", when, code, kind) for i in range(count)]


def shares_of(units: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame({
        "municipality_code": list(units),
        "municipality_name": [f"Kommun {c}" for c in units],
        "county_code": [c[:2] for c in units],
        "share_units": list(units.values()),
    })


HAND_SHARES = {"0114": 40000, "0115": 35000, "0117": 25000, "0120": 0}
HAND_LEDGER = ledger_of(
    *repeated("0114", 3),
    *repeated("0115", 4, date(2024, 6, 30)),
    *repeated("0120", 1, kind="connection"),
    *repeated("0117", 5, date(2024, 7, 1)),
)


def test_fulfilment_on_a_hand_worked_case():
    # As of 2024-06-30 the 0117 rows of 1 July do not count: total = 3 + 4 + 1 = 8.
    # 0114: 400 ‰ → target 0.4 × 8 = 3.2; 3 / 3.2 = 93.75 % → 93.8 (half up)
    # 0115: 350 ‰ → target 2.8;             4 / 2.8 = 142.857… % → 142.9
    # 0117: 250 ‰ → target 2.0;             0 / 2   = 0.0 %
    # 0120:   0 ‰ → target 0, no fulfilment; its connection assignment still counts in total.
    table = fulfilment_table(HAND_LEDGER, shares_of(HAND_SHARES), AS_OF)
    assert table["municipality_code"].to_list() == ["0114", "0115", "0117", "0120"]
    assert table["share_promille"].to_list() == [Decimal("400.00"), Decimal("350.00"),
                                                 Decimal("250.00"), Decimal("0.00")]
    assert table["assigned"].to_list() == [3, 4, 0, 1]
    assert table["target"].to_list() == [3.2, 2.8, 2.0, 0.0]
    assert table["target_exact"].to_list() == [Decimal("3.2"), Decimal("2.8"), Decimal("2"),
                                               Decimal("0")]
    assert table["fulfilment_pct"].to_list() == [93.8, 142.9, 0.0, None]


def test_target_and_percentage_round_half_up_from_exact_integers():
    # 0114 holds 1 unit = 0.01 ‰ of 4 500 assignments: target 0.045 exactly → 0.05 half up
    # (float rounding of 0.045 gives 0.04). 0115 holds the rest: 99 999 units → 4 499.955 →
    # 4 499.96; its 4 499 assignments are 99.97888…% → 100.0.
    ledger = ledger_of(*repeated("0114", 1), *repeated("0115", 4499))
    table = fulfilment_table(ledger, shares_of({"0114": 1, "0115": 99999}), AS_OF)
    assert table["target"].to_list() == [0.05, 4499.96]
    assert table["target_exact"].to_list() == [Decimal("0.045"), Decimal("4499.955")]
    # 0114: 1 / 0.045 = 2 222.22…% → 2 222.2
    assert table["fulfilment_pct"].to_list() == [2222.2, 100.0]


def test_without_assignments_there_is_no_fulfilment_yet():
    table = fulfilment_table(HAND_LEDGER, shares_of(HAND_SHARES), date(2019, 12, 31))
    assert table["assigned"].sum() == 0
    assert table["fulfilment_pct"].null_count() == table.height


def test_a_ledger_code_missing_from_the_share_table_is_an_error():
    with pytest.raises(AnvisningError, match="0120"):
        fulfilment_table(HAND_LEDGER, shares_of({"0114": 50000, "0115": 50000, "0117": 0}),
                         AS_OF)


def test_assigned_counts_both_kinds_up_to_the_date():
    assert assigned_counts(HAND_LEDGER, AS_OF) == {"0114": 3, "0115": 4, "0120": 1}


def test_forecast_of_a_single_municipality():
    # From the hand-worked case (total 8): 0/25 000 is lowest → 0117; then 1/25 000 = 0.00004
    # is still below 3/40 000 = 0.000075 → 0117 again. Total after = 10; 0117's target is
    # 0.25 × 10 = 2.5 and 2 / 2.5 = 80.0 %.
    table = fulfilment_table(HAND_LEDGER, shares_of(HAND_SHARES), AS_OF)
    result = forecast_municipality(table, "0117", 2)
    assert (result.assigned_before, result.expected, result.assigned_after,
            result.total_after) == (0, 2, 2, 10)
    assert (result.target, result.target_exact, result.fulfilment_pct) == (2.5, Decimal("2.5"),
                                                                           80.0)
    assert forecast_table(table, 2)["expected"].to_list() == [0, 0, 2, 0]
    with pytest.raises(AnvisningError, match="9999"):
        forecast_municipality(table, "9999", 2)


@pytest.mark.parametrize(
    ("assigned", "shares", "expected", "why"),
    [
        ({}, {"0114": 300, "0115": 500, "0116": 500}, "0115", "total 0: larger share, lower code"),
        ({"0114": 1, "0115": 2}, {"0114": 100, "0115": 200}, "0115", "equal ratio: larger share"),
        ({"0114": 2, "0115": 2}, {"0114": 200, "0115": 200}, "0114", "all equal: lower code"),
        ({"0114": 2, "0115": 3}, {"0114": 200, "0115": 200}, "0114", "lowest ratio"),
        ({"0115": 1000}, {"0114": 0, "0115": 1}, "0115", "a share of 0 is never chosen"),
        ({"0114": 1, "0115": 0}, {"0114": 1, "0115": 100000}, "0115", "ratio before share"),
        # The two ratios differ by 1/(99 999 × 99 998) at about 10^7: as floats they are equal
        # (and the tie would pick the larger share, 0114); cross-multiplied, 0115 is lower.
        ({"0114": 999990099998, "0115": 999980099997}, {"0114": 99999, "0115": 99998}, "0115",
         "exact, not floating point"),
    ],
)
def test_next_equalising_follows_the_rule_and_its_ties(assigned, shares, expected, why):
    assert next_equalising(assigned, shares) == expected, why


def test_next_equalising_takes_parallel_sequences_too():
    assert next_equalising([3, 1], [100, 100], ["0114", "0115"]) == "0115"


def test_no_positive_share_is_a_model_error():
    with pytest.raises(ModelError):
        next_equalising({}, {"0114": 0})
    with pytest.raises(ModelError):
        forecast({}, {"0114": 0}, None, 1)
    assert forecast({}, {"0114": 0}, None, 0) == {"0114": 0}


def rule_applied(assigned, shares, codes, m):
    """The literal rule, m times: the reference for the reference."""
    current = dict(zip(codes, assigned, strict=True))
    received = dict.fromkeys(codes, 0)
    for _ in range(m):
        code = next_equalising(current, dict(zip(codes, shares, strict=True)))
        current[code] += 1
        received[code] += 1
    return received


@st.composite
def cases(draw, prior: bool):
    n = draw(st.integers(1, 30))
    codes = draw(st.permutations(
        [f"{c:04d}" for c in draw(st.sets(st.integers(114, 2584), min_size=n, max_size=n))]))
    common = draw(st.lists(st.integers(0, 2000), min_size=1, max_size=3))
    shares = draw(st.lists(st.one_of(st.sampled_from(common), st.integers(0, 2000)),
                           min_size=n, max_size=n))
    if not any(shares):
        shares[draw(st.integers(0, n - 1))] = draw(st.integers(1, 2000))
    assigned = draw(st.lists(st.integers(0, 50), min_size=n, max_size=n)) if prior else [0] * n
    return assigned, shares, codes, draw(st.integers(0, 300))


@given(cases(prior=False))
def test_forecast_equals_the_rule_step_by_step_from_an_empty_ledger(case):
    expected = step_by_step(*case)
    assert forecast(*case) == expected
    assert sum(expected.values()) == case[3]


@given(cases(prior=True))
def test_forecast_equals_the_rule_step_by_step_after_a_prior_ledger(case):
    assert forecast(*case) == step_by_step(*case) == rule_applied(*case)


def test_queue_orders_by_ratio_then_larger_share_then_lower_code():
    shares = {"0001": 200, "0002": 100, "0003": 100, "0004": 0, "0005": 300}
    assigned = {"0001": 2, "0002": 1, "0003": 1, "0004": 0, "0005": 1}
    # ratios: 0001 1/100, 0002 1/100, 0003 1/100, 0005 1/300; 0004 has no share
    assert queue_places(assigned, shares) == {"0005": 1, "0001": 2, "0002": 3, "0003": 4}


def test_queue_compares_exactly_not_in_floating_point():
    # 1/3 and 33333333/100000000 differ by 1/300000000: floats of the ratios nearly agree
    shares = {"0001": 3, "0002": 100_000_000}
    assigned = {"0001": 1, "0002": 33_333_333}
    assert queue_places(assigned, shares) == {"0002": 1, "0001": 2}


@given(cases(prior=True))
def test_queue_places_are_the_order_in_which_the_rule_picks(case):
    """Place 1 is whom the rule picks; place 2 whom it picks once place 1 has left; and so on
    (shares drawn from a few common values, so ratios and shares tie)."""
    assigned, shares, codes, _ = case
    places = queue_places(assigned, shares, codes)
    counts = dict(zip(codes, assigned, strict=True))
    waiting = {code: share for code, share in zip(codes, shares, strict=True) if share > 0}
    picked = []
    while waiting:
        picked.append(next_equalising(counts, waiting))
        del waiting[picked[-1]]
    assert sorted(places, key=places.__getitem__) == picked
    assert sorted(places.values()) == list(range(1, len(picked) + 1))


def test_a_municipality_far_ahead_receives_nothing_until_the_others_catch_up():
    codes, shares = ["0114", "0115", "0117"], [100, 100, 200]
    result = forecast([1000, 0, 0], shares, codes, 3000)
    assert result == step_by_step([1000, 0, 0], shares, codes, 3000)
    assert result["0114"] == 0 and result == {"0114": 0, "0115": 1000, "0117": 2000}


def test_ten_million_assignments_are_exact_and_fast():
    codes = [f"{c:04d}" for c in range(114, 404)]
    shares = [100 + (7 * i) % 600 for i in range(290)]
    shares[0] = 0
    assigned = [(13 * i) % 50 for i in range(290)]
    result = forecast(assigned, shares, codes, 10**7)
    assert sum(result.values()) == 10**7 and result["0114"] == 0
    # Compare a prefix exactly against the rule, and check the large result by its invariant:
    # after it, everyone's last ratio ≤ anyone's next ratio (cross-multiplied).
    assert forecast(assigned, shares, codes, 20000) == step_by_step(assigned, shares, codes, 20000)
    # after it, no picked ratio exceeds any ratio still open.
    state = [(a, result[c], s) for a, s, c in zip(assigned, shares, codes, strict=True) if s]
    last_picked = max(Fraction(a + n - 1, s) for a, n, s in state if n)
    assert all(Fraction(a + n, s) >= last_picked for a, n, s in state)


def test_a_forecast_of_three_gives_the_third_to_the_next_lowest_ratio():
    # From the hand-worked case (total 8): 0117 takes the first two (0/25 000, then 1/25 000);
    # the third goes to 0114, whose 3/40 000 = 0.000075 is now below 0117's 2/25 000 = 0.00008.
    # Total after = 11: 0114's target is 0.4 × 11 = 4.4 and 4 / 4.4 = 90.909… % → 90.9.
    table = fulfilment_table(HAND_LEDGER, shares_of(HAND_SHARES), AS_OF)
    result = forecast_municipality(table, "0114", 3)
    assert (result.municipality_code, result.municipality_name, result.share_units) == (
        "0114", "Kommun 0114", 40000)
    assert (result.assigned_before, result.expected, result.assigned_after,
            result.total_after) == (3, 1, 4, 11)
    assert (result.target, result.target_exact, result.fulfilment_pct) == (4.4, Decimal("4.4"),
                                                                           90.9)


def test_a_forecast_table_names_each_municipality_and_its_county():
    table = forecast_table(fulfilment_table(HAND_LEDGER, shares_of(HAND_SHARES), AS_OF), 3)
    assert table.columns == ["municipality_code", "municipality_name", "county_code",
                             "share_units", "share_promille", "assigned_before", "expected",
                             "total_after", "assigned_after", "target", "target_exact",
                             "fulfilment_pct"]
    assert table["county_code"].to_list() == ["01"] * 4
    assert table["expected"].to_list() == [1, 0, 2, 0]
    assert [table.schema[c] for c in ("assigned_before", "expected", "total_after",
                                      "assigned_after")] == [pl.Int64] * 4


def test_a_forecast_of_no_children_changes_nothing_and_a_negative_one_is_refused():
    table = fulfilment_table(HAND_LEDGER, shares_of(HAND_SHARES), AS_OF)
    nothing = forecast_table(table, 0)
    assert nothing["expected"].to_list() == [0, 0, 0, 0]
    assert nothing["total_after"].to_list() == [8] * 4
    assert nothing["fulfilment_pct"].to_list() == table["fulfilment_pct"].to_list()
    with pytest.raises(ModelError, match=r"^the number of children to forecast must be 0 to "
                                         r"1 000 000 000, not -1$"):
        forecast_table(table, -1)


def test_shares_in_promille_keep_the_published_decimals():
    table = fulfilment_table(HAND_LEDGER, shares_of({**HAND_SHARES, "0117": 24999, "0120": 1}),
                             AS_OF)
    assert [str(p) for p in table["share_promille"]] == ["400.00", "350.00", "249.99", "0.01"]


def test_without_a_positive_share_the_refusal_says_why():
    why = r"^no municipality has a positive share to receive an assignment$"
    with pytest.raises(ModelError, match=why):
        next_equalising({}, {"0114": 0})
    with pytest.raises(ModelError, match=why):
        forecast({}, {"0114": 0}, None, 1)
    with pytest.raises(ModelError, match=why):
        step_by_step({}, {"0114": 0}, None, 1)


@pytest.mark.parametrize(("shares", "message"), [
    (shares_of(HAND_SHARES).drop("county_code", "municipality_name"),
     "the share table lacks the columns ['county_code', 'municipality_name']"),
    (pl.concat([shares_of(HAND_SHARES), shares_of({"0115": 1})]),
     "the share table lists a municipality more than once"),
    (shares_of(HAND_SHARES).with_columns(
        pl.when(pl.col("municipality_code") == "0117").then(None)
        .otherwise(pl.col("share_units")).alias("share_units")),
     "every share in the share table is a number ≥ 0"),
    (shares_of({**HAND_SHARES, "0117": -1}), "every share in the share table is a number ≥ 0"),
    (shares_of({"0114": 50000, "0115": 50000}),
     "the ledger has assignments to municipalities missing from the share table: 0117, 0120"),
])
def test_a_share_table_that_cannot_hold_the_ledger_is_refused_saying_why(shares, message):
    ledger = pl.concat([HAND_LEDGER, ledger_of(*repeated("0117", 1))])
    with pytest.raises(AnvisningError) as raised:
        fulfilment_table(ledger, shares, AS_OF)
    assert str(raised.value) == message


def test_shares_read_as_small_integers_do_not_overflow():
    # 99 999 units × 25 000 assignments = 2 499 975 000, beyond a 32-bit integer: target
    # 0.99999 × 25 000 = 24 999.75 and 25 000 / 24 999.75 = 100.001 % → 100.0
    shares = shares_of({"0114": 1, "0115": 99999}).cast({"share_units": pl.Int32})
    table = fulfilment_table(ledger_of(*repeated("0115", 25000)), shares, AS_OF)
    assert table.schema["share_units"] == pl.Int64
    assert table["target"].to_list() == [0.25, 24999.75]
    assert table["fulfilment_pct"].to_list() == [0.0, 100.0]


def test_the_smallest_share_with_the_only_assignment_has_a_fulfilment():
    # 1 unit = 0.01 ‰ of 1 assignment: target 0.00001 (0.00 shown), and 1 / 0.00001 =
    # 100 000 times the target = 10 000 000.0 %
    table = fulfilment_table(ledger_of(*repeated("0114", 1)),
                             shares_of({"0114": 1, "0115": 99999}), AS_OF)
    assert table["target_exact"].to_list() == [Decimal("0.00001"), Decimal("0.99999")]
    assert table["target"].to_list() == [0.0, 1.0]
    assert table["fulfilment_pct"].to_list() == [10_000_000.0, 0.0]


def test_a_forecast_in_shares_of_four_decimals():
    # the hand-worked case with every share written to four decimals (× 100 units): the same
    # picks, targets and fulfilment as at two decimals
    shares = shares_of({code: units * 100 for code, units in HAND_SHARES.items()})
    table = fulfilment_table(HAND_LEDGER, shares, AS_OF, decimals=4)
    result = forecast_municipality(table, "0114", 3, decimals=4)
    assert (result.expected, result.total_after, result.target, result.fulfilment_pct) == (
        1, 11, 4.4, 90.9)


def test_the_rule_step_by_step_for_one_and_for_none():
    assert step_by_step({"0114": 3}, {"0114": 40000, "0115": 35000}, None, 1) == {
        "0114": 0, "0115": 1}
    # no assignment to make: nothing to refuse, even without a positive share
    assert step_by_step({}, {"0114": 0}, None, 0) == {"0114": 0}


def test_a_negative_number_of_assignments_to_forecast_is_refused():
    with pytest.raises(ValueError, match=r"^the number of assignments to forecast is "
                                         r"non-negative$"):
        forecast({}, {"0114": 100}, None, -1)


BROKEN = r"^internal error: the forecast broke its own invariants$"


def test_the_forecasts_own_check_passes_a_right_result():
    # shares 1 and 1, nothing assigned, two to give: one each, both at ratio 0 = the threshold
    _verify({"0114": 1, "0115": 1}, [("0114", 0, 1), ("0115", 0, 1)], 2, Fraction(0))


def test_the_forecasts_own_check_refuses_a_wrong_number_of_picks():
    # every pick is at the threshold, but one of the two is missing
    with pytest.raises(ModelError, match=BROKEN):
        _verify({"0114": 1, "0115": 0}, [("0114", 0, 1), ("0115", 0, 1)], 2, Fraction(0))


def test_the_forecasts_own_check_refuses_a_pick_above_the_threshold():
    # threshold 1/2: 0114 (1 assigned, share 1) was given one more at ratio 1/1 > 1/2;
    # 0115 (share 2) took its one at ratio 0 and its next, 1/2, is at the threshold
    with pytest.raises(ModelError, match=BROKEN):
        _verify({"0114": 1, "0115": 1}, [("0114", 1, 1), ("0115", 0, 2)], 2, Fraction(1, 2))


def test_the_forecasts_own_check_refuses_a_ratio_skipped_below_the_threshold():
    # threshold 1: 0114 (1 assigned, share 2) was passed over at ratio 1/2 < 1, while 0115
    # (share 1) took two, the last at ratio 1/1
    with pytest.raises(ModelError, match=BROKEN):
        _verify({"0114": 0, "0115": 2}, [("0114", 1, 2), ("0115", 0, 1)], 2, Fraction(1))


def test_a_forecast_whose_picks_span_several_ratios_near_the_end():
    # Worked by hand with the rule: 0000 takes ratios 0, 1/6, 2/6, 3/6, 4/6 (tied with 0001's
    # 4/6, larger share equal, lower code) and 5/6; 0002 takes 2/5, 3/5 and 4/5; 0001 its 4/6.
    codes = ["0000", "0001", "0002"]
    expected = {"0000": 6, "0001": 1, "0002": 3}
    assert step_by_step([0, 4, 2], [6, 6, 5], codes, 10) == expected
    assert forecast([0, 4, 2], [6, 6, 5], codes, 10) == expected


def test_a_municipality_absent_from_the_counts_has_had_none():
    # 0115 has no count: 0/100 is below 0114's 1/100
    assert next_equalising({"0114": 1}, {"0114": 100, "0115": 100}) == "0115"
    assert queue_places({"0114": 1}, {"0114": 100, "0115": 100}) == {"0115": 1, "0114": 2}


def test_an_empty_share_table_has_an_empty_queue_and_forecast():
    assert queue_places({}, {}) == {}
    assert forecast({}, {}, None, 0) == {}
    empty = shares_of({}).cast({"share_units": pl.Int64, "municipality_code": pl.String,
                               "municipality_name": pl.String, "county_code": pl.String})
    table = forecast_table(fulfilment_table(ledger_of(), empty, AS_OF), 0)
    assert table.height == 0
    assert [table.schema[c] for c in ("expected", "total_after", "assigned_after")] == [
        pl.Int64] * 3


@pytest.mark.parametrize(("call", "kind", "message"), [
    (lambda: next_equalising([1, 2], [100, 100]), TypeError,
     "give `codes` when the shares are not a mapping by code"),
    (lambda: next_equalising([1], [100, 100], ["0114", "0115"]), ValueError,
     "codes, assigned counts and shares differ in length"),
    (lambda: queue_places([1, 2], [100, 100], ["0114", "0114"]), ValueError,
     "a municipality code appears twice"),
    (lambda: forecast([-1, 0], [100, 100], ["0114", "0115"], 1), ValueError,
     "shares and assigned counts are non-negative"),
    (lambda: step_by_step({}, {"0114": -5, "0115": 100}, None, 1), ValueError,
     "shares and assigned counts are non-negative"),
])
def test_counts_and_shares_that_do_not_line_up_are_refused(call, kind, message):
    with pytest.raises(kind) as raised:
        call()
    assert str(raised.value) == message
