"""The redistributions in force in the shown year, checked against the published table."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.core.errors import InputError
from pipeline.core.layout import Layout
from pipeline.site.inputs import Publication, Transfer
from pipeline.site.upstream import collect_agreements


def transfers_in_force(data_dir: Path, publication: Publication,
                       register: pl.DataFrame) -> list[Transfer]:
    """The agreements of the shown year (the agency's file and the county boards' forms, read
    as the December round reads them), with "all" resolved to the giver's calculated share;
    they must add up to what the published table gives and receives."""
    folder = data_dir / "redistributions"
    agreements = collect_agreements(Layout(data_dir), publication.year, register,
                                    publication.calculated, publication.decimals,
                                    write_reports=False).agreements
    transfers = [
        Transfer(a.giver_code, a.receiver_code, a.units(publication.calculated), a.approved_on,
                 a.reference)
        for a in agreements
    ]
    given: dict[str, int] = {}
    received: dict[str, int] = {}
    for t in transfers:
        given[t.giver] = given.get(t.giver, 0) + t.amount_units
        received[t.receiver] = received.get(t.receiver, 0) + t.amount_units
    published_given = {c: v for c, v in publication.given.items() if v}
    published_received = {c: v for c, v in publication.received.items() if v}
    if given != published_given or received != published_received:
        raise InputError(folder / f"{publication.year}.csv",
                         f"the agreements for {publication.year} differ from the published "
                         "table's given and received shares (publish again, or restore them)")
    return sorted(transfers, key=lambda t: (t.giver, t.receiver))

