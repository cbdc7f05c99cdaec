"""Prodigy's text-classification annotations in (``prodigy db-out`` JSON Lines): every
line checked, then one transaction. The mapping is in docs/INTEROP.md ("Prodigy").

Prodigy writes one task per line with ``answer`` (accept, reject or ignore) and either a
binary ``label`` (``textcat.teach``, ``textcat.manual`` with one label) or ``options`` and
the chosen option ids in ``accept`` (``textcat.manual`` with several labels, the choice
interface). Who answered is ``_annotator_id`` / ``_session_id``, ``<dataset>-<session>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlmodel import Session

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange, PostRecord
from annotator.services.interop.import_report import InteropImportReport, apply_changes
from annotator.services.interop.json_io import read_json_array, read_json_objects, sniff_layout
from annotator.services.interop.post_lookup import id_index, one_post, posts_by_text, posts_in
from annotator.store.engine import Project
from annotator.store.queries import get_annotation, load_codebook

ANSWERS = ("accept", "reject", "ignore")
#: Where a task may carry our post id, most specific first: Prodigy keeps ``meta`` and
#: every other field of the input task, so our own exports' ``external_id`` comes back too.
ID_FIELDS = ("meta.external_id", "meta.post_id", "meta.id", "external_id")
#: A session Prodigy named itself: its start time (``2024-02-06_10-17-19``) when the app's
#: URL had no ``?session=NAME``, or ``default``. Neither names a person.
_UNNAMED_SESSION = re.compile(r"(?:^|-)(?:\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d|default)$")
_WHO_FIELDS = ("_annotator_id", "_session_id")


@dataclass
class ProdigyImportReport(InteropImportReport):
    """A Prodigy import, with the answers that give no label."""

    ignored_skipped: int = 0
    rejected_skipped: int = 0

    def summary(self) -> str:
        extra = []
        if self.ignored_skipped:
            extra.append(f"{self.ignored_skipped} ignored answers skipped")
        if self.rejected_skipped:
            extra.append(f"{self.rejected_skipped} rejected choice questions skipped")
        line = super().summary()
        return f"{line[:-1]}; {'; '.join(extra)}." if extra else line


@dataclass(frozen=True)
class _Decision:
    """One line's say about one post: ``accept`` a label key or ``reject`` one."""

    answer: str
    key: str
    number: int


def import_prodigy(
    project: Project,
    path: Path,
    *,
    reject_as: str | None = None,
    annotator: str | None = None,
    dataset: str | None = None,
) -> ProdigyImportReport:
    """Check every task of a Prodigy text-classification export, then write its labels.

    ``reject_as`` is the label a rejected binary ``label`` means (needed when the file has
    such rejects); ``annotator`` names who answered lines from an unnamed session.
    """
    tasks = _read_tasks(path)
    report = ProdigyImportReport(file=path.name)
    with project.session() as session:
        codebook = load_codebook(session)
        reject_key = _reject_key(codebook, reject_as)
        names = _AnnotatorNames(path.name, tasks, (annotator or "").strip() or None)
        finder = _PostFinder(path.name, session, dataset)
        decisions: dict[tuple[int, str], list[_Decision]] = {}
        for number, task in tasks:
            decision = _decision(task, codebook, reject_key, path.name, number, report)
            if decision is None:
                continue
            who = names.name(task, number)
            post_id = finder.post_id(task, number)
            decisions.setdefault((post_id, who), []).append(decision)
        changes = []
        for (post_id, who), said in decisions.items():
            key, number = _label_of(said, who, reject_key, path.name)
            changes.append((_change(session, post_id, who, key), number))
        apply_changes(session, changes, report)
    return report


