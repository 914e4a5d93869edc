"""A forecast far above every prognosis scenario is flagged in one line, and only then."""

from __future__ import annotations

from pathlib import Path

from pipeline.goals.plausible import far_above_prognosis

PROGNOSIS = """\
illustrative = true
[prognosis.2025]
low = 900
base = 1000
high = 1200
[prognosis.2026]
low = 390
base = 410
high = 440
"""


def prognosis(tmp_path: Path) -> Path:
    path = tmp_path / "prognosis.toml"
    path.write_text(PROGNOSIS, encoding="utf-8")
    return path


def test_more_than_twice_the_years_high_scenario_is_far_above(tmp_path: Path) -> None:
    path = prognosis(tmp_path)
    assert far_above_prognosis(880, path, 2026) is None
    assert far_above_prognosis(100000, path, 2026) == (
        f"--children 100000 is far above the highest prognosis scenario for 2026 (440 children "
        f"in {path}); the forecast is made all the same: check the number")


def test_a_year_without_scenarios_is_held_to_the_latest_year(tmp_path: Path) -> None:
    path = prognosis(tmp_path)
    assert far_above_prognosis(2000, path, 2025) is None  # 2025's own high is 1 200
    assert "for 2026 (440 children" in far_above_prognosis(2000, path, 2027)


def test_without_a_prognosis_nothing_is_said(tmp_path: Path) -> None:
    assert far_above_prognosis(10**9, tmp_path / "prognosis.toml", 2026) is None
