"""Label Studio's JSON export format, both ways: tasks out with the labeling config they
open under, annotations in after every task is checked (the mapping: the package docstring)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlmodel import Session

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.records import (
    AnnotationChange,
    AnnotationRecord,
    EvidenceSpan,
    PostRecord,
)
from annotator.domain.text_offsets import utf16_to_index
from annotator.services.interop.import_report import InteropImportReport, apply_changes
from annotator.services.interop.json_io import read_json_array, write_json_array
from annotator.services.interop.post_lookup import (
    POST_FIELDS,
    check_dataset,
    id_index,
    one_post,
    posts_in,
)
from annotator.store.engine import Project
from annotator.store.queries import get_post, gold_labels, iter_annotations, load_codebook

#: ``completed_by`` of the annotation that carries a post's gold label.
GOLD_ANNOTATOR = "gold"
TEXT_OBJECT = "text"
LABEL_CONTROL = "label"
EVIDENCE_CONTROL = "evidence"
NOTES_CONTROL = "notes"
SPONSOR_CONTROL = "sponsor"


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


def export_label_studio(project: Project, out: Path, *, dataset: str | None = None) -> int:
    """Write every post (of ``dataset``) as a Label Studio task; returns how many."""
    with project.session() as session:
        check_dataset(session, dataset)
        gold = gold_labels(session)
        by_post: dict[int, list[AnnotationRecord]] = defaultdict(list)
        for annotation in iter_annotations(session):
            by_post[annotation.post_id].append(annotation)
        tasks = (
            _task(post, by_post.get(post.id, []), gold.get(post.id))
            for post in posts_in(session, dataset)
        )
        return write_json_array(out, tasks)


def _task(
    post: PostRecord, annotations: list[AnnotationRecord], gold: str | None
) -> dict[str, Any]:
    entries = [_ls_annotation(a) for a in annotations]
    if gold is not None:
        entries.append(
            {
                "completed_by": {"email": GOLD_ANNOTATOR},
                "result": [_choice_result(gold)],
                "was_cancelled": False,
                "ground_truth": True,
            }
        )
    data = {"text": post.text, **{name: getattr(post, name) for name in POST_FIELDS}}
    return {"id": post.id, "data": data, "annotations": entries}


def _choice_result(key: str) -> dict[str, Any]:
    return {
        "id": LABEL_CONTROL,
        "from_name": LABEL_CONTROL,
        "to_name": TEXT_OBJECT,
        "type": "choices",
        "value": {"choices": [key]},
    }


def _ls_annotation(annotation: AnnotationRecord) -> dict[str, Any]:
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
            result.append(
                {
                    "id": name,
                    "from_name": name,
                    "to_name": TEXT_OBJECT,
                    "type": "textarea",
                    "value": {"text": [text]},
                }
            )
    entry: dict[str, Any] = {
        "completed_by": {"email": annotation.annotator},
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


def import_label_studio(
    project: Project, path: Path, *, dataset: str | None = None
) -> InteropImportReport:
    """Check every task of a Label Studio JSON export, then write its annotations at once."""
    tasks = read_json_array(path, items="Label Studio tasks")
    report = InteropImportReport(file=path.name)
    with project.session() as session:
        reader = _TaskReader(path.name, load_codebook(session), session, id_index(session, dataset))
        changes: list[tuple[AnnotationChange, int]] = []
        for number, task in enumerate(tasks, start=1):
            changes.extend((change, number) for change in reader.changes(task, number, report))
        apply_changes(session, changes, report)
    return report


class _TaskReader:
    """Turns one Label Studio task into changes, or names what is wrong with it."""

    def __init__(
        self, file: str, codebook: Codebook, session: Session, index: dict[str, list[int]]
    ) -> None:
        self.file = file
        self.codebook = codebook
        self.session = session
        self.index = index

    def problem(self, message: str, number: int, field: str | None = None) -> UserError:
        return UserError(message, file=self.file, row=number, column=field)

    def changes(
        self, task: Any, number: int, report: InteropImportReport
    ) -> list[AnnotationChange]:
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise self.problem(
                "is not a Label Studio task with a data object (export as JSON, "
                "not JSON-MIN or CSV)",
                number,
            )
        annotations = task.get("annotations", task.get("completions")) or []
        if not isinstance(annotations, list):
            raise self.problem("annotations is not a list", number, "annotations")
        if not annotations:
            report.blank_skipped += 1
            return []
        post: PostRecord | None = None
        out = []
        for position, annotation in enumerate(annotations):
            where = f"annotations[{position}]"
            if not isinstance(annotation, dict):
                raise self.problem("is not an annotation object", number, where)
            if annotation.get("was_cancelled"):
                report.unlabeled_skipped += 1
                continue
            annotator = self.annotator(annotation.get("completed_by"), number, where)
            if annotation.get("ground_truth") and annotator == GOLD_ANNOTATOR:
                report.gold_skipped += 1
                continue
            results = annotation.get("result") or []
            if not isinstance(results, list):
                raise self.problem("result is not a list", number, f"{where}.result")
            key = self.label(results, number, where)
            if key is None:
                report.unlabeled_skipped += 1
                continue
            post = post or self.post(task, number)
            out.append(self.change(annotation, results, key, annotator, post, number, where))
        return out

    def post(self, task: dict[str, Any], number: int) -> PostRecord:
        data = task["data"]
        for value, field in (
            (data.get("external_id"), "data.external_id"),
            (task.get("id"), "id"),
            (data.get("id"), "data.id"),
        ):
            if value is not None and str(value).strip():
                post_id = one_post(self.index, str(value).strip(), self.file, number, field)
                return get_post(self.session, post_id)
        raise self.problem("has no data.external_id or id to find its post by", number)

    def annotator(self, completed_by: Any, number: int, where: str) -> str:
        if isinstance(completed_by, dict):
            candidates = [completed_by.get(k) for k in ("email", "username", "id")]
        else:
            candidates = [completed_by]
        for candidate in candidates:
            if isinstance(candidate, str | int) and not isinstance(candidate, bool):
                name = str(candidate).strip()
                if name:
                    return name
        raise self.problem(
            "names no annotator (completed_by needs an email, username or id)",
            number,
            f"{where}.completed_by",
        )

    def label(self, results: list[Any], number: int, where: str) -> str | None:
        """The one label key the annotation's choices name, or None when it names none."""
        choices = [
            (i, r)
            for i, r in enumerate(results)
            if isinstance(r, dict) and r.get("type") == "choices"
        ]
        named = [(i, r) for i, r in choices if r.get("from_name") == LABEL_CONTROL]
        keys: dict[str, None] = {}
        for i, result in named or choices:
            field = f"{where}.result[{i}].value.choices"
            value = result.get("value")
            values = (value.get("choices") if isinstance(value, dict) else None) or []
            if not isinstance(values, list):
                raise self.problem("choices is not a list", number, field)
            for value in values:
                key = self.codebook.resolve(str(value))
                if key is None:
                    raise self.problem(
                        f"the label {value!r} is not in the codebook "
                        f"({', '.join(self.codebook.keys)})",
                        number,
                        field,
                    )
                keys[key] = None
        if len(keys) > 1:
            raise self.problem(
                f"names several labels ({', '.join(keys)}); a post gets one label",
                number,
                f"{where}.result",
            )
        return next(iter(keys), None)

    def change(
        self,
        annotation: dict[str, Any],
        results: list[Any],
        key: str,
        annotator: str,
        post: PostRecord,
        number: int,
        where: str,
    ) -> AnnotationChange:
        evidence: list[EvidenceSpan] = []
        texts: dict[str, list[str]] = {NOTES_CONTROL: [], SPONSOR_CONTROL: []}
        for i, result in enumerate(results):
            if not isinstance(result, dict):
                continue
            field = f"{where}.result[{i}].value"
            value = result.get("value")
            if result.get("type") == "labels":
                evidence.append(self.span(value, post.text, number, field))
            elif result.get("type") == "textarea":
                written = value.get("text") if isinstance(value, dict) else None
                parts = [written] if isinstance(written, str) else written
                if not isinstance(parts, list):
                    raise self.problem("the textarea holds no text list", number, field)
                target = (
                    SPONSOR_CONTROL if result.get("from_name") == SPONSOR_CONTROL else NOTES_CONTROL
                )
                texts[target].extend(str(part) for part in parts)
        lead_time = annotation.get("lead_time") or 0.0
        if not isinstance(lead_time, int | float) or isinstance(lead_time, bool):
            raise self.problem("lead_time is not a number", number, f"{where}.lead_time")
        return AnnotationChange(
            post_id=post.id,
            annotator=annotator,
            label_key=key,
            notes="\n".join(texts[NOTES_CONTROL]),
            sponsor="\n".join(texts[SPONSOR_CONTROL]).strip(),
            evidence=tuple(evidence),
            seconds_spent=float(lead_time),
        )

    def span(self, value: Any, text: str, number: int, field: str) -> EvidenceSpan:
        """An evidence span whose code-point offsets and quote agree with the post text."""
        value = value if isinstance(value, dict) else {}
        start, end, quote = value.get("start"), value.get("end"), value.get("text")
        if type(start) is not int or type(end) is not int:
            raise self.problem("the span needs whole-number start and end", number, field)
        if quote is not None and not isinstance(quote, str):
            raise self.problem("the span's text is not text", number, field)
        inside = 0 <= start < end <= len(text)
        if inside and (quote is None or text[start:end] == quote):
            return EvidenceSpan(start=start, end=end, quote=text[start:end])
        if inside:
            found = f"reads {text[start:end]!r} in the post, not {quote!r}"
        else:
            found = f"lies outside the post text ({len(text)} characters)"
        hint = ""
        as_utf16 = text[utf16_to_index(text, start) : utf16_to_index(text, end)]
        if quote is not None and as_utf16 == quote:
            hint = (
                "; the offsets fit if counted in UTF-16 units, as older Label Studio "
                "versions did: re-export from a current version"
            )
        raise self.problem(f"the span {start}-{end} {found}{hint}", number, field)
