"""The codebook: the ordered labels a project uses, and how user text maps onto them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from annotator.domain.errors import UserError
from annotator.resource_files import resource_path

#: A key written the old, identifier way ("not_sure"): its display name is made from it.
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")

#: A label keeps at most this many example posts, each at most this many characters:
#: examples are reminders beside the post being labeled, not a second dataset.
MAX_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 1000


@dataclass(frozen=True)
class Label:
    """One codebook entry. ``key`` is stored; ``display_name`` is shown.

    A key is any text a person gave the label ("0", "Yes", "Not sure", "not_sponsored"):
    it is what exports write and other tools' files carry, so it stays as written.

    ``examples`` are short example posts (plain text) shown with the definition.
    """

    key: str
    display_name: str
    description: str = ""
    shortcut: str = ""
    examples: tuple[str, ...] = ()


#: question -> answer -> the label keys that give that answer.
Questions = dict[str, dict[str, tuple[str, ...]]]


@dataclass(frozen=True)
class Codebook:
    """Ordered labels; order gives default shortcuts and training label ids.

    ``questions`` split a combined label into the questions it answers, for separate
    agreement figures: the default codebook's three labels answer "sponsored?" (no /
    yes) and, for sponsored posts only, "disclosed?" (disclosed / undisclosed).
    ``guidelines`` is the annotators' guide (Markdown) that travels with the labels.
    """

    labels: tuple[Label, ...] = field(default_factory=tuple)
    questions: Questions = field(default_factory=dict, compare=False)
    guidelines: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        keys = [label.key for label in self.labels]
        if any(not key.strip() for key in keys):
            raise UserError("a label has no text; give every label a name")
        _refuse_lookalikes(keys)
        _refuse_shared_shortcuts(self.labels)
        for question, answers in self.questions.items():
            unknown = {k for group in answers.values() for k in group} - set(keys)
            if unknown:
                raise UserError(
                    f"the question {question!r} names labels not in the codebook: "
                    + ", ".join(sorted(unknown))
                )

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(label.key for label in self.labels)

    def get(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)

    def resolve(self, text: str) -> str | None:
        """Map what a person typed ("Sponsored disclosed", " NO_ad ") to a key, or None.

        Matches a key or display name ignoring case, surrounding space and the
        difference between spaces, hyphens and underscores.
        """
        wanted = _normalise(text)
        if not wanted:
            return None
        for label in self.labels:
            if wanted in (_normalise(label.key), _normalise(label.display_name)):
                return label.key
        return None


def _refuse_shared_shortcuts(labels: tuple[Label, ...]) -> None:
    """One key, one label: a key given twice would label neither (Qt runs no action
    on an ambiguous key), so the codebook is refused with both names."""
    owner: dict[str, str] = {}
    for label in labels:
        key = label.shortcut.strip().casefold()
        if key and key in owner:
            raise UserError(
                f"the codebook gives the key {label.shortcut!r} to both "
                f"{owner[key]!r} and {label.display_name!r}; give each label its own key"
            )
        owner[key] = label.display_name


def _normalise(text: str) -> str:
    return re.sub(r"[\s_\-]+", "_", text.strip().casefold())


def _refuse_lookalikes(names: list[str]) -> None:
    """Refuse two labels a person could not tell apart when typing them ("Positive" and
    "positive", "Not sure" and "not_sure"): ``resolve`` would always find the first."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.get(_normalise(name))
        if other is None:
            seen[_normalise(name)] = name
            continue
        if other == name:
            raise UserError(f"the codebook repeats the label {name!r}; give each label once")
        raise UserError(
            f"the labels {other!r} and {name!r} differ only in case or spacing; "
            "give each label a name of its own"
        )


def codebook_from_json(data: dict[str, Any], guidelines: str = "") -> Codebook:
    """A codebook from its JSON form (``{"labels": [{"key": ..., ...}]}``).

    ``guidelines`` is used when the JSON has no inline ``"guidelines"`` text.
    """
    try:
        return Codebook(
            tuple(
                Label(
                    key=str(item["key"]),
                    display_name=str(item.get("display_name") or item["key"]),
                    description=str(item.get("description", "")),
                    shortcut=str(item.get("shortcut", "")),
                    examples=clean_examples([str(e) for e in item.get("examples") or []]),
                )
                for item in data["labels"]
            ),
            questions=parse_questions(data.get("questions") or {}),
            guidelines=str(data.get("guidelines") or guidelines),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise UserError(f"the codebook is malformed: missing {error}") from error


def clean_examples(examples: list[str]) -> tuple[str, ...]:
    """Example posts as kept: trimmed, blanks dropped, refusing too many or too long."""
    kept = tuple(text.strip() for text in examples if text.strip())
    if len(kept) > MAX_EXAMPLES:
        raise UserError(f"a label keeps at most {MAX_EXAMPLES} example posts, not {len(kept)}")
    for text in kept:
        if len(text) > MAX_EXAMPLE_CHARS:
            raise UserError(
                f"an example post is {len(text):,} characters long; keep examples under "
                f"{MAX_EXAMPLE_CHARS:,} (quote the part that matters)"
            )
    return kept


def parse_questions(data: dict[str, Any]) -> Questions:
    """``{"q": {"answer": ["label", ...]}}`` as stored in codebook files and projects."""
    return {
        str(question): {
            str(answer): tuple(str(k) for k in keys) for answer, keys in answers.items()
        }
        for question, answers in data.items()
    }


def default_codebook() -> Codebook:
    """The shipped sponsorship codebook (resources/codebooks/sponsorship.json), with the
    guidelines file it names beside it (kept as Markdown so it reads well on its own)."""
    path = resource_path("codebooks/sponsorship.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    guidelines = ""
    if data.get("guidelines_file"):
        guidelines = (path.parent / str(data["guidelines_file"])).read_text(encoding="utf-8")
    return codebook_from_json(data, guidelines)


def codebook_from_specs(specs: list[str]) -> Codebook:
    """Build a codebook from labels as people write them ("0", "Yes", "Not sure") or as
    ``KEY=DISPLAY NAME``; shortcuts are 1..9 in order.

    The text (trimmed) is the key, and its display name unless one is given; a key
    written as an identifier ("not_sure") shows as words ("Not sure"). Two labels a
    person could not tell apart (case, spaces and underscores aside) are refused.
    """
    if not specs:
        return default_codebook()
    labels = []
    for position, spec in enumerate(specs):
        key, _, display = (part.strip() for part in spec.partition("="))
        key = key or display
        if not key:
            raise UserError(f"label {position + 1} has no text; give every label a name")
        if not display:
            display = key.replace("_", " ").capitalize() if _IDENTIFIER.match(key) else key
        shortcut = str(position + 1) if position < 9 else ""
        labels.append(Label(key=key, display_name=display, shortcut=shortcut))
    _refuse_lookalikes([label.key for label in labels])
    _refuse_lookalikes([label.display_name for label in labels])
    return Codebook(tuple(labels))
