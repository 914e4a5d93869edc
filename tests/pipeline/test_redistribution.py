"""Redistribution (omfördelning): reading agreements, every rejection rule, applying them and the
invariants (county and national totals unchanged, municipalities outside agreements untouched)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.errors import InputError, ModelError
from pipeline.core.units import total_units
from pipeline.ingestion.register import load_register
from pipeline.redistribution.agreements import Agreement, read_agreements_csv
from pipeline.redistribution.rules import (
    AgreementError,
    apply_redistributions,
    validate_agreements,
)

REPO = Path(__file__).resolve().parents[2]
DECIMALS = 2
TOTAL = total_units(DECIMALS)
YEAR = 2026
HEADER = "share_year,giver_code,receiver_code,amount_promille,approved_on,reference\n"

REGISTER = pl.DataFrame({
    "municipality_code": ["0114", "0115", "0117", "0305", "0319"],
    "municipality_name": ["Upplands Väsby", "Vallentuna", "Österåker", "Håbo", "Älvkarleby"],
    "county_code": ["01", "01", "01", "03", "03"],
    "county_name": ["Stockholms län"] * 3 + ["Uppsala län"] * 2,
})
UNITS = {"0114": 30_000, "0115": 20_000, "0117": 10_000, "0305": 25_000, "0319": 15_000}
DRAFT = REGISTER.with_columns(share_units=pl.Series(list(UNITS.values()), dtype=pl.Int64))


def agreement(line: int = 2, **changes) -> Agreement:
    base = Agreement(share_year=YEAR, giver_code="0114", receiver_code="0115", amount_units=150,
                     approved_on=date(2025, 12, 10), reference="Lst AB 851-1-2025",
                     source=f"agreements.csv line {line}")
    return dataclasses.replace(base, **changes)


def rejection(*agreements: Agreement) -> str:
    with pytest.raises(AgreementError) as caught:
        validate_agreements(agreements, YEAR, UNITS, REGISTER, DECIMALS)
    return str(caught.value)


def write_csv(tmp_path: Path, *rows: str, bom: bool = False) -> Path:
    path = tmp_path / f"{YEAR}.csv"
    path.write_text(("\ufeff" if bom else "") + HEADER + "".join(r + "\n" for r in rows),
                    encoding="utf-8")
    return path


# --- the rules, one test each ------------------------------------------------------------------

def test_valid_agreements_pass() -> None:
    validate_agreements(
        [agreement(), agreement(3, giver_code="0117", amount_units=None),
         agreement(4, giver_code="0319", receiver_code="0305", amount_units=1)],
        YEAR, UNITS, REGISTER, DECIMALS)


def test_rejects_giver_and_receiver_in_different_counties() -> None:
    message = rejection(agreement(receiver_code="0305"))
    assert "agreements.csv line 2" in message
    assert "different counties (01 and 03)" in message


def test_rejects_giver_equal_to_receiver() -> None:
    message = rejection(agreement(receiver_code="0114"))
    assert "agreements.csv line 2" in message
    assert "giver and receiver are the same municipality" in message


@pytest.mark.parametrize("role", ["giver_code", "receiver_code"])
def test_rejects_unknown_municipality_code(role: str) -> None:
    message = rejection(agreement(**{role: "9999"}))
    assert "agreements.csv line 2" in message
    assert "unknown municipality code '9999'" in message


@pytest.mark.parametrize("role", ["giver", "receiver"])
def test_a_municipality_known_to_only_one_of_register_and_draft_is_unknown(role: str) -> None:
    # 0115 is in the register but has no calculated share (the draft lacks it), or the other way
    # round: either way it cannot take part in an agreement
    one = agreement(**({"giver_code": "0115", "receiver_code": "0114"} if role == "giver"
                       else {}))
    without_share = {code: units for code, units in UNITS.items() if code != "0115"}
    with pytest.raises(AgreementError, match=rf"unknown municipality code '0115' \({role}\)$"):
        validate_agreements([one], YEAR, without_share, REGISTER, DECIMALS)
    outside_register = REGISTER.filter(pl.col("municipality_code") != "0115")
    with pytest.raises(AgreementError, match=rf"unknown municipality code '0115' \({role}\)$"):
        validate_agreements([one], YEAR, UNITS, outside_register, DECIMALS)


@pytest.mark.parametrize("amount", [0, -50])
def test_rejects_amount_not_above_zero(amount: int) -> None:
    message = rejection(agreement(amount_units=amount))
    assert "agreements.csv line 2" in message
    assert "the amount must be greater than 0" in message


def test_rejects_all_of_a_zero_share() -> None:
    units = {**UNITS, "0114": 0, "0115": 50_000}
    with pytest.raises(AgreementError, match="greater than 0"):
        validate_agreements([agreement(amount_units=None)], YEAR, units, REGISTER, DECIMALS)


def test_rejects_more_decimals_than_allowed_when_reading(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "2026,0114,0115,0.125,2025-12-10,Lst AB 851-1-2025")
    with pytest.raises(InputError) as caught:
        read_agreements_csv(path, DECIMALS)
    message = str(caught.value)
    assert f"{path}, line 2, column 'amount_promille': value '0.125'" in message
    assert "at most 2 decimals" in message


def test_rejects_giver_giving_more_than_its_calculated_share() -> None:
    message = rejection(agreement(amount_units=20_000),
                        agreement(3, receiver_code="0117", amount_units=10_001))
    assert "agreements.csv line 3" in message
    assert "would give 300.01 ‰ in total, more than its calculated share of 300.00 ‰" in message


def test_rejects_all_together_with_another_agreement_from_the_same_giver() -> None:
    message = rejection(agreement(amount_units=None),
                        agreement(3, receiver_code="0117", amount_units=1))
    assert "agreements.csv line 3" in message
    assert "more than its calculated share" in message


def test_rejects_municipality_that_gives_and_receives() -> None:
    message = rejection(agreement(), agreement(3, giver_code="0115", receiver_code="0117"))
    assert "agreements.csv line 3" in message
    assert "municipality 0115 both gives and receives in 2026" in message
    assert "agreements.csv line 2" in message


@pytest.mark.parametrize("approved_on", [date(2024, 12, 31), date(2026, 1, 2)])
def test_rejects_approval_date_outside_the_year_before(approved_on: date) -> None:
    message = rejection(agreement(approved_on=approved_on))
    assert "agreements.csv line 2" in message
    assert f"approval date {approved_on.isoformat()} is outside 2025" in message


def test_rejects_agreement_for_another_share_year() -> None:
    message = rejection(agreement(share_year=2027, approved_on=date(2026, 12, 1)))
    assert "agreements.csv line 2" in message
    assert "for share year 2027, not 2026" in message


def test_rejects_duplicate_agreement_between_the_same_pair() -> None:
    message = rejection(agreement(),
                        agreement(3, amount_units=10, reference="Lst AB 851-2-2025"))
    assert "agreements.csv line 3" in message
    assert "duplicate agreement: 0114 already gives to 0115 (agreements.csv line 2)" in message


def test_one_reference_may_cover_several_transfers() -> None:
    validate_agreements([agreement(), agreement(3, receiver_code="0117")],
                        YEAR, UNITS, REGISTER, DECIMALS)


def test_rejection_names_the_agreement() -> None:
    message = rejection(agreement(receiver_code="0114", amount_units=None))
    assert message.startswith("agreements.csv line 2: agreement 0114 -> 0114, all, "
                              "reference 'Lst AB 851-1-2025': ")


# --- reading the CSV ---------------------------------------------------------------------------

def test_reads_csv_with_bom_keeping_leading_zeros_and_all(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "2026,0114,0115,1.25,2025-12-10,Lst AB 851-1-2025",
                     "", "2026,0117,0115,all,2025-12-11, Lst AB 851-2-2025 ", bom=True)
    assert read_agreements_csv(path, DECIMALS) == [
        Agreement(YEAR, "0114", "0115", 125, date(2025, 12, 10), "Lst AB 851-1-2025",
                  f"{path} line 2"),
        Agreement(YEAR, "0117", "0115", None, date(2025, 12, 11), "Lst AB 851-2-2025",
                  f"{path} line 4"),
    ]


def test_header_only_csv_means_no_agreements(tmp_path: Path) -> None:
    assert read_agreements_csv(write_csv(tmp_path), DECIMALS) == []


def test_rejects_csv_with_another_header(tmp_path: Path) -> None:
    path = tmp_path / "2026.csv"
    path.write_text("year,giver,receiver,amount,date,reference\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1.*the header must be exactly share_year,"):
        read_agreements_csv(path, DECIMALS)


@pytest.mark.parametrize(("row", "column", "value", "rule"), [
    ("26,0114,0115,1,2025-12-10,X", "share_year", "26", "the share year is a 4-digit year"),
    ("2026,114,0115,1,2025-12-10,X", "giver_code", "114",
     "a municipality code is 4 digits, leading zero kept (e.g. 0114)"),
    ("2026,01145,0115,1,2025-12-10,X", "giver_code", "01145",
     "a municipality code is 4 digits, leading zero kept (e.g. 0114)"),
    ("2026,0114,０１１５,1,2025-12-10,X", "receiver_code", "０１１５",
     "a municipality code is 4 digits, leading zero kept (e.g. 0114)"),
    ("２０２６,0114,0115,1,2025-12-10,X", "share_year", "２０２６",
     "the share year is a 4-digit year"),
    ("20260,0114,0115,1,2025-12-10,X", "share_year", "20260", "the share year is a 4-digit year"),
    ("2026,0114,0115,1,２０２５-12-10,X", "approved_on", "２０２５-12-10",
     "the approval date is a date written YYYY-MM-DD"),
    ("2026,0114,Vallentuna,1,2025-12-10,X", "receiver_code", "Vallentuna",
     "a municipality code is 4 digits, leading zero kept (e.g. 0114)"),
    ("2026,0114,0115,hälften,2025-12-10,X", "amount_promille", "hälften",
     "the amount is 'all' or a number in ‰ with at most 2 decimals ('hälften' is not a "
     "non-negative decimal number)"),
    ("2026,0114,0115,1,2025-13-01,X", "approved_on", "2025-13-01",
     "the approval date is a date written YYYY-MM-DD"),
    ("2026,0114,0115,1,10/12/2025,X", "approved_on", "10/12/2025",
     "the approval date is a date written YYYY-MM-DD"),
    ("2026,0114,0115,1,2025-12-10,", "reference", "",
     "the county board's reference (diarienummer) is required"),
])
def test_csv_errors_name_file_line_column_value_and_rule(
    tmp_path: Path, row: str, column: str, value: str, rule: str
) -> None:
    path = write_csv(tmp_path, "2026,0117,0115,1,2025-12-10,Lst AB 851-1-2025", row)
    with pytest.raises(InputError) as caught:
        read_agreements_csv(path, DECIMALS)
    assert (caught.value.file, caught.value.line, caught.value.column) == (str(path), 3, column)
    assert caught.value.value == value
    assert caught.value.rule == rule


def test_csv_row_with_missing_fields_is_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "2026,0114,0115,1,2025-12-10")
    with pytest.raises(InputError, match="line 2.*a row has 6 fields"):
        read_agreements_csv(path, DECIMALS)


def test_negative_amount_is_read_and_rejected_by_the_amount_rule(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "2026,0114,0115,-0.50,2025-12-10,Lst AB 851-1-2025")
    agreements = read_agreements_csv(path, DECIMALS)
    assert agreements[0].amount_units == -50
    with pytest.raises(AgreementError, match=f"{path} line 2: .*greater than 0"):
        validate_agreements(agreements, YEAR, UNITS, REGISTER, DECIMALS)


def test_shipped_illustrative_2026_file_is_valid() -> None:
    register = load_register(REPO / "data" / "reference" / "municipalities.csv")
    agreements = read_agreements_csv(REPO / "data" / "redistributions" / "2026.csv", DECIMALS)
    floor_units = {code: 100 for code in register["municipality_code"]}
    validate_agreements(agreements, 2026, floor_units, register, DECIMALS)
    county_of = dict(zip(register["municipality_code"], register["county_code"], strict=True))
    receivers = [a.receiver_code for a in agreements]
    assert len({county_of[a.giver_code] for a in agreements}) >= 2
    assert any(a.amount_units is None for a in agreements)
    assert any(receivers.count(code) >= 2 for code in receivers)


# --- applying and the invariants ---------------------------------------------------------------

def test_apply_moves_units_from_givers_to_receivers() -> None:
    final = apply_redistributions(
        DRAFT, [agreement(amount_units=150), agreement(3, giver_code="0117", amount_units=None)],
        DECIMALS)
    assert final.columns == ["municipality_code", "municipality_name", "county_code",
                             "county_name", "calculated_units", "given_units", "received_units",
                             "share_units"]
    assert final.select("municipality_code", "given_units", "received_units",
                        "share_units").rows() == [
        ("0114", 150, 0, 29_850),
        ("0115", 0, 10_150, 30_150),
        ("0117", 10_000, 0, 0),
        ("0305", 0, 0, 25_000),
        ("0319", 0, 0, 15_000),
    ]


def test_apply_returns_register_order() -> None:
    final = apply_redistributions(DRAFT.reverse(), [], DECIMALS)
    assert final["municipality_code"].to_list() == sorted(UNITS)


def test_apply_requires_a_complete_draft() -> None:
    with pytest.raises(ModelError, match="999.99 ‰, not 1000 ‰"):
        apply_redistributions(DRAFT.with_columns(share_units=pl.Series([29_999, 20_000, 10_000,
                                                                        25_000, 15_000])),
                              [], DECIMALS)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[pl.DataFrame, dict[str, int], list[Agreement]]:
    """A small register of 2–3 counties, draft units summing to 1000 ‰ and valid agreements."""
    register_rows = []
    for county in range(1, draw(st.integers(2, 3)) + 1):
        for number in range(draw(st.integers(1, 5))):
            register_rows.append((f"{county:02d}{number + 10}", f"Kommun {county}-{number}",
                                  f"{county:02d}", f"Län {county}"))
    register = pl.DataFrame(register_rows, orient="row",
                            schema=["municipality_code", "municipality_name", "county_code",
                                    "county_name"])
    codes = register["municipality_code"].to_list()
    cuts = sorted(draw(st.lists(st.integers(0, TOTAL), min_size=len(codes) - 1,
                                max_size=len(codes) - 1)))
    units = dict(zip(codes, [b - a for a, b in zip([0, *cuts], [*cuts, TOTAL], strict=True)],
                     strict=True))
    agreements: list[Agreement] = []
    for county in register["county_code"].unique(maintain_order=True):
        members = draw(st.permutations(
            register.filter(pl.col("county_code") == county)["municipality_code"].to_list()))
        split = draw(st.integers(1, max(1, len(members) - 1)))
        givers, receivers = members[:split], members[split:]
        for giver in givers if receivers else []:
            targets = draw(st.lists(st.sampled_from(receivers), unique=True))
            remaining = units[giver]
            for receiver in targets:
                if remaining == 0:
                    break
                if len(targets) == 1 and draw(st.booleans()):
                    amount = None
                else:
                    amount = draw(st.integers(1, remaining))
                    remaining -= amount
                agreements.append(Agreement(
                    YEAR, giver, receiver, amount,
                    draw(st.dates(date(2025, 1, 1), date(2025, 12, 31))),
                    f"Lst {county} 851-{len(agreements)}-2025", f"random line {len(agreements)}"))
    return register, units, agreements


@given(scenarios())
def test_redistribution_keeps_totals_and_leaves_others_untouched(scenario) -> None:
    register, units, agreements = scenario
    draft = register.with_columns(share_units=pl.Series(list(units.values()), dtype=pl.Int64))
    validate_agreements(agreements, YEAR, units, register, DECIMALS)

    final = apply_redistributions(draft, agreements, DECIMALS)

    assert final["share_units"].sum() == TOTAL
    by_county = final.group_by("county_code").agg(pl.col("calculated_units", "share_units").sum())
    assert (by_county["calculated_units"] == by_county["share_units"]).all()
    involved = {a.giver_code for a in agreements} | {a.receiver_code for a in agreements}
    untouched = final.filter(~pl.col("municipality_code").is_in(sorted(involved)))
    assert (untouched["share_units"] == untouched["calculated_units"]).all()
    assert (final["share_units"] >= 0).all()


@given(scenarios(), st.data())
def test_giving_one_unit_more_than_the_share_is_always_rejected(scenario, data) -> None:
    register, units, agreements = scenario
    givers = sorted({a.giver_code for a in agreements if a.amount_units is not None})
    if not givers:
        return
    giver = data.draw(st.sampled_from(givers))
    mine = [a for a in agreements if a.giver_code == giver]
    given_units = sum(a.amount_units for a in mine)
    excess = dataclasses.replace(mine[-1], amount_units=mine[-1].amount_units
                                 + units[giver] - given_units + 1)
    changed = [excess if a is mine[-1] else a for a in agreements]
    with pytest.raises(AgreementError, match="more than its calculated share"):
        validate_agreements(changed, YEAR, units, register, DECIMALS)
