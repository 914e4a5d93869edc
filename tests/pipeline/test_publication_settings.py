"""data/publication.toml (a fixed schema) and the decision-date rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.publication.decision import choose_decision_date
from pipeline.publication.settings import load_publication_settings
from pipeline.publication.table import PublicationError

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "publication.toml"
VALID = """\
issuer = "Migrationsverket"
diarienummer = "[diarienummer saknas]"
contact = "[kontaktuppgift saknas]"
decision_day = "12-15"
"""


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "publication.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_is_valid_and_holds_clear_placeholders():
    settings = load_publication_settings(SHIPPED)
    assert settings.diarienummer == "[diarienummer saknas]"
    assert settings.decision_day == (12, 15)


def test_a_valid_file_is_read(tmp_path):
    settings = load_publication_settings(settings_file(tmp_path, VALID))
    assert settings.issuer == "Migrationsverket"
    assert settings.default_decision_date(2018) == date(2017, 12, 15)


@pytest.mark.parametrize(("text", "line", "key", "rule"), [
    (VALID + 'publisher = "x"\n', 5, "publisher", "unknown key"),
    (VALID + "planning_children = 500\n", 5, "planning_children", "prognosis.toml"),
    (VALID.replace('"12-15"', '"06-15"'), 4, "decision_day", "December"),
    (VALID.replace('"12-15"', "12"), 4, "decision_day", "MM-DD"),
    (VALID.replace('issuer = "Migrationsverket"', 'issuer = ""'), 1, "issuer", "non-empty"),
    (VALID + "[extra]\nx = 1\n", 5, "extra", "unknown key"),
    (VALID.replace('issuer = "Migrationsverket"', 'issuer = "Migrations\\u202everket"'), 1,
     "issuer", "U+202E"),
])
def test_a_bad_value_names_file_line_key_and_rule(tmp_path, text, line, key, rule):
    path = settings_file(tmp_path, text)
    with pytest.raises(InputError) as error:
        load_publication_settings(path)
    assert (error.value.file, error.value.line, error.value.column) == (str(path), line, key)
    assert rule in error.value.rule


def test_a_missing_key_is_named(tmp_path):
    path = settings_file(tmp_path, VALID.replace("contact = \"[kontaktuppgift saknas]\"\n", ""))
    with pytest.raises(InputError, match="the key contact is missing"):
        load_publication_settings(path)


def test_a_missing_file_and_bad_toml_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="missing"):
        load_publication_settings(tmp_path / "absent.toml")
    with pytest.raises(InputError) as error:
        load_publication_settings(settings_file(tmp_path, 'issuer = "x\n'))
    assert error.value.line == 1


@pytest.fixture()
def settings(tmp_path):
    return load_publication_settings(settings_file(tmp_path, VALID))


def test_without_agreements_share_year_2018_is_decided_in_december_2017(settings):
    assert choose_decision_date(2018, settings) == date(2017, 12, 15)


def test_the_last_approval_date_of_the_agreements_comes_before_the_configured_day(settings):
    approvals = [date(2025, 12, 4), date(2025, 12, 10), date(2025, 12, 8)]
    assert choose_decision_date(2026, settings, approvals=approvals) == date(2025, 12, 10)


def test_a_published_date_is_kept_and_a_given_one_wins(settings):
    assert choose_decision_date(2026, settings, published=date(2025, 12, 3)) == date(2025, 12, 3)
    assert choose_decision_date(2026, settings, given=date(2025, 11, 30),
                                published=date(2025, 12, 3)) == date(2025, 11, 30)


def test_a_date_after_1_january_is_refused_unless_explicit(settings):
    with pytest.raises(PublicationError, match="after 1 January 2026.*--decision-date"):
        choose_decision_date(2026, settings, given=date(2026, 2, 1))
    assert choose_decision_date(2026, settings, given=date(2026, 2, 1),
                                explicit=True) == date(2026, 2, 1)
    assert choose_decision_date(2026, settings, given=date(2026, 1, 1)) == date(2026, 1, 1)
