"""What a package may say, checked row by row before a merge touches the project.

A package is a file anyone can edit with sqlite3, so nothing in it is trusted: every
event must be by the package's annotator, on a post handed to them, with values the
import itself would accept; the post texts are hashed again here, never read from the
package's hash column. The first bad row refuses the whole package in one sentence.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from annotator.domain.errors import UserError
from annotator.services.labeling.marks import FLAG, SKIP

ACTIONS = ("set", "remove")
MARK_KINDS = (FLAG, SKIP)
#: An event dated further ahead of the merging computer than this is reported.
FUTURE_SLACK = timedelta(days=1)


def refuse(package: str, table: str, row: int, problem: str) -> UserError:
    """The one sentence a refused package gets: file, table, row, what is wrong."""
    return UserError(f"{package}: {table} row {row} {problem}; nothing was merged")


def moment(value: Any, *, package: str, table: str, row: int) -> datetime:
    """A stored time as an aware UTC datetime (a naive one is read as UTC), or a refusal."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise refuse(package, table, row, f"has the time {value!r}, not a date") from None
    else:
        raise refuse(package, table, row, f"has the time {value!r}, not a date")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def in_future(at: datetime, now: datetime) -> bool:
    """Whether ``at`` lies more than a day ahead of ``now``."""
    return at > now + FUTURE_SLACK


def check_name(package: str, name: Any) -> str:
    """The package's annotator: recorded, non-blank text."""
    if not isinstance(name, str) or not name.strip():
        raise UserError(f"{package}: does not say whose package it is; nothing was merged")
    return name


def check_event(
    event: dict[str, Any], *, package: str, text: str, label_keys: Collection[str]
) -> list[dict[str, Any]]:
    """Refuse an event the import would refuse; returns its evidence spans."""
    row = int(event["id"])

    def bad(problem: str) -> UserError:
        return refuse(package, "annotation_event", row, problem)

    action, key = event["action"], event["label_key"]
    if action not in ACTIONS:
        raise bad(f"has the action {action!r}; only {' or '.join(ACTIONS)} are known")
    if action == "set" and key not in label_keys:
        raise bad(f"sets the label {key!r}, which is not in the project's codebook")
    if action == "remove" and key is not None:
        raise bad(f"removes a label but names one ({key!r})")
    for field in ("notes", "sponsor"):
        if not isinstance(event[field], str):
            raise bad(f"has {field} {event[field]!r}, not text")
    if event["previous_label_key"] is not None and not isinstance(event["previous_label_key"], str):
        raise bad(f"has the previous label {event['previous_label_key']!r}, not text")
    if not isinstance(event["uid"], str) or not event["uid"].strip():
        raise bad("has no change id (uid)")
    seconds = event["seconds_spent"]
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int | float)
        or not math.isfinite(seconds)
        or seconds < 0
    ):
        raise bad(f"has seconds_spent {seconds!r}; it must be a finite number of 0 or more")
    return _spans(event["evidence"], text=text, bad=bad)


def _spans(raw: Any, *, text: str, bad: Any) -> list[dict[str, Any]]:
    """Evidence as the import keeps it: a list of spans inside the text, quoting it."""
    if raw is None:
        return []
    try:
        spans = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise bad("has evidence that is not JSON") from None
    if spans is None:
        return []
    if not isinstance(spans, list):
        raise bad(f"has evidence {spans!r}; it must be a list of spans")
    checked = []
    for span in spans:
        if not isinstance(span, dict):
            raise bad(f"has the evidence span {span!r}; it must have start, end and quote")
        start, end, quote = span.get("start"), span.get("end"), span.get("quote")
        if type(start) is not int or type(end) is not int:
            raise bad(f"has the evidence span {span!r} without whole-number start and end")
        if not 0 <= start < end <= len(text):
            raise bad(
                f"has the evidence span {start}-{end}, outside the post text "
                f"({len(text)} characters)"
            )
        if quote != text[start:end]:
            raise bad(f"has the evidence span {start}-{end} quoting {quote!r}, but the post "
                      f"reads {text[start:end]!r} there")  # fmt: skip
        checked.append({"start": start, "end": end, "quote": quote})
    return checked


def check_mark(mark: dict[str, Any], *, package: str) -> None:
    """A skip or flag mark with a text note."""
    if mark["kind"] not in MARK_KINDS:
        raise refuse(package, "post_mark", int(mark["id"]), f"has the kind {mark['kind']!r}; "
                     f"only {' or '.join(MARK_KINDS)} are known")  # fmt: skip
    if not isinstance(mark["note"], str):
        raise refuse(package, "post_mark", int(mark["id"]), "has a note that is not text")
