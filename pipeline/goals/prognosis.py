"""The national prognosis (`data/prognosis.toml`): the one configuration of expected children.

How many unaccompanied minors are expected to be assigned nationally in a year, under a low, a
base and a high scenario, and which scenario is the planning figure (planeringstal). Both readers
of expected children take their figures from here, so they cannot disagree:

* the published share table's "Väntat antal barn" (`pipeline.publication`): the planning
  scenario's figure for the share year, forecast by the equalising rule from the ledger on
  31 December of the year before;
* the statistics site (`pipeline.site.prognosis`): every scenario of the site's year, less what is
  already assigned this year, forecast from the site's date.

On 1 January, before any assignment of the year, the two are the same forecast of the same number
from the same ledger state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.files import parse_toml

SCENARIOS = ("low", "base", "high")
DEFAULT_PLANNING_SCENARIO = "base"
TOP_LEVEL_KEYS = ("illustrative", "source", "planning_scenario", "prognosis")


@dataclass(frozen=True)
class PlanningFigure:
    """The national figure a share table's expected children are computed for."""

    year: int
    scenario: str  # one of SCENARIOS
    children: int


@dataclass(frozen=True)
class NationalPrognosis:
    """Every year's scenarios (children in the whole year, nationally) and the planning one."""

    years: dict[int, dict[str, int]]
    planning_scenario: str
    illustrative: bool
    source: str

    def scenarios(self, year: int) -> dict[str, int] | None:
        return self.years.get(year)

    def planning_figure(self, year: int) -> PlanningFigure | None:
        """The planning scenario's figure for `year`, or None when the file has no such year."""
        scenarios = self.years.get(year)
        if scenarios is None:
            return None
        return PlanningFigure(year, self.planning_scenario, scenarios[self.planning_scenario])


def load_national_prognosis(path: Path) -> NationalPrognosis | None:
    """Read and check `prognosis.toml`; None when the file does not exist.

        illustrative = true          # optional, default false
        source = "…"                 # optional
        planning_scenario = "base"   # optional, default "base": the published table's figure
        [prognosis.2026]
        low = 390                    # children in the whole year, nationally
        base = 410
        high = 440

    Whole numbers ≥ 0 with low ≤ base ≤ high; every year is checked. A bad file is an InputError
    naming the file, the line, the key, the value and the rule.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"not readable UTF-8 text ({type(error).__name__})") from None
    document = parse_toml(path, text)
    lines = _Lines(text)
    unknown = sorted(set(document) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise InputError(path, f"unknown key {unknown[0]!r}; allowed: {', '.join(TOP_LEVEL_KEYS)}",
                         line=lines.of(unknown[0]), column=unknown[0])
    illustrative = document.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise InputError(path, "illustrative: must be true or false", value=illustrative,
                         line=lines.of("illustrative"), column="illustrative")
    source = document.get("source", "")
    if not isinstance(source, str):
        raise InputError(path, "source: must be text", value=source, line=lines.of("source"),
                         column="source")
    scenario = document.get("planning_scenario", DEFAULT_PLANNING_SCENARIO)
    if scenario not in SCENARIOS:
        raise InputError(path, f"planning_scenario: must be one of {', '.join(SCENARIOS)} in "
                         "quotes", value=scenario, line=lines.of("planning_scenario"),
                         column="planning_scenario")
    years = document.get("prognosis")
    if not isinstance(years, dict) or not years:
        raise InputError(path, "needs at least one table [prognosis.<year>] with low, base, high")
    parsed = {int(key): table for key, table in
              ((key, _year(path, lines, key, table)) for key, table in years.items())}
    return NationalPrognosis(years=parsed, planning_scenario=scenario,
                             illustrative=illustrative, source=source)


def _year(path: Path, lines: _Lines, key: str, table: object) -> dict[str, int]:
    """One `[prognosis.<year>]` table, checked."""
    where = lines.table(key)
    if not re.fullmatch(r"\d{4}", key):
        raise InputError(path, f"prognosis.{key}: the table name is a year (4 digits)",
                         line=where)
    if not isinstance(table, dict):
        # not a [prognosis.<year>] table (a header makes one), so a `<year> = …` key of [prognosis]
        raise InputError(path, f"prognosis.{key}: must be a table with low, base, high",
                         line=lines.of(key), column=key, value=table)
    extra = sorted(set(table) - set(SCENARIOS))
    if extra:
        raise InputError(path, f"prognosis.{key}.{extra[0]}: unknown key; allowed: low, base, "
                         "high", line=lines.of(extra[0], after=where), column=extra[0])
    for name in SCENARIOS:
        value = table.get(name)
        if value is None:
            raise InputError(path, f"prognosis.{key}.{name}: is required", line=where,
                             column=name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(path, f"prognosis.{key}.{name}: must be a whole number ≥ 0",
                             value=value, line=lines.of(name, after=where), column=name)
    if not table["low"] <= table["base"] <= table["high"]:
        raise InputError(path, f"prognosis.{key}: low ≤ base ≤ high is required",
                         value=f"{table['low']}, {table['base']}, {table['high']}", line=where)
    return {name: table[name] for name in SCENARIOS}


class _Lines:
    """Where a key or a table stands in the file, for the error message (None if not found)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def of(self, key: str, after: int | None = None) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        start = after or 0
        for number, line in enumerate(self.lines[start:], start=start + 1):
            if after is not None and line.lstrip().startswith("["):
                return None  # the next table: the key is not in this one
            if pattern.match(line):
                return number
        return None

    def table(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*\[\s*prognosis\s*\.\s*\"?{re.escape(key)}\"?\s*\]")
        return next((number for number, line in enumerate(self.lines, start=1)
                     if pattern.match(line)), None)
