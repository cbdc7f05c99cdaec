"""The agreement report from a project: the JSON contract, filters, gold and undefined values."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project
from annotator.services.review.adjudication import (
    annotations_of,
    gold_history,
    gold_of,
    labels_and_gold,
    prefill_unanimous,
    set_gold,
    unanimous_without_gold,
)
from annotator.services.review.agreement_report import agreement_report, landis_koch

CONTRACT = {
    "items", "items_multi", "annotators", "labels", "percent_agreement", "cohen_kappa",
    "fleiss_kappa", "krippendorff_alpha", "per_label", "per_question", "confusion", "gold",
}  # fmt: skip


def _ids(project: Project) -> list[int]:
    queue = LabelingQueue(project, "x")
    ids = [queue.current_id]
    while queue.go_next():
        ids.append(queue.current_id)
    return [i for i in ids if i is not None]


def _label(project: Project, post_id: int, who: str, key: str, seconds: float = 0.0) -> None:
    save_annotation(
        project,
        AnnotationChange(post_id=post_id, annotator=who, label_key=key, seconds_spent=seconds),
    )


@pytest.fixture
def labeled(small_project: Project) -> Project:
    a, b, c, d = _ids(small_project)
    for post, ana, ben in (
        (a, "sponsored_disclosed", "sponsored_disclosed"),
        (b, "sponsored_undisclosed", "sponsored_disclosed"),
        (c, "not_sponsored", "not_sponsored"),
        (d, "not_sponsored", None),
    ):
        _label(small_project, post, "ana", ana, seconds=10)
        if ben:
            _label(small_project, post, "ben", ben, seconds=30)
    return small_project


def test_json_has_exactly_the_contract_keys(labeled: Project) -> None:
    data = agreement_report(labeled, resamples=200).to_json()
    assert set(data) == CONTRACT
    assert (data["items"], data["items_multi"]) == (4, 3)
    assert data["annotators"] == ["ana", "ben"]
    assert data["labels"] == ["not_sponsored", "sponsored_disclosed", "sponsored_undisclosed"]
    assert data["percent_agreement"] == pytest.approx(2 / 3)
    assert data["cohen_kappa"]["ana|ben"]["n"] == 3
    assert set(data["fleiss_kappa"]) == {"kappa", "n"}
    assert set(data["krippendorff_alpha"]) == {"alpha", "ci95"}
    assert data["confusion"]["ana|ben"] == {
        "labels": data["labels"],
        "matrix": [[1, 0, 0], [0, 1, 0], [0, 1, 0]],
    }
    assert set(data["per_question"]) == {"sponsored", "disclosure"}
    assert data["per_question"]["sponsored"]["alpha"] == pytest.approx(1.0)
    assert data["per_label"]["not_sponsored"]["count"] == 3
    assert data["gold"] == 0


def test_undefined_values_are_null_with_a_reason(labeled: Project) -> None:
    data = agreement_report(labeled, annotators=["ana"], resamples=50).to_json()
    assert data["items_multi"] == 0
    assert data["percent_agreement"] is None and data["reason"]
    assert data["fleiss_kappa"]["kappa"] is None and data["fleiss_kappa"]["reason"]
    assert data["krippendorff_alpha"]["alpha"] is None
    assert data["krippendorff_alpha"]["ci95"] is None
    assert data["cohen_kappa"] == {}


def test_disclosure_question_uses_only_sponsored_labels(labeled: Project) -> None:
    report = agreement_report(labeled, resamples=50)
    # ana and ben disagree on disclosure for the one post both called sponsored... and
    # agree on the other: alpha of that question is defined and below the sponsored one.
    disclosure = report.questions["disclosure"].value
    assert disclosure is not None and disclosure < report.questions["sponsored"].value


def test_filters_by_dataset_and_annotators(labeled: Project, small_csv: Path) -> None:
    import_dataset(labeled, small_csv, ImportOptions(dataset="other"))
    with pytest.raises(UserError, match="no dataset"):
        agreement_report(labeled, dataset="missing")
    with pytest.raises(UserError, match="no annotator called zoe"):
        agreement_report(labeled, annotators=["zoe"])
    assert agreement_report(labeled, dataset="other", resamples=10).items == 0
    assert agreement_report(labeled, dataset="small", resamples=10).items == 4


def test_pace_per_annotator(labeled: Project) -> None:
    people = {p.name: p for p in agreement_report(labeled, resamples=10).people}
    assert people["ana"].median_seconds == 10
    assert people["ana"].posts_per_hour == pytest.approx(360)
    assert people["ben"].distribution == {
        "not_sponsored": 1,
        "sponsored_disclosed": 2,
        "sponsored_undisclosed": 0,
    }


def test_landis_koch_bands() -> None:
    assert [landis_koch(v) for v in (-0.1, 0.1, 0.3, 0.5, 0.7, 0.9, None)] == [
        "poor", "slight", "fair", "moderate", "substantial", "almost perfect", "",
    ]  # fmt: skip


def test_gold_is_stored_with_who_and_history(labeled: Project) -> None:
    a, b, *_ = _ids(labeled)
    set_gold(labeled, post_id=b, label_key="sponsored_undisclosed", decided_by="lead", notes="x")
    set_gold(labeled, post_id=b, label_key="sponsored_disclosed", decided_by="lead2")
    decision = gold_of(labeled, b)
    assert decision is not None
    assert (decision.label_key, decision.decided_by, decision.method) == (
        "sponsored_disclosed",
        "lead2",
        "adjudicated",
    )
    assert gold_history(labeled, b) == [
        ("sponsored_undisclosed", "lead", "adjudicated"),
        ("sponsored_disclosed", "lead2", "adjudicated"),
    ]
    assert [x.annotator for x in annotations_of(labeled, b)] == ["ana", "ben"]
    with pytest.raises(UserError):
        set_gold(labeled, post_id=a, label_key="maybe", decided_by="lead")
    assert agreement_report(labeled, resamples=10).gold == 1


def test_labels_and_gold_of_many_posts_match_the_one_post_reads(labeled: Project) -> None:
    a, b, c, d = _ids(labeled)
    set_gold(labeled, post_id=b, label_key="sponsored_disclosed", decided_by="lead")
    found = labels_and_gold(labeled, [a, b, c, d])
    for post in (a, b, c, d):
        labels, gold = found[post]
        assert labels == {x.annotator: x.label_key for x in annotations_of(labeled, post)}
        one = gold_of(labeled, post)
        assert gold == (one.label_key if one else None)
    assert found[b] == (
        {"ana": "sponsored_undisclosed", "ben": "sponsored_disclosed"},
        "sponsored_disclosed",
    )
    assert found[d] == ({"ana": "not_sponsored"}, None)


def test_prefill_unanimous_only_where_all_agree(labeled: Project) -> None:
    a, b, c, d = _ids(labeled)
    assert unanimous_without_gold(labeled) == [(a, "sponsored_disclosed"), (c, "not_sponsored")]
    assert prefill_unanimous(labeled, decided_by="lead") == 2
    assert gold_of(labeled, b) is None and gold_of(labeled, d) is None
    decision = gold_of(labeled, c)
    assert decision is not None and decision.method == "unanimous"
    assert prefill_unanimous(labeled, decided_by="lead") == 0
