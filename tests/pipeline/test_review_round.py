"""data/review.toml: the county boards' review round, checked key by key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.redistribution.review_round import load_review_round

REPO = Path(__file__).resolve().parents[2]
GOOD = """\
[round]
return_address = "Migrationsverket, 601 70 Norrköping"
contact = "Anvisningsenheten"
deadline_month_day = "12-05"

[years.2026]
deadline = "2025-12-04"
"""


def review_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "review.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_is_valid_for_2026() -> None:
    review = load_review_round(REPO / "data" / "review.toml", 2026)
    assert review.deadline == date(2025, 12, 5)
    assert review.return_address and review.contact


def test_a_share_years_own_deadline_replaces_the_rule(tmp_path: Path) -> None:
    path = review_toml(tmp_path, GOOD)
    assert load_review_round(path, 2026).deadline == date(2025, 12, 4)
    assert load_review_round(path, 2027).deadline == date(2026, 12, 5)


@pytest.mark.parametrize(("text", "line", "key", "rule"), [
    (GOOD.replace("contact =", "kontakt ="), 3, "kontakt", "unknown key 'kontakt'"),
    (GOOD.replace('contact = "Anvisningsenheten"\n', ""), 1, "contact", "is missing"),
    (GOOD.replace('"12-05"', "5"), 4, "deadline_month_day", "must be a text"),
    (GOOD.replace('"12-05"', '"5 december"'), 4, "deadline_month_day", '"MM-DD"'),
    (GOOD.replace('"12-05"', '"02-30"'), 4, "deadline_month_day", "not a date in 2025"),
    (GOOD.replace('"2025-12-04"', "2025-12-04"), 7, "deadline", "must be a text"),
    (GOOD.replace('"2025-12-04"', '"2026-01-10"'), 7, "deadline", "must lie in 2025"),
    (GOOD.replace('"2025-12-04"', '"4/12/2025"'), 7, "deadline", '"YYYY-MM-DD"'),
    (GOOD.replace("deadline = ", "dedline = "), 7, "dedline", "unknown key 'dedline'"),
    (GOOD.replace('return_address = "Migrationsverket, 601 70 Norrköping"',
                  'return_address = " "'), 2, "return_address", "must not be empty"),
])
def test_a_bad_key_names_the_file_the_line_and_the_key(
        tmp_path: Path, text: str, line: int, key: str, rule: str) -> None:
    path = review_toml(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_review_round(path, 2026)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), line, key), error
    assert rule in error.rule
    assert str(path) in str(error) and f"line {line}" in str(error)


def test_an_unknown_table_is_an_error(tmp_path: Path) -> None:
    path = review_toml(tmp_path, GOOD + "\n[rond]\ncontact = \"x\"\n")
    with pytest.raises(InputError, match=r"line 9.*unknown table \[rond\]"):
        load_review_round(path, 2026)


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="review.toml: the file is missing"):
        load_review_round(tmp_path / "review.toml", 2026)
