"""Settings that belong to a project (not to a person): kept in the project's database."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlmodel import select

from annotator.domain.errors import UserError
from annotator.domain.markers import Marker, load_markers, parse_markers
from annotator.store.engine import Project
from annotator.store.queries import dataset_extra_columns, hold_writers, load_codebook
from annotator.store.tables import ProjectMeta

BLIND_MODE = "blind_mode"
CLUSTER_THRESHOLD = "cluster_threshold"
#: Estimated Jaccard similarity (character 5-grams) from which two texts count as the
#: same talking point. Chosen on benchmarks/cluster_quality.py (issue #17's campaigns):
#: precision is 1.000 from 0.45 up and falls under 0.95 between 0.35 and 0.40; recall
#: is 0.997 or more up to 0.55 and falls under 0.95 at 0.70. 0.55 keeps recall there
#: and stays 0.15 above the fall in precision, the costlier error (labeling a cluster
#: labels every post in it). A project that stored its own similarity keeps it.
DEFAULT_CLUSTER_THRESHOLD = 0.55
GUIDELINES = "guidelines"
MARKERS = "markers"
SHOWN_EXTRA_COLUMNS = "shown_extra_columns"


def _get(project: Project, key: str) -> str | None:
    with project.session() as session:
        row = session.exec(select(ProjectMeta).where(ProjectMeta.key == key)).first()
        return None if row is None else row.value


def _set(project: Project, key: str, value: str) -> None:
    with project.session() as session:
        hold_writers(session, "settings", [key])
        row = session.exec(select(ProjectMeta).where(ProjectMeta.key == key)).first()
        if row is None:
            session.add(ProjectMeta(key=key, value=value))
        else:
            row.value = value
            session.add(row)


def blind_mode(project: Project) -> bool:
    """When on, annotators do not see who wrote a post."""
    return _get(project, BLIND_MODE) == "1"


def set_blind_mode(project: Project, on: bool) -> None:
    _set(project, BLIND_MODE, "1" if on else "0")


def shown_extra_columns(project: Project) -> list[str]:
    """Extra source columns the lead wants shown beside each post."""
    value = _get(project, SHOWN_EXTRA_COLUMNS)
    return list(json.loads(value)) if value else []


def set_shown_extra_columns(project: Project, columns: list[str]) -> None:
    _set(project, SHOWN_EXTRA_COLUMNS, json.dumps(columns))


def available_extra_columns(project: Project) -> list[str]:
    """The extra source columns the project's datasets really have, first seen first:
    what the lead can choose from (a misspelt name cannot be chosen)."""
    with project.session() as session:
        return dataset_extra_columns(session)


def marker_list(project: Project) -> list[Marker]:
    """The project's own disclosure markers (a package carries the lead's list), else the
    shipped ones."""
    text = _get(project, MARKERS)
    return parse_markers(text) if text else load_markers()


def set_marker_list(project: Project, text: str) -> None:
    """Store a marker list in the project (the text format of resources/markers/)."""
    parse_markers(text)  # refuse a list that does not compile before storing it
    _set(project, MARKERS, text)


def guidelines(project: Project) -> str:
    """The annotators' guide (Markdown). A project that never stored one and uses the
    default codebook's labels gets the shipped guide."""
    with project.session() as session:
        return load_codebook(session).guidelines


def set_guidelines(project: Project, text: str) -> None:
    """Store the guide; an empty text is kept as empty (the lead removed it)."""
    _set(project, GUIDELINES, text)


def project_id(project: Project) -> str:
    """A stable id for the project, made with it (or on first use, for a project older
    than that) and kept in the project. A read-only project without one gets an id made
    from its location, the same on every read, since none can be stored."""
    with project.session() as session:
        row = session.exec(select(ProjectMeta).where(ProjectMeta.key == "project_id")).first()
        if row is None and project.read_only:
            return str(uuid.uuid5(uuid.NAMESPACE_URL, Path(project.location).resolve().as_uri()))
        if row is None:
            hold_writers(session, "settings", ["project_id"])
            row = session.exec(select(ProjectMeta).where(ProjectMeta.key == "project_id")).first()
        if row is None:
            row = ProjectMeta(key="project_id", value=str(uuid.uuid4()))
            session.add(row)
        return row.value


def cluster_threshold(project: Project) -> float:
    """The similarity the project's cluster search uses (its own, else the default)."""
    value = _get(project, CLUSTER_THRESHOLD)
    return float(value) if value else DEFAULT_CLUSTER_THRESHOLD


def check_cluster_threshold(value: float) -> float:
    if not 0 < value <= 1:
        raise UserError(f"the similarity must be above 0 and at most 1, such as 0.7 (not {value})")
    return value


def set_cluster_threshold(project: Project, value: float) -> None:
    """Store the similarity for this project's next cluster searches."""
    _set(project, CLUSTER_THRESHOLD, repr(check_cluster_threshold(value)))


RETRAIN_AFTER_LABELS = "model_retrain_after_labels"
#: New labels after which the app retrains the model in the background (0: never).
DEFAULT_RETRAIN_AFTER_LABELS = 50
SHOW_MODEL_SUGGESTION = "model_show_suggestion"


def retrain_after_labels(project: Project) -> int:
    """How many new labels trigger a background retraining (0: only when asked)."""
    value = _get(project, RETRAIN_AFTER_LABELS)
    return int(value) if value else DEFAULT_RETRAIN_AFTER_LABELS


def set_retrain_after_labels(project: Project, count: int) -> None:
    if count < 0:
        raise UserError(f"Retrain after must be 0 (never) or more labels, not {count}.")
    _set(project, RETRAIN_AFTER_LABELS, str(count))


def show_model_suggestion(project: Project) -> bool:
    """Whether annotators see the model's suggestion. Off by default: seeing it biases
    their judgment, and agreement between annotators needs independent judgments."""
    return _get(project, SHOW_MODEL_SUGGESTION) == "1"


def set_show_model_suggestion(project: Project, on: bool) -> None:
    _set(project, SHOW_MODEL_SUGGESTION, "1" if on else "0")


FETCH_MEDIA = "fetch_media"


def fetch_media(project: Project) -> bool:
    """Whether the lead turned on fetching pictures from the web (off by default: see
    ``domain.web_pictures.FETCH_PRIVACY`` for what fetching tells the platforms)."""
    return _get(project, FETCH_MEDIA) == "1"


def set_fetch_media(project: Project, on: bool) -> None:
    project.refuse_if_read_only()
    _set(project, FETCH_MEDIA, "1" if on else "0")
