"""Opening and creating project stores: SQLite files (WAL, foreign keys) or database URLs."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlmodel import Session, select

from annotator import __version__
from annotator.domain.codebook import Codebook
from annotator.domain.errors import ProjectBusyError, ProjectError, machine_error
from annotator.store.backup import backups_dir, list_backups, make_backup, prune_backups
from annotator.store.regular_files import require_regular_file
from annotator.store.schema import create_schema, migrate
from annotator.store.tables import PROJECT_FORMAT, SCHEMA_VERSION, CodebookLabel, ProjectMeta

SQLITE_MAGIC = b"SQLite format 3\x00"
#: How long an SQLite connection waits for another's write lock before "busy".
BUSY_TIMEOUT_MS = 10_000
#: The oldest schema this version reads as it is (later versions only added indexes), so
#: such a project on a read-only disk opens without the upgrade it cannot write.
READS_UNCHANGED_FROM = 10
#: Seconds to wait for a database server to answer a new connection (URL projects).
CONNECT_TIMEOUT_S = 10
#: Seconds one statement may take on a database server before it is cancelled.
STATEMENT_TIMEOUT_S = 600

#: The read snapshots this thread (context) is inside, by engine (``Project.snapshot``).
_snapshots: ContextVar[dict[int, tuple[Connection, ReadSnapshot]] | None] = ContextVar(
    "snapshots", default=None
)

#: This thread's (this context's) wait for a write lock, when ``busy_timeout`` set one.
_busy_timeout_ms: ContextVar[int | None] = ContextVar("busy_timeout_ms", default=None)


@contextmanager
def busy_timeout(msecs: int) -> Iterator[None]:
    """Sessions opened inside this block, on this thread, wait at most ``msecs`` for
    another connection's write lock before raising ProjectBusyError, instead of
    ``BUSY_TIMEOUT_MS``. The GUI thread saves a label this way, so its own retry loop
    waits rather than a frozen window; other threads keep the long wait.

    SQLite only: each connection's ``PRAGMA busy_timeout`` is set as it is taken from
    the pool, so the next session elsewhere gets the default back. On a database server
    (PostgreSQL) this changes nothing: writers lock rows, not the database, and wait for
    each other there.
    """
    token = _busy_timeout_ms.set(msecs)
    try:
        yield
    finally:
        _busy_timeout_ms.reset(token)


@dataclass(frozen=True)
class ReadSnapshot:
    """The state a snapshot read: the last history id it saw and when it was taken, so
    an export's manifest can say which labels it holds."""

    last_history_id: int
    taken_at: datetime


