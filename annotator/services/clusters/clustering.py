"""Finding clusters: groups of near-duplicate posts, exact copies included.

Exact copies are grouped by their normalised text (``domain.text_similarity``); one post
of each group then gets a MinHash signature over character 5-grams (datasketch), and
the signatures are banded as in LSH so a talking point with a word changed still lands
with the others. Candidate pairs are checked against the threshold on their estimated
Jaccard similarity before they join. ``benchmarks/cluster_quality.py`` measures the
result: pairwise precision and recall against generated campaigns, per threshold.
"""

from __future__ import annotations

import hashlib
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, text
from sqlmodel import col

from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.domain.text_similarity import normalise, shingles
from annotator.services.project.project_settings import check_cluster_threshold, cluster_threshold
from annotator.store.engine import Project
from annotator.store.tables import CLUSTERS_SEARCHED_AT, Cluster, ClusterMember, Post, ProjectMeta

NUM_PERM = 64
BATCH = 10_000
#: Texts shorter than this (in normalised characters) are too generic to cluster.
MIN_CHARS = 20
#: How datasketch's band choice weighs a candidate pair below the threshold against a
#: pair above it that never becomes a candidate (its own default is 0.5 and 0.5, which
#: missed a third of the pairs just above the threshold: benchmarks/cluster_quality.py).
FALSE_CANDIDATE_WEIGHT = 0.2
MISSED_PAIR_WEIGHT = 0.8
#: Buckets up to this size are compared all against all (8,128 pairs at most).
ALL_PAIRS = 128
#: Candidate pairs compared at once: two 64 x 4-byte rows each, 64 MiB.
_CHUNK = 131_072
#: Similar pairs gathered before they are folded into components.
_FOLD = 2_000_000
#: Odd 64-bit multipliers that fold one LSH band's rows into a single bucket key; one per
#: permutation, as a threshold of 1.0 puts all of them in a single band. Fixed seed, so
#: the same posts always group the same way.
_BAND_MIX = (np.random.default_rng(20261128).integers(0, 2**62, NUM_PERM, dtype=np.uint64) << 1) | 1


@dataclass
class ClusterRecord:
    """One cluster: posts with the same or nearly the same text."""

    id: int
    size: int
    authors: int
    first: str | None
    last: str | None
    representative: str
    post_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "authors": self.authors,
            "first": self.first,
            "last": self.last,
            "representative": self.representative,
            "post_ids": self.post_ids,
        }


def _hash32(shingle: str) -> int:
    """CRC-32 of the shingle: several times faster than datasketch's default SHA-1 and,
    unlike Python's ``hash``, the same in every run, so the same posts always group the
    same way."""
    return zlib.crc32(shingle.encode())


@dataclass
class _ExactGroups:
    """Posts grouped by normalised text, in compact arrays (a million posts fit easily)."""

    post_ids: array[int] = field(default_factory=lambda: array("q"))
    group_of_post: array[int] = field(default_factory=lambda: array("q"))
    signatures: list[np.ndarray] = field(default_factory=list)


def _signatures(texts: list[str]) -> np.ndarray:
    """MinHash signatures of a batch, one row each; ``bulk`` shares one set of
    permutations across the batch (building them per text cost more than hashing)."""
    from datasketch import MinHash  # SciPy comes with it: not at the app's start-up.

    minhashes = MinHash.bulk(
        [list(shingles(key)) for key in texts], num_perm=NUM_PERM, hashfunc=_hash32
    )
    return np.array([m.hashvalues for m in minhashes], dtype=np.uint32)


def _group_exact(
    project: Project, total: int, progress: ProgressCallback, cancel: CancelToken
) -> tuple[_ExactGroups, int]:
    """One pass over the posts: exact groups, and a signature for each group's first text."""
    found = _ExactGroups()
    group_by_digest: dict[bytes, int] = {}
    pending: list[str] = []
    done = 0
    with project.engine.connect() as connection:
        # Streamed: a million post texts never sit in memory at once.
        rows = connection.execution_options(yield_per=20_000).execute(
            select(col(Post.id), col(Post.text))
        )
        for row_id, post_text in rows:
            done += 1
            key = normalise(post_text)
            if len(key) < MIN_CHARS:
                continue
            digest = hashlib.sha1(key.encode()).digest()[:12]
            group = group_by_digest.get(digest)
            if group is None:
                group = group_by_digest[digest] = len(group_by_digest)
                pending.append(key)
                if len(pending) == BATCH:
                    cancel.raise_if_cancelled()
                    progress(done, total, "Comparing texts")
                    found.signatures.append(_signatures(pending))
                    pending = []
            found.post_ids.append(int(row_id or 0))
            found.group_of_post.append(group)
    if pending:
        found.signatures.append(_signatures(pending))
    return found, len(group_by_digest)


