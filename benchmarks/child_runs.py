"""Running one side of a benchmark in its own process, and the databases it runs on.

Each side runs in a child process so its time and peak memory are its own; the child
prints one JSON line of figures (``report``) and the parent reads it back (``child``).
``fresh_database`` gives a benchmark an empty PostgreSQL database per project (``--url``),
dropped at the end, so runs never see each other's rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def report(**figures: float | int | str | None) -> None:
    """The child's figures, as the last line of its output."""
    print(json.dumps(figures))


def child(script: str | Path, *args: str | Path) -> dict[str, float]:
    """Run ``script`` with ``args`` in a fresh interpreter and return its reported figures."""
    output = subprocess.run(
        [sys.executable, str(script), *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """An empty database on the server named by ``server_url`` (its URL), dropped afterwards.

    CREATE/DROP DATABASE cannot run inside a transaction, hence the autocommit connection
    to the URL's own database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"annotator_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def ratio_line(label: str, sqlite_seconds: float, postgres_seconds: float) -> str:
    """One printed row: annotator on SQLite, on PostgreSQL, and PostgreSQL / SQLite."""
    return (
        f"{label:28} SQLite {sqlite_seconds:7.2f} s   PostgreSQL {postgres_seconds:7.2f} s   "
        f"ratio PostgreSQL/SQLite {postgres_seconds / sqlite_seconds:.2f}"
    )


def copy_into(url: str, table: str, columns: list[str], rows: object) -> None:
    """Bulk rows straight into a table of the database at ``url`` (PostgreSQL's ``COPY``),
    for benchmarks that build their data below the services, as they do on SQLite."""
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with (
        psycopg.connect(dsn) as connection,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in rows:  # type: ignore[attr-defined]
            copy.write_row(row)
