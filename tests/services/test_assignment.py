"""Assignments: balanced, overlap share as asked, only new posts on re-runs, queue follows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project
from annotator.services.team.assignment import assign_posts, has_assignments
from annotator.store.navigation import QueueMode
from tests.conftest import write_csv


def _posts(project: Project, tmp_path: Path, start: int, count: int) -> None:
    rows = "".join(f"p{i},post number {i}\n" for i in range(start, start + count))
    import_dataset(project, write_csv(tmp_path / f"p{start}.csv", "id,text\n" + rows))


def _assigned(project: Project) -> list[tuple[int, str]]:
    with project.engine.connect() as connection:
        return [
            (int(p), str(n))
            for p, n in connection.execute(
                text(
                    "SELECT a.post_id, n.name FROM assignment a "
                    "JOIN annotator n ON n.id = a.annotator_id"
                )
            )
        ]


def test_every_post_gets_per_post_annotators_balanced(project: Project, tmp_path: Path) -> None:
    _posts(project, tmp_path, 0, 301)
    report = assign_posts(project, ["ana", "ben", "chloe"], per_post=2, seed=3)
    assert (report.posts, report.doubled) == (301, 301)
    pairs = _assigned(project)
    per_post = Counter(p for p, _ in pairs)
    assert set(per_post.values()) == {2}
    load = Counter(n for _, n in pairs)
    assert max(load.values()) - min(load.values()) <= 1
    assert sum(load.values()) == 602


def test_overlap_share_is_doubled_and_the_rest_single(project: Project, tmp_path: Path) -> None:
    _posts(project, tmp_path, 0, 2000)
    report = assign_posts(project, ["ana", "ben", "chloe", "dee"], per_post=2, overlap=0.2)
    per_post = Counter(p for p, _ in _assigned(project))
    doubled = sum(1 for n in per_post.values() if n == 2)
    assert set(per_post.values()) == {1, 2}
    assert doubled == report.doubled
    assert doubled / 2000 == pytest.approx(0.2, abs=0.03)
    load = Counter(n for _, n in _assigned(project))
    assert max(load.values()) - min(load.values()) <= 1


def test_rerun_assigns_only_new_posts_and_is_seeded(project: Project, tmp_path: Path) -> None:
    _posts(project, tmp_path, 0, 50)
    assign_posts(project, ["ana", "ben"], seed=1)
    first = sorted(_assigned(project))
    assert assign_posts(project, ["ana", "ben"], seed=1).posts == 0
    _posts(project, tmp_path, 50, 10)
    again = assign_posts(project, ["ana", "ben"], seed=1)
    assert again.posts == 10
    assert sorted(_assigned(project))[: len(first)] == first


def test_bad_requests_are_refused(project: Project) -> None:
    for kwargs, message in (
        ({"per_post": 3}, "between 1 and the 2"),
        ({"overlap": 1.5}, "share between 0 and 1"),
        ({"dataset": "nope"}, "no dataset"),
    ):
        with pytest.raises(UserError, match=message):
            assign_posts(project, ["ana", "ben"], **kwargs)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="at least one"):
        assign_posts(project, [" "])


def test_queue_follows_the_assignment(project: Project, tmp_path: Path) -> None:
    _posts(project, tmp_path, 0, 20)
    assign_posts(project, ["ana", "ben"], per_post=1, seed=5)
    assert has_assignments(project, "ana") and not has_assignments(project, "zoe")
    mine = {p for p, n in _assigned(project) if n == "ana"}
    queue = LabelingQueue(project, "ana", QueueMode("assigned"))
    assert len(queue) == len(mine) == 10
    seen = []
    while queue.current_id is not None and queue.current_id not in seen:
        seen.append(queue.current_id)
        save_annotation(
            project,
            AnnotationChange(post_id=queue.current_id, annotator="ana", label_key="not_sponsored"),
        )
        if not queue.advance():
            break
    assert set(seen) == mine
