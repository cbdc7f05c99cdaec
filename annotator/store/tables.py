"""SQLModel tables of a project. Bump ``SCHEMA_VERSION`` on any change to them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

#: Version of the table layout written into every project file.
SCHEMA_VERSION = 15

#: Marks a database as ours, so we never mistake someone else's SQLite file for a project.
PROJECT_FORMAT = "annotator-project"


def new_uid() -> str:
    """A random id for a change, the same in every copy of the project it travels to."""
    return uuid.uuid4().hex


def utc_now() -> datetime:
    """Every timestamp is an aware UTC datetime."""
    return datetime.now(UTC)


#: The ``project_meta`` key written when the posts were last searched for clusters.
CLUSTERS_SEARCHED_AT = "clusters_searched_at"


class ProjectMeta(SQLModel, table=True):
    """Key/value facts about the project file itself: format, schema version, settings."""

    __tablename__ = "project_meta"

    key: str = Field(primary_key=True)
    value: str


class CodebookLabel(SQLModel, table=True):
    """One label of the project's codebook, in display order.

    ``examples`` (a JSON list of short post texts) is a column here rather than a JSON
    map in ``project_meta``: examples belong to one label, so they are read with it,
    copied with it into packages and cannot be left behind naming a label that is gone.
    """

    __tablename__ = "codebook_label"

    id: int | None = Field(default=None, primary_key=True)
    position: int = Field(index=True)
    key: str = Field(unique=True)
    display_name: str
    description: str = ""
    shortcut: str = ""
    examples: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class Dataset(SQLModel, table=True):
    """One imported file's posts, under a user-chosen name."""

    __tablename__ = "dataset"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    source_name: str
    source_sha256: str
    imported_at: datetime = Field(default_factory=utc_now)
    column_mapping: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    #: The source columns kept in its posts' ``extra``, in first-seen order. Kept here by
    #: the import so an export knows its columns without a pass over every post's JSON
    #: (that pass took as long as writing a million posts to Parquet).
    extra_columns: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class Post(SQLModel, table=True):
    """A post; every source column not mapped to a field is kept in ``extra``."""

    __tablename__ = "post"
    __table_args__ = (UniqueConstraint("dataset_id", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    dataset_id: int = Field(
        sa_column=Column(Integer, ForeignKey("dataset.id", ondelete="CASCADE"), nullable=False)
    )
    external_id: str
    text: str
    author: str | None = Field(default=None, index=True)
    created_at: str | None = None
    platform: str | None = None
    url: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    content_hash: str = Field(index=True)


class Annotator(SQLModel, table=True):
    """A person who labels posts."""

    __tablename__ = "annotator"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    created_at: datetime = Field(default_factory=utc_now)
    #: Set when the lead merged this spelling into another annotator; new labels under
    #: this name go to that one, old history keeps pointing here.
    merged_into: int | None = Field(default=None, foreign_key="annotator.id")


class Annotation(SQLModel, table=True):
    """The current label of one post by one annotator; history keeps every change."""

    __tablename__ = "annotation"
    __table_args__ = (
        UniqueConstraint("post_id", "annotator_id"),
        CheckConstraint("seconds_spent >= 0", name="seconds_spent_not_negative"),
        # My labeled posts in post order, from the index alone: the informative queue
        # counts those with a prediction after every label (300,000 posts, 20,000 labels:
        # 7 ms, against 45 ms through the annotator index alone, measured).
        Index("ix_annotation_annotator_post", "annotator_id", "post_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    )
    annotator_id: int = Field(
        sa_column=Column(Integer, ForeignKey("annotator.id"), nullable=False, index=True)
    )
    label_key: str = Field(foreign_key="codebook_label.key", index=True)
    notes: str = ""
    sponsor: str = ""
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    seconds_spent: float = 0.0
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class AnnotationEvent(SQLModel, table=True):
    """Append-only history: one row per change of an annotation, including removals."""

    __tablename__ = "annotation_event"
    #: One pair's history is read by merges (rebuilding an annotation) and the post's
    #: history view; without it each read scanned the whole history.
    __table_args__ = (Index("ix_annotation_event_post_annotator", "post_id", "annotator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    )
    annotator_id: int = Field(sa_column=Column(Integer, ForeignKey("annotator.id"), nullable=False))
    action: str  # "set" or "remove"
    label_key: str | None = None
    previous_label_key: str | None = None
    notes: str = ""
    sponsor: str = ""
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    seconds_spent: float = 0.0
    at: datetime = Field(default_factory=utc_now, index=True)
    #: Identity of the change across copies of a project (packages, merges).
    uid: str = Field(default_factory=new_uid, unique=True)


class Draft(SQLModel, table=True):
    """What one annotator typed on one post and has not given as a label yet (notes,
    sponsor, evidence). Kept apart from ``annotation`` so that nothing counting labels
    can ever count a draft; no history, it is overwritten as the person types."""

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("post_id", "annotator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    )
    annotator_id: int = Field(
        sa_column=Column(Integer, ForeignKey("annotator.id"), nullable=False, index=True)
    )
    notes: str = ""
    sponsor: str = ""
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    updated_at: datetime = Field(default_factory=utc_now)


class GoldLabel(SQLModel, table=True):
    """The adjudicated label of a post."""

    __tablename__ = "gold_label"

    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    )
    label_key: str = Field(foreign_key="codebook_label.key")
    decided_by: str = ""
    notes: str = ""
    decided_at: datetime = Field(default_factory=utc_now)


class PostMark(SQLModel, table=True):
    """An annotator's mark on a post that is not a label: "skip" or "flag" (for the lead)."""

    __tablename__ = "post_mark"
    __table_args__ = (UniqueConstraint("post_id", "annotator_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    )
    annotator_id: int = Field(sa_column=Column(Integer, ForeignKey("annotator.id"), nullable=False))
    kind: str = Field(index=True)
    note: str = ""
    at: datetime = Field(default_factory=utc_now)


class GoldEvent(SQLModel, table=True):
    """Append-only history of gold decisions: every adjudication and every change."""

    __tablename__ = "gold_event"

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    )
    label_key: str | None = None
    previous_label_key: str | None = None
    decided_by: str = ""
    notes: str = ""
    method: str = "adjudicated"  # or "unanimous" (pre-filled by majority vote)
    at: datetime = Field(default_factory=utc_now, index=True)


class Assignment(SQLModel, table=True):
    """A post handed to an annotator by the lead; the annotator's queue follows it."""

    __tablename__ = "assignment"
    __table_args__ = (UniqueConstraint("post_id", "annotator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    )
    annotator_id: int = Field(
        sa_column=Column(Integer, ForeignKey("annotator.id"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=utc_now)


class Cluster(SQLModel, table=True):
    """A cluster: posts with the same or nearly the same text (it may reveal coordinated
    posting)."""

    __tablename__ = "cluster"

    id: int | None = Field(default=None, primary_key=True)
    size: int = Field(index=True)
    authors: int
    first_at: str | None = None
    last_at: str | None = None
    representative_post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), nullable=False)
    )


class ClusterMember(SQLModel, table=True):
    """Which cluster a post belongs to (at most one)."""

    __tablename__ = "cluster_member"

    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    )
    cluster_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cluster.id", ondelete="CASCADE"), index=True)
    )


class ModelRun(SQLModel, table=True):
    """One training of the project's baseline model: when, how, on which labels, and its
    cross-validated report (JSON), so a result can be traced to the labels it learned."""

    __tablename__ = "model_run"

    id: int | None = Field(default=None, primary_key=True)
    trained_at: datetime = Field(default_factory=utc_now)
    settings: str = "{}"
    labels_hash: str = ""
    report: str = "{}"


class PostPrediction(SQLModel, table=True):
    """The latest model run's prediction for a post (one row per post, replaced whole by
    each run). ``own_label_probability`` and ``oof_label`` are out-of-fold: set only for
    posts the model learned from, so they judge a label the model did not see."""

    __tablename__ = "post_prediction"
    # The two model queues walk these orders by keyset (store/navigation.py): an index
    # on each whole order makes the next post one index step.
    __table_args__ = (
        Index("ix_post_prediction_informative", "spread_round", "margin", "post_id"),
        Index("ix_post_prediction_suspects", "own_label_probability", "post_id"),
    )

    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    )
    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("model_run.id", ondelete="CASCADE"), nullable=False)
    )
    label: str
    confidence: float
    margin: float
    resolved_label: str | None = None
    oof_label: str | None = None
    own_label_probability: float | None = None
    probabilities: str = "{}"
    #: 0 for the smallest-margin post of its cluster (and any post in no cluster), 1 for
    #: the next, and so on: "most informative first" walks round by round, so one
    #: campaign never fills the queue (services/model/queue_order.py).
    spread_round: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class MediaImage(SQLModel, table=True):
    """One picture stored in the project, content-addressed: ``sha256`` of the bytes it was
    read from, so one image shared by a thousand copy-paste posts is stored once. It keeps
    a display copy (at most 1,600 px on the long side) and a thumbnail, never the original:
    the project stays one file you can copy, and deleting the source folder changes nothing."""

    __tablename__ = "media_image"

    sha256: str = Field(primary_key=True)
    format: str
    width: int
    height: int
    source_bytes: int
    display: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    thumbnail: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class PostMedia(SQLModel, table=True):
    """One picture or video of a post, in the order the source gave them: where it came
    from (``source`` as written in ``source_column``), and what became of it. ``status`` is
    "stored" (``image_sha256`` set), "missing" (no such file), "refused" (not an image we
    read, or hostile; ``message`` says why), "remote" (a URL not fetched) or "failed" (a
    fetch that did not work; ``message`` says why)."""

    __tablename__ = "post_media"
    __table_args__ = (
        CheckConstraint(
            "status IN ('stored', 'missing', 'refused', 'remote', 'failed')",
            name="ck_post_media_status",
        ),
        # "Does the project show any picture?" and the fetcher's work list read by status.
        Index("ix_post_media_status", "status", "post_id"),
    )

    post_id: int = Field(
        sa_column=Column(Integer, ForeignKey("post.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = Field(primary_key=True)
    kind: str = "image"
    source_column: str
    source: str
    status: str
    image_sha256: str | None = Field(
        default=None,
        sa_column=Column(String, ForeignKey("media_image.sha256"), nullable=True, index=True),
    )
    message: str | None = None
