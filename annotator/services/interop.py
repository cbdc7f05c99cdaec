"""Moving labels to and from Label Studio and doccano (text classification).

## Label Studio

**Export** (`export_label_studio`) writes Label Studio's *JSON* export format: a JSON
array of tasks, one per post, in import order. Open it in a Label Studio project whose
labeling config is `label_studio_config(codebook)`.

One task, with its `data` and one annotator's annotation:

```json
{"id": 2,
 "data": {"text": "Loving my new serum! #ad ...", "external_id": "1229871234567890123",
          "dataset": "small", "author": "ann", "created_at": "2020-02-15T09:00:00Z",
          "platform": "instagram", "url": "https://instagram.com/p/x"},
 "annotations": [
  {"completed_by": {"email": "ana"}, "was_cancelled": false, "ground_truth": false,
   "lead_time": 12.5, "created_at": "2024-05-01T10:00:00+00:00", "updated_at": "...",
   "result": [
    {"id": "label", "from_name": "label", "to_name": "text", "type": "choices",
     "value": {"choices": ["sponsored_disclosed"]}},
    {"id": "evidence-1", "from_name": "evidence", "to_name": "text", "type": "labels",
     "value": {"start": 21, "end": 24, "text": "#ad", "labels": ["evidence"]}},
    {"id": "notes", "from_name": "notes", "to_name": "text", "type": "textarea",
     "value": {"text": ["says #ad"]}},
    {"id": "sponsor", "from_name": "sponsor", "to_name": "text", "type": "textarea",
     "value": {"text": ["GlowCo"]}}]}]}
```

| annotator | Label Studio |
| --- | --- |
| post (internal id) | task `id` |
| post text | `data.text` (the config's `<Text value="$text">`) |
| external id, dataset, author, ... | `data.external_id`, `data.dataset`, `data.author`, ... |
| one annotator's annotation | one entry of `annotations`, `completed_by: {"email": name}` |
| label | the `choices` result named `label` |
| each evidence span | one `labels` result named `evidence` (`start`, `end`, `text`) |
| note, sponsor | `textarea` results named `notes` and `sponsor` (left out when empty) |
| seconds spent | `lead_time` |
| created, last changed | `created_at`, `updated_at` (ISO 8601, UTC) |
| gold label | one more annotation by `{"email": "gold"}` with `ground_truth: true` |

Labels are written as codebook **keys**. In the config each `<Choice>` shows the display
name and carries `alias="<key>"`; Label Studio writes the alias into results, so results
made in Label Studio hold keys too. Evidence offsets are half-open `[start, end)` and
count **code points** (Python string indices), which is what Label Studio stores for
`Text` regions; an emoji such as 👩‍👩‍👧 counts as its 5 code points, not 8 UTF-16 units.

**Import** (`import_label_studio`) reads Label Studio's JSON export (not JSON-MIN or CSV):

- Each task is matched to a post by `data.external_id` when the task has one, else by
  the task `id`, else by `data.id`, taken as the post's external id (a dataset imported
  from the same file without naming an id column has the task `id`s as external ids).
  Label Studio gives tasks new `id`s, so tasks that went out with `export_label_studio`
  come back by `data.external_id`. When two datasets share an id, name the dataset.
- Each annotation becomes the annotation of the annotator named by `completed_by`: its
  `email`, else `username`, else `id` (a bare number, as in raw task files, is taken
  as it is). It replaces that annotator's annotation of the post in full.
- The label is the `choices` result named `label` (or, when no result has that name,
  every `choices` result): a key or a display name, matched ignoring case. An unknown
  label, or two different labels in one annotation, is refused.
- Every `labels` result is an evidence span: `value.start`, `value.end` (code points)
  and `value.text`, which must equal the post text between the offsets; a mismatch is
  refused (the message says when the offsets fit as UTF-16 units, as older Label Studio
  versions counted them).
- The `textarea` result named `sponsor` is the sponsor; every other `textarea` result is
  the note (several texts joined by line breaks). `lead_time` is the seconds spent.
- Skipped and counted: tasks without annotations (`blank_skipped`), annotations that
  were cancelled or have no choice (`unlabeled_skipped`), and gold annotations written
  by this export (`ground_truth: true` by `gold`; `gold_skipped`): gold labels are not
  imported. `predictions` and `drafts` are ignored.
- Errors name the file, the task (`row`: its position in the array, from 1) and the
  JSON path inside the task (`column`, e.g. `annotations[0].result[1].value`). Every
  task is checked before anything is written, and all labels go in in one transaction.

To bring the posts themselves into a new project from such a file, import it as a
dataset with the id column `data.external_id` (`--id-col data.external_id`), then
import its labels.

## doccano

**Export** (`export_doccano`) writes doccano's text-classification JSON Lines, one line
per post: `{"text": ..., "label": [...], "external_id": ..., "dataset": ..., "author":
..., "created_at": ..., "platform": ..., "url": ...}`. doccano keeps the extra fields
as metadata and writes them back on export. `label` holds one label key: with an
`annotator` named, that annotator's label; otherwise the resolved label of the posts
export (the gold label, else the label every annotator gave); otherwise `[]`. Notes,
sponsor and evidence have no place in this format and are not written.

**Import** (`import_doccano`) reads lines `{"text": ..., "label": ["..."]}` (doccano's
text-classification export) as the labels of one named annotator:

- A line is matched by its `external_id` field when it has one; otherwise by its exact
  `text` within the dataset (or the project). doccano writes its own example ids into
  `id`, so `id` only tells apart posts that share the same text.
- `label` is a list of label keys or display names (one text is accepted too); an empty
  list is skipped and counted (`blank_skipped`); two different labels are refused (one
  label per post), as is an unknown one.
- doccano carries labels only: an annotation the annotator already has keeps its note,
  sponsor and evidence, and only its label changes.
- Errors name the file, the line (`row`) and the field; every line is checked before
  anything is written, and all labels go in in one transaction.

To bring the posts into a new project, import the JSONL file as a dataset: its
`external_id` field is found as the id column by itself.

Both imports return an `InteropImportReport`: a `LabelImportReport` (added, updated,
unchanged, `blank_skipped`, annotators) with `unlabeled_skipped` and `gold_skipped`.
"""

