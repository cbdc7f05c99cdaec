"""Offline annotation packages: merging an annotator's work back without losing or
double-counting anything (``packing`` writes the package).

A package is an ordinary project (the app opens it directly) holding the codebook, the
posts assigned to the annotator and their labels so far, and ``package_of``: the id of
the project it came from. Merging matches posts by dataset and external id, checks their
text by content hash, copies every history event the project does not have yet (events
carry a uid), and sets each touched annotation from its latest event: the later change
wins, both stay in the history, and merging twice or in any order gives the same result.
Drafts (typed on a post, not given as a label) are unfinished work and stay where they
were typed: neither ``pack`` nor ``merge`` carries them. Pictures go one way: a package
carries its posts' pictures, a merge checks them and takes none (``package_media``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from annotator.domain.errors import UserError
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
from annotator.services.team.package_media import PictureCheck, check_pictures
from annotator.store.bulk_annotations import IN_CHUNK, insert_many, rebuild_annotations
from annotator.store.bulk_copy import copies_rows, copy_rows
from annotator.store.engine import Project, open_project
from annotator.store.queries import annotator_id, load_codebook
from annotator.store.tables import AnnotationEvent, Assignment, PostMark


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
    pictures: PictureCheck = field(default_factory=PictureCheck)

    def summary(self) -> str:
        return (
            (
                f"{self.package}: {self.events_added:,} changes added, {self.events_known:,} "
                f"already here (ignored); annotations {self.annotations_added:,} added, "
                f"{self.annotations_updated:,} updated, {self.annotations_removed:,} removed; "
                f"{self.marks_added:,} skip or flag marks added "
                f"({', '.join(self.annotators) or 'nobody'})."
            )
            + (
                f" Changes dated more than a day ahead of this computer's clock: "
                f"{self.events_future:,} (counted as made when merged)."
                if self.events_future
                else ""
            )
            + self._pictures_sentence()
        )

    def _pictures_sentence(self) -> str:
        """Pictures are checked, never taken (``package_media`` says why)."""
        if not self.pictures.rows:
            return ""
        fetched = self.pictures.fetched_offline
        return f" Pictures: {self.pictures.rows:,} checked, as this project gave them." + (
            f" {fetched:,} fetched in the package were not taken: fetch them here."
            if fetched
            else ""
        )


def _copy_marks(
    session: Session, marks: list[dict[str, Any]], post_map: dict[int, int], who: int
) -> int:
    """Skip and flag marks the project lacks, in one executemany (a mark removed on one
    side is not removed on the other: marks only add up)."""
    table = _table(PostMark)
    connection = session.connection()
    have = {
        (row.post_id, row.kind)
        for row in connection.execute(
            select(table.c.post_id, table.c.kind).where(table.c.annotator_id == who)
        )
    }
    new = []
    for mark in marks:
        key = (post_map[mark["post_id"]], mark["kind"])
        if key not in have:
            have.add(key)
            new.append({"post_id": key[0], "annotator_id": who, "kind": key[1],
                        "note": mark["note"], "at": mark["at"]})  # fmt: skip
    if new:
        connection.execute(table.insert(), new)
    return len(new)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


@dataclass
class _PackageContent:
    """A package's rows as stored, before any of them is trusted."""

    origin: str | None
    annotator: Any
    #: package post id -> (dataset name, external id)
    posts: dict[int, tuple[Any, Any]]
    #: (id, uid, time as stored) of every event made after packing, in the order made
    history: list[tuple[Any, Any, Any]]
    #: events copied from the project when packing (never applied again), and the
    #: latest time among them (as stored): new events are ordered after it
    packed_events: int
    #: the events the project does not hold yet, whole, by id
    fresh: dict[Any, dict[str, Any]]
    marks: list[dict[str, Any]]
    names: dict[int, str]
    texts: dict[int, Any] = field(default_factory=dict)
    packed_until: Any = None
    #: every event's time, checked (filled by the checks, in ``history`` order)
    times: list[datetime] = field(default_factory=list)


