"""The folders a command is given (pipeline/core/folders.py): a data folder must be there and
readable, an out folder may be made later but its nearest existing parent must be writable; each
refusal names the option, the path and the OS's own words."""

from __future__ import annotations

import os

import pytest

from pipeline.core import folders
from pipeline.core.errors import AnvisningError
from pipeline.core.folders import check_folder


def refusal(option, path, must_exist) -> str:
    with pytest.raises(AnvisningError) as raised:
        check_folder(option, path, must_exist=must_exist)
    return str(raised.value)


def test_an_existing_folder_is_fine_either_way(tmp_path):
    check_folder("--data-dir", tmp_path, must_exist=True)
    check_folder("--out-dir", tmp_path, must_exist=False)


def test_a_missing_data_folder_is_refused_and_a_missing_out_folder_is_not(tmp_path):
    missing = tmp_path / "a" / "b"
    assert refusal("--data-dir", missing, True) == (
        f"--data-dir {missing}: No such file or directory")
    check_folder("--out-dir", missing, must_exist=False)


def test_a_file_is_not_a_folder_even_as_the_parent_of_a_missing_out_folder(tmp_path):
    a_file = tmp_path / "F"
    a_file.write_text("x", encoding="utf-8")
    assert refusal("--out-dir", a_file, False) == f"--out-dir {a_file}: Not a directory"
    assert refusal("--data-dir", a_file, True) == f"--data-dir {a_file}: Not a directory"
    assert refusal("--out-dir", a_file / "out" / "site", False) == (
        f"--out-dir {a_file}: Not a directory")


def as_user_without(monkeypatch, denied: int) -> list[tuple[str, int]]:
    """The OS as a user without the `denied` permissions on any folder (the tests may run as
    root, who has them all); returns the checks asked for."""
    asked = []

    def access(path, mode):
        asked.append((str(path), mode))
        return not mode & denied

    monkeypatch.setattr(folders.os, "access", access)
    return asked


def test_a_read_only_folder_is_a_data_folder_but_not_an_out_folder(tmp_path, monkeypatch):
    asked = as_user_without(monkeypatch, os.W_OK)
    check_folder("--data-dir", tmp_path, must_exist=True)
    assert asked == [(str(tmp_path), os.R_OK | os.X_OK)]
    assert refusal("--out-dir", tmp_path / "out" / "site", False) == (
        f"--out-dir {tmp_path}: Permission denied")
    assert asked[-1] == (str(tmp_path), os.R_OK | os.X_OK | os.W_OK)


@pytest.mark.parametrize("denied", [os.R_OK, os.X_OK])
def test_a_folder_that_cannot_be_read_or_entered_is_neither(tmp_path, monkeypatch, denied):
    as_user_without(monkeypatch, denied)
    assert refusal("--data-dir", tmp_path, True) == f"--data-dir {tmp_path}: Permission denied"
    assert refusal("--out-dir", tmp_path, False) == f"--out-dir {tmp_path}: Permission denied"
