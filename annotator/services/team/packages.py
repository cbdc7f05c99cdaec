"""Offline annotation packages: what one annotator needs, in a project file of its own,
and merging their work back without losing or double-counting anything.

A package is an ordinary project (the app opens it directly) holding the codebook, the
posts assigned to the annotator and their labels so far, and ``package_of``: the id of
the project it came from. Merging matches posts by dataset and external id, checks their
text by content hash, copies every history event the project does not have yet (events
carry a uid), and sets each touched annotation from its latest event: the later change
wins, both stay in the history, and merging twice or in any order gives the same result.
Drafts (typed on a post, not given as a label) are unfinished work and stay where they
were typed: neither ``pack`` nor ``merge`` carries them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from annotator.domain.errors import UserError
from annotator.domain.markers import DEFAULT_MARKERS
from annotator.resource_files import resource_path
from annotator.services.project.project_settings import project_id
from annotator.store.engine import Project, create_project, open_project
from annotator.store.queries import annotator_id, load_codebook
from annotator.store.tables import (
    Annotation,
    AnnotationEvent,
    Annotator,
    Assignment,
    Dataset,
    Post,
    PostMark,
    ProjectMeta,
)


@dataclass
class MergeReport:
    """What a merge brought in."""

    package: str
    events_added: int = 0
    events_known: int = 0
    annotations_added: int = 0
    annotations_updated: int = 0
    annotations_removed: int = 0
    marks_added: int = 0
    annotators: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.package}: {self.events_added:,} changes added, {self.events_known:,} "
            f"already here (ignored); annotations {self.annotations_added:,} added, "
            f"{self.annotations_updated:,} updated, {self.annotations_removed:,} removed; "
            f"{self.marks_added:,} skip or flag marks added "
            f"({', '.join(self.annotators) or 'nobody'})."
        )


def _meta(session: Session, key: str) -> str | None:
    row = session.get(ProjectMeta, key)
    return row.value if row is not None else None


def pack(project: Project, out: Path, *, annotator: str) -> int:
    """Write ``annotator``'s package to ``out`` (a new project file); returns its posts."""
    source_id = project_id(project)
    markers_text = _markers_text(project)
    with project.session() as session:
        who = annotator_id(session, annotator, create=False)
        if who is None:
            raise UserError(f"the project has no annotator {annotator!r}")
        post_ids = [
            int(p)
            for p in session.execute(
                select(col(Assignment.post_id)).where(col(Assignment.annotator_id) == who)
            ).scalars()
        ]
        if not post_ids:
            raise UserError(f"nothing is assigned to {annotator}; run 'annotator assign' first")
        codebook = load_codebook(session)
        posts = session.execute(
            select(Post, Dataset).join(Dataset).where(col(Post.id).in_(post_ids))
        ).all()
        events = (
            session.execute(
                select(AnnotationEvent).where(
                    col(AnnotationEvent.post_id).in_(post_ids),
                    col(AnnotationEvent.annotator_id) == who,
                )
            )
            .scalars()
            .all()
        )
        rows = [(p.model_dump(), d.model_dump()) for p, d in posts]
        history = [e.model_dump() for e in events]
        marks = [
            m.model_dump()
            for m in session.execute(
                select(PostMark).where(
                    col(PostMark.post_id).in_(post_ids), col(PostMark.annotator_id) == who
                )
            ).scalars()
        ]
    package = create_project(out, codebook)
    try:
        with package.session() as target:
            target.add(ProjectMeta(key="package_of", value=source_id))
            target.add(ProjectMeta(key="package_annotator", value=annotator))
            target.add(ProjectMeta(key="markers", value=markers_text))
            new_who = annotator_id(target, annotator)
            datasets: dict[str, int] = {}
            post_map: dict[int, int] = {}
            for post, dataset in rows:
                if dataset["name"] not in datasets:
                    copy = Dataset(**{k: v for k, v in dataset.items() if k != "id"})
                    target.add(copy)
                    target.flush()
                    datasets[dataset["name"]] = int(copy.id or 0)
                new_post = Post(
                    **{k: v for k, v in post.items() if k not in ("id", "dataset_id")},
                    dataset_id=datasets[dataset["name"]],
                )
                target.add(new_post)
                target.flush()
                post_map[post["id"]] = int(new_post.id or 0)
                target.add(Assignment(post_id=new_post.id or 0, annotator_id=new_who or 0))
            _copy_events(target, history, post_map, {annotator: new_who or 0})
            _copy_marks(target, marks, post_map, {who: new_who or 0})
            for key in {(post_map[e["post_id"]], new_who or 0) for e in history}:
                _rebuild(target, *key)
    finally:
        package.close()
    return len(rows)


def _markers_text(project: Project) -> str:
    """The marker list the annotator should see: the project's own, else the shipped one."""
    with project.session() as session:
        own = _meta(session, "markers")
    return own if own else resource_path(DEFAULT_MARKERS).read_text(encoding="utf-8")


