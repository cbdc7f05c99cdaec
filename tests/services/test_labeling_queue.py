"""The queue: starts at the first unlabeled post, skips labeled ones, stops at the ends."""

from __future__ import annotations

from annotator.domain.records import AnnotationChange
from annotator.services.annotating import save_annotation
from annotator.services.labeling_queue import LabelingQueue
from annotator.services.projects import Project


def test_queue_starts_at_first_unlabeled_for_this_annotator(small_project: Project) -> None:
    first = LabelingQueue(small_project, "ana")
    ids = [first.current_id]
    while first.step(1):
        ids.append(first.current_id)
    assert len(ids) == 4
    save_annotation(
        small_project, AnnotationChange(post_id=ids[0], annotator="ana", label_key="not_sponsored")
    )
    assert LabelingQueue(small_project, "ana").current_id == ids[1]
    assert LabelingQueue(small_project, "ben").current_id == ids[0]
    assert LabelingQueue(small_project, "ana").labeled_count == 1


def test_next_unlabeled_wraps_and_reports_when_done(small_project: Project) -> None:
    queue = LabelingQueue(small_project, "ana")
    seen = []
    for _ in range(4):
        post_id = queue.current_id
        assert post_id is not None
        seen.append(post_id)
        queue.mark(post_id, labeled=True)
        queue.go_to_next_unlabeled()
    assert len(set(seen)) == 4
    assert queue.go_to_next_unlabeled() is False


def test_step_stops_at_both_ends(small_project: Project) -> None:
    queue = LabelingQueue(small_project, "ana")
    assert queue.position == 0
    assert queue.step(-1) is False
    assert queue.position == 0
    queue.position = len(queue) - 1
    assert queue.step(1) is False


def test_empty_project_has_no_current_post(project: Project) -> None:
    queue = LabelingQueue(project, "ana")
    assert queue.current_id is None
    assert queue.current_post() is None
    assert queue.go_to_next_unlabeled() is False
