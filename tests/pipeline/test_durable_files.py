"""The durability rules of `pipeline.core.files`, observed through the system calls they make:
a file is complete on disk before it takes the published name, and the rename itself is made
durable; a failed render leaves nothing behind."""

from __future__ import annotations

import os
import stat

import pytest

from pipeline.core import files


@pytest.fixture
def calls(monkeypatch) -> list[tuple]:
    """Every fsync (with the path it flushed) and every rename, in order."""
    made: list[tuple] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        made.append(("fsync", os.readlink(f"/proc/self/fd/{descriptor}")))
        real_fsync(descriptor)

    def replace(source, target) -> None:
        made.append(("rename", str(source), str(target)))
        real_replace(source, target)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    return made


def test_the_new_file_is_synced_before_it_is_renamed_and_the_folder_after(tmp_path,
                                                                           calls) -> None:
    target = tmp_path / "shares.csv"
    files.write_atomically(target, b"a,b\n")
    assert target.read_bytes() == b"a,b\n"
    (_, synced), (_, source, renamed), (_, folder) = calls
    assert synced == source and renamed == str(target)
    assert os.path.dirname(source) == str(tmp_path) and source != str(target)
    assert folder == str(tmp_path)


def test_a_failed_render_leaves_the_old_file_and_no_temporary(tmp_path, calls) -> None:
    target = tmp_path / "shares.csv"
    target.write_bytes(b"old")

    def fail(path) -> None:
        path.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        files.write_atomically_with(target, fail)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["shares.csv"]
    assert not [call for call in calls if call[0] == "rename"]


def test_a_new_file_is_readable_by_everyone_and_a_replaced_one_keeps_its_mode(tmp_path) -> None:
    new = tmp_path / "new.csv"
    files.write_atomically(new, b"x")
    assert stat.S_IMODE(new.stat().st_mode) == 0o644
    kept = tmp_path / "kept.csv"
    kept.write_bytes(b"x")
    kept.chmod(0o600)
    files.write_atomically(kept, b"y")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and kept.read_bytes() == b"y"


def test_writing_through_a_symlink_replaces_the_file_and_keeps_the_link(tmp_path) -> None:
    real = tmp_path / "v1.csv"
    real.write_bytes(b"old")
    link = tmp_path / "current.csv"
    link.symlink_to(real.name)
    files.write_atomically(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


@pytest.mark.parametrize(("text", "neutral"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Lst 1=2", "Lst 1=2"), ("", "")])
def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted(text, neutral) -> None:
    assert files.neutralise_formula(text) == neutral
