"""What the app shows of clusters: each stored cluster with its spread and label shares, and
one cluster's posts over time.

Everything is counted in SQL, grouped per cluster or per time bucket, so a project with a
million posts and tens of thousands of clusters never loads its posts into Python. A
post's label here is its *resolved* label, as exports write it
(``export_frames.resolved_label``): the gold label, else the label every annotator gave,
else ``UNLABELED`` (nobody labeled it) or ``DISAGREEMENT`` (annotators differ).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlmodel import col

from annotator.store.engine import Project
from annotator.store.tables import Annotation, Cluster, ClusterMember, GoldLabel, Post

#: Resolved "labels" that are not codebook keys (keys are lower-case identifiers, so these
#: can never clash with one).
UNLABELED = "(unlabeled)"
DISAGREEMENT = "(disagreement)"
#: Characters of the representative post kept for the list (the full text is a click away).
PREVIEW_CHARS = 500

Sort = Literal["size", "authors"]
Unit = Literal["hour", "day", "week", "month"]

#: A time SQLite's date functions and ``datetime.fromisoformat`` both read: it starts
#: with an ISO date. Anything else ("Tue Feb 14 2020", "1612345678") counts as undated.
_ISO_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"
_ISO_START = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _sqlite_bucket(when: Any, unit: Unit) -> Any:
    """SQLite's start of the bucket a time falls in, in UTC, as ISO text."""
    if unit == "hour":
        return func.strftime("%Y-%m-%dT%H:00:00", when)
    if unit == "day":
        return func.date(when)
    if unit == "week":
        return func.date(when, "weekday 0", "-6 days")  # the Monday of its week
    return func.strftime("%Y-%m-01", when)


@dataclass(frozen=True)
class ClusterSummary:
    """One cluster as the list shows it."""

    id: int
    size: int
    authors: int
    first: str | None
    last: str | None
    representative_post_id: int
    representative: str
    #: Resolved label -> how many of the cluster's posts have it, most first.
    labels: dict[str, int] = field(default_factory=dict)
    #: How many other posts show the representative post's picture (same content hash);
    #: filled by the Campaigns tab (``services.media.viewing.shared_image_counts``).
    shared_image: int = 0

    def share(self, label: str) -> float:
        """The fraction of the cluster's posts with this resolved label."""
        return self.labels.get(label, 0) / self.size if self.size else 0.0


@dataclass(frozen=True)
class Bucket:
    """Posts of one cluster in one time bucket, per resolved label."""

    start: datetime  # naive, UTC
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Timeline:
    """One cluster's posts per bucket, gaps included, and the posts with no readable time."""

    cluster_id: int
    unit: Unit
    buckets: list[Bucket]
    undated: dict[str, int]

    @property
    def dated_total(self) -> int:
        return sum(b.total for b in self.buckets)

    @property
    def undated_total(self) -> int:
        return sum(self.undated.values())

    def labels(self) -> list[str]:
        """Every resolved label that occurs, most posts first."""
        totals: Counter[str] = Counter(self.undated)
        for bucket in self.buckets:
            totals.update(bucket.counts)
        return [label for label, _ in _most_first(totals)]


# ----- resolved labels --------------------------------------------------------------------------


