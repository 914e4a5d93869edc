"""What is wrong with a returned form, and which files of a folder were not read."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.inert import shown
from pipeline.redistribution.rules import Rule


@dataclass(frozen=True)
class Problem:
    """One problem, where it is and why, in Swedish. `sheet`, `row` and `column` are None when
    the problem concerns the whole file (an unreadable spreadsheet, a form for another year);
    `value` is the cell value as the county board typed it ("" for an empty cell); `rule` is
    the redistribution rule broken (None for what could not be read, or the board's county)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str
    message: str
    rule: Rule | None = None

    def describe(self) -> str:
        where = [shown(self.file)]  # `value` is shown escaped already (`values.shown`)
        if self.sheet is not None:
            where.append(f"blad {self.sheet}")
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column is not None:
            where.append(f"kolumn {self.column}")
        text = ", ".join(where)
        if self.value:
            text += f": värde ”{self.value}”"
        return f"{text}: {self.message}"


@dataclass(frozen=True)
class Notice:
    """A file in a redistribution folder that was not read, and why (Swedish / English)."""

    file: str
    message: str
