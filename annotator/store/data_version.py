"""The project's data version: one cheap statement that shows whether anyone wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from annotator.domain.changes import DataVersion
from annotator.store.media import MEDIA_VERSION
from annotator.store.tables import (
    AnnotationEvent,
    Dataset,
    GoldEvent,
    ModelRun,
    Post,
    PostMark,
    ProjectMeta,
)


def _highest(column: Any) -> Any:
    """The highest primary key of a table (0 when empty): an index lookup on both stores."""
    # coalesce outside the subquery: SQLite answers a bare max() from the index alone.
    return func.coalesce(select(func.max(column)).scalar_subquery(), 0)


def _count(column: Any) -> Any:
    return select(func.count(column)).scalar_subquery()


def _media_version() -> Any:
    """The count of picture writes after import (fetches, merges): one key lookup."""
    value = select(ProjectMeta.value).where(ProjectMeta.key == MEDIA_VERSION).scalar_subquery()
    return func.coalesce(cast(value, Integer), 0)


def read_data_version(session: Session) -> DataVersion:
    """Highest ids and small counts in one statement; no table is scanned except the
    small ``post_mark`` and ``dataset`` ones (posts are only looked up by highest id)."""
    # Nine columns: more than sqlmodel's typed ``select`` takes, so SQLAlchemy's.
    row = (
        session.connection()
        .execute(
            sa_select(
                _highest(col(AnnotationEvent.id)),
                _highest(col(GoldEvent.id)),
                _highest(col(PostMark.id)),
                _count(col(PostMark.id)),
                _highest(col(Dataset.id)),
                _count(col(Dataset.id)),
                _highest(col(Post.id)),
                _highest(col(ModelRun.id)),
                _media_version(),
            )
        )
        .one()
    )
    label_events, gold_events, mark_id, marks, dataset_id, datasets, post_id, runs, media = (
        int(value) for value in row
    )
    return DataVersion(
        label_events=label_events,
        gold_events=gold_events,
        marks=(mark_id, marks),
        datasets=(dataset_id, datasets, post_id),
        model_runs=runs,
        media=media,
    )
