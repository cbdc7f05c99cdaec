"""Creating and opening projects; the one place both front ends start from."""

from __future__ import annotations

from pathlib import Path

from annotator.domain.changes import DataVersion
from annotator.domain.codebook import Codebook, codebook_from_specs
from annotator.store.data_version import read_data_version
from annotator.store.engine import (
    Project,
    busy_timeout,
    create_project,
    database_engine,
    open_project,
)
from annotator.store.queries import load_codebook


def init_project(target: str | Path, label_specs: list[str] | None = None) -> Project:
    """Create a project with the labels given as written ("0", "Not sure") or as
    ``KEY=DISPLAY NAME``, or with the default codebook."""
    return create_project(target, codebook_from_specs(list(label_specs or [])))


def codebook_of(project: Project) -> Codebook:
    with project.session() as session:
        return load_codebook(session)


def data_version(project: Project) -> DataVersion:
    """What the project holds, fingerprinted cheaply: polled every few seconds by the
    app so that a window sees other people's labels on a shared database."""
    with project.session() as session:
        return read_data_version(session)


def database_engine_name(project: Project) -> str:
    """The database behind the project as a person reads it ("SQLite 3.45.1",
    "PostgreSQL 15.4"), for the About dialog and bug reports."""
    return database_engine(project)


def backup_project(project: Project, reason: str) -> Path | None:
    """A rolling backup of an SQLite project now, named with ``reason`` ("timer"); None
    for a database server, whose backups are the server's business."""
    return project.backup(reason)


__all__ = [
    "Project",
    "backup_project",
    "busy_timeout",
    "codebook_of",
    "database_engine_name",
    "init_project",
    "open_project",
]