@dataclass
class Project:
    """An open project store. ``location`` is the file path or the URL without password.
    ``read_only``: an SQLite file on a read-only disk or without write permission, opened
    for reading (statistics, exports, browsing); every write is refused in a sentence."""

    engine: Engine
    location: str
    read_only: bool = False

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def snapshot(self) -> Iterator[ReadSnapshot]:
        """Every session opened inside the block (on this thread) reads one state of the
        project: a change another program commits meanwhile shows in all of it or none.

        SQLite: one read transaction (pysqlite begins none for reads, so each statement
        would see the latest commit), with ``query_only`` so a stray write fails loudly
        instead of being rolled back silently at the end. PostgreSQL: ``REPEATABLE READ,
        READ ONLY``. Nested snapshots on one project share the outer one."""
        active = _snapshots.get() or {}
        held = active.get(id(self.engine))
        if held is not None:
            yield held[1]
            return
        with self.engine.connect() as connection:
            if self.is_sqlite:
                connection.exec_driver_sql("PRAGMA query_only=ON")
                connection.exec_driver_sql("BEGIN")
            else:
                connection = connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            try:
                taken = ReadSnapshot(_last_history_id(connection), datetime.now(UTC))
                token = _snapshots.set({**active, id(self.engine): (connection, taken)})
                try:
                    yield taken
                finally:
                    _snapshots.reset(token)
                    connection.rollback()  # it wrote nothing; ends the read transaction
            except DBAPIError as error:
                found = machine_error(error, where=self.location)
                if found is not None:
                    raise found from error
                raise
            finally:
                if self.is_sqlite and not connection.invalidated:
                    connection.exec_driver_sql("PRAGMA query_only=OFF")
                    connection.commit()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error; inside
        ``snapshot`` it reads that snapshot."""
        held = (_snapshots.get() or {}).get(id(self.engine))
        if held is not None:
            with Session(bind=held[0], expire_on_commit=False) as session:
                yield session
            return
        with Session(self.engine, expire_on_commit=False) as session, self._named_errors(session):
            yield session
            session.commit()

    @contextmanager
    def pinned_session(self) -> Iterator[Session]:
        """A session on one connection held for the whole block, for a write done in
        several transactions that must share the connection (a TEMP table filled before
        the write lock is taken and read after it). The caller commits; anything left
        uncommitted is rolled back, and errors are named as in ``session``."""
        with (
            self.engine.connect() as connection,
            Session(bind=connection, expire_on_commit=False) as session,
            self._named_errors(session),
        ):
            yield session

    @contextmanager
    def _named_errors(self, session: Session) -> Iterator[None]:
        """Roll ``session`` back on any error, and name a database error for the person:
        the project busy, the machine's own trouble (disk full, read-only)."""
        try:
            yield
        except DBAPIError as error:
            _quiet_rollback(session)
            if "locked" in str(error.orig) or "busy" in str(error.orig):
                raise ProjectBusyError(
                    f"{self.location}: another program is writing to the project; "
                    "nothing was saved, try again in a moment"
                ) from error
            found = machine_error(error, where=self.location)
            if found is not None:
                raise found from error
            raise
        except BaseException:
            session.rollback()
            raise

    def close(self) -> None:
        self.engine.dispose()

    def backup(self, reason: str) -> Path | None:
        """A rolling backup of an SQLite project (None for a database server)."""
        if not self.is_sqlite:
            return None
        self.refuse_if_read_only()
        return make_backup(Path(self.location), reason)

    def refuse_if_read_only(self) -> None:
        """Before a write: one sentence for a project opened read-only."""
        if self.read_only:
            raise ProjectError(
                f"{self.location}: the project is open read-only (its file or folder cannot "
                "be written: a read-only disk or missing permission); nothing was changed. "
                "Copy it to a folder you can write to, or ask for write permission"
            )

    @contextmanager
    def backed_up(self, reason: str) -> Iterator[Path | None]:
        """A backup for the write done inside the block. When the write fails the backup
        is deleted again (it equals the project as it still is) and no older backup was
        pruned for it, so a failed write never pushes a real backup out of the kept ten."""
        if not self.is_sqlite:
            yield None
            return
        self.refuse_if_read_only()
        made = make_backup(Path(self.location), reason, prune=False)
        try:
            yield made
        except BaseException:
            if made is not None:
                made.unlink(missing_ok=True)
            raise
        prune_backups(Path(self.location))


def _last_history_id(connection: Connection) -> int:
    """The newest label history id; reading it also fixes the snapshot's state."""
    return int(connection.exec_driver_sql("SELECT max(id) FROM annotation_event").scalar() or 0)


def _quiet_rollback(session: Session) -> None:
    """Roll back after a database error; a connection the server already dropped cannot
    roll back, and that second error must not hide the first one's sentence."""
    try:
        session.rollback()
    except SQLAlchemyError:
        session.invalidate()


def _sqlite_path(target: str | Path) -> Path | None:
    """The file behind a target, or None when the target is a non-SQLite URL."""
    text_target = str(target)
    if "://" not in text_target:
        return Path(text_target)
    try:
        url = make_url(text_target)
    except ArgumentError as error:
        raise ProjectError(f"{text_target!r} is neither a file path nor a database URL") from error
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ProjectError("a project needs a file; in-memory SQLite is not supported")
        return Path(url.database)
    return None


