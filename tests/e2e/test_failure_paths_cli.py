"""Failure paths through `anvisning` as a user meets them: one `error:` line naming the path and
the cause, a non-zero exit, and nothing written by a refused command."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import pytest

from cli.main import main
from tests.conftest import DATA, environment


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("failures")
    data, out, home = root / "data", root / "out", root / "home"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("sources"))
    with environment(DAGSTER_HOME=str(home), ANVISNING_WAREHOUSE=str(root / "w.duckdb")):
        assert main(["publish", "--year", "2026", "--data-dir", str(data),
                     "--out-dir", str(out)]) == 0
    return data, out


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "Traceback" not in err[0]
    return err[0]


def test_an_out_dir_that_is_a_file_names_the_path_and_not_a_directory(isolated, tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert main(["draft", "--year", "2026", "--out-dir", str(afile)]) == 1
    line = one_error_line(capsys)
    assert "Not a directory" in line and str(afile) in line


def test_assign_with_a_missing_ledger_folder_names_the_ledger(published, tmp_path, capsys):
    data, out = published
    ledger = tmp_path / "no" / "such" / "assignments.csv"
    assert main(["assign", "--date", "2026-06-01", "--arrival-date", "2026-05-30",
                 "--arrival-municipality", "0180", "--ledger", str(ledger),
                 "--data-dir", str(data), "--out-dir", str(out)]) == 1
    line = one_error_line(capsys)
    assert str(ledger.parent) in line


@pytest.mark.parametrize("text", ["20261127", "2026W485", "2026-6-1"])
def test_assign_accepts_only_the_documented_date_form(text, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["assign", "--date", text])
    assert exited.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_a_refused_forecast_writes_nothing(published, tmp_path, capsys):
    data, out = published
    forecast = out / "2026" / "forecast_2026_2026-06-30_100.csv"
    assert not forecast.exists()
    assert main(["forecast", "--year", "2026", "--children", "100", "--municipality", "9999",
                 "--as-of", "2026-06-30", "--data-dir", str(data), "--out-dir", str(out)]) == 1
    one_error_line(capsys)
    assert not list((out / "2026").glob("forecast_*"))


def test_a_forecast_of_more_children_than_the_limit_is_refused(published, capsys):
    data, out = published
    assert main(["forecast", "--year", "2026", "--children", str(10**20), "--as-of",
                 "2026-06-30", "--data-dir", str(data), "--out-dir", str(out)]) == 1
    assert "1000000000" in one_error_line(capsys).replace(" ", "")


def test_a_dagster_home_that_cannot_be_created_is_one_error_line(tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("DAGSTER_HOME", str(blocker / "home"))
    monkeypatch.setenv("ANVISNING_WAREHOUSE", str(tmp_path / "w.duckdb"))
    assert main(["draft", "--year", "2026"]) == 1
    line = one_error_line(capsys)
    assert "DAGSTER_HOME" in line and str(blocker) in line


def _prepare(home: str) -> None:
    os.environ["DAGSTER_HOME"] = home
    from cli.runner import prepare_instance

    prepare_instance()


def test_processes_setting_up_one_fresh_dagster_home_at_once_all_succeed(tmp_path):
    home = str(tmp_path / "fresh_home")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_prepare, args=(home,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]


def test_a_failed_publication_speaks_the_projects_words_not_dagsters(
        isolated, data_dir, capsys):
    agreements = data_dir / "redistributions" / "2026.csv"
    lines = agreements.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    fields[3] = "99.00"  # more than any municipality's share
    agreements.write_text("\n".join([lines[0], ",".join(fields), *lines[2:]]) + "\n",
                          encoding="utf-8")

    assert main(["publish", "--year", "2026", "--data-dir", str(data_dir),
                 "--out-dir", str(isolated)]) == 1

    captured = capsys.readouterr()
    assert "Dependencies for step" not in captured.out + captured.err
    assert "  – share_table_publication not run: a step it depends on failed" in captured.out
    assert "  ✗ final_shares failed" in captured.out
    (line,) = captured.err.strip().splitlines()
    assert line.startswith(f"error: {agreements} line 2: ") and "Traceback" not in line
    assert "more than its calculated share" in line
