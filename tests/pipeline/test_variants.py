"""Model variants (MODEL.md, "Model variants for the August proposal"): the variants file and its
refusals, every variant against an independent computation of the model, and the comparison's
figures against independent sums."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest

from pipeline.core.errors import InputError
from pipeline.model.parameters import STANDARD_VARIANT, load_parameters
from pipeline.variants.catalogue import MAX_VARIANTS, load_variants
from pipeline.variants.comparison import compare_variants
from pipeline.variants.maps import difference_class
from tests.variants_data import DATA, REFERENCE_YEAR, SHARE_YEAR, basis

SHIPPED = DATA / "variants.toml"
STANDARD = load_parameters(DATA / "parameters.toml", SHARE_YEAR)
DAYS_2024 = 366
HEAD = """\
[variants.standard]
title = "Standardmodellen"
description = "Som i dag."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "variants.toml"
    path.write_text(text, encoding="utf-8")
    return path


def variant(name: str, title: str, **values: object) -> str:
    lines = [f"[variants.{name}]", f'title = "{title}"', 'description = "En variant."']
    lines += [f"{key} = {value}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def refusal(tmp_path: Path, text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_variants(write(tmp_path, text), STANDARD, 290)
    return caught.value


# --- the file ------------------------------------------------------------------------------------

def test_the_shipped_file_names_the_standard_and_the_anchors_of_other_countries() -> None:
    variants = load_variants(SHIPPED, STANDARD, 290)
    by_name = {v.name: v for v in variants}
    assert variants[0].name == STANDARD_VARIANT and variants[0].parameters == STANDARD
    assert len(variants) == 5
    # α = 0: the Netherlands' and Switzerland's population keys; α = 1: Denmark's kommunekvote.
    assert by_name["population_only"].parameters.reception_adjustment == 0.0
    assert by_name["full_reception_adjustment"].parameters.reception_adjustment == 1.0
    assert by_name["lower_floor"].parameters.floor_promille == 0.5
    no_days = by_name["no_housing_days"].parameters
    assert (no_days.weight("weight_asylum_days"), no_days.weight("weight_arrival_days")) == (0, 0)
    assert no_days.weight("weight_newcomers") == no_days.weight("weight_minors") == 1.0
    # Everything a variant does not set is the standard's; the variant names its rows.
    assert by_name["lower_floor"].parameters.reception_adjustment == 0.5
    assert by_name["lower_floor"].parameters.variant == "lower_floor"
    assert by_name["lower_floor"].parameters.decimals == STANDARD.decimals


def test_a_variant_sets_its_values_on_the_share_years_standard_set(tmp_path) -> None:
    parameters = write(tmp_path, (DATA / "parameters.toml").read_text(encoding="utf-8")
                       + "\n[years.2026]\nweight_minors = 2.0\n")
    standard = load_parameters(parameters, 2026)
    path = write(tmp_path, HEAD + variant("alpha", "Alfa", reception_adjustment=0.25))
    alpha = load_variants(path, standard, 290)[1].parameters
    assert (alpha.weight("weight_minors"), alpha.reception_adjustment) == (2.0, 0.25)
    assert alpha.name == "standard+2026 overrides+alpha"


def test_an_unknown_key_is_refused_naming_file_line_and_key(tmp_path) -> None:
    text = HEAD + variant("alpha", "Alfa", weight_newcomer=2.0)
    error = refusal(tmp_path, text)
    assert (error.file, error.line, error.column) == (str(tmp_path / "variants.toml"), 7,
                                                      "weight_newcomer")
    assert "unknown key" in error.rule and "weight_newcomers" in error.rule


@pytest.mark.parametrize("alpha", ["-0.25", "1.5", "1.0000001"])
def test_an_alpha_outside_zero_to_one_is_refused(tmp_path, alpha) -> None:
    error = refusal(tmp_path, HEAD + variant("alpha", "Alfa", reception_adjustment=alpha))
    assert (error.line, error.column, error.value) == (7, "reception_adjustment", float(alpha))
    assert error.rule == "reception_adjustment must be between 0 and 1"
    assert "variants.toml, line 7, column 'reception_adjustment'" in str(error)


@pytest.mark.parametrize("alpha", ["0", "1", "0.0", "1.0"])
def test_alpha_may_be_zero_or_one(tmp_path, alpha) -> None:
    load_variants(write(tmp_path, HEAD + variant("a", "A", reception_adjustment=alpha)),
                  STANDARD, 290)


def test_a_floor_that_290_municipalities_cannot_all_have_is_refused(tmp_path) -> None:
    # 290 × 3.45 ‰ = 1000.50 ‰ > 1000 ‰; 290 × 3.44 ‰ = 997.60 ‰ is possible.
    error = refusal(tmp_path, HEAD + variant("high", "Högt golv", floor_promille=3.45))
    assert (error.line, error.column, error.value) == (7, "floor_promille", 3.45)
    assert "290 municipalities × 3.45 ‰ = 1000.50 ‰, more than 1000 ‰" in error.rule
    load_variants(write(tmp_path, HEAD + variant("high", "Högt golv", floor_promille=3.44)),
                  STANDARD, 290)


def test_the_floor_rule_counts_the_registers_municipalities(tmp_path) -> None:
    path = write(tmp_path, HEAD + variant("high", "Högt golv", floor_promille=3.44))
    with pytest.raises(InputError, match="291 municipalities × 3.44 ‰ = 1001.04 ‰"):
        load_variants(path, STANDARD, 291)


def test_a_duplicate_name_is_refused_naming_both_lines(tmp_path) -> None:
    text = HEAD + variant("alpha", "Alfa", reception_adjustment=0) + variant(
        "alpha", "Beta", reception_adjustment=1)
    error = refusal(tmp_path, text)
    assert (error.line, error.column, error.value) == (8, "[variants.alpha]", "alpha")
    assert "used twice (first on line 4)" in error.rule


def test_a_duplicate_title_is_refused(tmp_path) -> None:
    error = refusal(tmp_path, HEAD + variant("a", "Alfa") + variant("b", "alfa"))
    assert (error.line, error.column) == (8, "title")
    assert "[variants.a]" in error.rule


@pytest.mark.parametrize(("text", "line", "column", "rule"), [
    (variant("alpha", "Alfa"), None, None, "[variants.standard] is missing"),
    (HEAD + "floor_promille = 0.5\n", 4, "floor_promille", "takes no values of its own"),
    (HEAD + variant("Alpha", "Alfa"), 4, "[variants.Alpha]", "lower-case letters"),
    # a TOML escape puts a line break after a good name: the whole name must be good (the line
    # scan does not follow escapes in a table's name, so no line is named)
    (HEAD + variant('"alpha\\n"', "Alfa"), None, '[variants.alpha\n]', "lower-case letters"),
    (HEAD + variant("a", "Alfa", reception_adjustment='"hälften"'), 7, "reception_adjustment",
     "must be a number"),
    (HEAD + variant("a", "Alfa", floor_promille=0.505), 7, "floor_promille",
     "at most decimals = 2 decimals"),
    (HEAD + variant("a", "Alfa", decimals=3), 7, "decimals", "unknown key"),
    (HEAD + "[variants.a]\ndescription = \"x\"\n", 4, "title", "missing"),
    (HEAD + variant("a", "   "), 5, "title", "1 to 40 characters"),
    ("[variant.a]\ntitle = \"A\"\n" + HEAD, 1, "variant", "only [variants.<name>] tables"),
    (HEAD + "".join(variant(f"v{i}", f"V{i}") for i in range(MAX_VARIANTS + 1)), None, None,
     "at most 8"),
])
def test_other_mistakes_are_refused_with_the_line_and_key(tmp_path, text, line, column,
                                                           rule) -> None:
    error = refusal(tmp_path, text)
    assert (error.line, error.column) == (line, column)
    assert rule in error.rule


def test_a_missing_file_is_named(tmp_path) -> None:
    with pytest.raises(InputError, match="variants.toml: the variants file is missing"):
        load_variants(tmp_path / "variants.toml", STANDARD, 290)


# --- the model, independently ---------------------------------------------------------------------

def independent_units(frame: pl.DataFrame, values: dict, days: int) -> dict[str, int]:
    """MODEL.md steps 1-5 for every municipality in exact rational arithmetic, by other means
    than pipeline.model.shares: the water level is found from the adjusted shares sorted (the
    largest m above the floor), not by fixing and rescaling; the rounding by sorting remainders."""
    def value(key: str) -> Fraction:
        return Fraction(str(values[key]))

    rows = frame.to_dicts()
    population = sum(row["population"] for row in rows)
    p = [Fraction(row["population"], population) for row in rows]
    reception = [value("weight_newcomers") * row["newcomers_settled"]
                 + value("weight_minors") * row["minors_received"]
                 + (value("weight_asylum_days") * row["asylum_housing_days"]
                    + value("weight_arrival_days") * row["minor_arrival_housing_days"]) / days
                 for row in rows]
    total = sum(reception)
    r = p if total == 0 else [x / total for x in reception]
    alpha = value("reception_adjustment")
    a = [max(Fraction(0), pk + alpha * (pk - rk)) for pk, rk in zip(p, r, strict=True)]
    floor, n = value("floor_promille") / 1000, len(rows)
    ranked = sorted(range(n), key=lambda k: a[k], reverse=True)
    for free in range(n, 0, -1):
        level = (1 - (n - free) * floor) / sum(a[k] for k in ranked[:free])
        if level * a[ranked[free - 1]] >= floor:
            break
    shares = [max(floor, level * ak) for ak in a]
    assert sum(shares) == 1
    scale = 1000 * 10 ** int(values["decimals"])
    units = [int(s * scale) for s in shares]  # s > 0: int() rounds down
    remainders = sorted(range(n), key=lambda k: (-(shares[k] * scale - units[k]),
                                                 rows[k]["municipality_code"]))
    for k in remainders[:scale - sum(units)]:
        units[k] += 1
    return {row["municipality_code"]: u for row, u in zip(rows, units, strict=True)}


@pytest.fixture(scope="module")
def comparison():
    frame = basis()
    variants = load_variants(SHIPPED, STANDARD, frame.height)
    return compare_variants(frame, variants, DAYS_2024, frame["municipality_code"].to_list(),
                            SHARE_YEAR, REFERENCE_YEAR)


def test_every_variant_equals_an_independent_computation_for_all_290(comparison) -> None:
    frame = basis()
    assert frame.height == 290
    for variant in comparison.variants:
        expected = independent_units(frame, variant.parameters.as_dict(), DAYS_2024)
        rows = comparison.municipalities.filter(pl.col("variant") == variant.name)
        assert dict(zip(rows["municipality_code"], rows["share_units"], strict=True)) == \
            expected, variant.name


def test_full_reception_adjustment_is_denmarks_formula_before_the_floor(comparison) -> None:
    # Denmark's kommunekvote: share = p − (r − p), negatives 0; α = 1 in step 3 is exactly that.
    draft = comparison.drafts["full_reception_adjustment"]
    p, r = draft["population_share"], draft["reception_share"]
    expected = (p - (r - p)).clip(lower_bound=0)
    assert (draft["adjusted_share"] - expected).abs().max() < 1e-12
    assert (draft["adjusted_share"] == 0).sum() > 0  # some municipalities received > 2p
    only = comparison.drafts["population_only"]
    assert (only["adjusted_share"] - only["population_share"]).abs().max() == 0


def test_a_variant_identical_to_the_standard_differs_nowhere(tmp_path) -> None:
    same = variant("same_alpha", "Samma α", reception_adjustment=0.5) + variant(
        "same_weights", "Samma vikter", weight_newcomers=1, weight_arrival_days=1.0)
    frame = basis()
    result = compare_variants(frame, load_variants(write(tmp_path, HEAD + same), STANDARD, 290),
                              DAYS_2024, frame["municipality_code"].to_list(), SHARE_YEAR,
                              REFERENCE_YEAR)
    assert result.municipalities.height == 3 * 290
    assert result.municipalities["difference_units"].to_list() == [0] * (3 * 290)
    assert result.counties["difference_units"].to_list() == [0] * (3 * 21)
    assert result.summary.select("changed", "moved_between_municipalities_units",
                                 "moved_between_counties_units").sum().row(0) == (0, 0, 0)


def county_totals(rows: pl.DataFrame) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for code, units in zip(rows["municipality_code"], rows["share_units"], strict=True):
        totals[code[:2]] += units  # a municipality's code starts with its county's
    return dict(totals)


def test_the_share_moved_between_counties_is_half_the_absolute_county_differences(
        comparison) -> None:
    municipalities = comparison.municipalities
    standard = county_totals(municipalities.filter(pl.col("variant") == STANDARD_VARIANT))
    summary = {row["variant"]: row for row in comparison.summary.iter_rows(named=True)}
    for variant in comparison.others:
        totals = county_totals(municipalities.filter(pl.col("variant") == variant.name))
        differences = [totals[county] - standard[county] for county in standard]
        absolute = sum(abs(d) for d in differences)
        assert absolute % 2 == 0 and absolute > 0
        moved = summary[variant.name]["moved_between_counties_units"]
        assert moved == absolute // 2 == sum(d for d in differences if d > 0)


def test_every_variants_county_totals_add_up_to_exactly_1000_promille(comparison) -> None:
    for name, part in comparison.counties.partition_by("variant", as_dict=True).items():
        assert part.height == 21
        assert part["share_units"].sum() == 100_000, name
        assert part["difference_units"].sum() == 0, name
        by_hand = county_totals(comparison.municipalities.filter(pl.col("variant") == name[0]))
        assert dict(zip(part["county_code"], part["share_units"], strict=True)) == by_hand


def test_the_summary_counts_the_floor_and_the_changes_of_at_least_a_tenth(comparison) -> None:
    summary = {row["variant"]: row for row in comparison.summary.iter_rows(named=True)}
    for variant in comparison.variants:
        rows = comparison.municipalities.filter(pl.col("variant") == variant.name).to_dicts()
        changed = sum(1 for row in rows if abs(row["difference_units"]) >= 10)  # 0.10 ‰
        moved = sum(max(0, row["difference_units"]) for row in rows)
        assert summary[variant.name]["changed"] == changed
        assert summary[variant.name]["moved_between_municipalities_units"] == moved
        floor = variant.parameters.floor_units
        assert summary[variant.name]["at_floor"] == sum(row["share_units"] == floor
                                                        for row in rows if row["at_floor"])
    assert summary[STANDARD_VARIANT]["at_floor"] == 82  # the standard draft's count (README)
    assert summary["lower_floor"]["at_floor"] < summary[STANDARD_VARIANT]["at_floor"]


@pytest.mark.parametrize(("units", "expected"), [
    (-51, 0), (-50, 0), (-49, 1), (-10, 1), (-9, 2), (-1, 2), (0, 3), (1, 4), (9, 4), (10, 5),
    (49, 5), (50, 6), (5000, 6)])
def test_the_maps_classes_split_at_a_tenth_and_half_a_promille(units, expected) -> None:
    assert difference_class(units, 2) == expected


def test_the_maps_classes_follow_the_decimals() -> None:
    # 3 decimals: 0.10 ‰ is 100 units, 0.50 ‰ 500.
    assert [difference_class(u, 3) for u in (-500, -499, -100, -99, 99, 100, 499, 500)] == \
        [0, 1, 1, 2, 4, 5, 5, 6]
