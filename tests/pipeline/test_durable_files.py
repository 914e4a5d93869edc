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


def test_a_file_in_folders_not_made_yet_is_written_and_its_folders_made(tmp_path) -> None:
    target = tmp_path / "out" / "2026" / "review" / "a.xlsx"
    files.write_atomically(target, b"x")
    assert target.read_bytes() == b"x"


def test_the_temporary_is_hidden_and_named_after_its_file(tmp_path) -> None:
    # A killed writer leaves at worst `.<name>.<random>.tmp`: hidden from every folder reader
    # (the forms folder, the site's year folders) and recognisable as the file it was to become.
    seen = []
    files.write_atomically_with(tmp_path / "shares.csv",
                                lambda temporary: seen.append(temporary.name)
                                or temporary.write_bytes(b"x"))
    (name,) = seen
    assert name.startswith(".shares.csv.") and name.endswith(".tmp") and len(name) > 16


def test_the_renders_own_error_reaches_the_caller_even_when_it_removed_its_file(tmp_path) -> None:
    def give_up(temporary) -> None:
        temporary.unlink()
        raise ValueError("the table does not add up")

    with pytest.raises(ValueError, match="does not add up"):
        files.write_atomically_with(tmp_path / "shares.csv", give_up)
    assert list(tmp_path.iterdir()) == []


def test_a_staging_folder_is_made_with_its_parents(tmp_path) -> None:
    made = files.staging_folder(tmp_path / "out" / "new", ".site-")
    assert made.is_dir() and made.parent == tmp_path / "out" / "new"


def test_a_stale_staging_folder_that_cannot_be_removed_does_not_stop_the_build(
        tmp_path, monkeypatch) -> None:
    stale = tmp_path / ".site-999999999-abc"  # no process has that id
    (stale / "kommun").mkdir(parents=True)
    real_rmdir = os.rmdir

    def refuse(path, *args, **kwargs) -> None:
        if str(path).endswith("kommun") or str(path).endswith(stale.name):
            raise PermissionError(13, "Permission denied", str(path))
        real_rmdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "rmdir", refuse)
    made = files.staging_folder(tmp_path, ".site-")
    assert made.is_dir() and stale.is_dir()


def test_the_builder_is_the_first_field_after_the_prefix(tmp_path) -> None:
    running = tmp_path / f".site-{os.getpid()}-abc-def"
    running.mkdir()
    files.staging_folder(tmp_path, ".site-")
    assert running.is_dir()