def _most_first(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most posts first; on a tie codebook labels before the other two, then by key."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].startswith("("), item[0]))


def _resolved_members(*extra: Any) -> Any:
    """cluster_id, post_id, label (and ``extra`` columns of the post) for every member."""
    votes = func.count(func.distinct(col(Annotation.label_key)))
    label = func.coalesce(
        col(GoldLabel.label_key),
        case(
            (votes == 0, literal(UNLABELED)),
            (votes == 1, func.min(col(Annotation.label_key))),
            else_=literal(DISAGREEMENT),
        ),
    ).label("label")
    statement = (
        select(col(ClusterMember.cluster_id), col(ClusterMember.post_id), label, *extra)
        .select_from(ClusterMember)
        .outerjoin(GoldLabel, col(GoldLabel.post_id) == col(ClusterMember.post_id))
        .outerjoin(Annotation, col(Annotation.post_id) == col(ClusterMember.post_id))
        .group_by(
            col(ClusterMember.cluster_id), col(ClusterMember.post_id), col(GoldLabel.label_key)
        )
    )
    if extra:
        statement = statement.join(Post, col(Post.id) == col(ClusterMember.post_id)).group_by(
            *extra
        )
    return statement


def cluster_summaries(
    project: Project, *, min_size: int = 2, sort: Sort = "size"
) -> list[ClusterSummary]:
    """Every cluster of at least ``min_size`` posts, biggest (or most accounts) first."""
    size, authors = col(Cluster.size), col(Cluster.authors)
    order = (size.desc(), authors.desc()) if sort == "size" else (authors.desc(), size.desc())
    with project.session() as session:
        rows = session.execute(
            select(
                col(Cluster.id),
                size,
                authors,
                col(Cluster.first_at),
                col(Cluster.last_at),
                col(Cluster.representative_post_id),
                func.substr(col(Post.text), 1, PREVIEW_CHARS),
            )
            .join(Post, col(Post.id) == col(Cluster.representative_post_id))
            .where(size >= min_size)
            .order_by(*order, col(Cluster.id))
        ).all()
        members = _resolved_members().where(
            col(ClusterMember.cluster_id).in_(select(col(Cluster.id)).where(size >= min_size))
        )
        shares = members.subquery()
        counts: dict[int, Counter[str]] = {}
        for cluster_id, label, count in session.execute(
            select(shares.c.cluster_id, shares.c.label, func.count()).group_by(
                shares.c.cluster_id, shares.c.label
            )
        ):
            counts.setdefault(int(cluster_id), Counter())[str(label)] = int(count)
    return [
        ClusterSummary(
            id=int(cluster_id),
            size=int(cluster_size),
            authors=int(cluster_authors),
            first=first,
            last=last,
            representative_post_id=int(post_id),
            representative=str(text or ""),
            labels=dict(_most_first(counts.get(int(cluster_id), Counter()))),
        )
        for cluster_id, cluster_size, cluster_authors, first, last, post_id, text in rows
    ]


# ----- time buckets -----------------------------------------------------------------------------


def unit_for(span: timedelta) -> Unit:
    """Hours for a burst of up to three days, days up to four months, weeks up to two
    years, months beyond: about a hundred bars at most."""
    if span <= timedelta(days=3):
        return "hour"
    if span <= timedelta(days=120):
        return "day"
    if span <= timedelta(days=730):
        return "week"
    return "month"


def parse_time(value: str | None) -> datetime | None:
    """A post's time as naive UTC, or None when it is not an ISO date (as SQLite reads it)."""
    if not value or not _ISO_START.match(value):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def bucket_start(moment: datetime, unit: Unit) -> datetime:
    """The start of the bucket a time falls in (weeks start on Monday)."""
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_bucket(start: datetime, unit: Unit) -> datetime:
    if unit == "hour":
        return start + timedelta(hours=1)
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(weeks=1)
    return (start + timedelta(days=32)).replace(day=1)


def _fill(counts: dict[datetime, dict[str, int]], unit: Unit) -> list[Bucket]:
    """Buckets from the first to the last, with the empty ones between them."""
    if not counts:
        return []
    buckets, start, last = [], min(counts), max(counts)
    while start <= last:
        buckets.append(Bucket(start, dict(counts.get(start, {}))))
        start = next_bucket(start, unit)
    return buckets


def cluster_timeline(project: Project, cluster_id: int, *, unit: Unit | None = None) -> Timeline:
    """One cluster's posts per time bucket and label; ``unit`` is chosen from the cluster's
    first..last time unless given."""
    if project.is_sqlite:
        return _sqlite_timeline(project, cluster_id, unit)
    return python_timeline(project, cluster_id, unit)


def _sqlite_timeline(project: Project, cluster_id: int, unit: Unit | None) -> Timeline:
    created = col(Post.created_at)
    readable = created.op("GLOB")(_ISO_GLOB)
    day_number: ColumnElement[Any] = case((readable, func.julianday(created)))
    members = (
        _resolved_members(created).where(col(ClusterMember.cluster_id) == cluster_id).subquery()
    )
    when = members.c.created_at
    parsed = case((when.op("GLOB")(_ISO_GLOB), func.julianday(when)))
    with project.session() as session:
        if unit is None:
            earliest, latest = session.execute(
                select(func.min(day_number), func.max(day_number))
                .join(ClusterMember, col(ClusterMember.post_id) == col(Post.id))
                .where(col(ClusterMember.cluster_id) == cluster_id)
            ).one()
            span = (latest - earliest) if earliest is not None else 0.0
            unit = unit_for(timedelta(days=float(span)))
        bucket = case((parsed.is_not(None), _sqlite_bucket(when, unit)))
        counts: dict[datetime, dict[str, int]] = {}
        undated: dict[str, int] = {}
        for start, label, count in session.execute(
            select(bucket, members.c.label, func.count()).group_by(bucket, members.c.label)
        ):
            if start is None:
                undated[str(label)] = int(count)
            else:
                moment = datetime.fromisoformat(str(start))
                counts.setdefault(moment, {})[str(label)] = int(count)
    return Timeline(cluster_id, unit, _fill(counts, unit), undated)


def python_timeline(project: Project, cluster_id: int, unit: Unit | None = None) -> Timeline:
    """The same figures for databases without SQLite's date functions: SQL groups the
    cluster's posts by their time text and label, Python reads the times."""
    members = (
        _resolved_members(col(Post.created_at))
        .where(col(ClusterMember.cluster_id) == cluster_id)
        .subquery()
    )
    times: list[tuple[datetime | None, str, int]] = []
    with project.session() as session:
        for when, label, count in session.execute(
            select(members.c.created_at, members.c.label, func.count()).group_by(
                members.c.created_at, members.c.label
            )
        ):
            times.append((parse_time(when), str(label), int(count)))
    dated = [moment for moment, _, _ in times if moment is not None]
    if unit is None:
        unit = unit_for(max(dated) - min(dated) if dated else timedelta())
    counts: dict[datetime, dict[str, int]] = {}
    undated: dict[str, int] = {}
    for moment, label, count in times:
        if moment is None:
            undated[label] = undated.get(label, 0) + count
        else:
            per_label = counts.setdefault(bucket_start(moment, unit), {})
            per_label[label] = per_label.get(label, 0) + count
    return Timeline(cluster_id, unit, _fill(counts, unit), undated)
