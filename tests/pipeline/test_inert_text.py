"""The one inert-text policy (`pipeline.core.text`): what enters is refused with the code point
named, what is quoted is shown escaped; and the folders a command is given are checked with the
OS's own words before anything runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cli.main import main
from pipeline.core.errors import AnvisningError, InputError, describe_os_error
from pipeline.core.files import staging_folder
from pipeline.core.inert import shown
from pipeline.core.text import checked_option
from pipeline.publication.store import publish
from tests.pipeline.test_publication import final, publication_info  # noqa: F401 (fixture)

# Every character the policy refuses in one value, one of each kind.
REFUSED = ["\x00", "\x08", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
           "\u200e", "\u200f", "\u061c", "\u202a", "\u202e", "\u2066", "\u2069"]


@pytest.mark.parametrize("character", REFUSED)
def test_shown_spells_out_every_refused_character_and_keeps_the_rest(character) -> None:
    code = ord(character)
    spelled = {"\n": "\\n", "\r": "\\r"}.get(
        character, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    text = shown(f"Lst{character}åäö")
    assert text == f"Lst{spelled}åäö"
    assert text.isprintable()


def test_shown_leaves_ordinary_text_alone() -> None:
    assert shown("Lst C 851-1/2025\tUpplands Väsby") == "Lst C 851-1/2025\tUpplands Väsby"


@pytest.mark.parametrize("character", REFUSED)
def test_an_option_with_a_refused_character_is_refused_naming_it(character) -> None:
    with pytest.raises(AnvisningError) as caught:
        checked_option("--reason", f"Rättad{character}")
    message = str(caught.value)
    assert message.startswith("--reason holds U+") and f"U+{ord(character):04X}" in message
    assert "\n" not in message and character not in message


def test_an_input_error_and_an_os_error_show_a_file_name_escaped() -> None:
    error = InputError("forms/a\nerror: forged\u202e.xlsx", "the rule", line=3)
    assert str(error) == "forms/a\\nerror: forged\\u202e.xlsx, line 3: the rule"
    os_error = FileNotFoundError(2, "No such file or directory", "out/\x1b[2J")
    assert describe_os_error(os_error) == "out/\\x1b[2J: No such file or directory"


def test_a_reissue_reason_with_an_escape_is_refused_and_nothing_is_published(
        tmp_path, final) -> None:  # noqa: F811
    year = tmp_path / "2026"
    publish(year, final, publication_info())
    before = sorted(p.relative_to(year) for p in year.rglob("*"))
    with pytest.raises(AnvisningError, match=r"the reason holds U\+001B"):
        publish(year, final, publication_info(), reissue_reason="Rättad\x1b[31m")
    assert sorted(p.relative_to(year) for p in year.rglob("*")) == before


def test_the_cli_refuses_a_reason_with_a_bidi_override_in_one_line(capsys) -> None:
    code = main(["publish", "--year", "2026", "--reissue", "--reason", "ok\u202e\nerror: x"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == ("error: --reason holds U+202E RIGHT-TO-LEFT OVERRIDE, which is not allowed "
                   "in a name, reference or reason: 'ok\\u202e\\nerror: x'\n")


# --- folders ---------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["site"], ["run", "--year", "2026"], ["draft"],
                                     ["variants"], ["forecast", "--children", "3"],
                                     ["fulfilment", "--as-of", "2026-01-01"]])
@pytest.mark.parametrize("option", ["--out-dir", "--data-dir"])
def test_a_file_given_as_a_folder_is_named_with_the_os_words(tmp_path, capsys, command,
                                                              option) -> None:
    a_file = tmp_path / "F"
    a_file.write_text("not a folder", encoding="utf-8")
    assert main([*command, option, str(a_file)]) == 1
    assert capsys.readouterr().err == f"error: {option} {a_file}: Not a directory\n"
    assert a_file.read_text(encoding="utf-8") == "not a folder"


def test_a_missing_data_folder_is_named_and_a_missing_out_folder_is_not_an_error(
        tmp_path, capsys) -> None:
    assert main(["site", "--data-dir", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err.startswith(
        f"error: --data-dir {tmp_path / 'nowhere'}: No such file or directory; give the ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes every folder")
def test_an_unwritable_out_folder_is_named(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o500)
    assert main(["site", "--out-dir", str(out / "site")]) == 1
    assert capsys.readouterr().err == f"error: --out-dir {out}: Permission denied\n"


# --- staging left by a killed build ------------------------------------------------------------

def test_a_build_clears_the_staging_of_a_killed_build_and_keeps_a_running_ones(tmp_path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    killed = tmp_path / f".site-{dead}-abc123"
    (killed / "kommun").mkdir(parents=True)
    (killed / "kommun" / "0114.html").write_text("half", encoding="utf-8")
    killed_old_site = tmp_path / f".site-{dead}-old"
    killed_old_site.mkdir()
    running = tmp_path / f".site-{os.getppid()}-def456"  # the test's parent is alive
    running.mkdir()
    other = tmp_path / ".staging-1"
    other.mkdir()
    made = staging_folder(tmp_path, ".site-")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [made.name, running.name, other.name])
    assert made.name.startswith(f".site-{os.getpid()}-")



def test_a_municipality_option_with_a_bidi_override_is_refused_naming_it(capsys) -> None:
    code = main(["assign", "--date", "2026-01-02", "--arrival-date", "2026-01-01",
                 "--arrival-municipality", "Sigtuna", "--connection", "Göteborg\u202e"])
    err = capsys.readouterr().err
    assert code == 1 and "U+202E" in err and "\u202e" not in err
    assert err.startswith("error: --connection 'Göteborg\\u202e': ") and err.count("\n") == 1
