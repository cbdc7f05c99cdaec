"""Changing the codebook a project uses: the labels' keyboard shortcuts, their
definitions and example posts."""

from __future__ import annotations

from sqlmodel import col, select

from annotator.domain.codebook import Codebook, clean_examples
from annotator.domain.errors import UserError
from annotator.store.engine import Project
from annotator.store.queries import load_codebook
from annotator.store.tables import CodebookLabel


def set_label_shortcuts(project: Project, shortcuts: dict[str, str]) -> Codebook:
    """Give labels new shortcuts (label key -> key sequence text, "" for none).

    Refuses two labels on one key and keys naming no label; returns the new codebook.
    """
    cleaned = {key: value.strip() for key, value in shortcuts.items()}
    taken: dict[str, str] = {}
    for key, shortcut in cleaned.items():
        if not shortcut:
            continue
        if shortcut.casefold() in taken:
            raise UserError(
                f"the key {shortcut!r} is given to both {taken[shortcut.casefold()]} and {key}"
            )
        taken[shortcut.casefold()] = key
    with project.session() as session:
        rows = {row.key: row for row in session.exec(select(CodebookLabel)).all()}
        unknown = sorted(set(cleaned) - set(rows))
        if unknown:
            raise UserError(f"the codebook has no label {', '.join(unknown)}")
        for key, shortcut in cleaned.items():
            rows[key].shortcut = shortcut
            session.add(rows[key])
        session.flush()
        clash = session.exec(
            select(CodebookLabel.key, CodebookLabel.shortcut).where(
                col(CodebookLabel.shortcut) != ""
            )
        ).all()
        seen: dict[str, str] = {}
        for key, shortcut in clash:
            if shortcut.casefold() in seen:
                raise UserError(
                    f"the key {shortcut!r} is given to both {seen[shortcut.casefold()]} and {key}"
                )
            seen[shortcut.casefold()] = key
        return load_codebook(session)


def set_label_definition(
    project: Project, key: str, *, description: str, examples: list[str]
) -> Codebook:
    """Give the label ``key`` a new definition and example posts (plain text, trimmed,
    blanks dropped, at most ``MAX_EXAMPLES``); returns the new codebook.

    The key, name and shortcut stay: labels already given keep their meaning.
    """
    kept = clean_examples(examples)
    with project.session() as session:
        row = session.exec(select(CodebookLabel).where(CodebookLabel.key == key)).first()
        if row is None:
            raise UserError(f"the codebook has no label {key}")
        row.description = description.strip()
        row.examples = list(kept)
        session.add(row)
        session.flush()
        return load_codebook(session)