class _PackageReader:
    """Reads an open package through its own SQLite connection, as raw tuples (no ORM
    objects nor SQLAlchemy rows: 50,000 posts read in a few statements); every database
    error is the package's fault."""

    def __init__(self, connection: sqlite3.Connection, name: str) -> None:
        self.connection, self.name = connection, name

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        keys, values = self.tuples(sql, parameters)
        return [dict(zip(keys, row, strict=True)) for row in values]

    def tuples(self, sql: str, parameters: Sequence[Any] = ()) -> tuple[list[str], list[Any]]:
        try:
            cursor = self.connection.execute(sql, tuple(parameters))
            return [column[0] for column in cursor.description], cursor.fetchall()
        except sqlite3.Error as error:
            raise _damaged(self.name, error) from None

    def meta(self, key: str) -> Any:
        found = self.rows("SELECT value FROM project_meta WHERE key = ?", (key,))
        return found[0]["value"] if found else None

    def content(self, known_uids: Callable[[list[Any]], set[Any]]) -> _PackageContent:
        packed = self.packed_through()
        _, history = self.tuples(
            "SELECT id, uid, at FROM annotation_event WHERE id > ? ORDER BY id", (packed,)
        )
        _, ((packed_events, packed_until),) = self.tuples(
            "SELECT count(*), max(at) FROM annotation_event WHERE id <= ?", (packed,)
        )
        known = known_uids([uid for _, uid, _ in history])
        fresh = [event_id for event_id, uid, _ in history if uid not in known]
        _, posts = self.tuples(
            "SELECT post.id, dataset.name, post.external_id, post.text "
            "FROM post JOIN dataset ON dataset.id = post.dataset_id ORDER BY post.id"
        )
        return _PackageContent(
            origin=self.meta("package_of"),
            annotator=self.meta("package_annotator"),
            posts={int(post_id): (name, external) for post_id, name, external, _ in posts},
            history=history,
            packed_events=int(packed_events),
            packed_until=packed_until,
            fresh={row["id"]: row for row in self._by_ids("annotation_event", "id", fresh)},
            marks=self.rows("SELECT * FROM post_mark ORDER BY id"),
            names={int(r["id"]): r["name"] for r in self.rows("SELECT id, name FROM annotator")},
            texts={int(post_id): text for post_id, _, _, text in posts},
        )

    def packed_through(self) -> int:
        """The last event id the package was made with (0 for a package made before
        packages recorded it: then every event is looked up). A forged value can only
        hide the package's own new events from the merge, never bring one in."""
        value = self.meta("packed_through")
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return 0

    def _by_ids(self, table: str, key: str, ids: Sequence[Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            marks = ", ".join("?" * len(chunk))
            found += self.rows(f"SELECT * FROM {table} WHERE {key} IN ({marks})", chunk)
        return found


def _damaged(name: str, error: SQLAlchemyError | sqlite3.Error) -> UserError:
    reason = getattr(error, "orig", None) or error
    return UserError(f"{name}: is damaged or not an annotator package ({reason})")


@contextmanager
def _package_reader(package_path: Path) -> Iterator[_PackageReader]:
    """A reader of the package file's raw rows, open for the block."""
    name = package_path.name
    try:
        package = open_project(package_path, check_structure=False)
    except SQLAlchemyError as error:
        raise _damaged(name, error) from None
    try:
        with package.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)  # a package is always a file
            yield _PackageReader(raw, name)
    finally:
        package.close()


def _read_package(project: Project, package_path: Path) -> _PackageContent:
    """Every package row a merge needs, read as raw values (the checks decide what they
    mean), with the project's known change ids deciding which events are read whole."""
    with _package_reader(package_path) as reader, project.session() as session:
        return reader.content(lambda uids: _known_uids(session, uids))


def _check_package_pictures(
    session: Session, package_path: Path, post_map: dict[int, int]
) -> PictureCheck:
    """The package's pictures against the project's, before anything is written."""
    with _package_reader(package_path) as reader:
        return check_pictures(
            reader, session.connection(), package=package_path.name, post_map=post_map
        )


def merge(project: Project, package_path: Path) -> MergeReport:
    """Bring a package's changes into the project, all or nothing: only its annotator's
    events on posts handed to them, each value checked, each event applied once."""
    report = MergeReport(package=package_path.name)
    name = package_path.name
    content = _read_package(project, package_path)
    if content.origin is None:
        raise UserError(f"{name}: is a project, not an annotator package")
    if content.origin != project_id(project):
        raise UserError(
            f"{name}: was packed from another project; merge it into the project it came from"
        )
    annotator = check_name(name, content.annotator)
    with project.session() as session:
        who, post_map = _check_package(session, content, annotator, package=name)
        report.pictures = _check_package_pictures(session, package_path, post_map)
    with project.backed_up("before-merge"), project.session() as session:
        after_id = _last_event_id(session)
        newest = _add_events(session, content, post_map, who, report)
        report.marks_added = _copy_marks(session, content.marks, post_map, who)
        outcomes = rebuild_annotations(session, who, newest, after_id=after_id)
        report.annotations_added = outcomes.added
        report.annotations_updated = outcomes.updated
        report.annotations_removed = outcomes.removed
        report.annotators = [annotator] if content.history or content.packed_events else []
    return report


def _last_event_id(session: Session) -> int:
    """The newest history id now: every event the merge adds comes after it."""
    table = _table(AnnotationEvent)
    found = session.connection().execute(select(func.max(table.c.id))).scalar()
    return int(found or 0)


def _known_uids(session: Session, uids: list[Any]) -> set[Any]:
    """The change ids the project already holds (a merge applies each change once)."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    known: set[Any] = set()
    for start in range(0, len(uids), IN_CHUNK):
        # Driver SQL: SQLAlchemy's expanding IN doubled the time of this lookup.
        chunk = tuple(uids[start : start + IN_CHUNK])
        sql = f"SELECT uid FROM annotation_event WHERE uid IN ({', '.join([mark] * len(chunk))})"
        known.update(connection.exec_driver_sql(sql, chunk).scalars().all())
    return known


def _check_package(
    session: Session, content: _PackageContent, annotator: str, *, package: str
) -> tuple[int, dict[int, int]]:
    """Refuse the package at its first row that is not its annotator's to give; returns
    the annotator's id and package post id -> project post id. Values are normalised
    in place (evidence as checked spans, times as UTC).

    Events the project already holds (by uid) are ignored by the merge, so only their
    times are read (they order the new ones); every new event and mark is checked."""
    who = annotator_id(session, annotator, create=False)
    if who is None:
        raise UserError(
            f"{package}: the project has no annotator {annotator!r}; nothing was merged"
        )
    post_map, allowed = _match_posts(session, content, who, package)
    keys = set(load_codebook(session).keys)
    for event in content.fresh.values():
        _check_row("annotation_event", event, content.names, annotator, allowed, package)
        event["evidence"] = check_event(
            event, package=package, text=content.texts[event["post_id"]], label_keys=keys
        )
    content.times = [
        moment(at, package=package, table="annotation_event", row=event_id)
        for event_id, _, at in content.history
    ]
    if content.packed_until is not None:
        content.packed_until = moment(
            content.packed_until, package=package, table="annotation_event", row=0
        )
    for mark in content.marks:
        _check_row("post_mark", mark, content.names, annotator, allowed, package)
        check_mark(mark, package=package)
        mark["at"] = moment(mark["at"], package=package, table="post_mark", row=mark["id"])
    return who, post_map


def _fill_merging_post(connection: Connection, rows: list[tuple[Any, ...]], mark: str) -> None:
    """The package's posts into ``_match_posts``' temporary table: ``COPY`` on PostgreSQL
    (50,000 pipelined one-row ``INSERT`` took 1.4 s there), else one ``executemany``."""
    if copies_rows(connection):
        columns = ["package_id", "dataset", "external_id", "digest"]
        copy_rows(connection, "merging_post", columns, rows)
        return
    connection.exec_driver_sql(
        f"INSERT INTO merging_post VALUES ({mark}, {mark}, {mark}, {mark})", rows
    )


def _match_posts(
    session: Session, content: _PackageContent, who: int, package: str
) -> tuple[dict[int, int], set[int]]:
    """Package post id -> project post id (matched by dataset and external id), and the
    package posts the annotator may label. A post missing from the project, or whose
    text (hashed here, never taken from the package's hash column) differs from the
    project's, refuses the package.

    The package's posts go into a temporary table and one join answers for all of them
    (a lookup per post, or an index of the whole project in Python, cost seconds)."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    rows = [
        (package_id, dataset_name, external_id, _digest(content.texts[package_id]))
        for package_id, (dataset_name, external_id) in content.posts.items()
    ]
    # Driver SQL throughout: SQLAlchemy's per-row typing was most of this step's time.
    # The table lives in this transaction: an error rolls it back with everything else.
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE merging_post "
        "(package_id INTEGER, dataset TEXT, external_id TEXT, digest TEXT)"
    )
    if rows:
        _fill_merging_post(connection, rows, mark)
    matched = connection.exec_driver_sql(
        "SELECT m.package_id, post.id, post.content_hash, m.digest, assignment.id "
        "FROM merging_post m "
        "LEFT JOIN dataset ON dataset.name = m.dataset "
        "LEFT JOIN post ON post.dataset_id = dataset.id AND post.external_id = m.external_id "
        "LEFT JOIN assignment ON assignment.post_id = post.id "
        f"AND assignment.annotator_id = {mark} ORDER BY m.package_id",
        (who,),
    ).all()
    connection.exec_driver_sql("DROP TABLE merging_post")
    post_map: dict[int, int] = {}
    assigned: set[int] = set()
    for package_id, post_id, stored, digest, assignment_id in matched:
        dataset_name, external_id = content.posts[package_id]
        if post_id is None:
            raise UserError(
                f"{package}: post {external_id!r} of dataset {dataset_name!r} is not in the project"
            )
        if digest != stored:
            raise UserError(
                f"{package}: post row {package_id}: the text of post {external_id!r} "
                f"({dataset_name}) differs from the project's; the package was altered, "
                "nothing was merged"
            )
        post_map[package_id] = int(post_id)
        if assignment_id is not None:
            assigned.add(package_id)
    return post_map, _handed_to(session, who, post_map, assigned)