from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from sqlmodel import Session

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.records import (
    AnnotationChange,
    AnnotationRecord,
    EvidenceSpan,
    LabelImportReport,
    PostRecord,
)
from annotator.domain.text_offsets import utf16_to_index
from annotator.services.imports.sources.json_records import TOO_DEEP, parse_json_line
from annotator.store.engine import Project
from annotator.store.queries import (
    annotator_names,
    apply_annotation_change,
    external_id_index,
    get_annotation,
    get_post,
    gold_labels,
    iter_annotations,
    iter_posts,
    list_datasets,
    load_codebook,
)

MAPPING_DOC: str = __doc__ or ""

#: ``completed_by`` of the annotation that carries a post's gold label.
GOLD_ANNOTATOR = "gold"
TEXT_OBJECT = "text"
LABEL_CONTROL = "label"
EVIDENCE_CONTROL = "evidence"
NOTES_CONTROL = "notes"
SPONSOR_CONTROL = "sponsor"
POST_FIELDS = ("external_id", "dataset", "author", "created_at", "platform", "url")


@dataclass
class InteropImportReport(LabelImportReport):
    """A label import from another tool, with what it left out."""

    unlabeled_skipped: int = 0
    gold_skipped: int = 0

    def summary(self) -> str:
        extra = []
        if self.unlabeled_skipped:
            extra.append(f"{self.unlabeled_skipped} cancelled or unlabeled annotations skipped")
        if self.gold_skipped:
            extra.append(f"{self.gold_skipped} gold labels not imported")
        line = super().summary()
        return f"{line[:-1]}; {'; '.join(extra)}." if extra else line


# ---------------------------------------------------------------- Label Studio


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
        _check_dataset(session, dataset)
        gold = gold_labels(session)
        by_post: dict[int, list[AnnotationRecord]] = defaultdict(list)
        for annotation in iter_annotations(session):
            by_post[annotation.post_id].append(annotation)
        tasks = (
            _task(post, by_post.get(post.id, []), gold.get(post.id))
            for post in _posts(session, dataset)
        )
        return _write_atomically(out, lambda handle: _write_json_array(handle, tasks))


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
    tasks = _read_json(path)
    report = InteropImportReport(file=path.name)
    with project.session() as session:
        reader = _TaskReader(path.name, load_codebook(session), session, _index(session, dataset))
        changes: list[tuple[AnnotationChange, int]] = []
        for number, task in enumerate(tasks, start=1):
            changes.extend((change, number) for change in reader.changes(task, number, report))
        _apply(session, changes, report)
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
                post_id = _one_post(self.index, str(value).strip(), self.file, number, field)
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