def _read_tasks(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, task) for each task: JSON Lines as ``db-out`` writes them, or a JSON array
    of tasks (numbered by position), whatever the suffix."""
    layout = sniff_layout(path)
    if layout == "zip":
        raise UserError("is a zip archive; unzip it and import the JSONL file", file=path.name)
    if layout != "array":
        return list(read_json_objects(path))
    tasks = []
    for number, task in enumerate(read_json_array(path, items="Prodigy tasks"), start=1):
        if not isinstance(task, dict):
            raise UserError("is not a Prodigy task object", file=path.name, row=number)
        tasks.append((number, task))
    return tasks


def _reject_key(codebook: Codebook, reject_as: str | None) -> str | None:
    if reject_as is None:
        return None
    key = codebook.resolve(reject_as)
    if key is None:
        raise UserError(
            f"--reject-as {reject_as!r} is not a codebook label ({', '.join(codebook.keys)})"
        )
    return key


def _decision(
    task: dict[str, Any],
    codebook: Codebook,
    reject_key: str | None,
    file: str,
    number: int,
    report: ProdigyImportReport,
) -> _Decision | None:
    """What one task says, or None when it says no label (counted in the report)."""
    answer = task.get("answer")
    if answer not in ANSWERS:
        found = "no answer" if answer is None else f"the answer {answer!r}"
        raise UserError(
            f"has {found}; Prodigy's annotations answer accept, reject or ignore "
            "(export them with prodigy db-out DATASET)",
            file=file,
            row=number,
            column="answer",
        )
    if answer == "ignore":
        report.ignored_skipped += 1
        return None
    if "options" in task:
        if answer == "reject":
            report.rejected_skipped += 1
            return None
        key = _chosen_label(task, codebook, file, number)
        if key is None:
            report.blank_skipped += 1
            return None
        return _Decision("accept", key, number)
    if "label" not in task:
        raise UserError(
            'has neither "label" nor "options": not a text-classification task '
            "(textcat.teach, textcat.manual or the choice interface)",
            file=file,
            row=number,
        )
    label = task["label"]
    key = codebook.resolve(label) if isinstance(label, str) else None
    if key is None:
        raise UserError(
            f"the label {label!r} is not in the codebook ({', '.join(codebook.keys)})",
            file=file,
            row=number,
            column="label",
        )
    if answer == "reject":
        if reject_key is None:
            raise UserError(
                f"rejects the label {label!r}; say which codebook label a rejected answer "
                "means with --reject-as LABEL",
                file=file,
                row=number,
                column="answer",
            )
        if reject_key == key:
            raise UserError(
                f"rejects {label!r}, the label --reject-as names for rejected answers",
                file=file,
                row=number,
                column="answer",
            )
    return _Decision(answer, key, number)


def _chosen_label(task: dict[str, Any], codebook: Codebook, file: str, number: int) -> str | None:
    """The one codebook label the accepted options name (by id, else by their text)."""
    options = task["options"]
    chosen = task.get("accept", [])
    if not isinstance(options, list) or not isinstance(chosen, list):
        raise UserError("options and accept must be lists", file=file, row=number, column="accept")
    texts = {
        str(option.get("id")): option.get("text")
        for option in options
        if isinstance(option, dict) and "id" in option
    }
    keys: dict[str, str] = {}
    for choice in chosen:
        text = texts.get(str(choice))
        by_id = codebook.resolve(str(choice))
        by_text = codebook.resolve(text) if isinstance(text, str) else None
        if by_id and by_text and by_id != by_text:
            raise UserError(
                f"the option {choice!r} reads {text!r}: its id and its text name two "
                f"different labels ({by_id}, {by_text})",
                file=file,
                row=number,
                column="accept",
            )
        key = by_id or by_text
        if key is None:
            shown = f"{choice!r} ({text!r})" if isinstance(text, str) else repr(choice)
            raise UserError(
                f"the option {shown} is not in the codebook ({', '.join(codebook.keys)})",
                file=file,
                row=number,
                column="accept",
            )
        keys.setdefault(key, str(choice))
    if len(keys) > 1:
        raise UserError(
            f"accepts several options ({', '.join(keys.values())}); a post gets one label",
            file=file,
            row=number,
            column="accept",
        )
    return next(iter(keys), None)


def _label_of(
    said: list[_Decision], who: str, reject_key: str | None, file: str
) -> tuple[str, int]:
    """One annotator's label for one post from all they said about it: what they accepted,
    else (only rejects) the label rejects mean; contradictions are refused."""
    accepted: dict[str, _Decision] = {}
    rejected: dict[str, _Decision] = {}
    for decision in said:
        (accepted if decision.answer == "accept" else rejected).setdefault(decision.key, decision)
        both = accepted.keys() & rejected.keys()
        if both:
            raise UserError(
                f"{who} both accepts and rejects {both.pop()!r} for this post",
                file=file,
                row=decision.number,
            )
        if len(accepted) > 1:
            first = next(iter(accepted.values()))
            raise UserError(
                f"{who} also accepts {first.key!r} for this post in row {first.number}; "
                "a post gets one label",
                file=file,
                row=decision.number,
            )
    if accepted:
        (decision,) = accepted.values()
        return decision.key, decision.number
    assert reject_key is not None  # a reject without --reject-as was refused
    return reject_key, said[0].number


def _change(session: Session, post_id: int, who: str, key: str) -> AnnotationChange:
    """Prodigy carries labels only: an existing annotation keeps its note and evidence."""
    current = get_annotation(session, post_id=post_id, annotator=who)
    if current is None:
        return AnnotationChange(post_id=post_id, annotator=who, label_key=key)
    return replace(current.as_change(), label_key=key)


class _AnnotatorNames:
    """Who answered a task: the session part of ``_annotator_id`` / ``_session_id``
    (Prodigy writes ``<dataset>-<session>``), else the lead's ``--annotator``."""

    def __init__(
        self, file: str, tasks: list[tuple[int, dict[str, Any]]], fallback: str | None
    ) -> None:
        self.file = file
        self.fallback = fallback
        ids = {raw[1] for _, task in tasks if (raw := self.raw(task)) is not None}
        named = [tuple(i.split("-")) for i in ids if not _UNNAMED_SESSION.search(i)]
        # The dataset name is the hyphen-separated parts every session id starts with
        # (the common prefix of all is that of the first and last in sorted order),
        # leaving at least one part of each id for its session.
        self.shared = 0
        if named:
            first, last = min(named), max(named)
            shortest = min(len(parts) for parts in named) - 1
            while self.shared < shortest and first[self.shared] == last[self.shared]:
                self.shared += 1

    @staticmethod
    def raw(task: dict[str, Any]) -> tuple[str, str] | None:
        for field in _WHO_FIELDS:
            value = task.get(field)
            if isinstance(value, str | int) and not isinstance(value, bool):
                text = str(value).strip()
                if text:
                    return field, text
        return None

    def name(self, task: dict[str, Any], number: int) -> str:
        raw = self.raw(task)
        if raw is not None and not _UNNAMED_SESSION.search(raw[1]):
            parts = raw[1].split("-")
            dataset_parts = max(1, min(self.shared, len(parts) - 1)) if len(parts) > 1 else 0
            name = unquote("-".join(parts[dataset_parts:])).strip()
            if name:
                return name
        if self.fallback is not None:
            return self.fallback
        if raw is not None:
            raise UserError(
                f"comes from an unnamed Prodigy session ({raw[1]!r}, not a person); name "
                "who answered with --annotator NAME",
                file=self.file,
                row=number,
                column=raw[0],
            )
        raise UserError(
            "names no annotator (no _annotator_id or _session_id); name who answered "
            "with --annotator NAME",
            file=self.file,
            row=number,
        )


