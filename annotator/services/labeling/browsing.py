"""Read-only views of a project for the browse table and the side lists."""

from __future__ import annotations

from sqlalchemy.exc import NoResultFound

from annotator.domain.queue_modes import QueueMode
from annotator.domain.records import AuthorPost, BrowseRow, PostRecord
from annotator.store.browse import (
    author_posts,
    browse_page,
    count_author_posts,
    count_browse,
    known_sponsors,
)
from annotator.store.engine import Project
from annotator.store.navigation import annotator_id_of
from annotator.store.queries import annotator_names, get_post, list_datasets


def browse_rows(
    project: Project,
    mode: QueueMode,
    annotator: str | None,
    *,
    sort: str = "id",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[BrowseRow]:
    """One page of the browse table, with ``annotator``'s label and notes."""
    with project.session() as session:
        who = annotator_id_of(session, annotator) if annotator else None
        return browse_page(
            session, mode, who, sort=sort, descending=descending, offset=offset, limit=limit
        )


def count_rows(project: Project, mode: QueueMode, annotator: str | None) -> int:
    """How many posts the browse table holds in this mode ("unlabeled": those I have
    neither labeled nor skipped)."""
    with project.session() as session:
        who = annotator_id_of(session, annotator) if annotator else None
        return count_browse(session, mode, who)


def other_posts_by(
    project: Project, author: str, *, exclude_post_id: int | None, limit: int = 50
) -> tuple[list[AuthorPost], int]:
    """The author's other posts with their labels, and how many posts the author has."""
    with project.session() as session:
        posts = author_posts(session, author=author, exclude_post_id=exclude_post_id, limit=limit)
        return posts, count_author_posts(session, author)


def more_posts_by(
    project: Project, author: str, *, exclude_post_id: int | None, before_id: int, limit: int
) -> list[AuthorPost]:
    """The next page of the author's other posts: those older than ``before_id``."""
    with project.session() as session:
        return author_posts(
            session,
            author=author,
            exclude_post_id=exclude_post_id,
            limit=limit,
            before_id=before_id,
        )


def sponsor_names(project: Project) -> list[str]:
    """Sponsors already entered, most used first."""
    with project.session() as session:
        return known_sponsors(session)


def dataset_names(project: Project) -> list[str]:
    with project.session() as session:
        return [dataset.name for dataset in list_datasets(session)]


def annotator_list(project: Project) -> list[str]:
    """Every annotator's name, sorted."""
    with project.session() as session:
        return annotator_names(session)


def post_by_id(project: Project, post_id: int) -> PostRecord | None:
    """One post, or None when it is gone."""
    with project.session() as session:
        try:
            return get_post(session, post_id)
        except NoResultFound:
            return None