def _bands(threshold: float) -> tuple[int, int]:
    """Bands and rows per band for the threshold: datasketch's choice, weighted so that a
    pair at the threshold is rarely missed (every candidate is checked afterwards, so an
    extra candidate costs a comparison while a missed one splits a campaign)."""
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, NUM_PERM, FALSE_CANDIDATE_WEIGHT, MISSED_PAIR_WEIGHT)
    return int(bands), int(rows)


def _close_pairs(
    signatures: np.ndarray, left: np.ndarray, right: np.ndarray, needed: float
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The candidate pairs whose signatures agree in ``needed`` rows or more, compared a
    chunk at a time (two gathered rows per pair)."""
    for start in range(0, len(left), _CHUNK):
        a, b = left[start : start + _CHUNK], right[start : start + _CHUNK]
        close = np.count_nonzero(signatures[a] == signatures[b], axis=1) >= needed
        if close.any():
            yield a[close], b[close]


def _leader_pairs(
    signatures: np.ndarray, bucket: np.ndarray, needed: float
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs in a big bucket: the first text leads, texts similar enough to the leader
    pair with it and the rest form the bucket again, so one big campaign costs a pass
    per variant, not the square of its size."""
    while len(bucket) > 1:
        leader, rest = bucket[0], bucket[1:]
        close = np.count_nonzero(signatures[rest] == signatures[leader], axis=1) >= needed
        if close.any():
            yield np.full(int(close.sum()), leader), rest[close]
        bucket = rest[~close]


def _similar_pairs(
    signatures: np.ndarray, threshold: float, cancel: CancelToken
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs of texts whose estimated Jaccard similarity reaches the threshold.

    The banding is LSH as datasketch's ``MinHashLSH`` does it, but on numpy arrays: its
    index keeps Python objects per band per text, about 2.5 KB a text, which put a
    million posts over 3 GiB. In a band, texts sharing a bucket of up to ``ALL_PAIRS``
    are compared all against all, every bucket of one size at once (most buckets hold
    two texts that met by chance: a Python loop per bucket would cost more than the
    comparisons); bigger buckets go through ``_leader_pairs``.
    """
    bands, rows = _bands(threshold)
    needed = threshold * NUM_PERM
    for band in range(bands):
        cancel.raise_if_cancelled()
        part = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
        keys = (part * _BAND_MIX[:rows]).sum(axis=1, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, len(ordered)])
        for size in np.unique(sizes[(sizes > 1) & (sizes <= ALL_PAIRS)]):
            members = order[starts[sizes == size][:, None] + np.arange(size)]
            first, second = np.triu_indices(int(size), k=1)
            yield from _close_pairs(
                signatures, members[:, first].ravel(), members[:, second].ravel(), needed
            )
        big = sizes > ALL_PAIRS
        for start, size in zip(starts[big], sizes[big], strict=True):
            yield from _leader_pairs(signatures, order[start : start + size], needed)


def _connect(count: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components of ``count`` texts under the pairs (a label per text)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(count, count))
    labels: np.ndarray = connected_components(graph, directed=False)[1]
    return labels


def _components(count: int, pairs: Iterable[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Connected components of the groups under the similar pairs (a label per group).

    One campaign's copies meet again in band after band, so whenever ``_FOLD`` pairs have
    gathered they are folded into the components so far, kept as one pair per member
    (member, first member): memory follows the texts in clusters, not the pairs found."""
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    gathered = 0
    for left, right in pairs:
        lefts.append(left)
        rights.append(right)
        gathered += len(left)
        if gathered >= _FOLD:
            labels = _connect(count, np.concatenate(lefts), np.concatenate(rights))
            first = np.full(int(labels.max()) + 1, count)
            np.minimum.at(first, labels, np.arange(count))
            joined = np.flatnonzero(first[labels] != np.arange(count))
            lefts, rights, gathered = [joined], [first[labels[joined]]], len(joined)
    if not gathered:
        return np.arange(count)
    return _connect(count, np.concatenate(lefts), np.concatenate(rights))


#: First and last times come from ISO dates only: text order is time order for them, not
#: for "Sun May 02 ..." and the like (the cluster timeline counts those apart).
_ISO = " AND p.created_at LIKE '____-__-__%'"


def _note_searched(connection: Any) -> None:
    """Remember that the posts were searched, in the same transaction as the clusters:
    a project with no near-copies at all stores no cluster, and without this note the
    model (which groups its folds by cluster) would search again on every retraining."""
    connection.execute(delete(ProjectMeta).where(col(ProjectMeta.key) == CLUSTERS_SEARCHED_AT))
    connection.execute(
        insert(ProjectMeta).values(key=CLUSTERS_SEARCHED_AT, value=datetime.now(UTC).isoformat())
    )


def _store(project: Project, post_ids: np.ndarray, cluster_of_post: np.ndarray) -> int:
    """Replace the stored clusters; numbered by size, biggest first. Counts in SQL."""
    in_cluster = cluster_of_post >= 0
    post_ids, cluster_of_post = post_ids[in_cluster], cluster_of_post[in_cluster]
    sizes = np.bincount(cluster_of_post) if len(cluster_of_post) else np.zeros(0, np.int64)
    # Biggest first; ties by smallest member so numbering is the same in every run.
    firsts = np.full(len(sizes), np.iinfo(np.int64).max)
    np.minimum.at(firsts, cluster_of_post, post_ids)
    ranking = np.lexsort((firsts, -sizes))
    number = np.empty(len(sizes), dtype=np.int64)
    number[ranking] = np.arange(1, len(sizes) + 1)
    with project.session() as session:
        connection = session.connection()
        connection.execute(delete(ClusterMember))
        connection.execute(delete(Cluster))
        _note_searched(connection)
        if not len(sizes):
            return 0
        connection.execute(
            insert(Cluster),
            [
                {
                    "id": int(number[c]),
                    "size": int(sizes[c]),
                    "authors": 0,
                    "representative_post_id": int(firsts[c]),
                }
                for c in ranking
            ],
        )
        members = np.column_stack((post_ids, number[cluster_of_post]))
        for start in range(0, len(members), 50_000):
            connection.execute(
                insert(ClusterMember),
                [
                    {"post_id": int(p), "cluster_id": int(c)}
                    for p, c in members[start : start + 50_000]
                ],
            )
        connection.execute(
            text(
                "UPDATE cluster SET"
                " authors = (SELECT count(DISTINCT NULLIF(p.author, '')) FROM cluster_member m"
                "  JOIN post p ON p.id = m.post_id WHERE m.cluster_id = cluster.id),"
                " first_at = (SELECT min(p.created_at) FROM cluster_member m"
                f"  JOIN post p ON p.id = m.post_id WHERE m.cluster_id = cluster.id{_ISO}),"
                " last_at = (SELECT max(p.created_at) FROM cluster_member m"
                f"  JOIN post p ON p.id = m.post_id WHERE m.cluster_id = cluster.id{_ISO})"
            )
        )
    return len(sizes)


def find_clusters(
    project: Project,
    *,
    threshold: float | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Group the project's posts and store the groups of two or more; returns how many.

    Without ``threshold``, the project's own similarity (``cluster_threshold``) is used."""
    threshold = check_cluster_threshold(
        cluster_threshold(project) if threshold is None else threshold
    )
    cancel = cancel or CancelToken()
    with project.session() as session:
        total = int(session.execute(select(func.count()).select_from(Post)).scalar_one())
    progress(0, total, "Grouping identical texts")
    exact, count = _group_exact(project, total, progress, cancel)
    signatures = (
        np.concatenate(exact.signatures)
        if exact.signatures
        else np.zeros((0, NUM_PERM), dtype=np.uint32)
    )
    exact.signatures.clear()
    progress(total, total, "Comparing similar texts")
    component = _components(count, _similar_pairs(signatures, threshold, cancel))
    del signatures
    group_of_post = np.frombuffer(exact.group_of_post, dtype=np.int64)
    posts_per_component = np.bincount(component[group_of_post], minlength=count)
    # Components of two or more posts become clusters, numbered densely.
    dense = np.full(count, -1, dtype=np.int64)
    big = posts_per_component >= 2
    dense[big] = np.arange(int(big.sum()))
    cluster_of_post = dense[component[group_of_post]]
    cancel.raise_if_cancelled()
    stored = _store(project, np.frombuffer(exact.post_ids, dtype=np.int64), cluster_of_post)
    progress(total, total, f"{stored:,} groups found")
    return stored


def list_clusters(project: Project, *, min_size: int = 2) -> list[ClusterRecord]:
    """Stored clusters, biggest first, with their posts' external ids."""
    with project.session() as session:
        clusters = (
            session.execute(
                select(Cluster)
                .where(col(Cluster.size) >= min_size)
                .order_by(col(Cluster.size).desc(), col(Cluster.authors).desc(), col(Cluster.id))
            )
            .scalars()
            .all()
        )
        members: dict[int, list[str]] = {}
        for cluster_id, external_id in session.execute(
            select(col(ClusterMember.cluster_id), col(Post.external_id))
            .join(Post, col(Post.id) == col(ClusterMember.post_id))
            .order_by(col(Post.id))
        ).all():
            members.setdefault(int(cluster_id), []).append(str(external_id))
        texts = dict(
            session.execute(
                select(col(Post.id), col(Post.text)).where(
                    col(Post.id).in_([c.representative_post_id for c in clusters])
                )
            ).all()
        )
        return [
            ClusterRecord(
                id=int(c.id or 0),
                size=c.size,
                authors=c.authors,
                first=c.first_at,
                last=c.last_at,
                representative=str(texts.get(c.representative_post_id, "")),
                post_ids=members.get(int(c.id or 0), []),
            )
            for c in clusters
        ]


def cluster_of(project: Project, post_id: int) -> tuple[ClusterRecord, list[int]] | None:
    """The cluster a post belongs to and its members' post ids, or None."""
    found = post_cluster(project, post_id)
    if found is None:
        return None
    return found[0], cluster_member_ids(project, found[0].id)


def post_cluster(project: Project, post_id: int) -> tuple[ClusterRecord, int] | None:
    """The cluster a post belongs to and how many accounts posted its other copies, or
    None: the Label tab's badge at every post, so a few indexed reads whatever the size
    of the cluster (reading its members one by one took 2 s for a 4,000-post cluster)."""
    with project.session() as session:
        cluster_id = session.execute(
            select(col(ClusterMember.cluster_id)).where(col(ClusterMember.post_id) == post_id)
        ).scalar()
        if cluster_id is None:
            return None
        cluster = session.get(Cluster, cluster_id)
        assert cluster is not None
        # The cluster's stored count of accounts, less this post's account unless
        # another copy has it too: one lookup on the author index, not a scan of members.
        own = session.execute(select(col(Post.author)).where(col(Post.id) == post_id)).scalar()
        others = cluster.authors
        if own:
            shared = session.execute(
                select(col(Post.id))
                .join(ClusterMember, col(ClusterMember.post_id) == col(Post.id))
                .where(
                    col(Post.author) == own,
                    col(Post.id) != post_id,
                    col(ClusterMember.cluster_id) == cluster_id,
                )
                .limit(1)
            ).first()
            others -= shared is None
        text = session.get(Post, cluster.representative_post_id)
        record = ClusterRecord(
            id=int(cluster.id or 0),
            size=cluster.size,
            authors=cluster.authors,
            first=cluster.first_at,
            last=cluster.last_at,
            representative=text.text if text else "",
        )
        return record, int(others)


def cluster_member_ids(project: Project, cluster_id: int) -> list[int]:
    """A cluster's posts' ids, in id order."""
    with project.session() as session:
        return [
            int(i)
            for i in session.execute(
                select(col(ClusterMember.post_id))
                .where(col(ClusterMember.cluster_id) == cluster_id)
                .order_by(col(ClusterMember.post_id))
            ).scalars()
        ]
