"""Which share years the data folder can compute: a share year Y needs the statistics of its
reference year R = Y − offset (data/parameters.toml) in data/statistics/<R>/."""

from __future__ import annotations

from pipeline.core.errors import AnvisningError
from pipeline.core.layout import Layout
from pipeline.core.text import year_ranges
from pipeline.model.parameters import load_parameters


def share_years_with_data(layout: Layout) -> list[int]:
    root = layout.statistics_root
    if not root.is_dir():
        return []
    years = []
    for folder in sorted(root.iterdir()):
        name = folder.name
        if folder.is_dir() and name.isascii() and name.isdigit() and len(name) == 4:
            reference = int(folder.name)
            # The offset may differ per share year; R + offset of the default set is the guess
            # that the check below confirms.
            offset = load_parameters(layout.parameters, reference + 2).reference_year_offset
            years.append(reference + offset)
    return years


def latest_share_year(layout: Layout) -> int:
    years = share_years_with_data(layout)
    if not years:
        raise AnvisningError(f"{layout.statistics_root}: no statistics for any year; add a "
                             "folder data/statistics/<reference year>/ (see its README)")
    return years[-1]


def check_share_year(layout: Layout, share_year: int) -> None:
    reference = load_parameters(layout.parameters, share_year).reference_year(share_year)
    if layout.statistics_folder(reference).is_dir():
        return
    years = share_years_with_data(layout)
    have = year_ranges(years) if years else "none"
    raise AnvisningError(f"--year {share_year}: no statistics for its reference year "
                         f"{reference} in {layout.statistics_root}; share years with data: "
                         f"{have}")
