"""Constraints the database itself enforces, whatever code writes to it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from annotator.domain.records import AnnotationChange
from annotator.services.project.projects import Project
from annotator.store.queries import annotation_history, apply_annotation_change


def _first_post_id(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT min(id) FROM post")).scalar_one())


def test_external_id_is_unique_per_dataset(small_project: Project) -> None:
    with pytest.raises(IntegrityError), small_project.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO post (dataset_id, external_id, text, extra, content_hash) "
                "SELECT dataset_id, external_id, 'x', '{}', 'h' FROM post LIMIT 1"
            )
        )


def test_one_current_annotation_per_post_and_annotator(small_project: Project) -> None:
    post_id = _first_post_id(small_project)
    with small_project.session() as session:
        apply_annotation_change(
            session, AnnotationChange(post_id=post_id, annotator="ana", label_key="not_sponsored")
        )
    with pytest.raises(IntegrityError), small_project.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO annotation (post_id, annotator_id, label_key, notes, sponsor, "
                "evidence, seconds_spent, created_at, updated_at) SELECT post_id, annotator_id, "
                "'not_sponsored', '', '', '[]', 0, created_at, updated_at FROM annotation"
            )
        )


def test_label_must_be_in_the_codebook(small_project: Project) -> None:
    post_id = _first_post_id(small_project)
    with pytest.raises(IntegrityError), small_project.session() as session:
        apply_annotation_change(
            session, AnnotationChange(post_id=post_id, annotator="ana", label_key="maybe")
        )


def test_annotation_for_unknown_post_is_refused(small_project: Project) -> None:
    with pytest.raises(IntegrityError), small_project.session() as session:
        apply_annotation_change(
            session, AnnotationChange(post_id=99999, annotator="ana", label_key="not_sponsored")
        )


def test_every_change_is_kept_in_history(small_project: Project) -> None:
    post_id = _first_post_id(small_project)
    with small_project.session() as session:
        for key in ("not_sponsored", "sponsored_disclosed", "sponsored_disclosed", None):
            apply_annotation_change(
                session, AnnotationChange(post_id=post_id, annotator="ana", label_key=key)
            )
        history = annotation_history(session, post_id=post_id)
    # The repeated identical label writes no event; the removal does.
    assert history == [
        ("ana", "set", "not_sponsored"),
        ("ana", "set", "sponsored_disclosed"),
        ("ana", "remove", None),
    ]


@pytest.mark.parametrize(
    "statement", ["UPDATE annotation_event SET label_key = 'x'", "DELETE FROM annotation_event"]
)
def test_history_is_append_only(small_project: Project, statement: str) -> None:
    post_id = _first_post_id(small_project)
    with small_project.session() as session:
        apply_annotation_change(
            session, AnnotationChange(post_id=post_id, annotator="ana", label_key="not_sponsored")
        )
    with (
        pytest.raises((IntegrityError, OperationalError), match="history is append-only"),
        small_project.engine.begin() as connection,
    ):
        connection.execute(text(statement))
