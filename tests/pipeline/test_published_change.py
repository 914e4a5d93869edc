"""The published CSV edition carries each change term by term at its end: the columns before keep
their names and order, the terms add up to change_promille, and the site reads them back."""

from __future__ import annotations

import csv
import io

import polars as pl

from pipeline.model.change import ShareYear, share_change
from pipeline.model.explain import explain_change
from pipeline.publication.table import (
    CHANGE_UNIT_COLUMNS,
    CSV_COLUMNS,
    parse_change_csv,
    render_csv,
)
from tests.explain_data import STANDARD, published, shipped_draft

# The machine CSV's columns before this change, in order (tests/e2e/test_share_run.py).
EARLIER_COLUMNS = [
    "municipality_code", "municipality_name", "county_code", "county_name",
    "calculated_promille", "given_promille", "received_promille", "share_promille",
    "previous_share_promille", "change_promille", "expected_children",
    "changed_from_version"]  # a reissue's mark (issue 26), appended before the terms
TERMS = ["change_population", "change_newcomers", "change_minors", "change_asylum_days",
         "change_arrival_days", "change_parameters", "change_rounding", "change_calculated",
         "change_redistribution"]


def final_2026() -> pl.DataFrame:
    """Share year 2026 decided: Knivsta (0330) gives 0,25 ‰ to Uppsala (0380), against 2025 as
    published with Uppsala giving 0,10 ‰ to Knivsta; the context and the terms joined as the
    publication asset joins them."""
    draft = shipped_draft(2026)
    moved = {"0330": -25, "0380": 25}
    final = draft.with_columns(
        calculated_units=pl.col("share_units"),
        given_units=pl.col("municipality_code").replace_strict({"0330": 25}, default=0,
                                                               return_dtype=pl.Int64),
        received_units=pl.col("municipality_code").replace_strict({"0380": 25}, default=0,
                                                                  return_dtype=pl.Int64),
        share_units=pl.col("share_units") + pl.col("municipality_code").replace_strict(
            moved, default=0, return_dtype=pl.Int64))
    change = share_change(ShareYear.decided(2026, STANDARD, final, draft),
                          published(2025, shipped_draft(2025),
                                    redistributed={"0330": 10, "0380": -10}))
    explanation = explain_change(change)
    return final.join(change.table.select("municipality_code", "previous_units",
                                          "change_units"), on="municipality_code") \
        .with_columns(expected_children=pl.lit(None, pl.Int64)) \
        .join(explanation.table.select("municipality_code", *CHANGE_UNIT_COLUMNS),
              on="municipality_code")


def read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def hundredths(text: str) -> int:
    whole, _, cents = text.lstrip("-").partition(".")
    value = int(whole) * 100 + int(cents)
    return -value if text.startswith("-") else value


def test_the_terms_come_after_every_earlier_column_which_keep_their_names_and_order():
    assert CSV_COLUMNS == EARLIER_COLUMNS + TERMS
    header = render_csv(final_2026(), 2).decode("utf-8").splitlines()[0]
    assert header.split(",") == EARLIER_COLUMNS + TERMS


def test_the_terms_add_up_to_the_published_change_and_to_the_calculated_one():
    for row in read(render_csv(final_2026(), 2)):
        calculated = sum(hundredths(row[t]) for t in TERMS[:7])
        assert calculated == hundredths(row["change_calculated"]), row["municipality_code"]
        assert (calculated + hundredths(row["change_redistribution"])
                == hundredths(row["change_promille"])), row["municipality_code"]
        assert (hundredths(row["share_promille"]) - hundredths(row["previous_share_promille"])
                == hundredths(row["change_promille"]))
    by_code = {row["municipality_code"]: row for row in read(render_csv(final_2026(), 2))}
    # Knivsta received 0,10 ‰ last year and gives 0,25 ‰ this year.
    assert by_code["0330"]["change_redistribution"] == "-0.35"
    assert by_code["0380"]["change_redistribution"] == "0.35"


def test_a_table_without_an_explanation_leaves_the_terms_empty():
    final = final_2026().drop(CHANGE_UNIT_COLUMNS)
    rows = read(render_csv(final, 2))
    assert {row[t] for row in rows for t in TERMS} == {""}
    assert rows[0]["share_promille"]


def test_the_site_reads_the_terms_back_signed_and_empty_as_empty():
    final = final_2026()
    back = parse_change_csv(render_csv(final, 2), 2).sort("municipality_code")
    expected = final.sort("municipality_code").select(
        "municipality_code", "previous_units", "change_units", *CHANGE_UNIT_COLUMNS)
    assert back.equals(expected)
    earlier = "\n".join(",".join(line.split(",")[:len(EARLIER_COLUMNS)]) for line in
                        render_csv(final, 2).decode("utf-8").splitlines()).encode("utf-8")
    from_earlier = parse_change_csv(earlier, 2)
    assert from_earlier.select(CHANGE_UNIT_COLUMNS).null_count().row(0) == (290,) * 9
    assert from_earlier["change_units"].null_count() == 0
