"""Writers that never race (issue 22): two programs naming one new annotator both go
on, and two programs writing one annotator's label at once leave a history in which each
change names the label it replaced; on SQLite and on PostgreSQL. Each writer has its own
engine (its own connections, as a second program would), run on threads so they overlap."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project, init_project, open_project
from tests.conftest import SERVER, write_csv

KEYS = ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "team.annotator")
        return
    if not SERVER:
        pytest.skip("no PostgreSQL server: set ANNOTATOR_TEST_POSTGRES_URL (.ci/run does)")
    yield request.getfixturevalue("database")


@pytest.fixture
def two_programs(target: str, tmp_path: Path) -> Iterator[tuple[Project, Project]]:
    first = init_project(target)
    rows = "".join(f"p{i},post {i}\n" for i in range(4))
    import_dataset(first, write_csv(tmp_path / "posts.csv", "id,text\n" + rows))
    second = open_project(target)
    yield first, second
    first.close()
    second.close()


def _together(*actions: Callable[[], None]) -> None:
    """Run the actions at once; re-raise the first error any of them met."""
    start = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action: Callable[[], None]) -> None:
        start.wait()
        try:
            action()
        except BaseException as error:  # handed to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _post_ids(project: Project) -> list[int]:
    with project.session() as session:
        rows = session.connection().exec_driver_sql("SELECT id FROM post ORDER BY id")
        return [int(post_id) for (post_id,) in rows]


def test_two_programs_naming_one_new_annotator_both_go_on(
    two_programs: tuple[Project, Project],
) -> None:
    first, second = two_programs
    one, two = _post_ids(first)[:2]
    for round_ in range(15):
        name = f"newcomer{round_}"
        _together(
            lambda name=name: save_annotation(first, AnnotationChange(one, name, "not_sponsored")),
            lambda name=name: save_annotation(second, AnnotationChange(two, name, "not_sponsored")),
        )
        with first.session() as session:
            rows = session.connection().exec_driver_sql(
                "SELECT count(*) FROM annotator WHERE name = ?"
                if first.is_sqlite
                else "SELECT count(*) FROM annotator WHERE name = %s",
                (name,),
            )
            assert rows.scalar() == 1
            labels = session.connection().exec_driver_sql(
                "SELECT count(*) FROM annotation a JOIN annotator n ON n.id = a.annotator_id "
                f"WHERE n.name = '{name}'"
            )
            assert labels.scalar() == 2


def test_one_label_written_at_once_by_two_programs_keeps_a_true_history(
    two_programs: tuple[Project, Project],
) -> None:
    first, second = two_programs
    post = _post_ids(first)[0]
    save_annotation(first, AnnotationChange(post, "ana", "not_sponsored"))

    def writer(project: Project, seed: int) -> Callable[[], None]:
        choices = random.Random(seed)

        def write() -> None:
            for _ in range(40):
                save_annotation(project, AnnotationChange(post, "ana", choices.choice(KEYS)))

        return write

    _together(writer(first, 1), writer(second, 2))
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
