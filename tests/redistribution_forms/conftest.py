"""Fixtures for the county form: the real register (tests/conftest.py), its index, a made-up
draft and every municipality's calculated share."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.redistribution.forms.values import municipality_index
from tests.redistribution_forms.form_data import SHARE_UNITS


@pytest.fixture(scope="session")
def index(register: pl.DataFrame):
    return municipality_index(register)


@pytest.fixture(scope="session")
def calculated(register: pl.DataFrame) -> dict[str, int]:
    return dict.fromkeys(register["municipality_code"], SHARE_UNITS)


@pytest.fixture(scope="session")
def draft(register: pl.DataFrame) -> pl.DataFrame:
    """A made-up draft with the columns the review workbook shows."""
    n = len(register)
    return register.with_columns(
        population=pl.lit(10_000), newcomers_settled=pl.lit(5), minors_received=pl.lit(1),
        asylum_housing_days=pl.lit(100), minor_arrival_housing_days=pl.lit(7),
        population_share=pl.lit(3.45), reception_share=pl.lit(3.4), adjusted_share=pl.lit(3.5),
        at_floor=pl.lit(False), share_units=pl.Series([SHARE_UNITS] * n, dtype=pl.Int64),
    )
