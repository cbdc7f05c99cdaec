"""Handing posts to annotators: each post to N of them, balanced, with optional overlap.

The order posts are dealt in comes from a seeded hash of each post, and every post goes
to the annotators with the fewest assignments so far, so the work is even and the same
seed always deals the same way. Posts that already have annotators are left alone, so
running it again after an import assigns only the new posts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select
from sqlmodel import col

from annotator.domain.errors import UserError
from annotator.store.engine import Project
from annotator.store.queries import annotator_id
from annotator.store.tables import Assignment, Dataset, Post


@dataclass
class AssignmentReport:
    """What an assignment run did."""

    posts: int = 0
    doubled: int = 0
    per_annotator: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{name} {n:,}" for name, n in self.per_annotator.items())
        return (
            f"Assigned {self.posts:,} posts ({self.doubled:,} to more than one annotator): "
            f"{counts}."
        )


def _draw(seed: int, post_id: int, salt: str) -> float:
    digest = hashlib.sha256(f"{seed}\x1f{salt}\x1f{post_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_posts(
    project: Project,
    annotators: list[str],
    *,
    per_post: int = 1,
    overlap: float | None = None,
    dataset: str | None = None,
    seed: int = 0,
) -> AssignmentReport:
    """Give each unassigned post ``per_post`` annotators (or, with ``overlap``, only that
    share of posts gets ``per_post`` and the rest one), balanced across ``annotators``."""
    names = list(dict.fromkeys(n.strip() for n in annotators if n.strip()))
    if not names:
        raise UserError("name at least one annotator")
    if not 1 <= per_post <= len(names):
        raise UserError(f"--per-post must be between 1 and the {len(names)} annotators named")
    if overlap is not None and not 0 <= overlap <= 1:
        raise UserError("--overlap must be a share between 0 and 1, such as 0.2")
    report = AssignmentReport(per_annotator=dict.fromkeys(names, 0))
    with project.session() as session:
        ids = {name: annotator_id(session, name) for name in names}
        statement = select(col(Post.id)).where(col(Post.id).not_in(select(col(Assignment.post_id))))
        if dataset is not None:
            found = session.execute(select(col(Dataset.id)).where(col(Dataset.name) == dataset))
            dataset_id = found.scalar()
            if dataset_id is None:
                raise UserError(f"the project has no dataset {dataset!r}")
            statement = statement.where(col(Post.dataset_id) == dataset_id)
        posts = [int(p) for p in session.execute(statement).scalars()]
        load: dict[str, int] = {
            name: int(
                session.execute(
                    select(func.count()).where(col(Assignment.annotator_id) == ids[name])
                ).scalar_one()
            )
            for name in names
        }
        tiebreak = {name: _draw(seed, i, "annotator") for i, name in enumerate(names)}
        rows = []
        for post_id in sorted(posts, key=lambda p: _draw(seed, p, "order")):
            wanted = per_post
            if overlap is not None and _draw(seed, post_id, "overlap") >= overlap:
                wanted = 1
            chosen = sorted(names, key=lambda n: (load[n], tiebreak[n]))[:wanted]
            for name in chosen:
                load[name] += 1
                report.per_annotator[name] += 1
                rows.append({"post_id": post_id, "annotator_id": ids[name]})
            report.posts += 1
            report.doubled += wanted > 1
        if rows:
            session.connection().execute(insert(Assignment), rows)
    return report


def has_assignments(project: Project, annotator: str) -> bool:
    """Whether the lead has handed this annotator any posts (their queue then follows it)."""
    with project.session() as session:
        who = annotator_id(session, annotator, create=False)
        if who is None:
            return False
        statement = select(func.count()).where(col(Assignment.annotator_id) == who)
        return int(session.execute(statement).scalar_one()) > 0
