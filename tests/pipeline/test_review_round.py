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

[illustrative]
return_address = "Migrationsverket (påhittad), 000 00 Exempelstad, omfordelning@example.org"
contact = "Exempelhandläggare, telefon 000-000 00 00"
"""


def review_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "review.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_is_valid_for_2026() -> None:
    review = load_review_round(REPO / "data" / "review.toml", 2026, illustrative=False)
    assert review.deadline == date(2025, 12, 5)
    assert review.return_address and review.contact


def test_the_shipped_illustrative_contacts_are_fictional() -> None:
    review = load_review_round(REPO / "data" / "review.toml", 2026, illustrative=True)
    assert "@example.org" in review.return_address
    assert "migrationsverket.se" not in review.return_address + review.contact
    assert "0771" not in review.contact


def test_illustrative_data_take_the_illustrative_contacts(tmp_path: Path) -> None:
    path = review_toml(tmp_path, GOOD)
    real = load_review_round(path, 2026, illustrative=False)
    stand_in = load_review_round(path, 2026, illustrative=True)
    assert (real.return_address, real.contact) == ("Migrationsverket, 601 70 Norrköping",
                                                   "Anvisningsenheten")
    assert stand_in.return_address.endswith("omfordelning@example.org")
    assert stand_in.contact == "Exempelhandläggare, telefon 000-000 00 00"
    assert stand_in.deadline == real.deadline == date(2025, 12, 4)


@pytest.mark.parametrize(("real", "found"), [
    ("e-post migrationsverket@migrationsverket.se", "migrationsverket@migrationsverket.se"),
    ("telefon 0771-235 235", "0771-235 235"),
    ("se www.lansstyrelsen.se/norrbotten", "www.lansstyrelsen.se"),
    ("Migrationsverket, 601 70 Norrköping", "601 70"),
])
def test_a_real_looking_illustrative_contact_is_refused(
        tmp_path: Path, real: str, found: str) -> None:
    path = review_toml(tmp_path, GOOD.replace("Exempelhandläggare, telefon 000-000 00 00",
                                              real))
    with pytest.raises(InputError) as caught:
        load_review_round(path, 2026, illustrative=True)
    error = caught.value
    assert (error.line, error.column, error.value) == (11, "contact", found), error
    assert "clearly fictional" in error.rule and "example.org" in error.rule


@pytest.mark.parametrize(("text", "line", "key", "rule"), [
    (GOOD.replace("contact =", "kontakt ="), 3, "kontakt", "unknown key 'kontakt'"),
    (GOOD.replace('contact = "Anvisningsenheten"\n', ""), 1, "contact", "is missing"),
    (GOOD.replace("[illustrative]", "[illustrative]\nphone = \"000\""), 10, "phone",
     "unknown key 'phone'"),
    (GOOD.replace('"12-05"', "5"), 4, "deadline_month_day", "must be a text"),
    (GOOD.replace('"12-05"', '"5 december"'), 4, "deadline_month_day", '"MM-DD"'),
    (GOOD.replace('"12-05"', '"12-05\\n"'), 4, "deadline_month_day", "U+000A control"),
    (GOOD.replace('"2025-12-04"', '"2025-12-04\\n"'), 7, "deadline", "U+000A control"),
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
        load_review_round(path, 2026, illustrative=False)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), line, key), error
    assert rule in error.rule
    assert str(path) in str(error) and f"line {line}" in str(error)


def test_an_unknown_table_is_an_error(tmp_path: Path) -> None:
    path = review_toml(tmp_path, GOOD + "\n[rond]\ncontact = \"x\"\n")
    with pytest.raises(InputError, match=r"line 13.*unknown table \[rond\]"):
        load_review_round(path, 2026, illustrative=False)


def test_a_missing_illustrative_table_is_an_error(tmp_path: Path) -> None:
    path = review_toml(tmp_path, GOOD[:GOOD.index("[illustrative]")])
    with pytest.raises(InputError, match=r"the table \[illustrative\] is missing"):
        load_review_round(path, 2026, illustrative=False)


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="review.toml: the file is missing"):
        load_review_round(tmp_path / "review.toml", 2026, illustrative=False)