def _digest(text: Any) -> str | None:
    """The text's hash as the import computes it; None for a value that is not text."""
    return content_hash(text) if isinstance(text, str) else None


def _handed_to(
    session: Session, who: int, post_map: dict[int, int], assigned: set[int]
) -> set[int]:
    """The package posts the annotator may label: those the lead assigned to them, or,
    when the project holds no assignment for them at all (cleared since packing), every
    post in the package (the package's posts are still checked against the project's)."""
    if assigned:
        return assigned
    table = _table(Assignment)
    statement = select(table.c.id).where(table.c.annotator_id == who).limit(1)
    if session.connection().execute(statement).first() is None:
        return set(post_map)
    return set()


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
    content: _PackageContent,
    post_map: dict[int, int],
    who: int,
    report: MergeReport,
) -> dict[int, dict[str, Any]]:
    """Insert the events the project lacks (by uid), in the order the annotator made them
    (the package's event ids); returns, per project post they touch, the newest of them.

    A time is never allowed to jump the sequence or the merging computer's clock: an event
    dated later than now counts as made now, and one dated before its predecessor counts
    as made with it, so a wrong clock cannot win over later changes."""
    now = datetime.now(UTC)
    table = _table(AnnotationEvent)
    columns = [c.name for c in table.c if c.name != "id"]
    seen: set[Any] = set()
    newest: dict[int, dict[str, Any]] = {}
    new: list[dict[str, Any]] = []
    previous = min(content.packed_until or datetime.min.replace(tzinfo=UTC), now)
    report.events_known += content.packed_events
    for (event_id, uid, _), stated in zip(content.history, content.times, strict=True):
        at = max(min(stated, now), previous)
        previous = at
        event = content.fresh.get(event_id)
        if event is None or uid in seen:
            report.events_known += 1
            continue
        seen.add(uid)
        report.events_future += in_future(stated, now)
        post_id = post_map[event["post_id"]]
        data = {name: event.get(name) for name in columns}
        data.update(post_id=post_id, annotator_id=who, at=at)
        new.append(data)
        newest[post_id] = data
    report.events_added = len(new)
    insert_many(session, table, new)
    return newest
