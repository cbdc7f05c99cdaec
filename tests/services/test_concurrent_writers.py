"""Writers that never race (issue 22): two programs naming one new annotator both go
on, and two programs writing one annotator's label at once leave a history in which each
change names the label it replaced; on SQLite and on PostgreSQL. The writers are two
processes started together (a barrier), each opening the project itself."""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project, init_project, open_project
from tests.conftest import write_csv

KEYS = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]


@pytest.fixture
def two_programs(store_target: str, tmp_path: Path) -> Iterator[tuple[Project, Project]]:
    first = init_project(store_target)
    rows = "".join(f"p{i},post {i}\n" for i in range(4))
    import_dataset(first, write_csv(tmp_path / "posts.csv", "id,text\n" + rows))
    second = open_project(store_target)
    yield first, second
    first.close()
    second.close()


def _write_labels(target: str, start: Any, changes: list[tuple[int, str, str]]) -> None:
    """One program: open the project, wait for the other, write ``changes`` one by one."""
    project = open_project(target)
    start.wait()
    for post_id, annotator, key in changes:
        save_annotation(project, AnnotationChange(post_id, annotator, key))
    project.close()


def _together(target: str, *programs: list[tuple[int, str, str]]) -> None:
    """Run each list of changes in its own process, all at once; all must succeed."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(programs))
    processes = [
        context.Process(target=_write_labels, args=(target, start, changes)) for changes in programs
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0] * len(programs)


def _post_ids(project: Project) -> list[int]:
    with project.session() as session:
        rows = session.connection().exec_driver_sql("SELECT id FROM post ORDER BY id")
        return [int(post_id) for (post_id,) in rows]


def test_two_programs_naming_one_new_annotator_both_go_on(
    two_programs: tuple[Project, Project], store_target: str
) -> None:
    first, _ = two_programs
    one, two = _post_ids(first)[:2]
    names = [f"newcomer{round_}" for round_ in range(15)]
    _together(
        store_target,
        [(one, name, "not_sponsored") for name in names],
        [(two, name, "not_sponsored") for name in names],
    )
    with first.session() as session:
        per_name = session.connection().exec_driver_sql(
            "SELECT n.name, count(*) FROM annotator n JOIN annotation a "
            "ON a.annotator_id = n.id GROUP BY n.name"
        )
        assert dict(per_name.all()) == {name: 2 for name in names}


def test_one_label_written_at_once_by_two_programs_keeps_a_true_history(
    two_programs: tuple[Project, Project], store_target: str
) -> None:
    first, _ = two_programs
    post = _post_ids(first)[0]
    save_annotation(first, AnnotationChange(post, "ana", "not_sponsored"))
    programs = [
        [(post, "ana", choices.choice(KEYS)) for _ in range(40)]
        for choices in (random.Random(1), random.Random(2))
    ]
    _together(store_target, *programs)
    with first.session() as session:
        history = (
            session.connection()
            .exec_driver_sql(
                "SELECT e.label_key, e.previous_label_key FROM annotation_event e "
                "JOIN annotator n ON n.id = e.annotator_id WHERE n.name = 'ana' ORDER BY e.id"
            )
            .all()
        )
        final = session.connection().exec_driver_sql("SELECT label_key FROM annotation").scalar()
    assert len(history) >= 2
    before: str | None = None
    for label, previous in history:  # each change names the label it replaced
        assert previous == before
        before = label
    assert final == before  # and the last change in the history is the label kept
