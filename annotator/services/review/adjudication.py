"""Gold labels: adjudicating disagreements, pre-filling unanimous posts, with history."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from annotator.domain.changes import Change, Changes, changes
from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationRecord
from annotator.store.engine import Project
from annotator.store.queries import get_annotation, hold_writers, load_codebook
from annotator.store.tables import Annotation, Annotator, GoldEvent, GoldLabel, utc_now


@dataclass(frozen=True)
class GoldDecision:
    """The gold label of a post, who decided it, how and when."""

    post_id: int
    label_key: str
    decided_by: str
    notes: str
    method: str


def set_gold(
    project: Project,
    *,
    post_id: int,
    label_key: str | None,
    decided_by: str,
    notes: str = "",
    method: str = "adjudicated",
) -> None:
    """Decide (or, with None, withdraw) a post's gold label; history keeps every decision."""
    with project.session() as session:
        if label_key is not None and load_codebook(session).get(label_key) is None:
            raise UserError(f"the label {label_key!r} is not in the codebook")
        _decide(session, post_id, label_key, decided_by, notes, method)


def _decide(
    session: Session,
    post_id: int,
    label_key: str | None,
    decided_by: str,
    notes: str,
    method: str,
) -> None:
    """Write one gold decision and its history event in the caller's transaction; two
    leads deciding one post at once: the later commit wins, the history keeps both."""
    hold_writers(session, "gold", [post_id])
    current = session.get(GoldLabel, post_id)
    previous = current.label_key if current else None
    if label_key is None:
        if current is not None:
            session.delete(current)
    elif current is None:
        session.add(
            GoldLabel(post_id=post_id, label_key=label_key, decided_by=decided_by, notes=notes)
        )
    else:
        current.label_key, current.decided_by, current.notes = label_key, decided_by, notes
        current.decided_at = utc_now()
        session.add(current)
    session.add(
        GoldEvent(
            post_id=post_id,
            label_key=label_key,
            previous_label_key=previous,
            decided_by=decided_by,
            notes=notes,
            method=method,
        )
    )


def gold_of(project: Project, post_id: int) -> GoldDecision | None:
    with project.session() as session:
        row = session.get(GoldLabel, post_id)
        if row is None:
            return None
        method = session.exec(
            select(GoldEvent.method)
            .where(col(GoldEvent.post_id) == post_id)
            .order_by(col(GoldEvent.id).desc())
        ).first()
        return GoldDecision(post_id, row.label_key, row.decided_by, row.notes, method or "")


def labels_and_gold(
    project: Project, post_ids: list[int]
) -> dict[int, tuple[dict[str, str], str | None]]:
    """Each post's labels by annotator name and its gold label, for many posts in two
    queries (the Review tab's list of disagreements asked per post: thousands of round
    trips, most of its time on a database server)."""
    found: dict[int, tuple[dict[str, str], str | None]] = {p: ({}, None) for p in post_ids}
    if not post_ids:
        return found
    with project.session() as session:
        labels = session.exec(
            select(col(Annotation.post_id), col(Annotator.name), col(Annotation.label_key))
            .join(Annotator, col(Annotation.annotator_id) == col(Annotator.id))
            .where(col(Annotation.post_id).in_(post_ids))
            .order_by(col(Annotator.name))
        ).all()
        for post_id, name, key in labels:
            found[post_id][0][name] = key
        golds = session.exec(
            select(col(GoldLabel.post_id), col(GoldLabel.label_key)).where(
                col(GoldLabel.post_id).in_(post_ids)
            )
        ).all()
        for post_id, key in golds:
            found[post_id] = (found[post_id][0], key)
    return found


def gold_history(project: Project, post_id: int) -> list[tuple[str | None, str, str]]:
    """(label, decided by, method) of every decision on a post, oldest first."""
    with project.session() as session:
        rows = session.exec(
            select(GoldEvent.label_key, GoldEvent.decided_by, GoldEvent.method)
            .where(col(GoldEvent.post_id) == post_id)
            .order_by(col(GoldEvent.id))
        ).all()
        return [(label, who, method) for label, who, method in rows]


def annotations_of(project: Project, post_id: int) -> list[AnnotationRecord]:
    """Every annotator's current annotation of a post, for side-by-side adjudication."""
    with project.session() as session:
        names = session.exec(
            select(Annotator.name)
            .join(Annotation, col(Annotation.annotator_id) == col(Annotator.id))
            .where(col(Annotation.post_id) == post_id)
            .order_by(col(Annotator.name))
        ).all()
        found = [get_annotation(session, post_id=post_id, annotator=name) for name in names]
        return [a for a in found if a is not None]


