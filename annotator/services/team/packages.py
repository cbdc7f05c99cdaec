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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from annotator.domain.errors import UserError
from annotator.domain.markers import DEFAULT_MARKERS
from annotator.resource_files import resource_path
from annotator.services.atomic_files import temporary_path_for
from annotator.services.imports.post_identity import content_hash
from annotator.services.project.project_settings import project_id
from annotator.services.team.package_checks import (
    check_event,
    check_mark,
    check_name,
    in_future,
    moment,
    refuse,
)
from annotator.store.engine import Project, create_project, open_project
from annotator.store.queries import annotator_id, load_codebook
from annotator.store.tables import (
    Annotation,
    AnnotationEvent,
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
    events_future: int = 0
    annotators: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.package}: {self.events_added:,} changes added, {self.events_known:,} "
            f"already here (ignored); annotations {self.annotations_added:,} added, "
            f"{self.annotations_updated:,} updated, {self.annotations_removed:,} removed; "
            f"{self.marks_added:,} skip or flag marks added "
            f"({', '.join(self.annotators) or 'nobody'})."
        ) + (
            f" Changes dated more than a day ahead of this computer's clock: "
            f"{self.events_future:,} (counted as made when merged)."
            if self.events_future
            else ""
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
                select(AnnotationEvent)
                .where(
                    col(AnnotationEvent.post_id).in_(post_ids),
                    col(AnnotationEvent.annotator_id) == who,
                )
                .order_by(col(AnnotationEvent.id))
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
    if out.exists():
        raise UserError(f"{out}: already exists; choose a new file name")
    with temporary_path_for(out) as temporary:
        package = create_project(temporary, codebook)
        try:
            with package.session() as target:
                _fill_package(
                    target,
                    source_id=source_id,
                    annotator=annotator,
                    markers_text=markers_text,
                    rows=rows,
                    history=history,
                    marks=marks,
                    who=who,
                )
            _checkpoint(package)
        finally:
            package.close()
    return len(rows)


def _fill_package(
    target: Session,
    *,
    source_id: str,
    annotator: str,
    markers_text: str,
    rows: list[tuple[dict[str, Any], dict[str, Any]]],
    history: list[dict[str, Any]],
    marks: list[dict[str, Any]],
    who: int,
) -> None:
    """Write the package's rows: its origin, whose it is, posts, history and marks."""
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
    _copy_history(target, history, post_map, new_who or 0)
    _copy_marks(target, marks, post_map, {who: new_who or 0})
    for key in {(post_map[e["post_id"]], new_who or 0) for e in history}:
        _rebuild(target, *key)


def _checkpoint(package: Project) -> None:
    """Fold the write-ahead log into the file so the renamed file alone holds everything."""
    with package.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _markers_text(project: Project) -> str:
    """The marker list the annotator should see: the project's own, else the shipped one."""
    with project.session() as session:
        own = _meta(session, "markers")
    return own if own else resource_path(DEFAULT_MARKERS).read_text(encoding="utf-8")


def _copy_history(
    session: Session, events: list[dict[str, Any]], post_map: dict[int, int], who: int
) -> None:
    """Copy one annotator's history into a new package, in the order it was made."""
    for event in events:
        data = {k: v for k, v in event.items() if k != "id"}
        data.update(post_id=post_map[event["post_id"]], annotator_id=who)
        session.add(AnnotationEvent(**data))
    session.flush()


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
            .order_by(col(AnnotationEvent.at), col(AnnotationEvent.id))
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


@dataclass
class _PackageContent:
    """A package's rows as stored, before any of them is trusted."""

    origin: str | None
    annotator: Any
    posts: list[dict[str, Any]]
    events: list[dict[str, Any]]
    marks: list[dict[str, Any]]
    names: dict[int, str]


def _read_package(package_path: Path) -> _PackageContent:
    """Every row a merge needs, read as raw values (the checks decide what they mean)."""
    package = open_project(package_path)
    try:
        with package.session() as source:
            raw = source.connection()

            def rows(sql: str) -> list[dict[str, Any]]:
                return [dict(r) for r in raw.exec_driver_sql(sql).mappings()]

            return _PackageContent(
                origin=_meta(source, "package_of"),
                annotator=_meta(source, "package_annotator"),
                posts=rows(
                    "SELECT post.id, post.external_id, post.text, dataset.name AS dataset "
                    "FROM post JOIN dataset ON dataset.id = post.dataset_id ORDER BY post.id"
                ),
                events=rows("SELECT * FROM annotation_event ORDER BY id"),
                marks=rows("SELECT * FROM post_mark ORDER BY id"),
                names={int(r["id"]): r["name"] for r in rows("SELECT id, name FROM annotator")},
            )
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        raise UserError(
            f"{package_path.name}: is damaged or not an annotator package ({reason})"
        ) from None
    finally:
        package.close()


def merge(project: Project, package_path: Path) -> MergeReport:
    """Bring a package's changes into the project, all or nothing: only its annotator's
    events on posts handed to them, each value checked, each event applied once."""
    report = MergeReport(package=package_path.name)
    name = package_path.name
    content = _read_package(package_path)
    if content.origin is None:
        raise UserError(f"{name}: is a project, not an annotator package")
    if content.origin != project_id(project):
        raise UserError(
            f"{name}: was packed from another project; merge it into the project it came from"
        )
    annotator = check_name(name, content.annotator)
    with project.session() as session:
        who, post_map = _check_package(session, content, annotator, package=name)
    project.backup("before-merge")
    with project.session() as session:
        added = _add_events(session, content.events, post_map, who, report)
        report.marks_added = _copy_marks(
            session, content.marks, post_map, {k: who for k in content.names}
        )
        for post_id in sorted(added):
            outcome = _rebuild(session, post_id, who)
            if outcome == "added":
                report.annotations_added += 1
            elif outcome == "updated":
                report.annotations_updated += 1
            elif outcome == "removed":
                report.annotations_removed += 1
        report.annotators = [annotator] if content.events else []
    return report


def _check_package(
    session: Session, content: _PackageContent, annotator: str, *, package: str
) -> tuple[int, dict[int, int]]:
    """Refuse the package at its first row that is not its annotator's to give; returns
    the annotator's id and package post id -> project post id. Values are normalised in
    place (evidence as checked spans, times as aware UTC)."""
    who = annotator_id(session, annotator, create=False)
    if who is None:
        raise UserError(
            f"{package}: the project has no annotator {annotator!r}; nothing was merged"
        )
    post_map, texts = _match_posts(session, content.posts, package)
    allowed = _posts_handed_to(session, who, post_map)
    keys = set(load_codebook(session).keys)
    for event in content.events:
        _check_row("annotation_event", event, content.names, annotator, allowed, package)
        event["evidence"] = check_event(
            event, package=package, text=texts[event["post_id"]], label_keys=keys
        )
        event["at"] = moment(
            event["at"], package=package, table="annotation_event", row=event["id"]
        )
    for mark in content.marks:
        _check_row("post_mark", mark, content.names, annotator, allowed, package)
        check_mark(mark, package=package)
        mark["at"] = moment(mark["at"], package=package, table="post_mark", row=mark["id"])
    return who, post_map


def _match_posts(
    session: Session, posts: list[dict[str, Any]], package: str
) -> tuple[dict[int, int], dict[int, str]]:
    """Package post id -> project post id, and package post id -> its text; a post whose
    text (hashed here, never taken from the package's hash column) differs is refused."""
    index = {
        (d.name, p.external_id): (int(p.id or 0), p.content_hash)
        for p, d in session.execute(select(Post, Dataset).join(Dataset)).all()
    }
    post_map: dict[int, int] = {}
    texts: dict[int, str] = {}
    for post in posts:
        found = index.get((post["dataset"], post["external_id"]))
        if found is None:
            raise UserError(
                f"{package}: post {post['external_id']!r} of dataset {post['dataset']!r} is not "
                "in the project"
            )
        text = post["text"]
        if not isinstance(text, str) or content_hash(text) != found[1]:
            raise UserError(
                f"{package}: post row {post['id']}: the text of post {post['external_id']!r} "
                f"({post['dataset']}) differs from the project's; the package was altered, "
                "nothing was merged"
            )
        post_map[int(post["id"])] = found[0]
        texts[int(post["id"])] = text
    return post_map, texts


def _posts_handed_to(session: Session, who: int, post_map: dict[int, int]) -> set[int]:
    """The package posts the annotator may label: those the lead assigned to them, or,
    when the project holds no assignment for them at all (cleared since packing), every
    post in the package (the package's posts are still checked against the project's)."""
    assigned = set(
        session.execute(
            select(col(Assignment.post_id)).where(col(Assignment.annotator_id) == who)
        ).scalars()
    )
    if not assigned:
        return set(post_map)
    return {package_id for package_id, post_id in post_map.items() if post_id in assigned}


def _check_row(
    table: str,
    row: dict[str, Any],
    names: dict[int, str],
    annotator: str,
    allowed: set[int],
    package: str,
) -> None:
    """A row speaks for the package's annotator, on a post handed to them."""
    by = names.get(row["annotator_id"])
    if by != annotator:
        problem = f"is by {by!r}, not by the package's annotator {annotator!r}"
        raise refuse(package, table, row["id"], problem)
    if row["post_id"] not in allowed:
        raise refuse(package, table, row["id"], f"is on a post not assigned to {annotator!r}")


def _add_events(
    session: Session,
    events: list[dict[str, Any]],
    post_map: dict[int, int],
    who: int,
    report: MergeReport,
) -> set[int]:
    """Insert the events the project lacks (by uid), in the order the annotator made them
    (the package's event ids); returns the project posts they touch.

    A time is never allowed to jump the sequence or the merging computer's clock: an event
    dated later than now counts as made now, and one dated before its predecessor counts
    as made with it, so a wrong clock cannot win over later changes."""
    now = datetime.now(UTC)
    uids = [e["uid"] for e in events]
    known = set(
        session.execute(
            select(col(AnnotationEvent.uid)).where(col(AnnotationEvent.uid).in_(uids))
        ).scalars()
    )
    touched: set[int] = set()
    previous = datetime.min.replace(tzinfo=UTC)
    for event in events:
        at: datetime = event["at"]
        future = in_future(at, now)
        at = max(min(at, now), previous)
        previous = at
        if event["uid"] in known:
            report.events_known += 1
            continue
        known.add(event["uid"])
        report.events_future += future
        data = {k: v for k, v in event.items() if k != "id"}
        data.update(post_id=post_map[event["post_id"]], annotator_id=who, at=at)
        session.add(AnnotationEvent(**data))
        touched.add(data["post_id"])
        report.events_added += 1
    session.flush()
    return touched
