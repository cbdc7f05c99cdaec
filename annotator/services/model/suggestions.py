"""What the stored predictions suggest: likely label errors and the next posts to label."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from annotator.domain.errors import UserError
from annotator.services.model.report import post_key
from annotator.services.model.stored_predictions import has_predictions
from annotator.store.engine import Project
from annotator.store.navigation import annotator_id_of, unlabeled_filter
from annotator.store.tables import ClusterMember, Dataset, Post, PostPrediction

STRATEGIES = ("unlabeled", "uncertain", "suspects")


def _without_database_id(record: Suspect | NextPost) -> dict[str, Any]:
    """The record for JSON output: the database's own row id means nothing outside it."""
    found = asdict(record)
    del found["database_id"]
    return found


@dataclass(frozen=True)
class Suspect:
    """A labeled post whose own label the out-of-fold model finds unlikely.
    ``confidence``: how sure it is the label is wrong (1 - ``label_probability``)."""

    post_id: str
    label: str
    suggested: str
    confidence: float
    label_probability: float
    database_id: int

    def to_json(self) -> dict[str, Any]:
        return _without_database_id(self)


@dataclass(frozen=True)
class NextPost:
    """A post for an annotator's queue; the model's view of it when there is one."""

    post_id: str
    database_id: int
    predicted: str | None = None
    confidence: float | None = None
    margin: float | None = None
    cluster: int | None = None

    def to_json(self) -> dict[str, Any]:
        return _without_database_id(self)


@dataclass(frozen=True)
class Suggestion:
    """What the model would label one post (``label``: a codebook key) and how sure it is."""

    label: str
    confidence: float


def model_suggestion(project: Project, post_id: int) -> Suggestion | None:
    """The stored prediction for one post (None: no model, or the post came after it)."""
    with project.session() as session:
        found = session.execute(
            select(col(PostPrediction.label), col(PostPrediction.confidence)).where(
                col(PostPrediction.post_id) == post_id
            )
        ).first()
    return None if found is None else Suggestion(str(found[0]), float(found[1]))


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise UserError(f"--limit must be 1 or more, not {limit}.")


def _refuse_without_model(project: Project) -> None:
    if not has_predictions(project):
        raise UserError(
            f"The project has no trained model yet; run 'annotator model {project.location}' first."
        )


def find_suspects(project: Project, limit: int = 50) -> list[Suspect]:
    """Labeled posts, least likely own label first (confident-learning style ranking)."""
    _check_limit(limit)
    _refuse_without_model(project)
    with project.session() as session:
        rows = session.execute(
            select(
                col(PostPrediction.post_id), col(Dataset.name), col(Post.external_id),
                col(PostPrediction.resolved_label), col(PostPrediction.oof_label),
                col(PostPrediction.own_label_probability), col(PostPrediction.probabilities),
            )
            .join(Post, col(Post.id) == col(PostPrediction.post_id))
            .join(Dataset, col(Dataset.id) == col(Post.dataset_id))
            .where(col(PostPrediction.own_label_probability).is_not(None))
            .order_by(col(PostPrediction.own_label_probability), col(PostPrediction.post_id))
            .limit(limit)
        ).all()  # fmt: skip
    return [
        Suspect(
            post_id=post_key(str(r[1]), str(r[2])), label=str(r[3]), suggested=str(r[4]),
            confidence=round(1.0 - float(r[5]), 4),
            label_probability=round(float(r[5]), 4), database_id=int(r[0]),
        )
        for r in rows
    ]  # fmt: skip


def next_posts(
    project: Project, annotator: str, strategy: str = "unlabeled", limit: int = 10
) -> list[NextPost]:
    """The posts ``annotator``'s queue would show next under ``strategy``, in the app's
    queue order (``uncertain``: smallest margin first, round by round across clusters).
    ``suspects`` includes posts the annotator labeled: rechecking one's own label is the
    point."""
    _check_limit(limit)
    if strategy not in STRATEGIES:
        raise UserError(f"--strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r}.")
    if strategy == "suspects":
        return [
            NextPost(post_id=s.post_id, database_id=s.database_id, predicted=s.suggested,
                     confidence=s.confidence)
            for s in find_suspects(project, limit)
        ]  # fmt: skip
    if strategy == "uncertain":
        _refuse_without_model(project)
    with project.session() as session:
        annotator_id = annotator_id_of(session, annotator)
        statement = (
            select(
                col(Post.id), col(Dataset.name), col(Post.external_id), col(PostPrediction.label),
                col(PostPrediction.confidence), col(PostPrediction.margin),
                col(ClusterMember.cluster_id),
            )
            .join(Dataset, col(Dataset.id) == col(Post.dataset_id))
            .outerjoin(PostPrediction, col(PostPrediction.post_id) == col(Post.id))
            .outerjoin(ClusterMember, col(ClusterMember.post_id) == col(Post.id))
            .where(unlabeled_filter(annotator_id))
        )  # fmt: skip
        if strategy == "unlabeled":
            rows = session.execute(statement.order_by(col(Post.id)).limit(limit)).all()
        else:
            # The app's "Most informative first" order (services/model/queue_order.py).
            rows = session.execute(
                statement.where(col(PostPrediction.margin).is_not(None))
                .order_by(
                    col(PostPrediction.spread_round), col(PostPrediction.margin), col(Post.id)
                )
                .limit(limit)
            ).all()
    found = [
        NextPost(
            post_id=post_key(str(r[1]), str(r[2])), database_id=int(r[0]),
            predicted=None if r[3] is None else str(r[3]),
            confidence=None if r[4] is None else round(float(r[4]), 4),
            margin=None if r[5] is None else round(float(r[5]), 4),
            cluster=None if r[6] is None else int(r[6]),
        )
        for r in rows
    ]  # fmt: skip
    return found