def unanimous_without_gold(project: Project, minimum_annotators: int = 2) -> list[tuple[int, str]]:
    """(post, label) for posts every annotator labeled alike (at least two) and no gold."""
    with project.session() as session:
        statement = (
            select(col(Annotation.post_id), func.min(Annotation.label_key))
            .group_by(col(Annotation.post_id))
            .having(
                func.count() >= minimum_annotators,
                func.count(func.distinct(Annotation.label_key)) == 1,
            )
            .where(col(Annotation.post_id).not_in(select(col(GoldLabel.post_id))))
            .order_by(col(Annotation.post_id))
        )
        return [(int(post_id), str(key)) for post_id, key in session.exec(statement).all()]


def prefill_unanimous(project: Project, decided_by: str) -> int:
    """Make the shared label gold on every unanimous post without gold; returns how many.

    Recorded as method "unanimous" so a lead can tell these from adjudicated ones.
    """
    posts = unanimous_without_gold(project)
    for post_id, key in posts:
        set_gold(project, post_id=post_id, label_key=key, decided_by=decided_by, method="unanimous")
    return len(posts)


@dataclass
class SetGoldCommand:
    """Decide (or, with ``label_key`` None, withdraw) a post's gold label as one step of
    the app's undo history; ``undo`` puts back the decision that was there, or none.

    History stays append-only: an undo is one more gold event (method "undo"), so the
    record shows the decision and its withdrawal.
    """

    project: Project
    post_id: int
    label_key: str | None
    decided_by: str
    notes: str = ""
    method: str = "adjudicated"
    #: The person's words ("gold 'Sponsored, disclosed' on post 12"); built by the app.
    description: str = ""
    _before: GoldDecision | None = field(default=None, init=False)
    _done: bool = field(default=False, init=False)

    @property
    def text(self) -> str:
        if self.description:
            return self.description
        if self.label_key is None:
            return f"remove gold on post {self.post_id}"
        return f"gold {self.label_key} on post {self.post_id}"

    @property
    def changes(self) -> Changes:
        return changes(Change.GOLD, self.post_id)

    def do(self) -> None:
        if not self._done:
            self._before = gold_of(self.project, self.post_id)
            self._done = True
        set_gold(
            self.project,
            post_id=self.post_id,
            label_key=self.label_key,
            decided_by=self.decided_by,
            notes=self.notes,
            method=self.method,
        )

    def undo(self) -> None:
        assert self._done, "undo before do"
        before = self._before
        set_gold(
            self.project,
            post_id=self.post_id,
            label_key=before.label_key if before else None,
            decided_by=before.decided_by if before else self.decided_by,
            notes=before.notes if before else "",
            method="undo",
        )


@dataclass
class PrefillGoldCommand:
    """Give every unanimous post without gold its shared label as gold (one undo step);
    ``undo`` withdraws exactly those decisions."""

    project: Project
    decided_by: str
    _posts: list[tuple[int, str]] = field(default_factory=list, init=False)
    _done: bool = field(default=False, init=False)

    @property
    def count(self) -> int:
        return len(self._posts)

    @property
    def text(self) -> str:
        count = len(self._posts)
        return f"gold for {count:,} unanimous post{'' if count == 1 else 's'}"

    @property
    def changes(self) -> Changes:
        return changes(Change.GOLD, *(post_id for post_id, _key in self._posts))

    def do(self) -> None:
        if not self._done:
            self._posts = unanimous_without_gold(self.project)
            self._done = True
        with self.project.session() as session:
            for post_id, key in self._posts:
                _decide(session, post_id, key, self.decided_by, "", "unanimous")

    def undo(self) -> None:
        with self.project.session() as session:
            for post_id, _key in self._posts:
                _decide(session, post_id, None, self.decided_by, "", "undo")


def record_gold(session: Session, decisions: list[GoldDecision]) -> None:
    """Record many gold decisions in the caller's transaction (a spreadsheet of them lands
    whole or not at all), each checked against the codebook and written with its history
    event exactly as the Review tab writes one."""
    codebook = load_codebook(session)
    for decision in decisions:
        if codebook.get(decision.label_key) is None:
            raise UserError(f"the label {decision.label_key!r} is not in the codebook")
        _decide(
            session,
            decision.post_id,
            decision.label_key,
            decision.decided_by,
            decision.notes,
            decision.method,
        )
