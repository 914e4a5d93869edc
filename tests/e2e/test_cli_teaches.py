"""The command line as a statistician meets it: help with examples, a default share year that is
said aloud, names for municipalities, errors that name the option typed, and nothing stale after
a reissue."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from cli.main import COMMANDS, main
from tests.conftest import DATA, environment

YEAR = 2026
WHEN = min(date.today(), date(YEAR, 12, 31))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("teaches")
    data, out, home = root / "data", root / "out", root / "home"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    with environment(DAGSTER_HOME=str(home), ANVISNING_WAREHOUSE=str(root / "w.duckdb")):
        assert main(["publish", "--year", str(YEAR), "--data-dir", str(data),
                     "--out-dir", str(out)]) == 0
    return root, data, out


def folders(data: Path, out: Path) -> list[str]:
    return ["--data-dir", str(data), "--out-dir", str(out)]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_a_description_and_an_example(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text and f"anvisning {command}" in text
    assert COMMANDS[command][0][:30].lower() in " ".join(text.split()).lower()


def test_without_year_the_latest_share_year_with_statistics_is_chosen_and_said(
        isolated, data_dir, capsys):
    assert main(["draft", "--data-dir", str(data_dir), "--out-dir", str(isolated)]) == 0
    out = capsys.readouterr().out
    assert "share year 2026 (the latest with statistics" in out
    assert f"21 review workbooks in {isolated / '2026' / 'review'}" in out


def test_a_year_without_statistics_lists_the_years_that_have_them(isolated, data_dir, capsys):
    assert main(["draft", "--year", "2031", "--data-dir", str(data_dir),
                 "--out-dir", str(isolated)]) == 1
    err = capsys.readouterr().err
    assert "--year 2031" in err and "share years with data: 2017–2026" in err


def test_a_connection_assignment_takes_a_municipality_by_name(published, tmp_path, capsys):
    root, data, out = published
    ledger = tmp_path / "assignments.csv"
    shutil.copy2(data / "ledger" / "assignments.csv", ledger)
    shutil.copy2(data / "ledger" / "sources.toml", tmp_path / "sources.toml")
    shutil.copy2(data / "ledger" / "transfers.csv", tmp_path / "transfers.csv")
    assert main(["assign", "--date", WHEN.isoformat(), "--arrival-date", WHEN.isoformat(),
                 "--arrival-municipality", "Malmö", "--connection", "stockholm",
                 "--ledger", str(ledger), *folders(data, out)]) == 0
    assert capsys.readouterr().out == "0180 Stockholm\n"
    with open(ledger, encoding="utf-8") as handle:
        assert list(csv.DictReader(handle))[-1]["kind"] == "connection"


def test_an_unknown_municipality_is_refused_naming_the_option(published, capsys):
    root, data, out = published
    assert main(["assign", "--date", WHEN.isoformat(), "--arrival-date", WHEN.isoformat(),
                 "--arrival-municipality", "Malmö", "--connection", "Stockholmm",
                 *folders(data, out)]) == 1
    assert capsys.readouterr().err.startswith("error: --connection 'Stockholmm': ")


def test_a_date_outside_the_ledger_is_blamed_on_the_option(published, capsys):
    root, data, out = published
    assert main(["assign", "--date", "2015-12-31", "--arrival-date", "2015-12-30",
                 "--arrival-municipality", "Malmö", *folders(data, out)]) == 1
    assert capsys.readouterr().err.startswith("error: --date 2015-12-31: ")


def test_a_forecast_for_a_municipality_by_name_and_one_without_a_share(published, capsys):
    root, data, out = published
    assert main(["forecast", "--year", str(YEAR), "--children", "200", "--as-of",
                 WHEN.isoformat(), "--municipality", "Göteborg", *folders(data, out)]) == 0
    assert "1480 Göteborg: " in capsys.readouterr().out
    # Vaxholm gives its whole share to Österåker in the shipped 2026 agreements.
    assert main(["forecast", "--year", str(YEAR), "--children", "200", "--as-of",
                 WHEN.isoformat(), "--municipality", "Vaxholm", *folders(data, out)]) == 0
    assert "no share (0 ‰): not assigned by the rule" in capsys.readouterr().out


def test_goal_fulfilment_follows_a_reissue(published, tmp_path):
    root, data, out = published
    data2, out2 = tmp_path / "data", tmp_path / "out"
    shutil.copytree(data, data2)
    shutil.copytree(out, out2, symlinks=True)
    (data2 / "redistributions" / "2026.csv").unlink()  # Vaxholm keeps its share after all
    with environment(DAGSTER_HOME=str(root / "home"), ANVISNING_WAREHOUSE=str(root / "w.duckdb")):
        assert main(["publish", "--year", str(YEAR), "--reissue", "--reason", "Ingen "
                     "omfördelning", *folders(data2, out2)]) == 0
    as_of = min(max(date.today(), date(YEAR, 1, 1)), date(YEAR, 12, 31))
    with open(out2 / f"fulfilment_{as_of.isoformat()}.csv", encoding="utf-8") as handle:
        fulfilment = {r["municipality_code"]: r for r in csv.DictReader(handle)}
    with open(out2 / str(YEAR) / f"shares_{YEAR}.csv", encoding="utf-8") as handle:
        shares = {r["municipality_code"]: r for r in csv.DictReader(handle)}
    assert shares["0187"]["share_promille"] != "0.00"
    assert fulfilment["0187"]["share_promille"] == shares["0187"]["share_promille"]