# ---------------------------------------------------------------- doccano


def export_doccano(
    project: Project,
    out: Path,
    *,
    dataset: str | None = None,
    annotator: str | None = None,
) -> int:
    """Write doccano text-classification JSON Lines, one line per post; returns how many."""
    with project.session() as session:
        _check_dataset(session, dataset)
        if annotator is not None and annotator not in annotator_names(session):
            raise UserError(
                f"there is no annotator {annotator!r} "
                f"(annotators: {', '.join(annotator_names(session)) or 'none'})"
            )
        labels = _doccano_labels_of(session, annotator)
        lines = (
            json.dumps(
                {
                    "text": post.text,
                    "label": [labels[post.id]] if post.id in labels else [],
                    **{name: getattr(post, name) for name in POST_FIELDS},
                },
                ensure_ascii=False,
            )
            for post in _posts(session, dataset)
        )
        return _write_atomically(out, lambda handle: _write_lines(handle, lines))


def _doccano_labels_of(session: Session, annotator: str | None) -> dict[int, str]:
    """post id -> the annotator's label, or the resolved label (gold, else unanimous)."""
    given: dict[int, set[str]] = defaultdict(set)
    labels: dict[int, str] = {}
    for annotation in iter_annotations(session):
        if annotator is None:
            given[annotation.post_id].add(annotation.label_key)
        elif annotation.annotator == annotator:
            labels[annotation.post_id] = annotation.label_key
    if annotator is not None:
        return labels
    labels = {post_id: keys.pop() for post_id, keys in given.items() if len(keys) == 1}
    labels.update(gold_labels(session))
    return labels


def import_doccano(
    project: Project, path: Path, *, annotator: str, dataset: str | None = None
) -> InteropImportReport:
    """Check every line of a doccano JSONL export, then write them as one annotator's labels."""
    annotator = annotator.strip()
    if not annotator:
        raise UserError("name the annotator whose labels the doccano file holds")
    lines = list(_read_jsonl(path))
    report = InteropImportReport(file=path.name)
    with project.session() as session:
        matcher = _LineMatcher(path.name, session, dataset, _index(session, dataset))
        codebook = load_codebook(session)
        changes: list[tuple[AnnotationChange, int]] = []
        for number, line in lines:
            key = _doccano_label(line, codebook, path.name, number)
            if key is None:
                report.blank_skipped += 1
                continue
            post_id = matcher.post_id(line, number)
            current = get_annotation(session, post_id=post_id, annotator=annotator)
            change = (
                replace(current.as_change(), label_key=key)
                if current is not None
                else AnnotationChange(post_id=post_id, annotator=annotator, label_key=key)
            )
            changes.append((change, number))
        _apply(session, changes, report)
    return report


def _doccano_label(line: dict[str, Any], codebook: Codebook, file: str, number: int) -> str | None:
    if "label" not in line:
        raise UserError(
            'has no "label" field; doccano text-classification lines look like '
            '{"text": "...", "label": ["..."]}',
            file=file,
            row=number,
        )
    value = line["label"]
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise UserError("label is not a list of labels", file=file, row=number, column="label")
    keys: dict[str, None] = {}
    for item in values:
        if not isinstance(item, str):
            raise UserError(
                f"label holds {item!r}, not a label name (is this a sequence-labeling export?)",
                file=file,
                row=number,
                column="label",
            )
        if not item.strip():
            continue
        key = codebook.resolve(item)
        if key is None:
            raise UserError(
                f"the label {item!r} is not in the codebook ({', '.join(codebook.keys)})",
                file=file,
                row=number,
                column="label",
            )
        keys[key] = None
    if len(keys) > 1:
        raise UserError(
            f"has several labels ({', '.join(keys)}); a post gets one label",
            file=file,
            row=number,
            column="label",
        )
    return next(iter(keys), None)


