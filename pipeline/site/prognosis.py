"""The national prognosis scenarios (`D/prognosis.toml`, optional), read by the project's one
configuration of expected children (`pipeline.goals.prognosis`), which the published share
table's planning figure comes from too."""

from __future__ import annotations

from pathlib import Path

from pipeline.site.inputs import Prognosis
from pipeline.site.upstream import SCENARIOS, load_national_prognosis

__all__ = ["SCENARIOS", "load_prognosis"]


def load_prognosis(path: Path, year: int | None = None) -> Prognosis | None:
    """The scenarios of `year` (default: the latest year in the file), or None if the file does
    not exist or has no table for `year`; every year is validated (`load_national_prognosis`)."""
    prognosis = load_national_prognosis(path)
    if prognosis is None:
        return None
    year = max(prognosis.years) if year is None else year
    children = prognosis.scenarios(year)
    if children is None:
        return None
    return Prognosis(year=year, children=children, illustrative=prognosis.illustrative,
                     source=prognosis.source)
