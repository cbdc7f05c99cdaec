"""Annotator names: renaming, and two processes labeling one SQLite project at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project
from annotator.services.review.agreement_report import agreement_report
from annotator.services.team.annotators import merge_annotators, rename_annotator
from annotator.store.navigation import QueueMode
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
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import open_project
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


def test_merging_two_spellings_keeps_the_later_label_and_redirects_new_ones(
    small_project: Project,
) -> None:
    from annotator.services.labeling.annotating import current_annotation
    from annotator.services.labeling.marks import FLAG, marks_of, set_mark
    from annotator.services.team.assignment import assign_posts
    from annotator.store.queries import annotation_history

    queue = LabelingQueue(small_project, "x")
    first = queue.current_id
    queue.go_next()
    second = queue.current_id
    assert first is not None and second is not None

    def label(post: int, who: str, key: str) -> None:
        save_annotation(small_project, AnnotationChange(post_id=post, annotator=who, label_key=key))

    label(first, "ana", "not_sponsored")
    label(first, "Ana M.", "sponsored_disclosed")  # later: wins
    label(second, "Ana M.", "sponsored_undisclosed")
    set_mark(small_project, post_id=second, annotator="Ana M.", kind=FLAG, on=True)
    assign_posts(small_project, ["Ana M."], per_post=1)
    report = merge_annotators(small_project, "Ana M.", "ana")
    assert (report.moved, report.kept_later) == (2, 1)
    assert agreement_report(small_project, resamples=5).annotators == ["ana"]
    kept = current_annotation(small_project, post_id=first, annotator="ana")
    assert kept is not None and kept.label_key == "sponsored_disclosed"
    moved = current_annotation(small_project, post_id=second, annotator="ana")
    assert moved is not None and moved.label_key == "sponsored_undisclosed"
    assert marks_of(small_project, post_id=second, annotator="ana") == {FLAG}
    assert len(LabelingQueue(small_project, "ana", QueueMode("assigned"))) == 4
    label(second, "Ana M.", "not_sponsored")  # the old spelling now labels as ana
    relabeled = current_annotation(small_project, post_id=second, annotator="ana")
    assert relabeled is not None and relabeled.label_key == "not_sponsored"
    with small_project.session() as session:
        history = annotation_history(session, post_id=first)
    assert [who for who, _, _ in history].count("Ana M.") == 1  # old history stays
    with pytest.raises(UserError, match="already merged"):
        merge_annotators(small_project, "Ana M.", "ana")
    with pytest.raises(UserError, match="two different"):
        merge_annotators(small_project, "ana", "ana")
