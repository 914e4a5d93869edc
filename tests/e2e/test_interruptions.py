"""A run killed halfway (SIGKILL) and two runs at once: the published files, the ledger and the
warehouse stay whole, and the next run completes."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ANVISNING = str(Path(sys.executable).parent / "anvisning")


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return dict(os.environ, DAGSTER_HOME=str(home),
                ANVISNING_WAREHOUSE=str(tmp_path / "warehouse" / "anvisning.duckdb"))


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([ANVISNING, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([ANVISNING, *args], env=env, capture_output=True, text=True,
                          timeout=300)


def _published_consistently(year_dir: Path) -> None:
    """Every file the manifest names exists with the manifest's hash: all old or all new."""
    manifest = json.loads((year_dir / "publication_2026.json").read_text(encoding="utf-8"))
    hashes = manifest["files"]
    assert hashes, manifest
    for name, digest in hashes.items():
        assert hashlib.sha256((year_dir / name).read_bytes()).hexdigest() == digest, name


def _final_total(env: dict[str, str]) -> int:
    with duckdb.connect(env["ANVISNING_WAREHOUSE"], read_only=True) as conn:
        return conn.execute("SELECT sum(share_units) FROM final_shares "
                            "WHERE share_year = 2026").fetchone()[0]


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_outputs_whole_and_the_next_run_completes(
        tmp_path, data_dir):
    env = _env(tmp_path)
    out = tmp_path / "out"
    args = ["run", "--year", "2026", "--data-dir", str(data_dir), "--out-dir", str(out)]
    first = _run(args, env)
    assert first.returncode == 0, first.stderr
    ledger = data_dir / "ledger" / "assignments.csv"
    ledger_before = ledger.read_bytes()

    # Change an input so that each killed run is a reissue that really replaces files.
    minors = data_dir / "statistics" / "2024" / "minors_received.csv"
    lines = minors.read_text(encoding="utf-8").splitlines()
    rng = random.Random(20261127)
    for attempt in range(3):
        code, name, value = lines[1 + attempt].split(",")
        lines[1 + attempt] = f"{code},{name},{int(value) + 40}"
        minors.write_text("\n".join(lines) + "\n", encoding="utf-8")
        process = _start(["publish", "--year", "2026", "--data-dir", str(data_dir),
                          "--out-dir", str(out), "--reissue", "--reason", f"kill {attempt}"],
                         env)
        time.sleep(rng.uniform(0.5, 4.5))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        assert ledger.read_bytes() == ledger_before
        _published_consistently(out / "2026")

    final = _run(["publish", "--year", "2026", "--data-dir", str(data_dir), "--out-dir",
                  str(out), "--reissue", "--reason", "after the kills"], env)
    assert final.returncode == 0, final.stderr
    _published_consistently(out / "2026")
    assert _final_total(env) == 100_000
    assert ledger.read_bytes() == ledger_before


@pytest.mark.slow
def test_two_runs_of_one_share_year_at_once_one_waits_and_both_complete(tmp_path, data_dir):
    env = _env(tmp_path)
    out = tmp_path / "out"
    args = ["run", "--year", "2026", "--data-dir", str(data_dir), "--out-dir", str(out)]
    first = _start(args, env)
    time.sleep(0.3)
    second = _start(args, env)
    results = [(p, *p.communicate(timeout=300)) for p in (first, second)]
    for process, _stdout, stderr in results:
        assert process.returncode == 0, stderr
    outputs = "".join(stdout for _, stdout, _ in results)
    assert "another run for share year 2026 is in progress" in outputs
    assert _final_total(env) == 100_000
    _published_consistently(out / "2026")


@pytest.mark.slow
def test_runs_of_two_share_years_at_once_share_the_warehouse_in_turn(tmp_path, data_dir):
    """A run holds the warehouse from its first warehouse step to its end: a run of another
    share year started meanwhile waits for it instead of failing on DuckDB's file lock."""
    env = _env(tmp_path)
    out = tmp_path / "out"
    runs = [_start(["run", "--year", year, "--data-dir", str(data_dir), "--out-dir", str(out)],
                   env) for year in ("2025", "2026")]
    results = [(p, *p.communicate(timeout=300)) for p in runs]
    for process, _stdout, stderr in results:
        assert process.returncode == 0, stderr
    with duckdb.connect(env["ANVISNING_WAREHOUSE"], read_only=True) as conn:
        totals = conn.execute("SELECT share_year, sum(share_units) FROM final_shares "
                              "GROUP BY share_year ORDER BY share_year").fetchall()
    assert totals == [(2025, 100_000), (2026, 100_000)]
    for year in ("2025", "2026"):
        manifest = json.loads((out / year / f"publication_{year}.json").read_text("utf-8"))
        for name, digest in manifest["files"].items():
            assert hashlib.sha256((out / year / name).read_bytes()).hexdigest() == digest
