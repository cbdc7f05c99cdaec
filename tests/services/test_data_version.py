"""The data version a window polls: another connection's writes move it, reads do not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.domain.changes import Change
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import post_state, save_annotation
from annotator.services.labeling.browsing import other_posts_by
from annotator.services.labeling.marks import FLAG, set_mark
from annotator.services.project.projects import (
    Project,
    data_version,
    init_project,
    open_project,
)
from annotator.services.review.adjudication import set_gold
from annotator.store.queries import post_ids
from tests.conftest import BOTH_STORES, SMALL_CSV, write_csv


@pytest.fixture(params=BOTH_STORES)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A project with the small dataset, on an SQLite file or a fresh server database."""
    if request.param == "sqlite":
        target = str(tmp_path / "shared.annotator")
    else:
        target = request.getfixturevalue("database")
    project = init_project(target)
    import_dataset(project, write_csv(tmp_path / "small.csv", SMALL_CSV))
    project.close()
    yield target


@pytest.fixture
def two(location: str) -> Iterator[tuple[Project, Project]]:
    """The same project opened twice, as two windows or two machines do."""
    mine, theirs = open_project(location), open_project(location)
    yield mine, theirs
    theirs.close()
    mine.close()


def _first_post(project: Project) -> int:
    with project.session() as session:
        return post_ids(session)[0]


def test_reads_leave_the_version_alone(two: tuple[Project, Project]) -> None:
    mine, theirs = two
    before = data_version(mine)
    post = _first_post(theirs)
    post_state(theirs, post_id=post, annotator="bo")
    other_posts_by(theirs, "bob", exclude_post_id=post)
    assert data_version(mine) == before
    assert data_version(mine).changed_since(before) == Change.NONE


def test_a_label_from_another_connection_moves_the_version(
    two: tuple[Project, Project],
) -> None:
    mine, theirs = two
    before = data_version(mine)
    save_annotation(
        theirs,
        AnnotationChange(post_id=_first_post(theirs), annotator="bo", label_key="not_sponsored"),
    )
    assert data_version(mine).changed_since(before) == Change.LABELS


def test_removing_a_label_moves_it_again(two: tuple[Project, Project]) -> None:
    mine, theirs = two
    post = _first_post(theirs)
    save_annotation(
        theirs, AnnotationChange(post_id=post, annotator="bo", label_key="not_sponsored")
    )
    labeled = data_version(mine)
    save_annotation(theirs, AnnotationChange(post_id=post, annotator="bo", label_key=None))
    assert data_version(mine).changed_since(labeled) == Change.LABELS


def test_gold_marks_and_imports_are_told_apart(
    two: tuple[Project, Project], tmp_path: Path
) -> None:
    mine, theirs = two
    post = _first_post(theirs)
    before = data_version(mine)
    set_gold(theirs, post_id=post, label_key="not_sponsored", decided_by="lead")
    assert data_version(mine).changed_since(before) == Change.GOLD

    before = data_version(mine)
    set_mark(theirs, post_id=post, annotator="bo", kind=FLAG, on=True)
    flagged = data_version(mine)
    assert flagged.changed_since(before) == Change.MARKS
    set_mark(theirs, post_id=post, annotator="bo", kind=FLAG, on=False)
    assert data_version(mine).changed_since(flagged) == Change.MARKS

    before = data_version(mine)
    import_dataset(theirs, write_csv(tmp_path / "more.csv", "id,text\nx1,one more post\n"))
    assert data_version(mine).changed_since(before) == Change.DATASETS
