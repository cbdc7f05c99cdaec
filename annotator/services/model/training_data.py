"""What the model reads: every post's text, the label it learns from, and its group.

All of it is read inside one ``Project.snapshot()``, so labels added while the model
trains do not tear the set (some posts seen with a new label, others without)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlmodel import col

from annotator.services.exports.export_frames import has_clusters as clusters_found
from annotator.services.model.report import post_key
from annotator.store.engine import Project
from annotator.store.tables import Annotation, ClusterMember, Dataset, GoldLabel, Post

GROUP_BY = ("cluster", "author", "none")


def training_label(labels: list[str], gold: str | None) -> str | None:
    """Gold when set, else the label more than half of the annotators gave, else None.

    Stricter than an export's ``resolved_label`` (gold else unanimous) only in letting a
    clear majority through: a 2-of-3 post teaches the model, a 1-1 tie does not."""
    if gold:
        return gold
    if not labels:
        return None
    label, votes = Counter(labels).most_common(1)[0]
    return label if votes * 2 > len(labels) else None


@dataclass
class TrainingData:
    """Posts in id order. ``labels[i]`` is None for posts the model does not learn from;
    ``groups[i]`` is the fold group (posts alone in their group get a negative id)."""

    post_ids: np.ndarray
    keys: list[str]
    texts: list[str]
    labels: list[str | None]
    groups: np.ndarray
    clusters: np.ndarray

    @property
    def labeled(self) -> np.ndarray:
        return np.array([label is not None for label in self.labels], dtype=bool)

    def labels_hash(self) -> str:
        """Hash of (post key, label) pairs the model learns from: equal hashes, same labels."""
        digest = hashlib.sha256()
        for key, label in zip(self.keys, self.labels, strict=True):
            if label is not None:
                digest.update(f"{key}\t{label}\n".encode())
        return digest.hexdigest()


def read_training_data(project: Project, group_by: str) -> TrainingData:
    """Every post with its training label and group, from one snapshot."""
    with project.snapshot(), project.session() as session:
        rows = session.execute(
            select(
                col(Post.id), col(Dataset.name), col(Post.external_id), col(Post.text),
                col(Post.author),
            )
            .join(Dataset, col(Dataset.id) == col(Post.dataset_id))
            .order_by(col(Post.id))
        ).all()  # fmt: skip
        given: dict[int, list[str]] = {}
        for post_id, label in session.execute(
            select(col(Annotation.post_id), col(Annotation.label_key))
        ).all():
            given.setdefault(int(post_id), []).append(str(label))
        gold = {
            int(p): str(k)
            for p, k in session.execute(select(col(GoldLabel.post_id), col(GoldLabel.label_key)))
        }
        cluster_of = {
            int(p): int(c)
            for p, c in session.execute(
                select(col(ClusterMember.post_id), col(ClusterMember.cluster_id))
            )
        }
    post_ids = np.fromiter((int(r[0]) for r in rows), dtype=np.int64, count=len(rows))
    clusters = np.array([cluster_of.get(int(p), -1) for p in post_ids], dtype=np.int64)
    return TrainingData(
        post_ids=post_ids,
        keys=[post_key(str(r[1]), str(r[2])) for r in rows],
        texts=[str(r[3] or "") for r in rows],
        labels=[training_label(given.get(int(r[0]), []), gold.get(int(r[0]))) for r in rows],
        groups=_groups(group_by, post_ids, clusters, [r[4] for r in rows]),
        clusters=clusters,
    )


def _groups(
    group_by: str, post_ids: np.ndarray, clusters: np.ndarray, authors: list[object]
) -> np.ndarray:
    """One group id per post: its cluster (else itself), its author (else itself), or itself."""
    alone = -1 - post_ids
    if group_by == "cluster":
        return np.where(clusters >= 0, clusters, alone)
    if group_by == "author":
        codes: dict[str, int] = {}
        ids = [codes.setdefault(str(a), len(codes)) if a else -1 for a in authors]
        by_author = np.array(ids, dtype=np.int64)
        return np.where(by_author >= 0, by_author, alone)
    return alone


def has_clusters(project: Project) -> bool:
    """Whether the project holds any cluster (the export's one-row check)."""
    with project.session() as session:
        return clusters_found(session)
