"""Finding copy-paste campaigns: posts with the same text, and near-duplicates.

Exact copies are grouped by their normalised text (``domain.text_similarity``); one post
of each group then goes through MinHash LSH (datasketch) over character 5-grams, so a
talking point with a word changed still lands with the others. Candidate pairs are
checked against the threshold on their estimated Jaccard similarity before they join.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlmodel import col

from annotator.domain.progress import CancelToken, ProgressCallback, no_progress
from annotator.domain.text_similarity import normalise, shingles
from annotator.store.engine import Project
from annotator.store.tables import Cluster, ClusterMember, Post

DEFAULT_THRESHOLD = 0.7
NUM_PERM = 64
BATCH = 10_000
#: Texts shorter than this (in normalised characters) are too generic to call a campaign.
MIN_CHARS = 20


@dataclass
class ClusterRecord:
    """One campaign-like group of posts."""

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


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.parent[item] = self.find(parent)
        return parent

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def find_clusters(
    project: Project,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Group the project's posts and store the groups of two or more; returns how many."""
    # Imported here: datasketch pulls in SciPy (0.4 s), which the app's start-up should
    # not pay for.
    from datasketch import MinHash, MinHashLSH

    cancel = cancel or CancelToken()
    with project.session() as session:
        total = int(session.execute(select(func.count()).select_from(Post)).scalar_one())
    progress(0, total, "Grouping identical texts")
    groups: dict[str, list[int]] = {}
    texts: dict[str, str] = {}
    info: dict[int, tuple[str | None, str | None]] = {}
    with project.engine.connect() as connection:
        # Streamed: a million post texts never sit in memory at once.
        rows = connection.execution_options(yield_per=20_000).execute(
            select(col(Post.id), col(Post.text), col(Post.author), col(Post.created_at))
        )
        for row_id, text, author, created_at in rows:
            post_id = int(row_id or 0)
            key = normalise(text)
            info[post_id] = (author, created_at)
            if len(key) >= MIN_CHARS:
                digest = hashlib.sha1(key.encode()).hexdigest()
                groups.setdefault(digest, []).append(post_id)
                texts.setdefault(digest, key)
    found = _UnionFind()
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    # Only the signatures are kept (not MinHash objects): a million of them must fit.
    hashes: dict[str, np.ndarray] = {}
    items = list(texts.items())
    for start in range(0, len(items), BATCH):
        cancel.raise_if_cancelled()
        progress(start, len(items), "Comparing texts")
        batch = items[start : start + BATCH]
        # bulk() shares one set of permutations across the batch (building them per
        # MinHash object cost more than the hashing itself).
        minhashes = MinHash.bulk(
            [list(shingles(key)) for _, key in batch], num_perm=NUM_PERM, hashfunc=_hash32
        )
        for (digest, _key), minhash in zip(batch, minhashes, strict=True):
            joined = False
            signature = minhash.hashvalues
            for other in lsh.query(minhash):
                if np.count_nonzero(hashes[other] == signature) / NUM_PERM >= threshold:
                    found.union(groups[other][0], groups[digest][0])
                    joined = True
            # Only texts that joined no group go into the index: each group keeps one
            # entry, so a talking point copied 100,000 times costs one comparison per copy.
            if not joined:
                lsh.insert(digest, minhash)
                hashes[digest] = signature
    members: dict[int, list[int]] = {}
    for ids in groups.values():
        root = found.find(ids[0])
        members.setdefault(root, []).extend(ids)
    clusters = [sorted(ids) for ids in members.values() if len(ids) >= 2]
    cancel.raise_if_cancelled()
    with project.session() as session:
        connection = session.connection()
        connection.execute(delete(ClusterMember))
        connection.execute(delete(Cluster))
        for number, ids in enumerate(sorted(clusters, key=len, reverse=True), start=1):
            authors = {info[i][0] for i in ids if info[i][0]}
            times = sorted(str(info[i][1]) for i in ids if info[i][1])
            connection.execute(
                insert(Cluster),
                [
                    {
                        "id": number,
                        "size": len(ids),
                        "authors": len(authors),
                        "first_at": times[0] if times else None,
                        "last_at": times[-1] if times else None,
                        "representative_post_id": ids[0],
                    }
                ],
            )
            connection.execute(
                insert(ClusterMember), [{"cluster_id": number, "post_id": i} for i in ids]
            )
    progress(len(texts), len(texts), f"{len(clusters):,} groups found")
    return len(clusters)


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
    with project.session() as session:
        cluster_id = session.execute(
            select(col(ClusterMember.cluster_id)).where(col(ClusterMember.post_id) == post_id)
        ).scalar()
        if cluster_id is None:
            return None
        cluster = session.get(Cluster, cluster_id)
        assert cluster is not None
        ids = [
            int(i)
            for i in session.execute(
                select(col(ClusterMember.post_id))
                .where(col(ClusterMember.cluster_id) == cluster_id)
                .order_by(col(ClusterMember.post_id))
            ).scalars()
        ]
        text = session.get(Post, cluster.representative_post_id)
        record = ClusterRecord(
            id=int(cluster.id or 0),
            size=cluster.size,
            authors=cluster.authors,
            first=cluster.first_at,
            last=cluster.last_at,
            representative=text.text if text else "",
        )
        return record, ids
