"""A model run's settings and report, as stored in ``model_run`` and printed as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from annotator.domain.errors import UserError

#: Fewest labeled posts the model trains on (here, not in evaluation.py, so the app's
#: Model page can say it without importing scikit-learn at start-up).
MIN_LABELS = 20


def post_key(dataset: str, external_id: str) -> str:
    """How JSON output names a post: its dataset and its id in the source (the same
    text can be two posts; the database id means nothing outside the project)."""
    return f"{dataset}/{external_id}"


@dataclass(frozen=True)
class ModelSettings:
    """How to train: folds of the cross-validation, seed, and what keeps posts together
    in one fold (``cluster``, ``author`` or ``none``)."""

    folds: int = 5
    seed: int = 0
    group_by: str = "cluster"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ModelReport:
    """Out-of-fold evaluation of one run (issue 19's JSON keys) and where it came from."""

    labels_used: int
    macro_f1: float
    accuracy: float
    per_label: dict[str, dict[str, float]]
    confusion: dict[str, Any]
    learning_curve: list[dict[str, float]]
    predicted_posts: int
    grouped_by: str
    model: dict[str, str]
    trained_at: str
    labels_hash: str
    folds: int
    seed: int
    baseline_macro_f1: float
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, text: str) -> ModelReport:
        """The stored report; one written by a newer version (more keys) still reads.
        A damaged or hand-edited one is a sentence, never a traceback in the app."""
        try:
            data = json.loads(text)
            known = {f.name for f in fields(cls)}
            return cls(**{key: value for key, value in data.items() if key in known})
        except (ValueError, TypeError, AttributeError) as error:
            raise UserError(
                "the stored model report is unreadable (damaged or edited); train the "
                "model again to replace it"
            ) from error