class _PostFinder:
    """The post a task is about: by an id of ours it carries, else by its exact text."""

    def __init__(self, file: str, session: Session, dataset: str | None) -> None:
        self.file = file
        self.session = session
        self.dataset = dataset
        self.index = id_index(session, dataset)
        self._by_text: dict[str, list[PostRecord]] | None = None
        self._by_id: dict[int, PostRecord] | None = None

    def by_text(self) -> dict[str, list[PostRecord]]:
        if self._by_text is None:
            self._by_text = posts_by_text(self.session, self.dataset)
        return self._by_text

    def by_id(self) -> dict[int, PostRecord]:
        if self._by_id is None:
            self._by_id = {post.id: post for post in posts_in(self.session, self.dataset)}
        return self._by_id

    def post_id(self, task: dict[str, Any], number: int) -> int:
        text = task.get("text")
        for field in ID_FIELDS:
            value = _field(task, field)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
                key = str(value).strip()
                post_id = one_post(self.index, key, self.file, number, field)
                if isinstance(text, str):
                    self.check_text(post_id, text, key, field, number)
                return post_id
        if not isinstance(text, str):
            raise UserError(
                f"has no post id ({', '.join(ID_FIELDS)}) and no text to find its post by",
                file=self.file,
                row=number,
            )
        posts = self.by_text().get(text, [])
        if len(posts) == 1:
            return posts[0].id
        problem = (
            f"{len(posts)} posts have exactly this text; put the post's id in meta.id "
            "to tell them apart"
            if posts
            else "no post has exactly this text (and the task has no post id in meta.id)"
        )
        raise UserError(problem, file=self.file, row=number, column="text")

    def check_text(self, post_id: int, text: str, key: str, field: str, number: int) -> None:
        """Refuse an id that is not ours: the task's text is another post's text."""
        post = self.by_id().get(post_id)
        if post is None or post.text == text:
            return
        others = [p for p in self.by_text().get(text, []) if p.id != post_id]
        if others:
            raise UserError(
                f"{field} {key!r} is the id of a post with another text, and this text is "
                f"the post with id {others[0].external_id!r}; if {field} is not the posts' "
                "id, remove it and the text finds the post",
                file=self.file,
                row=number,
                column=field,
            )


def _field(task: dict[str, Any], dotted: str) -> Any:
    """``meta.id`` -> task["meta"]["id"] (None when any step is missing)."""
    value: Any = task
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
