"""doccano's text-classification JSON Lines, both ways: one line per post out, one
annotator's labels in after every line is checked (the mapping: the package docstring)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlmodel import Session

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange, PostRecord
from annotator.services.interop.import_report import InteropImportReport, apply_changes
from annotator.services.interop.json_io import (
    first_line,
    read_json_objects,
    sniff_layout,
    write_json_lines,
)
from annotator.services.interop.post_lookup import (
    POST_FIELDS,
    check_dataset,
    id_index,
    one_post,
    posts_by_text,
    posts_in,
)
from annotator.store.engine import Project
from annotator.store.queries import (
    annotator_names,
    get_annotation,
    gold_labels,
    iter_annotations,
    load_codebook,
)


def export_doccano(
    project: Project,
    out: Path,
    *,
    dataset: str | None = None,
    annotator: str | None = None,
) -> int:
    """Write doccano text-classification JSON Lines, one line per post; returns how many."""
    with project.session() as session:
        check_dataset(session, dataset)
        if annotator is not None and annotator not in annotator_names(session):
            raise UserError(
                f"there is no annotator {annotator!r} "
                f"(annotators: {', '.join(annotator_names(session)) or 'none'})"
            )
        labels = _doccano_labels_of(session, annotator)
        lines = (
            {
                "text": post.text,
                "label": [labels[post.id]] if post.id in labels else [],
                **{name: getattr(post, name) for name in POST_FIELDS},
            }
            for post in posts_in(session, dataset)
        )
        return write_json_lines(out, lines)


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
    _refuse_other_exports(path)
    lines = list(read_json_objects(path))
    report = InteropImportReport(file=path.name)
    with project.session() as session:
        matcher = _LineMatcher(path.name, session, dataset, id_index(session, dataset))
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
        apply_changes(session, changes, report)
    return report


#: How to get the one export this importer reads, in doccano 1.8's own words.
EXPORT_JSONL = (
    "export JSON Lines instead (in doccano: Dataset > Actions > Export Dataset, "
    'file format "JSONL")'
)


def _refuse_other_exports(path: Path) -> None:
    """Name doccano's other exports (JSON, CSV, fastText, the zip itself) before a parser
    meets them and reports a syntax error instead."""
    layout = sniff_layout(path)
    head = first_line(path) if layout == "other" else ""
    if layout == "zip":
        raise UserError(
            "is a zip archive (doccano zips one file per annotator, named after them): "
            'unzip it and import each ".jsonl" file with --annotator NAME, exported in the '
            'file format "JSONL"',
            file=path.name,
        )
    if layout == "array":
        found = 'is doccano\'s "JSON" export (one JSON array)'
    elif head.startswith("__label__"):
        found = 'is doccano\'s "fastText" export'
    elif layout == "other" and (
        path.suffix.lower() in (".csv", ".tsv")
        or {"text", "label"} & {cell.strip(' "').lower() for cell in _cells(head)}
    ):
        found = 'is doccano\'s "CSV" export (or another table)'
    else:
        return
    raise UserError(f"{found}; {EXPORT_JSONL}", file=path.name)


def _cells(header: str) -> list[str]:
    """The cells of a table's header line, whatever doccano's delimiter option was."""
    for delimiter in (",", "\t", ";", "|"):
        if delimiter in header:
            return header.split(delimiter)
    return header.split()


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
            self._by_text = posts_by_text(self.session, self.dataset)
        return self._by_text

    def post_id(self, line: dict[str, Any], number: int) -> int:
        external = line.get("external_id")
        if external is not None and str(external).strip():
            return one_post(self.index, str(external).strip(), self.file, number, "external_id")
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
