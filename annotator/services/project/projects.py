"""Creating and opening projects; the one place both front ends start from."""

from __future__ import annotations

from pathlib import Path

from annotator.domain.codebook import Codebook, codebook_from_specs
from annotator.store.engine import Project, create_project, open_project
from annotator.store.queries import load_codebook


def init_project(target: str | Path, label_specs: list[str] | None = None) -> Project:
    """Create a project with the labels given as ``KEY[=DISPLAY NAME]`` or the default codebook."""
    return create_project(target, codebook_from_specs(list(label_specs or [])))


def codebook_of(project: Project) -> Codebook:
    with project.session() as session:
        return load_codebook(session)


__all__ = ["Project", "codebook_of", "init_project", "open_project"]
