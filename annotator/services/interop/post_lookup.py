"""Which posts an export writes and which post an imported row means, for both tools."""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session

from annotator.domain.errors import UserError
from annotator.domain.records import PostRecord
from annotator.store.queries import external_id_index, iter_posts, list_datasets

#: The post's fields written beside its text, kept by both tools as task data or metadata.
POST_FIELDS = ("external_id", "dataset", "author", "created_at", "platform", "url")


def check_dataset(session: Session, dataset: str | None) -> None:
    if dataset is not None and dataset not in {d.name for d in list_datasets(session)}:
        raise UserError(f"the project has no dataset {dataset!r}")


def id_index(session: Session, dataset: str | None) -> dict[str, list[int]]:
    """External id -> post ids (of ``dataset``), after checking the dataset exists."""
    check_dataset(session, dataset)
    return external_id_index(session, dataset)


def posts_in(session: Session, dataset: str | None) -> Iterator[PostRecord]:
    return (post for post in iter_posts(session) if dataset is None or post.dataset == dataset)


def one_post(index: dict[str, list[int]], key: str, file: str, number: int, field: str) -> int:
    """The one post with this external id, or an error naming the row and field."""
    post_ids = index.get(key, [])
    if not post_ids:
        raise UserError(f"no post has the id {key!r}", file=file, row=number, column=field)
    if len(post_ids) > 1:
        raise UserError(
            f"the id {key!r} exists in several datasets; name one with --dataset",
            file=file,
            row=number,
            column=field,
        )
    return post_ids[0]


def posts_by_text(session: Session, dataset: str | None) -> dict[str, list[PostRecord]]:
    """Exact post text -> the posts (of ``dataset``) with that text, for files that carry
    the text but no id of ours; two posts can share one text, so callers must check."""
    by_text: dict[str, list[PostRecord]] = {}
    for post in posts_in(session, dataset):
        by_text.setdefault(post.text, []).append(post)
    return by_text