class _LineMatcher:
    """Finds the post of a doccano line: by external_id, else by its exact text."""

    def __init__(
        self, file: str, session: Session, dataset: str | None, index: dict[str, list[int]]
    ) -> None:
        self.file = file
        self.session = session
        self.dataset = dataset
        self.index = index
        self._by_text: dict[str, list[PostRecord]] | None = None

    def by_text(self) -> dict[str, list[PostRecord]]:
        if self._by_text is None:
            self._by_text = defaultdict(list)
            for post in _posts(self.session, self.dataset):
                self._by_text[post.text].append(post)
        return self._by_text

    def post_id(self, line: dict[str, Any], number: int) -> int:
        external = line.get("external_id")
        if external is not None and str(external).strip():
            return _one_post(self.index, str(external).strip(), self.file, number, "external_id")
        text = line.get("text")
        if not isinstance(text, str):
            raise UserError(
                "has neither external_id nor text to find its post by",
                file=self.file,
                row=number,
                column="text",
            )
        posts = self.by_text().get(text, [])
        if len(posts) > 1 and line.get("id") is not None:
            posts = [p for p in posts if p.external_id == str(line["id"])] or posts
        if not posts:
            raise UserError(
                "no post has exactly this text", file=self.file, row=number, column="text"
            )
        if len(posts) > 1:
            raise UserError(
                f"{len(posts)} posts have exactly this text; add external_id to tell them apart",
                file=self.file,
                row=number,
                column="text",
            )
        return posts[0].id


# ---------------------------------------------------------------- shared


def _check_dataset(session: Session, dataset: str | None) -> None:
    if dataset is not None and dataset not in {d.name for d in list_datasets(session)}:
        raise UserError(f"the project has no dataset {dataset!r}")


def _index(session: Session, dataset: str | None) -> dict[str, list[int]]:
    _check_dataset(session, dataset)
    return external_id_index(session, dataset)


def _posts(session: Session, dataset: str | None) -> Iterator[PostRecord]:
    return (post for post in iter_posts(session) if dataset is None or post.dataset == dataset)


def _one_post(index: dict[str, list[int]], key: str, file: str, number: int, field: str) -> int:
    post_ids = index.get(key, [])
    if not post_ids:
        raise UserError(f"no post has the id {key!r}", file=file, row=number, column=field)
    if len(post_ids) > 1:
        raise UserError(
            f"the id {key!r} exists in several datasets; name one with --dataset",
            file=file,
            row=number,
            column=field,
        )
    return post_ids[0]


def _apply(
    session: Session, changes: list[tuple[AnnotationChange, int]], report: LabelImportReport
) -> None:
    """Refuse one annotator annotating a post twice differently, then write every change."""
    first: dict[tuple[int, str], tuple[AnnotationChange, int]] = {}
    for change, number in changes:
        seen = first.setdefault((change.post_id, change.annotator), (change, number))
        if seen[0] != change:
            raise UserError(
                f"{change.annotator} annotates this post differently in row {seen[1]}",
                file=report.file,
                row=number,
            )
    for change, _ in first.values():
        report.record(apply_annotation_change(session, change))
    report.annotators = sorted({annotator for _, annotator in first})


def _read_json(path: Path) -> list[Any]:
    """The tasks of a Label Studio JSON export (an array; one task object is accepted)."""
    try:
        value = json.loads(_read_text(path))
    except RecursionError as error:
        raise UserError(TOO_DEEP, file=path.name) from error
    except json.JSONDecodeError as error:
        raise UserError(
            f"is not valid JSON ({error.msg}, line {error.lineno} column {error.colno})",
            file=path.name,
        ) from error
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise UserError("is not a JSON array of Label Studio tasks", file=path.name)
    return value


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        value = parse_json_line(line, path.name, number)
        if not isinstance(value, dict):
            raise UserError(
                f"holds a JSON {type(value).__name__}, not an object", file=path.name, row=number
            )
        yield number, value


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise UserError("does not exist", file=str(path)) from error
    except UnicodeDecodeError as error:
        raise UserError("is not UTF-8 text", file=path.name) from error


def _write_json_array(handle: TextIO, items: Iterable[Any]) -> int:
    """A JSON array with one item per line, written as the items come."""
    count = 0
    handle.write("[")
    for item in items:
        handle.write(",\n" if count else "\n")
        handle.write(json.dumps(item, ensure_ascii=False))
        count += 1
    handle.write("\n]\n")
    return count


def _write_lines(handle: TextIO, lines: Iterable[str]) -> int:
    count = 0
    for line in lines:
        handle.write(line + "\n")
        count += 1
    return count


def _write_atomically(out: Path, write: Callable[[TextIO], int]) -> int:
    """Write through a temporary file beside ``out``, so a failure never leaves half a file."""
    if not out.parent.exists():
        raise UserError(f"{out}: the folder {out.parent} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(handle)
    try:
        with Path(temporary).open("w", encoding="utf-8", newline="\n") as stream:
            count = write(stream)
        Path(temporary).replace(out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
