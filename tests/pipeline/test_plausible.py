"""A forecast far above every prognosis scenario is flagged in one line, and only then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.core.errors import InputError
from pipeline.goals.plausible import far_above_prognosis

ROOT = Path(__file__).resolve().parents[2]
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


def warning(tmp_path: Path, text: str, children: int, year: int) -> str | None:
    path = tmp_path / "prognosis.toml"
    path.write_text(text, encoding="utf-8")
    return far_above_prognosis(children, path, year)


def test_the_warning_in_full_with_a_high_figure_in_thousands(tmp_path: Path) -> None:
    text = "[prognosis.2026]\nlow = 1000\nbase = 1100\nhigh = 1250\n"
    assert warning(tmp_path, text, 2500, 2026) is None  # exactly twice: not far above
    assert warning(tmp_path, text, 2501, 2026) == (
        f"--children 2501 is far above the highest prognosis scenario for 2026 (1 250 children "
        f"in {tmp_path / 'prognosis.toml'}); the forecast is made all the same: check the number")


def test_the_latest_year_of_the_file_stands_in_whatever_its_place_in_the_file(tmp_path: Path):
    text = ("[prognosis.2026]\nhigh = 100\n[prognosis.2024]\nhigh = 1000\n"
            "[prognosis.2025]\nhigh = 10\n")
    assert "for 2026 (100 children" in warning(tmp_path, text, 201, 2030)
    assert warning(tmp_path, text, 201, 2024) is None
    assert "for 2025 (10 children" in warning(tmp_path, text, 21, 2025)


@pytest.mark.parametrize("text", [
    'source = "no years yet"\n',
    "[prognosis]\n",
    "[prognosis.next]\nhigh = 1\n",
    "[prognosis]\n2026 = 1\n",
    "[prognosis.2026]\nlow = 1\n",
    '[prognosis.2026]\nhigh = "1"\n',
    "[prognosis.2026]\nhigh = false\n",
    "[prognosis.2026]\nhigh = 1.5\n",
])
def test_a_file_without_a_usable_high_figure_says_nothing(tmp_path: Path, text: str) -> None:
    assert warning(tmp_path, text, 10**9, 2026) is None


def test_years_without_a_usable_high_figure_are_passed_over(tmp_path: Path) -> None:
    text = ("[prognosis.2027]\nhigh = true\n[prognosis.next]\nhigh = 1\n"
            "[prognosis.2026]\nhigh = 5\n")
    assert "for 2026 (5 children" in warning(tmp_path, text, 11, 2027)


def test_a_folder_in_the_files_place_says_nothing(tmp_path: Path) -> None:
    (tmp_path / "prognosis.toml").mkdir()
    assert far_above_prognosis(10**9, tmp_path / "prognosis.toml", 2026) is None


WARN_UNDER_ASCII_LOCALE = """
import sys
from pathlib import Path
from pipeline.goals.plausible import far_above_prognosis
print(ascii(far_above_prognosis(100, Path(sys.argv[1]), 2026)))
"""


def test_the_file_is_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """A server whose locale is plain ASCII (LC_ALL=C, without Python's UTF-8 mode) reads the
    file as UTF-8 all the same."""
    path = tmp_path / "prognosis.toml"
    path.write_text('source = "prognos för 2026"\n[prognosis.2026]\nhigh = 40\n',
                    encoding="utf-8")
    # called here too, so mutmut counts this test as one of the function's (a subprocess's calls
    # are not seen); the subprocess inherits the mutant under test
    assert far_above_prognosis(100, path, 2026) is not None
    environment = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = subprocess.run([sys.executable, "-c", WARN_UNDER_ASCII_LOCALE, str(path)],
                          cwd=ROOT, env=environment, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("'--children 100 is far above the highest prognosis scenario "
                                  "for 2026 (40 children in ")


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "prognosis.toml"
    path.write_text("[prognosis.2026]\nhigh = \n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        far_above_prognosis(100, path, 2026)
    assert (caught.value.file, caught.value.line, caught.value.rule.startswith(
        "not valid TOML: ")) == (str(path), 2, True)
