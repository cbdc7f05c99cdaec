"""Label Studio's JSON export read back: every task checked, its post found by the id in
its data or its exact text, its annotators named from emails or a users file, then all
annotations written at once (the mapping: the package docstring)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange, EvidenceSpan, PostRecord
from annotator.domain.text_offsets import utf16_to_index
from annotator.services.interop.import_report import InteropImportReport, apply_changes
from annotator.services.interop.json_io import read_json_array, read_text
from annotator.services.interop.label_studio import (
    GOLD_ANNOTATOR,
    LABEL_CONTROL,
    NOTES_CONTROL,
    SPONSOR_CONTROL,
    USE_JSON,
)
from annotator.services.interop.label_studio_people import (
    AnnotatorNames,
    local_part_for,
    name_of_email,
    read_users,
)
from annotator.services.interop.post_lookup import id_index, one_post, posts_by_text
from annotator.store.engine import Project
from annotator.store.queries import get_post, load_codebook


def import_label_studio(
    project: Project,
    path: Path,
    *,
    dataset: str | None = None,
    users: Sequence[Path] = (),
    id_field: str | None = None,
) -> InteropImportReport:
    """Check every task of a Label Studio JSON export, then write its annotations at once.

    ``users`` map Label Studio's user numbers to people (``read_users``); ``id_field``
    names where the post id is (``data.NAME``, or ``id`` for Label Studio's own task id)."""
    tasks = _read_tasks(path)
    directory = read_users(users)
    report = InteropImportReport(file=path.name)
    with project.session() as session:
        reader = _TaskReader(
            path.name,
            load_codebook(session),
            _PostFinder(path.name, session, dataset, _id_path(id_field)),
            AnnotatorNames(path.name, directory),
        )
        changes: list[tuple[AnnotationChange, int]] = []
        for number, task in enumerate(tasks, start=1):
            changes.extend((change, number) for change in reader.changes(task, number, report))
        apply_changes(session, changes, report)
    return report


def _read_tasks(path: Path) -> list[Any]:
    """The tasks of a JSON export, or one sentence saying which export to make instead."""
    if not read_text(path).lstrip().startswith(("[", "{")):
        raise UserError(
            "is not JSON, so not Label Studio's JSON export (its CSV and JSON-MIN exports "
            f"cannot be read back): {USE_JSON}",
            file=path.name,
        )
    return read_json_array(path, items="Label Studio tasks")


def _id_path(id_field: str | None) -> str | None:
    """--id-field as a path in the task: ``id`` (the task's own) or ``data.NAME``."""
    if id_field is None:
        return None
    name = id_field.strip()
    if not name or name == "data.":
        raise UserError("--id-field needs a field name, such as data.post_id (or id)")
    return name if name == "id" or name.startswith("data.") else f"data.{name}"


class _PostFinder:
    """Finds a task's post: by the id in its data (never by Label Studio's own task id,
    unless the lead names it), else by its exact text; refuses rather than guesses."""

    def __init__(
        self, file: str, session: Session, dataset: str | None, id_path: str | None
    ) -> None:
        self.file = file
        self.session = session
        self.dataset = dataset
        self.id_path = id_path
        self.index = id_index(session, dataset)
        self._by_text: dict[str, list[PostRecord]] | None = None

    def problem(self, message: str, number: int, field: str) -> UserError:
        return UserError(message, file=self.file, row=number, column=field)

    def post(self, task: dict[str, Any], number: int) -> PostRecord:
        data = task["data"]
        if self.id_path is not None:
            value = task.get("id") if self.id_path == "id" else data.get(self.id_path[5:])
            key = _id_text(value)
            if key is None:
                raise self.problem(
                    f"has no {self.id_path}, the field --id-field names", number, self.id_path
                )
            return get_post(
                self.session, one_post(self.index, key, self.file, number, self.id_path)
            )
        tried: list[tuple[str, str]] = []
        for name in ("external_id", "id"):
            key = _id_text(data.get(name))
            if key is None:
                continue
            if key in self.index:
                post_id = one_post(self.index, key, self.file, number, f"data.{name}")
                return get_post(self.session, post_id)
            tried.append((f"data.{name}", key))
        return self.by_text(data.get("text"), tried, number)

    def by_text(self, text: Any, tried: list[tuple[str, str]], number: int) -> PostRecord:
        ids = " or ".join(f"the id {key!r} ({field})" for field, key in tried)
        field = tried[0][0] if tried else "data.text"
        if not isinstance(text, str):
            found = f"no post has {ids}" if ids else "has no data.external_id or data.id"
            raise self.problem(f"{found}, and the task has no data.text to match", number, field)
        if self._by_text is None:
            self._by_text = posts_by_text(self.session, self.dataset)
        posts = self._by_text.get(text, [])
        if len(posts) == 1:
            return posts[0]
        if posts:
            raise self.problem(
                f"{len(posts)} posts have exactly this task's text"
                + (f" and no post has {ids}" if ids else "")
                + "; name the field holding the post id with --id-field",
                number,
                field,
            )
        found = f"no post has {ids} or" if ids else "no post has"
        raise self.problem(f"{found} exactly this task's text", number, field)


def _id_text(value: Any) -> str | None:
    """An id as text, or None when the field is missing, blank or not an id at all."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    return str(value).strip() or None


@dataclass(frozen=True)
class _Candidate:
    """One annotator's labeled annotation of a task, before duplicates are settled."""

    position: int
    annotation: dict[str, Any]
    results: list[Any]
    key: str


class _TaskReader:
    """Turns one Label Studio task into changes, or names what is wrong with it."""

    def __init__(
        self, file: str, codebook: Codebook, posts: _PostFinder, people: AnnotatorNames
    ) -> None:
        self.file = file
        self.codebook = codebook
        self.posts = posts
        self.people = people

    def problem(self, message: str, number: int, field: str | None = None) -> UserError:
        return UserError(message, file=self.file, row=number, column=field)

    def changes(
        self, task: Any, number: int, report: InteropImportReport
    ) -> list[AnnotationChange]:
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise self.problem(
                "has no data object, as in Label Studio's JSON-MIN export, which cannot be read "
                f"back: {USE_JSON}",
                number,
            )
        annotations = task.get("annotations", task.get("completions")) or []
        if not isinstance(annotations, list):
            raise self.problem("annotations is not a list", number, "annotations")
        if not annotations:
            report.blank_skipped += 1
            return []
        by_name: dict[str, list[_Candidate]] = defaultdict(list)
        for position, annotation in enumerate(annotations):
            where = f"annotations[{position}]"
            if not isinstance(annotation, dict):
                raise self.problem("is not an annotation object", number, where)
            if annotation.get("was_cancelled"):
                report.unlabeled_skipped += 1
                continue
            name, email = self.people.name(annotation.get("completed_by"), number, where)
            results = annotation.get("result") or []
            if not isinstance(results, list):
                raise self.problem("result is not a list", number, f"{where}.result")
            key = self.label(results, number, where)
            if annotation.get("ground_truth") and self.is_our_gold(task["data"], name, email, key):
                report.gold_skipped += 1
                continue
            if key is None:
                report.unlabeled_skipped += 1
                continue
            by_name[name].append(_Candidate(position, annotation, results, key))
        if not by_name:
            return []
        post = self.posts.post(task, number)
        out = []
        for name, candidates in by_name.items():
            kept = _latest(candidates)
            if len(candidates) > 1:
                report.earlier_skipped += len(candidates) - 1
                report.notes.append(_kept_note(task, number, name, candidates, kept))
            where = f"annotations[{kept.position}]"
            out.append(
                self.change(kept.annotation, kept.results, kept.key, name, post, number, where)
            )
        return out

    def is_our_gold(
        self, data: dict[str, Any], name: str, email: str | None, key: str | None
    ) -> bool:
        """Whether a ground-truth annotation is a gold decision this project exported (by
        its lead, with the task's ``gold_label``), not an annotator's own label."""
        if name == GOLD_ANNOTATOR and email is None:
            return True  # exports before annotators had addresses
        gold_by, gold_label = data.get("gold_by"), data.get("gold_label")
        if not isinstance(gold_by, str) or not isinstance(gold_label, str):
            return False
        same_person = name == gold_by or (
            email is not None and name_of_email(email) == local_part_for(gold_by)
        )
        return same_person and key is not None and key == self.codebook.resolve(gold_label)

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
        if not math.isfinite(lead_time) or lead_time < 0:
            raise self.problem(
                f"lead_time is {lead_time}, not a number of seconds of zero or more",
                number,
                f"{where}.lead_time",
            )
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


def _latest(candidates: list[_Candidate]) -> _Candidate:
    """The last-changed annotation (``updated_at``, else ``created_at``); the last one
    written when any of them has no time."""
    moments = [_moment(c.annotation) for c in candidates]
    if any(moment is None for moment in moments):
        return candidates[-1]
    dated = [(moment, c.position, c) for moment, c in zip(moments, candidates, strict=True)]
    return max(dated, key=lambda item: (item[0], item[1]))[2]


def _moment(annotation: dict[str, Any]) -> datetime | None:
    for name in ("updated_at", "created_at"):
        value = annotation.get(name)
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _kept_note(
    task: dict[str, Any], number: int, name: str, candidates: list[_Candidate], kept: _Candidate
) -> str:
    task_id = task.get("id")
    which = f"task {task_id} (row {number})" if task_id is not None else f"row {number}"
    ident = kept.annotation.get("id")
    moment = _moment(kept.annotation)
    how = f"changed last, {moment.isoformat()}" if moment else "written last"
    return (
        f"{which}: {name} annotated it {len(candidates)} times; kept "
        f"annotations[{kept.position}]"
        + (f" (id {ident})" if ident is not None else "")
        + f", {how}"
    )
