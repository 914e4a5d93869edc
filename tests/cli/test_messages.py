"""The command line's own messages, each as a statistician meets it: an unknown option named as
unknown, a folder that is no project saying where it looked, a near miss of a municipality with
what was meant, and a suggested command repeating the folders given. Each fails before any run."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from cli.main import COMMANDS, main
from cli.options import with_given_folders
from tests.conftest import DATA


def usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def one_error(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


def test_a_mistyped_option_is_named_as_unknown_not_the_required_one_as_missing(capsys) -> None:
    assert usage_error(capsys, "forecast", "--childen", "5") == (
        "anvisning forecast: error: unknown option --childen (did you mean --children?)")


def test_an_unknown_option_with_a_value_after_an_equals_sign(capsys) -> None:
    assert usage_error(capsys, "draft", "--yaer=2026") == (
        "anvisning draft: error: unknown option --yaer (did you mean --year?)")


def test_an_unknown_option_like_no_other_has_no_suggestion(capsys) -> None:
    assert usage_error(capsys, "site", "--colour", "red") == (
        "anvisning site: error: unknown option --colour")


def test_a_missing_option_is_still_reported_as_missing(capsys) -> None:
    assert "the following arguments are required: --children" in usage_error(
        capsys, "forecast", "--year", "2026")


def test_an_abbreviated_option_and_a_negative_number_are_not_unknown(capsys) -> None:
    assert main(["forecast", "--child", "-5", "--data-dir", str(DATA)]) == 1
    assert one_error(capsys) == "error: --children -5: a forecast takes 0 to 1000000000 children"


OUTSIDE_A_PROJECT = [
    ["run"], ["draft"], ["publish"], ["fulfilment", "--as-of", "2026-01-01"],
    ["assign", "--date", "2026-01-01", "--arrival-date", "2026-01-01",
     "--arrival-municipality", "Sigtuna"], ["forecast", "--children", "5"], ["site"],
    ["variants"], ["transfer", "--assignment", "1", "--date", "2026-01-01"],
    ["migrate-register", "--arrivals", "arrivals.csv"]]


def test_every_command_but_instance_is_tried_outside_a_project() -> None:
    assert {command[0] for command in OUTSIDE_A_PROJECT} == set(COMMANDS) - {"instance"}


@pytest.mark.parametrize("command", OUTSIDE_A_PROJECT)
def test_outside_a_project_every_command_says_where_it_looked(
        command, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(command) == 1
    line = one_error(capsys)
    assert line.startswith("error: no anvisning project here: its data folder would be "
                           f"{tmp_path / 'data'}, which does not exist")
    assert f"in the working directory, {tmp_path})" in line
    assert "run anvisning from the repository's folder, or point it at a project with " \
           "--data-dir" in line
    assert "add a folder" not in line  # nothing tells a newcomer to create data
    assert not (tmp_path / ".dagster_home").exists()


def test_a_data_dir_that_is_no_project_says_what_it_lacks(tmp_path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    assert main(["draft", "--data-dir", str(tmp_path)]) == 1
    assert one_error(capsys) == (
        f"error: --data-dir {tmp_path}: not the data folder of an anvisning project: "
        f"{tmp_path} has none of parameters.toml, reference/, statistics/, ledger/; give the "
        "repository's data folder, e.g. --data-dir /path/to/the/repository/data")


def test_a_project_without_statistics_is_still_told_to_add_them(tmp_path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy2(DATA / "parameters.toml", data / "parameters.toml")
    assert main(["draft", "--data-dir", str(data)]) == 1
    assert "no statistics for any year" in one_error(capsys)


@pytest.mark.parametrize(("option", "command"), [
    ("--connection", ["assign", "--date", "2026-01-01", "--arrival-date", "2026-01-01",
                      "--arrival-municipality", "Sigtuna"]),
    ("--municipality", ["forecast", "--year", "2026", "--children", "5"])])
def test_a_municipality_without_diacritics_is_refused_with_the_one_meant(
        option, command, capsys) -> None:
    assert main([*command, option, "Malmo", "--data-dir", str(DATA)]) == 1
    assert one_error(capsys).startswith(
        f"error: {option} 'Malmo': Okänt kommunnamn ”Malmo” – menade du Malmö (1280)?")


def test_a_suggested_command_repeats_the_folders_given() -> None:
    args = argparse.Namespace(data_dir="/srv/anvisning/data", out_dir="/tmp/my out")
    message = "x.csv: no published share table; run `anvisning run --year 2025` first"
    assert with_given_folders(message, args) == (
        "x.csv: no published share table; run `anvisning run --year 2025 --data-dir "
        "/srv/anvisning/data --out-dir '/tmp/my out'` first")


def test_a_suggested_command_keeps_the_defaults_and_what_it_already_names() -> None:
    defaults = argparse.Namespace(data_dir="data", out_dir="out")
    message = "run `anvisning site` then `anvisning run --out-dir o --year 2025`"
    assert with_given_folders(message, defaults) == message
    given = argparse.Namespace(data_dir="d", out_dir="o")
    assert with_given_folders("`anvisning run --out-dir o`", given) == (
        "`anvisning run --out-dir o --data-dir d`")


def test_a_year_without_a_publication_suggests_the_run_with_the_folders(
        tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["fulfilment", "--as-of", "2025-06-30", "--data-dir", str(DATA),
                 "--out-dir", str(out)]) == 1
    assert (f"run `anvisning run --year 2025 --data-dir {DATA} --out-dir {out}` first"
            in one_error(capsys))


def test_the_instance_command_reads_no_project_folder(tmp_path, monkeypatch, capsys) -> None:
    """`anvisning instance` sets up the run history only, so it runs from any folder: it is the
    one command that declares no --data-dir and --out-dir, and nothing checks them for it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert main(["instance"]) == 0
    assert capsys.readouterr().out.startswith(f"Dagster instance {tmp_path / 'home'}: ")
    assert (tmp_path / "home" / "dagster.yaml").is_file()
    assert not (tmp_path / "data").exists() and not (tmp_path / "out").exists()
