"""A project on a read-only disk opens read-only: statistics and exports work, every
write is refused in one sentence (exit 2) and the file is untouched.

The disk is a real read-only mount (tmpfs remounted ``ro``), because the tests run as
root, for whom file permissions alone never refuse a write."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project, open_project
from tests.cli.conftest import CliRunner
from tests.conftest import write_csv


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


@pytest.fixture
def read_only_project(tmp_path: Path, small_project: Project) -> Iterator[Path]:
    """The small project, labeled once, copied onto a disk then made read-only."""
    save_annotation(
        small_project, AnnotationChange(post_id=1, annotator="ana", label_key="not_sponsored")
    )
    small_project.close()
    disk = tmp_path / "disk"
    disk.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk))
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"mounting a read-only disk needs root: {error}")
    try:
        target = disk / "project.annotator"
        target.write_bytes(Path(small_project.location).read_bytes())
        _mount("-o", "remount,ro", str(disk))
        yield target
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False, capture_output=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_statistics_and_exports_work_on_a_read_only_disk(
    cli: CliRunner, read_only_project: Path, tmp_path: Path
) -> None:
    before = _digest(read_only_project)
    stats = cli("stats", read_only_project)
    assert "ana" in stats.stdout
    out = tmp_path / "labels.csv"
    cli("export", read_only_project, out, "--what", "annotations")
    assert "not_sponsored" in out.read_text(encoding="utf-8-sig")
    assert _digest(read_only_project) == before
    assert sorted(p.name for p in read_only_project.parent.iterdir()) == ["project.annotator"]


def test_writes_to_a_read_only_project_are_refused_in_a_sentence(
    cli: CliRunner, read_only_project: Path, tmp_path: Path
) -> None:
    before = _digest(read_only_project)
    posts = write_csv(tmp_path / "more.csv", "id,text\nn1,a new post\n")
    imported = cli("import", read_only_project, posts, check=False)
    assert imported.returncode == 2
    assert "read-only" in imported.stderr and "Traceback" not in imported.stderr
    assert len(imported.stderr.strip().splitlines()) == 1
    labels = write_csv(
        tmp_path / "labels.csv", "post_id,annotator,label\n00123,ben,not_sponsored\n"
    )
    labeled = cli("import-labels", read_only_project, labels, check=False)
    assert labeled.returncode == 2 and "read-only" in labeled.stderr
    assert _digest(read_only_project) == before


def test_the_service_layer_says_read_only_before_writing(read_only_project: Path) -> None:
    project = open_project(read_only_project)
    try:
        assert project.read_only
        with pytest.raises(UserError, match="read-only"):
            save_annotation(
                project,
                AnnotationChange(post_id=2, annotator="ana", label_key="not_sponsored"),
            )
    finally:
        project.close()
