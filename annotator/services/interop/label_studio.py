"""Label Studio's JSON export format, written: tasks with the labeling config they open
under, every annotator as a user with an email address, gold as the lead's ground-truth
annotation (the mapping: the package docstring; reading it back: ``label_studio_import``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from annotator.domain.codebook import Codebook
from annotator.domain.records import (
    AnnotationRecord,
    PostRecord,
)
from annotator.services.interop.json_io import write_json_array
from annotator.services.interop.label_studio_people import (
    DEFAULT_EMAIL_DOMAIN,
    LabelStudioUser,
    users_for,
)
from annotator.services.interop.post_lookup import (
    POST_FIELDS,
    check_dataset,
    posts_in,
)
from annotator.store.engine import Project
from annotator.store.queries import annotator_names, iter_annotations
from annotator.store.tables import GoldLabel

#: ``completed_by`` of gold annotations in exports made before annotators had addresses.
GOLD_ANNOTATOR = "gold"
TEXT_OBJECT = "text"
LABEL_CONTROL = "label"
EVIDENCE_CONTROL = "evidence"
NOTES_CONTROL = "notes"
SPONSOR_CONTROL = "sponsor"
#: Which export to make, said whenever a file is some other Label Studio export.
USE_JSON = (
    "export the project from Label Studio as JSON (Export, then JSON; or label-studio export "
    "PROJECT_ID JSON)"
)


def label_studio_config(codebook: Codebook) -> str:
    """The labeling config (XML) under which an export opens in Label Studio as it is."""
    view = ET.Element("View")
    ET.SubElement(view, "Text", name=TEXT_OBJECT, value=f"${TEXT_OBJECT}")
    choices = ET.SubElement(
        view, "Choices", name=LABEL_CONTROL, toName=TEXT_OBJECT, choice="single", required="true"
    )
    for label in codebook.labels:
        attributes = {"value": label.display_name, "alias": label.key}
        if label.shortcut:
            attributes["hotkey"] = label.shortcut
        ET.SubElement(choices, "Choice", attributes)
    spans = ET.SubElement(view, "Labels", name=EVIDENCE_CONTROL, toName=TEXT_OBJECT)
    ET.SubElement(spans, "Label", value=EVIDENCE_CONTROL, hotkey="e")
    for name, rows in ((NOTES_CONTROL, "2"), (SPONSOR_CONTROL, "1")):
        ET.SubElement(
            view,
            "TextArea",
            name=name,
            toName=TEXT_OBJECT,
            placeholder=name.capitalize(),
            rows=rows,
            maxSubmissions="1",
            editable="true",
        )
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def export_label_studio(
    project: Project,
    out: Path,
    *,
    dataset: str | None = None,
    email_domain: str = DEFAULT_EMAIL_DOMAIN,
) -> int:
    """Write every post (of ``dataset``) as a Label Studio task; returns how many.

    Every annotator is the user ``label_studio_users`` gives them, so the file imports into
    a Label Studio where those users exist; gold is a ground-truth annotation by its lead."""
    with project.session() as session:
        check_dataset(session, dataset)
        emails = {user.name: user.email for user in _users(session, email_domain)}
        gold = {decision.post_id: decision for decision in session.exec(select(GoldLabel))}
        by_post: dict[int, list[AnnotationRecord]] = defaultdict(list)
        for annotation in iter_annotations(session):
            by_post[annotation.post_id].append(annotation)
        tasks = (
            _task(post, by_post.get(post.id, []), gold.get(post.id), emails)
            for post in posts_in(session, dataset)
        )
        return write_json_array(out, tasks)


def label_studio_users(
    project: Project, *, email_domain: str = DEFAULT_EMAIL_DOMAIN
) -> list[LabelStudioUser]:
    """The users an export names: every annotator and every lead who decided gold."""
    with project.session() as session:
        return _users(session, email_domain)


def _users(session: Session, email_domain: str) -> list[LabelStudioUser]:
    deciders = session.exec(select(GoldLabel.decided_by)).all()
    names = set(annotator_names(session)) | {name for name in deciders if name.strip()}
    return users_for(names, domain=email_domain)


def _task(
    post: PostRecord,
    annotations: list[AnnotationRecord],
    gold: GoldLabel | None,
    emails: dict[str, str],
) -> dict[str, Any]:
    entries = [_ls_annotation(a, emails[a.annotator]) for a in annotations]
    data: dict[str, Any] = {
        "text": post.text,
        **{name: getattr(post, name) for name in POST_FIELDS},
    }
    if gold is not None:
        data.update(
            gold_label=gold.label_key,
            gold_by=gold.decided_by,
            gold_note=gold.notes,
            gold_at=_iso(gold.decided_at),
        )
        if gold.decided_by.strip():
            entries.append(_gold_annotation(gold, emails[gold.decided_by]))
    return {"id": post.id, "data": data, "annotations": entries}


def _gold_annotation(gold: GoldLabel, email: str) -> dict[str, Any]:
    """The lead's gold decision as their own ground-truth annotation (told apart on import
    by the task's ``gold_by`` and ``gold_label``)."""
    result = [_choice_result(gold.label_key)]
    if gold.notes:
        result.append(_textarea(NOTES_CONTROL, gold.notes))
    moment = _iso(gold.decided_at)
    return {
        "completed_by": {"email": email},
        "result": result,
        "was_cancelled": False,
        "ground_truth": True,
        "created_at": moment,
        "updated_at": moment,
    }


def _iso(moment: datetime) -> str:
    """UTC, as the project stores it, with the offset said."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _textarea(name: str, text: str) -> dict[str, Any]:
    return {
        "id": name,
        "from_name": name,
        "to_name": TEXT_OBJECT,
        "type": "textarea",
        "value": {"text": [text]},
    }


def _choice_result(key: str) -> dict[str, Any]:
    return {
        "id": LABEL_CONTROL,
        "from_name": LABEL_CONTROL,
        "to_name": TEXT_OBJECT,
        "type": "choices",
        "value": {"choices": [key]},
    }


def _ls_annotation(annotation: AnnotationRecord, email: str) -> dict[str, Any]:
    result = [_choice_result(annotation.label_key)]
    for number, span in enumerate(annotation.evidence, start=1):
        value = {"start": span.start, "end": span.end, "text": span.quote}
        result.append(
            {
                "id": f"{EVIDENCE_CONTROL}-{number}",
                "from_name": EVIDENCE_CONTROL,
                "to_name": TEXT_OBJECT,
                "type": "labels",
                "value": {**value, "labels": [EVIDENCE_CONTROL]},
            }
        )
    for name, text in ((NOTES_CONTROL, annotation.notes), (SPONSOR_CONTROL, annotation.sponsor)):
        if text:
            result.append(_textarea(name, text))
    entry: dict[str, Any] = {
        "completed_by": {"email": email},
        "result": result,
        "was_cancelled": False,
        "ground_truth": False,
        "lead_time": annotation.seconds_spent,
    }
    for name in ("created_at", "updated_at"):
        moment = getattr(annotation, name)
        if moment is not None:
            entry[name] = moment.isoformat()
    return entry
