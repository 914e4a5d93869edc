"""Whether the number of children a forecast is asked for is plausible: more than FAR_ABOVE times
the highest national prognosis scenario (`data/prognosis.toml`) is far above any prognosis, more
likely a slip (100000 for 1000) than a question. The forecast is still made; the statistician is
told in one line.

Only the scenarios' `high` figures are read here; the file's schema is checked where the site
reads it (`pipeline/site/prognosis.py`, which a forecast does not import: it would bring the
site's renderer and its second of imports).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.files import parse_toml
from pipeline.presentation.formats import PRINT

FAR_ABOVE = 2


def far_above_prognosis(children: int, path: Path, share_year: int) -> str | None:
    """A one-line warning when `children` is more than FAR_ABOVE times the high scenario of the
    share year, or of the latest year in the file when it has none for the share year; None
    otherwise, or when there is no prognosis to compare with."""
    if not path.is_file():
        return None
    years = parse_toml(path, path.read_text(encoding="utf-8")).get("prognosis", {})
    highs = {int(year): table["high"] for year, table in years.items()
             if year.isdigit() and isinstance(table, dict)
             and isinstance(table.get("high"), int) and not isinstance(table["high"], bool)}
    if not highs:
        return None
    year = share_year if share_year in highs else max(highs)
    high = highs[year]
    if children <= FAR_ABOVE * high:
        return None
    return (f"--children {children} is far above the highest prognosis scenario "
            f"for {year} ({PRINT.integer(high)} children in {path}); the forecast is made all "
            "the same: check the number")
