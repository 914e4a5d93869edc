"""Read sheets of one spreadsheet with calamine, in a child process with a memory ceiling.

calamine builds each sheet as a dense rectangle from A1-ish to its last cell: one stray cell in
XFD1048576 asks for half a terabyte and the allocation failure aborts the process (a Rust abort,
not a Python exception). So the parent (`spreadsheets.py`) runs this script as
`python -I _calamine_child.py`, with the address space capped before calamine is imported, and
reads one JSON document from stdout:

    {"sheet_names": [...], "sheets": {name: {"cells": [[row, column, value], ...],
                                              "last_row": n}}}

or {"error": kind, "detail": text}. Rows and columns are 1-based; empty cells are left out.
Values are JSON with tagged dates: {"date": iso}, {"datetime": iso}, {"time": iso},
{"duration": seconds}. The script imports only the standard library and python_calamine.
"""

from __future__ import annotations

import datetime
import json
import resource
import sys

MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
CPU_SECONDS = 60


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"duration": value.total_seconds()}
    return value


def _sheet(workbook, name: str, max_rows: int, max_columns: int) -> dict:
    sheet = workbook.get_sheet_by_name(name)
    start = sheet.start
    if start is None:
        return {"cells": [], "last_row": 0}
    last_row = sheet.end[0] + 1
    if last_row > max_rows:
        return {"cells": [], "last_row": last_row}
    first_row, first_column = start
    cells = []
    for r, row in enumerate(sheet.to_python(skip_empty_area=True)):
        for c, value in enumerate(row):
            column = first_column + c + 1
            if column > max_columns:
                break
            if value is None or value == "":
                continue
            cells.append([first_row + r + 1, column, _value(value)])
    return {"cells": cells, "last_row": last_row}


def main(argv: list[str]) -> int:
    path, wanted, max_rows, max_columns = argv[1], json.loads(argv[2]), int(argv[3]), int(argv[4])
    _limit()
    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_path(path) as workbook:
            names = list(workbook.sheet_names)
            sheets = {name: _sheet(workbook, name, max_rows, max_columns)
                      for name in wanted if name in names}
    except python_calamine.PasswordError as error:
        return _emit({"error": "password", "detail": str(error)})
    except MemoryError:
        return _emit({"error": "memory", "detail": ""})
    except BaseException as error:  # calamine raises many types for a broken
        # file, and a Rust panic arrives as pyo3's PanicException, a BaseException
        return _emit({"error": "unreadable", "detail": f"{type(error).__name__}: {error}"[:300]})
    return _emit({"sheet_names": names, "sheets": sheets})


def _emit(document: dict) -> int:
    sys.stdout.write(json.dumps(document, ensure_ascii=True, allow_nan=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
