"""Nothing stale after an assignment: the goal fulfilment files already written for a day on or
after the assignment's date counted the ledger without it, so `anvisning assign` writes them
again at once (the same function as `anvisning fulfilment`); a file that cannot be rewritten is
named with the reason, for the command line to say plainly that it is out of date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.core.errors import AnvisningError, describe_os_error
from pipeline.core.layout import Layout
from pipeline.goals.service import fulfilment_as_of

_FULFILMENT_FILE = re.compile(r"^fulfilment_(\d{4}-\d{2}-\d{2})\.csv$")


@dataclass
class Refreshed:
    """The days whose fulfilment files were rewritten, and those left out of date, with why."""

    updated: list[date] = field(default_factory=list)
    stale: list[tuple[date, str]] = field(default_factory=list)


def fulfilment_days(layout: Layout) -> list[date]:
    """The days of the goal fulfilment files in the out folder, in order."""
    if not layout.out_dir.is_dir():
        return []
    days = []
    for path in layout.out_dir.iterdir():
        match = _FULFILMENT_FILE.fullmatch(path.name)
        if match:
            try:
                days.append(date.fromisoformat(match.group(1)))
            except ValueError:  # fulfilment_2026-02-30.csv is no output of ours
                continue
    return sorted(days)


def refresh_after_assignment(layout: Layout, ledger_path: Path, assigned_on: date,
                             today: date) -> Refreshed:
    """Rewrite every fulfilment file of a day from `assigned_on` to `today`."""
    refreshed = Refreshed()
    for day in fulfilment_days(layout):
        if not assigned_on <= day <= today:
            continue
        try:
            fulfilment_as_of(day, layout, ledger_path, today)
        except AnvisningError as error:
            refreshed.stale.append((day, str(error)))
        except OSError as error:  # the assignment is recorded; only its echo failed
            refreshed.stale.append((day, describe_os_error(error)))
        else:
            refreshed.updated.append(day)
    return refreshed


def site_folder(layout: Layout) -> Path | None:
    """The statistics site's folder when one has been built (it shows the ledger as it was)."""
    folder = layout.out_dir / "site"
    return folder if (folder / "index.html").is_file() else None
