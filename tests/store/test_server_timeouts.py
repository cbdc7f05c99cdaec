"""A database server that accepts the connection and never answers gets a sentence, soon."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import annotator.store.engine as engine
from annotator.domain.errors import ProjectError
from annotator.services.project.projects import open_project
from tests.conftest import needs_server


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def test_a_silent_server_is_refused_in_a_sentence_within_the_timeout(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 2)
    url = f"postgresql+psycopg://ana:secret@127.0.0.1:{silent_server}/study"
    started = time.monotonic()
    with pytest.raises(ProjectError) as refused:
        open_project(url)
    assert time.monotonic() - started < 10
    message = str(refused.value)
    assert "cannot connect" in message and "timeout" in message.lower()
    assert "secret" not in message and "\n" not in message


@needs_server
def test_a_statement_that_waits_too_long_is_cancelled_in_a_sentence(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from annotator.domain.errors import MachineError
    from annotator.services.project.projects import init_project

    monkeypatch.setattr(engine, "STATEMENT_TIMEOUT_S", 1)
    project = init_project(database)
    try:
        started = time.monotonic()
        with pytest.raises(MachineError) as refused, project.session() as session:
            session.execute(text("SELECT pg_sleep(30)"))
        assert time.monotonic() - started < 10
        assert str(refused.value).startswith("the database server did not finish one step in time")
        assert "nothing was saved" in str(refused.value) and "\n" not in str(refused.value)
    finally:
        project.close()


@needs_server
def test_a_connection_the_server_drops_mid_work_gives_one_sentence(database: str) -> None:
    from sqlalchemy import create_engine, text

    from annotator.domain.errors import MachineError
    from annotator.services.project.projects import init_project

    project = init_project(database)
    admin = create_engine(database, isolation_level="AUTOCOMMIT")
    try:
        with pytest.raises(MachineError) as refused, project.session() as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with admin.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            session.execute(text("SELECT 1"))
        assert str(refused.value).startswith("the database server closed the connection")
        assert "nothing was saved" in str(refused.value)
    finally:
        admin.dispose()
        project.close()


@needs_server
def test_an_import_whose_server_goes_away_says_so_in_one_line(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sqlalchemy import create_engine, text

    import annotator.services.imports.importing as importing
    from annotator.cli import run_cli
    from tests.conftest import write_csv

    posts = write_csv(
        tmp_path / "posts.csv",
        "id,text\n" + "".join(f"{i},post number {i} #ad\n" for i in range(2000)),
    )
    assert run_cli(["init", database], launch_gui=lambda *_: 0) == 0
    admin = create_engine(database, isolation_level="AUTOCOMMIT")
    settle = importing.settle_numeric_times

    def server_restarts(connection, *args, **kwargs):  # type: ignore[no-untyped-def]
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return settle(connection, *args, **kwargs)

    monkeypatch.setattr(importing, "settle_numeric_times", server_restarts)
    capsys.readouterr()
    try:
        code = run_cli(["import", database, str(posts)], launch_gui=lambda *_: 0)
    finally:
        admin.dispose()
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "the database server closed the connection" in err and "nothing was saved" in err
    monkeypatch.undo()
    project = open_project(database)
    try:
        with project.session() as session:
            assert session.execute(text("SELECT count(*) FROM post")).scalar_one() == 0
    finally:
        project.close()


@needs_server
def test_a_server_with_no_free_connection_says_so_without_a_password_hint(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A role allowed no connection (as a full server allows none): `stats` is one
    sentence about connections, exit 2, and no PGPASSWORD hint (the password is right)."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from annotator.cli import run_cli
    from annotator.services.project.projects import init_project

    init_project(database).close()
    role = f"annotator_full_{uuid.uuid4().hex[:8]}"
    admin = create_engine(database, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'pw' CONNECTION LIMIT 0"))
    limited = make_url(database).set(username=role, password="pw")
    try:
        capsys.readouterr()
        code = run_cli(
            ["stats", limited.render_as_string(hide_password=False)], launch_gui=lambda *_: 0
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
    error = capsys.readouterr().err.strip()
    assert code == 2
    assert "no free connection" in error and "nothing was saved" in error
    assert "PGPASSWORD" not in error and len(error.splitlines()) == 1