def _on_sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    record.info["busy_timeout"] = BUSY_TIMEOUT_MS
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a label acknowledged to the annotator survives a power cut, not only a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _on_sqlite_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Give the connection the wait this thread asked for (``busy_timeout``) or the
    default; pooled connections move between threads, so every checkout decides."""
    wanted = _busy_timeout_ms.get()
    msecs = BUSY_TIMEOUT_MS if wanted is None else wanted
    if record.info.get("busy_timeout") != msecs:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(msecs)}")
        cursor.close()
        record.info["busy_timeout"] = msecs


def is_read_only_file(path: Path) -> bool:
    """Whether SQLite could not write the project: the file or its folder (where the
    write-ahead log and journal go) is not writable. ``os.access`` answers for the user
    running the app, read-only mounts and immutable files included."""
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def _read_only_uri(path: Path) -> str:
    """The URI that reads ``path`` without writing a byte beside it. On an unwritable
    file or folder, without an unfinished write-ahead log, the file is read as
    immutable, which needs no lock or shared-memory file; otherwise ``mode=ro`` (SQLite
    must read the log too)."""
    wal = Path(f"{path}-wal")
    unfinished = wal.exists() and wal.stat().st_size > 0
    flags = "mode=ro&immutable=1" if is_read_only_file(path) and not unfinished else "mode=ro"
    return f"{path.resolve().as_uri()}?{flags}"


def _read_only_engine(path: Path) -> Engine:
    """An engine that only reads ``path`` (see ``_read_only_uri``)."""
    uri = _read_only_uri(path)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    engine = create_engine("sqlite://", creator=connect)
    event.listen(engine, "connect", _on_read_only_connect)
    return engine


def _on_read_only_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _make_engine(target: str | Path, *, read_only: bool = False) -> Engine:
    path = _sqlite_path(target)
    if path is not None and read_only:
        return _read_only_engine(path)
    if path is not None:
        engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "checkout", _on_sqlite_checkout)
        return engine
    try:
        url = make_url(str(target))
        connect_args: dict[str, Any] = {}
        if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
            # A server that accepts the connection and never answers must not freeze the
            # app (it reopens the last project at start); keepalives notice one that dies
            # mid-statement; the statement timeout ends a statement that waits on a hung
            # server or a lock for longer than any honest one takes (imports and exports
            # run in chunks of seconds). A URL's own ``options`` take precedence.
            connect_args = {
                "connect_timeout": CONNECT_TIMEOUT_S,
                **(
                    {}
                    if "options" in url.query
                    else {"options": f"-c statement_timeout={STATEMENT_TIMEOUT_S * 1000}"}
                ),
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
            }
        return create_engine(str(target), pool_pre_ping=True, connect_args=connect_args)
    except (ArgumentError, ImportError) as error:
        raise ProjectError(f"cannot use database URL {_safe(target)}: {error}") from error


def _safe(target: str | Path) -> str:
    """A target fit for messages and for the recent-projects list: URLs without their
    password. Dropped rather than masked, so the URL still opens the project where the
    password comes from ``PGPASSWORD`` or ``~/.pgpass`` (libpq reads both); a masked
    ``***`` would be sent as the password."""
    text_target = str(target)
    if "://" in text_target:
        try:
            url = make_url(text_target)
        except ArgumentError:
            return text_target
        # URL.create, not url.set(password=None): set() takes None for "unchanged".
        bare = URL.create(
            url.drivername,
            username=url.username,
            host=url.host,
            port=url.port,
            database=url.database,
            query=url.query,
        )
        return bare.render_as_string(hide_password=False)
    return text_target


def damaged_project_error(path: Path, detail: str) -> ProjectError:
    """The one sentence for a damaged project file: what is wrong and how to put the
    newest backup back. The restore is given as shell commands, not File > Restore
    backup, because that menu needs the project open and a damaged one does not open."""
    backups = list_backups(path)
    if not backups:
        return ProjectError(
            f"{path}: the project file is damaged ({detail}) and no backup of it is in "
            f"{backups_dir(path)}; nothing was changed, keep the file for recovery tools"
        )
    newest = backups[0]
    return ProjectError(
        f"{path}: the project file is damaged ({detail}); the newest backup is {newest}: "
        f"move the damaged file (and any {path.name}-wal and {path.name}-shm beside it) "
        f"away, then restore the backup with: cp '{newest}' '{path}'"
    )


def _truncation(header: bytes, size: int, *, settled: bool) -> str | None:
    """Why an SQLite file is shorter than its header says (cut off by a full disk or a
    failed copy), or None. SQLite itself reads a short last page as zeros, and
    quick_check passes such a file."""
    if len(header) < 100:
        return f"truncated to {size} bytes"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or size % page_size:
        return f"truncated: {size} bytes is not a whole number of {page_size}-byte pages"
    pages = int.from_bytes(header[28:32], "big")
    header_is_current = header[24:28] == header[92:96]
    if settled and header_is_current and size < pages * page_size:
        return f"truncated: {size // page_size} of its {pages} pages are left"
    return None


def _read_sqlite_meta(path: Path, *, check_structure: bool = True) -> dict[str, str]:
    """Read project facts without changing a byte of the file (read-only, no WAL switch),
    and check the file's structure (``PRAGMA quick_check``) so a damaged project is
    refused on open, naming its newest backup, rather than failing later mid-work.

    quick_check reads every page once: about 0.17 s for a 200,000-post project (72 MB)
    with the file in the page cache, so a fast open and the check go together; it skips
    only the index-versus-table comparison of ``integrity_check``.
    """
    if not path.exists():
        raise ProjectError(
            f"{path}: no project here; create one with 'annotator init {path}' "
            "or File > New project"
        )
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not an annotator project file")
    require_regular_file(path, error=ProjectError)
    with path.open("rb") as handle:
        header = handle.read(100)
    if header[: len(SQLITE_MAGIC)] != SQLITE_MAGIC:
        if list_backups(path):
            raise damaged_project_error(path, "its SQLite header is gone")
        raise ProjectError(f"{path}: is not an annotator project (not an SQLite database)")
    wal = Path(f"{path}-wal")
    # A checkpoint in another program may be growing the file right now: the page count
    # is compared only when no write-ahead log is in use.
    settled = not wal.exists() or wal.stat().st_size == 0
    cut = _truncation(header, path.stat().st_size, settled=settled)
    if cut:
        raise damaged_project_error(path, cut)
    try:
        connection = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            rows = connection.execute("SELECT key, value FROM project_meta").fetchall()
            problems = ["ok"]
            if check_structure:
                problems = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        message = str(error)
        if any(sign in message for sign in ("malformed", "not a database", "corrupt")):
            raise damaged_project_error(path, message) from error
        if "no such table" in message:
            raise ProjectError(
                f"{path}: is an SQLite database but not an annotator project ({message})"
            ) from error
        raise ProjectError(f"{path}: cannot read the project ({message})") from error
    if problems != ["ok"]:
        first = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
        raise damaged_project_error(path, f"quick_check: {first[:200]}")
    return dict(rows)


def _read_url_meta(engine: Engine, location: str) -> dict[str, str]:
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("project_meta"):
                raise ProjectError(
                    f"{location}: the database holds no annotator project; "
                    "create one with 'annotator init'"
                )
            rows = connection.execute(text("SELECT key, value FROM project_meta")).all()
    except OperationalError as error:
        found = machine_error(error, where=location)
        if found is not None:
            raise found from error
        raise ProjectError(
            f"{location}: cannot connect ({error.orig}){_password_hint(error)}"
        ) from error
    return {str(key): str(value) for key, value in rows}


def _password_hint(error: OperationalError) -> str:
    """Where a password comes from, said only when the server refused or missed one."""
    text = str(error.orig)
    if "password" in text or "authentication failed" in text:
        return "; a password not in the URL comes from PGPASSWORD or ~/.pgpass"
    return ""


def _check_meta(meta: dict[str, str], location: str) -> None:
    if meta.get("format") != PROJECT_FORMAT:
        raise ProjectError(f"{location}: is not an annotator project")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError as error:
        raise ProjectError(f"{location}: the project's schema version is unreadable") from error
    if version > SCHEMA_VERSION:
        raise ProjectError(
            f"{location}: was written by a newer annotator (schema {version}, this app "
            f"reads up to {SCHEMA_VERSION}); update annotator to open it"
        )
    if version < 1:
        raise ProjectError(f"{location}: has an unknown schema version {version}")


def _upgrade(project: Project, meta: dict[str, str]) -> None:
    """Bring an older project up to this version's schema, in one transaction, after a
    backup of the file as it was."""
    version = int(meta["schema_version"])
    if version < SCHEMA_VERSION and project.read_only:
        if version >= READS_UNCHANGED_FROM:
            return
        project.close()
        raise ProjectError(
            f"{project.location}: was written by an older annotator (schema {version}) and "
            "cannot be written here to upgrade it (a read-only disk or missing permission); "
            "copy it to a folder you can write to and open the copy"
        )
    if version < SCHEMA_VERSION:
        if project.is_sqlite:
            make_backup(Path(project.location), f"before-schema-{SCHEMA_VERSION}")
        with project.engine.begin() as connection:
            migrate(connection, version, SCHEMA_VERSION)


def open_project(target: str | Path, *, check_structure: bool = True) -> Project:
    """Open an existing project, refusing anything that is not one, untouched. A file
    that cannot be written opens read-only. ``check_structure=False`` skips the
    ``quick_check`` (merge reads a package that way: it checks every value it takes,
    and a damaged page fails the read in a sentence)."""
    location = _safe(target)
    path = _sqlite_path(target)
    if path is not None:
        meta = _read_sqlite_meta(path, check_structure=check_structure)
        _check_meta(meta, location)
        read_only = is_read_only_file(path)
        project = Project(_make_engine(path, read_only=read_only), str(path), read_only)
    else:
        engine = _make_engine(target)
        try:
            meta = _read_url_meta(engine, location)
            _check_meta(meta, location)
        except ProjectError:
            engine.dispose()
            raise
        project = Project(engine, location)
    _upgrade(project, meta)
    return project


def create_project(target: str | Path, codebook: Codebook) -> Project:
    """Create a new, empty project with ``codebook``; refuse to overwrite anything."""
    location = _safe(target)
    path = _sqlite_path(target)
    if path is not None:
        require_regular_file(path, error=ProjectError)
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError(f"{path}: already exists; choose a new file name")
        if not path.parent.exists():
            raise ProjectError(f"{path}: the folder {path.parent} does not exist")
    engine = _make_engine(target)
    try:
        with engine.begin() as connection:
            if inspect(connection).has_table("project_meta"):
                raise ProjectError(f"{location}: already holds an annotator project")
            create_schema(connection)
    except SQLAlchemyError as error:
        engine.dispose()
        raise ProjectError(f"{location}: cannot create the project ({error})") from error
    except ProjectError:
        engine.dispose()
        raise
    project = Project(engine, str(path) if path is not None else location)
    with project.session() as session:
        for key, value in {
            "format": PROJECT_FORMAT,
            "schema_version": str(SCHEMA_VERSION),
            "created_with": __version__,
            "project_id": str(uuid.uuid4()),
            "codebook_questions": json.dumps(
                {
                    q: {a: list(k) for a, k in answers.items()}
                    for q, answers in codebook.questions.items()
                }
            ),
            **({"guidelines": codebook.guidelines} if codebook.guidelines else {}),
        }.items():
            session.add(ProjectMeta(key=key, value=value))
        for position, label in enumerate(codebook.labels):
            session.add(
                CodebookLabel(
                    position=position,
                    key=label.key,
                    display_name=label.display_name,
                    description=label.description,
                    shortcut=label.shortcut,
                    examples=list(label.examples),
                )
            )
    return project


def database_engine(project: Project) -> str:
    """The database behind the project as a person reads it: "SQLite 3.45.1",
    "PostgreSQL 15.4" (for the About dialog and bug reports)."""
    with project.engine.connect() as connection:
        if project.is_sqlite:
            return f"SQLite {connection.execute(text('SELECT sqlite_version()')).scalar_one()}"
        if project.engine.dialect.name == "postgresql":
            version = connection.execute(text("SHOW server_version")).scalar_one()
            return f"PostgreSQL {str(version).split()[0]}"
        info = connection.dialect.server_version_info or ()
        return " ".join([project.engine.dialect.name, ".".join(str(part) for part in info)]).strip()


def schema_version(project: Project) -> int:
    """The schema version recorded in the project."""
    with project.session() as session:
        row = session.exec(select(ProjectMeta).where(ProjectMeta.key == "schema_version")).one()
        return int(row.value)
