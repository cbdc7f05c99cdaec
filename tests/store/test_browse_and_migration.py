"""Browse pages, author lists, sponsors, project settings and upgrading old projects."""

from __future__ import annotations

import shutil
from pathlib import Path

from annotator.domain.records import AnnotationChange
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.project_settings import (
    blind_mode,
    set_blind_mode,
    set_shown_extra_columns,
    shown_extra_columns,
)
from annotator.services.project.projects import Project, open_project
from annotator.store.browse import author_posts, browse_page, known_sponsors
from annotator.store.engine import schema_version
from annotator.store.navigation import QueueMode
from annotator.store.queries import annotation_history, iter_annotations
from annotator.store.tables import SCHEMA_VERSION
from tests.conftest import needs_server

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _label(project: Project, post_id: int, who: str, key: str, **more: str) -> None:
    save_annotation(
        project, AnnotationChange(post_id=post_id, annotator=who, label_key=key, **more)
    )


def test_browse_pages_sort_and_show_my_label(small_project: Project) -> None:
    first = LabelingQueue(small_project, "ana").current_id
    assert first is not None
    _label(small_project, first, "ana", "sponsored_undisclosed", notes="coordinated")
    _label(small_project, first, "ben", "not_sponsored")
    with small_project.session() as session:
        page = browse_page(session, QueueMode("all"), None, sort="id")
        assert [r.external_id for r in page] == [
            "00123",
            "1229871234567890123",
            "1229871234567890124",
            "42",
        ]
        ana_id = LabelingQueue(small_project, "ana")._annotator()
        mine = browse_page(session, QueueMode("all"), ana_id, sort="label", descending=True)
        assert (mine[0].external_id, mine[0].label, mine[0].notes, mine[0].annotations) == (
            "00123",
            "sponsored_undisclosed",
            "coordinated",
            2,
        )
        by_author = browse_page(session, QueueMode("all"), None, sort="author", limit=2, offset=1)
        assert [r.author for r in by_author] == ["bob", "cam"]


def test_author_posts_with_everyones_labels(small_project: Project, tmp_path: Path) -> None:
    from annotator.services.imports.importing import import_dataset
    from tests.conftest import write_csv

    more = write_csv(
        tmp_path / "more.csv", "id,text,author\n500,Vote Rivera #ad,cam\n501,Vote again,cam\n"
    )
    import_dataset(small_project, more)
    queue = LabelingQueue(small_project, "ana", QueueMode("search", "cam"))
    assert len(queue) == 3
    with small_project.session() as session:
        posts = author_posts(session, author="cam")
    _label(small_project, posts[0].post_id, "ben", "sponsored_disclosed", sponsor="Rivera 2020")
    _label(small_project, posts[1].post_id, "ana", "sponsored_undisclosed", sponsor="Rivera 2020")
    _label(small_project, posts[2].post_id, "ana", "sponsored_undisclosed", sponsor="GlowCo")
    with small_project.session() as session:
        others = author_posts(session, author="cam", exclude_post_id=posts[0].post_id)
        assert [p.text for p in posts] == [
            "Vote again",
            "Vote Rivera #ad",
            "Vote Rivera on Tuesday, our future depends on it",
        ]
        assert [p.text for p in others] == [p.text for p in posts[1:]]
        assert others[0].labels == {"ana": "sponsored_undisclosed"}
        assert known_sponsors(session) == ["Rivera 2020", "GlowCo"]


def test_project_settings_live_in_the_project(small_project: Project) -> None:
    assert blind_mode(small_project) is False
    set_blind_mode(small_project, True)
    set_shown_extra_columns(small_project, ["likes"])
    reopened = open_project(small_project.location)
    assert blind_mode(reopened) is True
    assert shown_extra_columns(reopened) == ["likes"]
    reopened.close()


def test_version_1_project_is_upgraded_with_its_labels(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    shutil.copy(FIXTURES / "project_v1.annotator", path)
    project = open_project(path)
    assert schema_version(project) == SCHEMA_VERSION == 15
    with project.session() as session:
        [annotation] = list(iter_annotations(session))
        assert annotation.label_key == "sponsored_disclosed"
        assert annotation_history(session, post_id=annotation.post_id) == [
            ("ana", "set", "sponsored_disclosed")
        ]
    found = LabelingQueue(project, "ana", QueueMode("search", "rivera"))
    assert len(found) == 1
    project.close()
    again = open_project(path)
    assert schema_version(again) == SCHEMA_VERSION
    again.close()


def _unlabeled_and_by_count(project: Project, csv: Path) -> tuple[list[str], list[int], int]:
    """Browse in "next unlabeled by me" (ana), and every post by how many labeled it."""
    from annotator.services.imports.importing import import_dataset
    from annotator.services.labeling.marks import SKIP, set_mark
    from annotator.store.browse import count_browse
    from annotator.store.navigation import annotator_id_of
    from tests.conftest import SMALL_CSV, write_csv

    import_dataset(project, write_csv(csv, SMALL_CSV))
    with project.session() as session:
        ids = {r.external_id: r.post_id for r in browse_page(session, QueueMode("all"), None)}
    _label(project, ids["00123"], "ana", "not_sponsored")
    _label(project, ids["00123"], "ben", "not_sponsored")
    _label(project, ids["42"], "ben", "not_sponsored")
    set_mark(project, post_id=ids["1229871234567890124"], annotator="ana", kind=SKIP, on=True)
    with project.session() as session:
        ana = annotator_id_of(session, "ana")
        unlabeled = browse_page(session, QueueMode("unlabeled"), ana)
        counted = browse_page(session, QueueMode("all"), ana, sort="labels", descending=True)
        return (
            [r.external_id for r in unlabeled],
            [r.annotations for r in counted],
            count_browse(session, QueueMode("unlabeled"), ana),
        )


def test_browse_unlabeled_lists_what_i_neither_labeled_nor_skipped(tmp_path: Path) -> None:
    from annotator.services.project.projects import init_project

    project = init_project(tmp_path / "p.annotator")
    try:
        # ben's label on 42 does not take it out of ana's unlabeled posts.
        found = _unlabeled_and_by_count(project, tmp_path / "small.csv")
        assert found == (["1229871234567890123", "42"], [2, 1, 0, 0], 2)
    finally:
        project.close()


@needs_server
def test_browse_unlabeled_and_label_counts_on_postgresql(database: str, tmp_path: Path) -> None:
    from annotator.services.project.projects import init_project

    project = init_project(database)
    try:
        found = _unlabeled_and_by_count(project, tmp_path / "small.csv")
        assert found == (["1229871234567890123", "42"], [2, 1, 0, 0], 2)
    finally:
        project.close()
