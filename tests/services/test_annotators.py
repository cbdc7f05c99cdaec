"""Annotator names: renaming, and two processes labeling one SQLite project at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.annotating import save_annotation
from annotator.services.annotators import rename_annotator
from annotator.services.importing import import_dataset
from annotator.services.labeling_queue import LabelingQueue
from annotator.services.projects import Project
from annotator.services.review import agreement_report
from tests.conftest import write_csv


def test_rename_keeps_every_label(small_project: Project) -> None:
    post = LabelingQueue(small_project, "x").current_id
    assert post is not None
    save_annotation(
        small_project, AnnotationChange(post_id=post, annotator="Ana M.", label_key="not_sponsored")
    )
    rename_annotator(small_project, "Ana M.", "ana")
    assert agreement_report(small_project, resamples=10).annotators == ["ana"]
    with pytest.raises(UserError, match="no annotator"):
        rename_annotator(small_project, "Ana M.", "x")
    save_annotation(
        small_project, AnnotationChange(post_id=post, annotator="ben", label_key="not_sponsored")
    )
    with pytest.raises(UserError, match="already exists"):
        rename_annotator(small_project, "ana", "ben")


WORKER = """
import sys
from annotator.domain.records import AnnotationChange
from annotator.services.annotating import save_annotation
from annotator.services.projects import open_project
project = open_project(sys.argv[1])
for post_id in range(1, int(sys.argv[3]) + 1):
    save_annotation(project, AnnotationChange(post_id=post_id, annotator=sys.argv[2],
                                              label_key="not_sponsored", notes=str(post_id)))
project.close()
print("done")
"""


def test_two_processes_label_one_sqlite_project_at_once(project: Project, tmp_path: Path) -> None:
    rows = "".join(f"{i},post {i}\n" for i in range(1, 301))
    import_dataset(project, write_csv(tmp_path / "p.csv", "id,text\n" + rows))
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), project.location, name, "300"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("ana", "ben")
    ]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        assert out.strip() == "done"
    report = agreement_report(project, resamples=10)
    assert report.items == 300 and report.items_multi == 300
    assert report.labels["not_sponsored"].count == 600
