"""Step 6 of the model: the draft table is valid (MODEL.md "Calculation", 6), as a pandera schema.

Kept apart from the model's arithmetic so that computing shares does not load pandera.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from pipeline.core.errors import ModelError
from pipeline.core.units import total_units, units_to_text
from pipeline.model.parameters import ModelParameters


def draft_schema(params: ModelParameters, expected_codes: list[str]) -> pa.DataFrameSchema:
    """Step 6 as a pandera schema: exactly the expected municipalities, each once, none below the
    floor, the total exactly 1000 ‰ in units."""
    expected = set(expected_codes)
    total = total_units(params.decimals)
    return pa.DataFrameSchema(
        {
            "municipality_code": pa.Column(
                pl.String, pa.Check.isin(expected, error=_UNEXPECTED), nullable=False, unique=True
            ),
            "share_units": pa.Column(
                pl.Int64, pa.Check.ge(params.floor_units, error=_BELOW_FLOOR), nullable=False
            ),
        },
        checks=[
            pa.Check(lambda data: data.lazyframe.select(pl.len() == len(expected)),
                     error=_ROW_COUNT),
            pa.Check(lambda data: data.lazyframe.select(pl.col("share_units").sum() == total),
                     error=_TOTAL),
        ],
        name="draft_shares",
    )


def validate_draft(
    frame: pl.DataFrame, params: ModelParameters, expected_codes: list[str]
) -> pl.DataFrame:
    """Step 6: check the draft table; raise ModelError naming each broken rule and municipality."""
    absent_columns = [c for c in ("municipality_code", "share_units") if c not in frame.columns]
    if absent_columns:
        raise ModelError(f"the draft shares lack the column(s) {', '.join(absent_columns)}")
    try:
        draft_schema(params, expected_codes).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems = [
            _describe(str(check[0]), group, frame, params, expected_codes)
            for check, group in errors.failure_cases.group_by("check", maintain_order=True)
        ]
        raise ModelError("the draft shares are not valid: " + "; ".join(problems)) from errors
    return frame


_UNEXPECTED = "not an expected municipality"
_BELOW_FLOOR = "share below the floor"
_ROW_COUNT = "not exactly one row per expected municipality"
_TOTAL = "the shares do not add up to exactly 1000 ‰"
_LISTED = 10


def _describe(
    rule: str,
    failures: pl.DataFrame,
    frame: pl.DataFrame,
    params: ModelParameters,
    expected_codes: list[str],
) -> str:
    rows = [i for i in failures["index"].to_list() if i is not None][:_LISTED]
    if rule == _BELOW_FLOOR:
        floor = units_to_text(params.floor_units, params.decimals)
        shares = ", ".join(
            f"{frame['municipality_code'][i]} "
            f"({units_to_text(frame['share_units'][i], params.decimals)} ‰)"
            for i in rows
        )
        return f"{rule} {floor} ‰: {shares}"
    if rule in (_UNEXPECTED, "field_uniqueness"):
        codes = ", ".join(sorted({str(v) for v in failures["failure_case"]})[:_LISTED])
        return f"{'municipality appears more than once' if rule != _UNEXPECTED else rule}: {codes}"
    if rule == _ROW_COUNT:
        absent = sorted(set(expected_codes) - set(frame["municipality_code"].drop_nulls()))
        return (f"{rule}: {frame.height} rows for {len(set(expected_codes))} municipalities, "
                f"missing: {', '.join(absent[:_LISTED]) or 'none'}")
    if rule == _TOTAL:
        total = units_to_text(frame["share_units"].sum(), params.decimals)
        return f"{rule}: they add up to {total} ‰"
    cases = ", ".join(str(v) for v in failures["failure_case"].to_list()[:_LISTED])
    return f"{failures['column'][0]} breaks {rule}: {cases}"
