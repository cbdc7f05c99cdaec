"""Atomic file writing: the new content lands whole, or the old content stays and no
temporary file is left beside it."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from annotator.domain.errors import CancelledError, UserError
from annotator.domain.progress import CancelToken
from annotator.services.atomic_files import atomic_write, temporary_path_for


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "labels.json"
    path.write_bytes(b"old content\n")
    return path


def test_text_lands_whole_with_unix_line_ends(target: Path) -> None:
    with atomic_write(target) as handle:
        handle.write("première ligne\n")
        assert target.read_bytes() == b"old content\n"  # readers see the old file meanwhile
        handle.write("second line\n")
    assert target.read_bytes() == "première ligne\nsecond line\n".encode()
    assert list(target.parent.iterdir()) == [target]


def test_bytes_land_whole(tmp_path: Path) -> None:
    target = tmp_path / "new.bin"
    with atomic_write(target, mode="wb") as handle:
        handle.write(b"\x00\xff" * 1000)
    assert target.read_bytes() == b"\x00\xff" * 1000


def test_an_error_keeps_the_old_content_and_leaves_no_temporary(target: Path) -> None:
    with pytest.raises(ValueError, match="half way"), atomic_write(target) as handle:
        handle.write("half of the new")
        raise ValueError("half way")
    assert target.read_bytes() == b"old content\n"
    assert list(target.parent.iterdir()) == [target]


def test_a_path_writer_lands_whole(target: Path) -> None:
    with temporary_path_for(target) as temporary:
        assert temporary.parent == target.parent
        assert temporary.suffix == target.suffix  # writers that go by the suffix still can
        assert temporary.name.startswith(".")
        temporary.write_text("written by path\n", encoding="utf-8")
        assert target.read_bytes() == b"old content\n"
    assert target.read_text(encoding="utf-8") == "written by path\n"
    assert list(target.parent.iterdir()) == [target]


def test_a_cancel_keeps_the_old_content_and_leaves_no_temporary(target: Path) -> None:
    cancel = CancelToken()
    with pytest.raises(CancelledError), temporary_path_for(target) as temporary:
        temporary.write_text("new", encoding="utf-8")
        cancel.cancel()
        cancel.raise_if_cancelled()
    assert target.read_bytes() == b"old content\n"
    assert list(target.parent.iterdir()) == [target]


def test_a_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"), atomic_write(tmp_path / "no" / "x.txt"):
        pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_a_new_file_gets_the_permissions_an_ordinary_write_gives(tmp_path: Path) -> None:
    ordinary = tmp_path / "ordinary.txt"
    ordinary.write_text("x", encoding="utf-8")
    atomic = tmp_path / "atomic.txt"
    with atomic_write(atomic) as handle:
        handle.write("x")
    assert stat.S_IMODE(atomic.stat().st_mode) == stat.S_IMODE(ordinary.stat().st_mode)


def test_what_killed_writes_left_is_cleaned_up_and_nothing_else(tmp_path: Path) -> None:

    from annotator.services.atomic_files import STALE_AFTER_SECONDS, atomic_write

    target = tmp_path / "posts.csv"
    old = time.time() - STALE_AFTER_SECONDS - 60
    stale = [tmp_path / ".posts.0a1b2c3d.csv", tmp_path / ".ana.deadbeef.annotator-wal"]
    fresh = tmp_path / ".posts.11223344.csv"  # a write still under way elsewhere
    foreign = [tmp_path / ".posts.notmine.csv", tmp_path / "posts.0a1b2c3d.csv"]
    for path in [*stale, fresh, *foreign]:
        path.write_text("x")
    for path in [*stale, *foreign]:
        os.utime(path, (old, old))
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("keep")
    os.utime(elsewhere, (old, old))
    link = tmp_path / ".posts.99887766.csv"
    link.symlink_to(elsewhere)
    with atomic_write(target) as handle:
        handle.write("id\n1\n")
    assert not stale[0].exists()
    assert stale[1].exists()  # another target's (the package's): not this write's to clean
    assert fresh.exists() and all(path.exists() for path in foreign)
    assert link.is_symlink() and elsewhere.read_text() == "keep"
    assert target.read_text() == "id\n1\n"