def _copy_events(
    session: Session,
    events: list[dict[str, Any]],
    post_map: dict[int, int],
    annotator_ids: dict[str, int],
    names: dict[int, str] | None = None,
) -> int:
    """Insert the events whose uid the session's project lacks; returns how many."""
    uids = [e["uid"] for e in events]
    known = set(
        session.execute(
            select(col(AnnotationEvent.uid)).where(col(AnnotationEvent.uid).in_(uids))
        ).scalars()
    )
    added = 0
    for event in events:
        if event["uid"] in known:
            continue
        name = names[event["annotator_id"]] if names else next(iter(annotator_ids))
        data = {k: v for k, v in event.items() if k != "id"}
        data["post_id"] = post_map[event["post_id"]]
        data["annotator_id"] = annotator_ids[name]
        session.add(AnnotationEvent(**data))
        added += 1
    session.flush()
    return added


def _copy_marks(
    session: Session,
    marks: list[dict[str, Any]],
    post_map: dict[int, int],
    annotator_ids: dict[int, int],
) -> int:
    """Skip and flag marks the target lacks (a mark removed on one side is not removed on
    the other: marks only add up)."""
    added = 0
    for mark in marks:
        post_id, who = post_map[mark["post_id"]], annotator_ids[mark["annotator_id"]]
        exists = session.execute(
            select(col(PostMark.id)).where(
                col(PostMark.post_id) == post_id,
                col(PostMark.annotator_id) == who,
                col(PostMark.kind) == mark["kind"],
            )
        ).first()
        if exists is None:
            session.add(PostMark(post_id=post_id, annotator_id=who, kind=mark["kind"],
                                 note=mark["note"], at=mark["at"]))  # fmt: skip
            added += 1
    session.flush()
    return added


def _rebuild(session: Session, post_id: int, who: int) -> str:
    """Set the annotation from its latest event; returns "added", "updated", "removed"
    or "unchanged"."""
    events = (
        session.execute(
            select(AnnotationEvent)
            .where(
                col(AnnotationEvent.post_id) == post_id, col(AnnotationEvent.annotator_id) == who
            )
            .order_by(col(AnnotationEvent.at), col(AnnotationEvent.uid))
        )
        .scalars()
        .all()
    )
    current = session.execute(
        select(Annotation).where(
            col(Annotation.post_id) == post_id, col(Annotation.annotator_id) == who
        )
    ).scalar()
    if not events:
        return "unchanged"
    last = events[-1]
    if last.action == "remove" or last.label_key is None:
        if current is None:
            return "unchanged"
        session.delete(current)
        return "removed"
    state = {
        "label_key": last.label_key,
        "notes": last.notes,
        "sponsor": last.sponsor,
        "evidence": list(last.evidence or []),
        "seconds_spent": last.seconds_spent,
    }
    if current is None:
        session.add(
            Annotation(
                post_id=post_id,
                annotator_id=who,
                created_at=events[0].at,
                updated_at=last.at,
                **state,
            )
        )
        return "added"
    same = all(getattr(current, k) == v for k, v in state.items())
    if same:
        return "unchanged"
    for key, value in state.items():
        setattr(current, key, value)
    current.updated_at = last.at
    session.add(current)
    return "updated"


def merge(project: Project, package_path: Path) -> MergeReport:
    """Bring a package's changes into the project, all or nothing."""
    report = MergeReport(package=package_path.name)
    package = open_project(package_path)
    try:
        with package.session() as source:
            origin = _meta(source, "package_of")
            if origin is None:
                raise UserError(f"{package_path.name}: is a project, not an annotator package")
            posts = {
                int(p.id or 0): (d.name, p.external_id, p.content_hash)
                for p, d in source.execute(select(Post, Dataset).join(Dataset)).all()
            }
            names = {int(a.id or 0): a.name for a in source.execute(select(Annotator)).scalars()}
            events = [e.model_dump() for e in source.execute(select(AnnotationEvent)).scalars()]
            marks = [m.model_dump() for m in source.execute(select(PostMark)).scalars()]
    finally:
        package.close()
    if origin != project_id(project):
        raise UserError(
            f"{package_path.name}: was packed from another project; merge it into the project "
            "it came from"
        )
    project.backup("before-merge")
    with project.session() as session:
        index = {
            (d.name, p.external_id): (int(p.id or 0), p.content_hash)
            for p, d in session.execute(select(Post, Dataset).join(Dataset)).all()
        }
        post_map: dict[int, int] = {}
        for package_id, (dataset, external_id, digest) in posts.items():
            found = index.get((dataset, external_id))
            if found is None:
                raise UserError(
                    f"{package_path.name}: post {external_id!r} of dataset {dataset!r} is not in "
                    "the project"
                )
            if found[1] != digest:
                raise UserError(
                    f"{package_path.name}: the text of post {external_id!r} ({dataset}) differs "
                    "from the project's; the package was altered, nothing was merged"
                )
            post_map[package_id] = found[0]
        ids = {name: annotator_id(session, name) or 0 for name in names.values()}
        report.events_added = _copy_events(session, events, post_map, ids, names)
        report.marks_added = _copy_marks(
            session, marks, post_map, {key: ids[name] for key, name in names.items()}
        )
        report.events_known = len(events) - report.events_added
        touched = {(post_map[e["post_id"]], ids[names[e["annotator_id"]]]) for e in events}
        for post_id, who in sorted(touched):
            outcome = _rebuild(session, post_id, who)
            if outcome == "added":
                report.annotations_added += 1
            elif outcome == "updated":
                report.annotations_updated += 1
            elif outcome == "removed":
                report.annotations_removed += 1
        report.annotators = sorted({names[e["annotator_id"]] for e in events})
    return report
