"""Label commands: do commits, undo restores exactly, history records both."""

from __future__ import annotations

from annotator.domain.records import AnnotationChange, EvidenceSpan
from annotator.services.labeling.annotating import (
    SetAnnotationCommand,
    current_annotation,
    save_annotation,
)
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project, open_project
from annotator.store.queries import annotation_history


def test_do_commits_and_undo_removes_a_new_label(small_project: Project) -> None:
    queue = LabelingQueue(small_project, "ana")
    post_id = queue.current_id
    assert post_id is not None
    command = SetAnnotationCommand(
        small_project,
        AnnotationChange(post_id=post_id, annotator="ana", label_key="sponsored_disclosed"),
    )
    command.do()
    # A second connection sees it: it was committed, not just flushed.
    other = open_project(small_project.location)
    found = current_annotation(other, post_id=post_id, annotator="ana")
    assert found is not None and found.label_key == "sponsored_disclosed"
    command.undo()
    assert current_annotation(other, post_id=post_id, annotator="ana") is None
    other.close()
    with small_project.session() as session:
        assert [a for _, a, _ in annotation_history(session, post_id=post_id)] == ["set", "remove"]


def test_undo_restores_the_previous_annotation_with_its_evidence(small_project: Project) -> None:
    post_id = LabelingQueue(small_project, "ana").current_id
    assert post_id is not None
    original = AnnotationChange(
        post_id=post_id,
        annotator="ana",
        label_key="sponsored_disclosed",
        notes="paid partnership line",
        sponsor="GlowCo",
        evidence=(EvidenceSpan(0, 4, "=HYP"),),
        seconds_spent=3.5,
    )
    save_annotation(small_project, original)
    command = SetAnnotationCommand(
        small_project,
        AnnotationChange(post_id=post_id, annotator="ana", label_key="not_sponsored"),
    )
    command.do()
    command.undo()
    restored = current_annotation(small_project, post_id=post_id, annotator="ana")
    assert restored is not None
    assert restored.label_key == "sponsored_disclosed"
    assert restored.notes == "paid partnership line"
    assert restored.sponsor == "GlowCo"
    assert restored.evidence == (EvidenceSpan(0, 4, "=HYP"),)
    assert restored.seconds_spent == 3.5
    command.do()  # redo
    again = current_annotation(small_project, post_id=post_id, annotator="ana")
    assert again is not None and again.label_key == "not_sponsored"


def test_annotators_do_not_overwrite_each_other(small_project: Project) -> None:
    post_id = LabelingQueue(small_project, "ana").current_id
    assert post_id is not None
    for name, key in (("ana", "not_sponsored"), ("ben", "sponsored_undisclosed")):
        save_annotation(
            small_project, AnnotationChange(post_id=post_id, annotator=name, label_key=key)
        )
    ana = current_annotation(small_project, post_id=post_id, annotator="ana")
    ben = current_annotation(small_project, post_id=post_id, annotator="ben")
    assert ana is not None and ana.label_key == "not_sponsored"
    assert ben is not None and ben.label_key == "sponsored_undisclosed"
