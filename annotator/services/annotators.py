"""Annotator identities: the names labels are saved under, and renaming them."""

from __future__ import annotations

from sqlmodel import col, select

from annotator.domain.errors import UserError
from annotator.store.engine import Project
from annotator.store.tables import Annotator


def rename_annotator(project: Project, old: str, new: str) -> None:
    """Give an annotator a new name; every label and history entry follows (they point at
    the annotator, not the name)."""
    new = new.strip()
    if not new:
        raise UserError("the new name is empty")
    with project.session() as session:
        row = session.exec(select(Annotator).where(col(Annotator.name) == old)).first()
        if row is None:
            raise UserError(f"the project has no annotator {old!r}")
        taken = session.exec(select(Annotator).where(col(Annotator.name) == new)).first()
        if taken is not None and taken.id != row.id:
            raise UserError(
                f"{new!r} already exists: two spellings of one person cannot be merged by "
                "renaming yet"
            )
        row.name = new
        session.add(row)
