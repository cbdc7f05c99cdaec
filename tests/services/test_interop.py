"""Label Studio and doccano: exports in their real formats, imports checked first, round trips."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange, EvidenceSpan
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.interop import (
    MAPPING_DOC,
    export_doccano,
    export_label_studio,
    import_doccano,
    import_label_studio,
    label_studio_config,
)
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project, codebook_of, init_project
from annotator.services.review.adjudication import set_gold
from annotator.store.queries import external_id_index, get_annotation, get_post, iter_annotations
from tests.conftest import write_csv

SERUM = "1229871234567890123"
VOTE = "1229871234567890124"
FAMILY = "👩‍👩‍👧"
Snapshot = dict[tuple[str, str], tuple[str, str, str, tuple[EvidenceSpan, ...], float]]


def _post_id(project: Project, external_id: str) -> int:
    with project.session() as session:
        return external_id_index(session)[external_id][0]


def _text(project: Project, external_id: str) -> str:
    with project.session() as session:
        return get_post(session, _post_id(project, external_id)).text


def _annotation_count(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM annotation")).scalar_one())


def _snapshot(project: Project) -> Snapshot:
    """(external id, annotator) -> (label, notes, sponsor, evidence, seconds)."""
    with project.session() as session:
        external = {ids[0]: key for key, ids in external_id_index(session).items()}
        return {
            (external[a.post_id], a.annotator): (
                a.label_key,
                a.notes,
                a.sponsor,
                a.evidence,
                a.seconds_spent,
            )
            for a in iter_annotations(session)
        }


@pytest.fixture
def labeled(small_project: Project) -> Project:
    """ana and ben disagree on the serum post (gold decided); ana labels the formula post."""
    serum = _post_id(small_project, SERUM)
    body = _text(small_project, SERUM)
    hashtag = body.index("#ad")
    family = body.index(FAMILY)
    save_annotation(
        small_project,
        AnnotationChange(
            post_id=serum,
            annotator="ana",
            label_key="sponsored_disclosed",
            notes="says #ad\nand names the brand",
            sponsor="GlowCo",
            evidence=(
                EvidenceSpan(hashtag, hashtag + 3, "#ad"),
                EvidenceSpan(family, family + len(FAMILY), FAMILY),
            ),
            seconds_spent=12.5,
        ),
    )
    save_annotation(
        small_project,
        AnnotationChange(post_id=serum, annotator="ben", label_key="sponsored_undisclosed"),
    )
    save_annotation(
        small_project,
        AnnotationChange(
            post_id=_post_id(small_project, "00123"), annotator="ana", label_key="not_sponsored"
        ),
    )
    set_gold(small_project, post_id=serum, label_key="sponsored_disclosed", decided_by="lead")
    return small_project


@pytest.fixture
def other_project(tmp_path: Path) -> Iterator[Project]:
    opened = init_project(tmp_path / "other.annotator")
    yield opened
    opened.close()


def _write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def _write_jsonl(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    return path


def _ls_annotation(email: str, *results: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"completed_by": {"id": 7, "email": email}, "result": list(results), **extra}


def _choice(label: str, name: str = "label") -> dict[str, Any]:
    return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": [label]}}


def _span(start: int, end: int, quote: str) -> dict[str, Any]:
    return {
        "from_name": "evidence",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": quote, "labels": ["evidence"]},
    }


# ---------------------------------------------------------------- Label Studio export


def test_label_studio_export_has_tasks_choices_spans_notes_and_gold(
    labeled: Project, tmp_path: Path
) -> None:
    out = tmp_path / "ls.json"
    assert export_label_studio(labeled, out) == 4
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["external_id"] for t in tasks] == ["00123", SERUM, VOTE, "42"]
    serum = tasks[1]
    body = _text(labeled, SERUM)
    assert serum["id"] == _post_id(labeled, SERUM)
    assert serum["data"] == {
        "text": body,
        "external_id": SERUM,
        "dataset": "small",
        "author": "ann",
        "created_at": "2020-02-15T09:00:00Z",
        "platform": "instagram",
        "url": "https://instagram.com/p/x",
        "gold_label": "sponsored_disclosed",
        "gold_by": "lead",
        "gold_note": "",
        "gold_at": serum["data"]["gold_at"],
    }
    by_who = {a["completed_by"]["email"]: a for a in serum["annotations"]}
    assert sorted(by_who) == [
        "ana@annotator.invalid",
        "ben@annotator.invalid",
        "lead@annotator.invalid",
    ]
    ana = by_who["ana@annotator.invalid"]
    assert (ana["ground_truth"], ana["was_cancelled"], ana["lead_time"]) == (False, False, 12.5)
    assert "created_at" in ana and "updated_at" in ana
    by_type: dict[str, list[dict[str, Any]]] = {}
    for result in ana["result"]:
        assert result["to_name"] == "text"
        by_type.setdefault(result["type"], []).append(result)
    assert [r["value"]["choices"] for r in by_type["choices"]] == [["sponsored_disclosed"]]
    assert by_type["choices"][0]["from_name"] == "label"
    spans = [r["value"] for r in by_type["labels"]]
    assert spans[0] == {"start": 21, "end": 24, "text": "#ad", "labels": ["evidence"]}
    # Code points: the family emoji ends the text, so its span ends at len(text), not +3.
    assert (spans[1]["end"], spans[1]["text"]) == (len(body), FAMILY)
    assert body[spans[1]["start"] : spans[1]["end"]] == FAMILY
    assert {r["from_name"]: r["value"]["text"] for r in by_type["textarea"]} == {
        "notes": ["says #ad\nand names the brand"],
        "sponsor": ["GlowCo"],
    }
    assert [r["type"] for r in by_who["ben@annotator.invalid"]["result"]] == ["choices"]
    gold = by_who["lead@annotator.invalid"]
    assert gold["ground_truth"] is True
    assert gold["result"][0]["value"]["choices"] == ["sponsored_disclosed"]
    assert tasks[3]["annotations"] == []


def test_label_studio_export_of_one_dataset_and_unknown_dataset(
    labeled: Project, tmp_path: Path
) -> None:
    write_csv(tmp_path / "more.csv", "id,text\nm1,another post\n")
    import_dataset(labeled, tmp_path / "more.csv")
    assert export_label_studio(labeled, tmp_path / "more.json", dataset="more") == 1
    assert export_label_studio(labeled, tmp_path / "all.json") == 5
    with pytest.raises(UserError, match="no dataset 'nope'"):
        export_label_studio(labeled, tmp_path / "x.json", dataset="nope")
    assert not (tmp_path / "x.json").exists()


def test_label_studio_config_matches_the_export(labeled: Project) -> None:
    root = ET.fromstring(label_studio_config(codebook_of(labeled)))
    assert root.tag == "View"
    body = root.find("Text")
    assert body is not None
    assert body.attrib == {"name": "text", "value": "$text"}
    choices = root.find("Choices")
    assert choices is not None
    assert (choices.get("name"), choices.get("toName"), choices.get("choice")) == (
        "label",
        "text",
        "single",
    )
    assert [(c.get("value"), c.get("alias"), c.get("hotkey")) for c in choices] == [
        ("Not sponsored", "not_sponsored", "1"),
        ("Sponsored, disclosed", "sponsored_disclosed", "2"),
        ("Sponsored, undisclosed", "sponsored_undisclosed", "3"),
    ]
    labels = root.find("Labels")
    assert labels is not None
    assert labels.get("name") == "evidence"
    assert [label.get("value") for label in labels] == ["evidence"]
    assert [t.get("name") for t in root.findall("TextArea")] == ["notes", "sponsor"]


def test_mapping_doc_is_the_module_docstring() -> None:
    import annotator.services.interop as interop

    assert interop.__doc__ == MAPPING_DOC
    for words in ("data.external_id", "ground_truth", "code points", '"label": [', "alias"):
        assert words in MAPPING_DOC


# ---------------------------------------------------------------- Label Studio import


def test_label_studio_round_trip_into_a_new_project(
    labeled: Project, other_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "ls.json"
    export_label_studio(labeled, out)
    import_dataset(other_project, out, ImportOptions(dataset="small", id_col="data.external_id"))
    report = import_label_studio(other_project, out)
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    assert (report.blank_skipped, report.gold_skipped, report.unlabeled_skipped) == (2, 1, 0)
    assert report.annotators == ["ana", "ben"]
    assert "1 gold labels not imported" in report.summary()
    assert _snapshot(other_project) == _snapshot(labeled)
    ana = _snapshot(other_project)[(SERUM, "ana")]
    assert ana[3][1].quote == FAMILY


def test_reimporting_an_export_changes_nothing(labeled: Project, tmp_path: Path) -> None:
    out = tmp_path / "ls.json"
    export_label_studio(labeled, out)
    before = _snapshot(labeled)
    report = import_label_studio(labeled, out)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
    assert _snapshot(labeled) == before


def test_label_studio_file_from_elsewhere_matches_by_text_not_task_id(
    small_project: Project, tmp_path: Path
) -> None:
    """No id in data: the exact text finds the post; emails name people; names resolve."""
    path = _write_json(
        tmp_path / "project-1.json",
        [
            {
                "id": 1,
                "data": {"text": "<b>not bold</b> &amp; just my lunch"},
                "annotations": [
                    _ls_annotation("zoe@example.org", _choice("Not sponsored", "sentiment")),
                    _ls_annotation("yan@example.org", _choice("Not sponsored"), was_cancelled=True),
                ],
                "predictions": [{"result": [_choice("Sponsored, disclosed")]}],
            },
            {"id": 7, "data": {"text": "never labeled"}, "annotations": []},
        ],
    )
    report = import_label_studio(small_project, path)
    assert (report.added, report.blank_skipped, report.unlabeled_skipped) == (1, 1, 1)
    assert report.annotators == ["zoe"]
    with small_project.session() as session:
        zoe = get_annotation(session, post_id=_post_id(small_project, "42"), annotator="zoe")
    assert zoe is not None
    assert zoe.label_key == "not_sponsored"


def test_label_studio_offsets_are_code_points_after_an_emoji(
    project: Project, tmp_path: Path
) -> None:
    body = f"{FAMILY} gifted by GlowCo use code GLOW10"
    import_dataset(project, write_csv(tmp_path / "gift.csv", f"id,text\ng1,{body}\n"))
    start = body.index("GlowCo")
    assert start == 16  # 5 code points of emoji; UTF-16 would say 19

    def task(offset: int) -> list[dict[str, Any]]:
        span = _span(start + offset, start + offset + 6, "GlowCo")
        return [
            {
                "data": {"text": body, "external_id": "g1"},
                "annotations": [_ls_annotation("ana", _choice("sponsored_undisclosed"), span)],
            }
        ]

    with pytest.raises(UserError) as refused:
        import_label_studio(project, _write_json(tmp_path / "utf16.json", task(3)))
    assert refused.value.row == 1
    assert refused.value.column == "annotations[0].result[1].value"
    assert "UTF-16" in str(refused.value)
    assert _annotation_count(project) == 0

    import_label_studio(project, _write_json(tmp_path / "ok.json", task(0)))
    with project.session() as session:
        ana = get_annotation(session, post_id=_post_id(project, "g1"), annotator="ana")
    assert ana is not None
    assert ana.evidence == (EvidenceSpan(16, 22, "GlowCo"),)


def _valid_task() -> dict[str, Any]:
    return {
        "data": {"text": "x", "external_id": "00123"},
        "annotations": [_ls_annotation("ana", _choice("not_sponsored"))],
    }


@pytest.mark.parametrize(
    ("task", "column", "message"),
    [
        (
            {
                "data": {"external_id": SERUM},
                "annotations": [_ls_annotation("ana", _choice("Paid post"))],
            },
            "annotations[0].result[0].value.choices",
            "'Paid post' is not in the codebook",
        ),
        (
            {
                "data": {"external_id": SERUM},
                "annotations": [
                    _ls_annotation("ana", _choice("not_sponsored"), _span(0, 6, "Lovin"))
                ],
            },
            "annotations[0].result[1].value",
            "reads 'Loving' in the post, not 'Lovin'",
        ),
        (
            {
                "data": {"external_id": "999"},
                "annotations": [_ls_annotation("ana", _choice("not_sponsored"))],
            },
            "data.external_id",
            "no post has the id '999'",
        ),
        (
            {
                "id": 31337,
                "data": {},
                "annotations": [_ls_annotation("ana", _choice("not_sponsored"))],
            },
            "data.text",
            "has no data.external_id or data.id",
        ),
        (
            {
                "data": {"external_id": SERUM},
                "annotations": [
                    _ls_annotation("ana", _choice("not_sponsored"), _choice("sponsored_disclosed"))
                ],
            },
            "annotations[0].result",
            "several labels",
        ),
        (
            {
                "data": {"external_id": SERUM},
                "annotations": [{"result": [_choice("not_sponsored")]}],
            },
            "annotations[0].completed_by",
            "names no annotator",
        ),
    ],
    ids=[
        "unknown-label",
        "offset-mismatch",
        "unknown-post",
        "unknown-task-id",
        "two-labels",
        "no-annotator",
    ],
)
def test_label_studio_refusals_name_the_task_and_write_nothing(
    small_project: Project, tmp_path: Path, task: dict[str, Any], column: str, message: str
) -> None:
    path = _write_json(tmp_path / "bad.json", [_valid_task(), task])
    with pytest.raises(UserError, match=message) as refused:
        import_label_studio(small_project, path)
    assert (refused.value.file, refused.value.row, refused.value.column) == (
        "bad.json",
        2,
        column,
    )
    assert _annotation_count(small_project) == 0


def test_label_studio_refuses_one_annotator_twice_differently(
    small_project: Project, tmp_path: Path
) -> None:
    twice = {
        "data": {"external_id": "00123"},
        "annotations": [_ls_annotation("ana", _choice("sponsored_disclosed"))],
    }
    path = _write_json(tmp_path / "twice.json", [_valid_task(), twice])
    with pytest.raises(UserError, match="ana annotates this post differently in row 1"):
        import_label_studio(small_project, path)
    assert _annotation_count(small_project) == 0


def test_label_studio_refuses_files_that_are_not_task_exports(
    small_project: Project, tmp_path: Path
) -> None:
    json_min = _write_json(tmp_path / "min.json", [{"text": "x", "label": "not_sponsored"}])
    with pytest.raises(UserError, match="JSON-MIN") as refused:
        import_label_studio(small_project, json_min)
    assert refused.value.row == 1
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(UserError, match="not valid JSON"):
        import_label_studio(small_project, broken)


# ---------------------------------------------------------------- doccano


def test_doccano_export_per_annotator_and_resolved(labeled: Project, tmp_path: Path) -> None:
    out = tmp_path / "ben.jsonl"
    assert export_doccano(labeled, out, annotator="ben") == 4
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(line["external_id"], line["label"]) for line in lines] == [
        ("00123", []),
        (SERUM, ["sponsored_undisclosed"]),
        (VOTE, []),
        ("42", []),
    ]
    assert lines[1]["text"] == _text(labeled, SERUM)
    assert set(lines[1]) == {
        "text",
        "label",
        "external_id",
        "dataset",
        "author",
        "created_at",
        "platform",
        "url",
    }

    resolved = tmp_path / "resolved.jsonl"
    export_doccano(labeled, resolved)
    labels = [json.loads(line)["label"] for line in resolved.read_text("utf-8").splitlines()]
    # Gold wins over the disagreement; a single annotator's label is the resolved one.
    assert labels == [["not_sponsored"], ["sponsored_disclosed"], [], []]

    with pytest.raises(UserError, match="no annotator 'zed'"):
        export_doccano(labeled, tmp_path / "zed.jsonl", annotator="zed")


def test_doccano_round_trip_into_a_new_project(
    labeled: Project, other_project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "ana.jsonl"
    export_doccano(labeled, out, annotator="ana")
    imported = import_dataset(other_project, out)
    assert imported.column_mapping["id"] == "external_id"
    report = import_doccano(other_project, out, annotator="ana")
    assert (report.added, report.blank_skipped) == (2, 2)
    labels = {key: value[0] for key, value in _snapshot(other_project).items()}
    assert labels == {(SERUM, "ana"): "sponsored_disclosed", ("00123", "ana"): "not_sponsored"}


def test_doccano_matches_by_text_not_by_doccanos_own_id(
    small_project: Project, tmp_path: Path
) -> None:
    """doccano's ``id`` 42 is its own example id; the text says which post it is."""
    path = _write_jsonl(
        tmp_path / "doccano.jsonl",
        [
            {"id": 42, "text": _text(small_project, SERUM), "label": ["Sponsored, disclosed"]},
            {"id": 43, "text": _text(small_project, VOTE), "label": []},
        ],
    )
    report = import_doccano(small_project, path, annotator="dee")
    assert (report.added, report.blank_skipped) == (1, 1)
    assert _snapshot(small_project) == {(SERUM, "dee"): ("sponsored_disclosed", "", "", (), 0.0)}


def test_doccano_relabel_keeps_notes_and_evidence(labeled: Project, tmp_path: Path) -> None:
    before = _snapshot(labeled)[(SERUM, "ana")]
    path = _write_jsonl(
        tmp_path / "relabel.jsonl",
        [{"external_id": SERUM, "text": "ignored", "label": ["sponsored_undisclosed"]}],
    )
    report = import_doccano(labeled, path, annotator="ana")
    assert report.updated == 1
    after = _snapshot(labeled)[(SERUM, "ana")]
    assert after == ("sponsored_undisclosed", *before[1:])


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (
            {"external_id": SERUM, "label": ["not_sponsored", "sponsored_disclosed"]},
            "label",
            "several labels",
        ),
        ({"external_id": SERUM, "label": ["maybe"]}, "label", "'maybe' is not in the codebook"),
        ({"text": "nobody wrote this", "label": ["not_sponsored"]}, "text", "no post has exactly"),
        ({"external_id": "999", "label": ["not_sponsored"]}, "external_id", "no post has the id"),
        ({"external_id": SERUM, "cats": {"not_sponsored": 1}}, None, 'no "label" field'),
        ({"external_id": SERUM, "label": [[0, 6, "ORG"]]}, "label", "sequence-labeling"),
    ],
    ids=["two-labels", "unknown-label", "unknown-text", "unknown-id", "no-label-field", "spans"],
)
def test_doccano_refusals_name_the_line_and_write_nothing(
    small_project: Project,
    tmp_path: Path,
    line: dict[str, Any],
    column: str | None,
    message: str,
) -> None:
    good = {"external_id": "00123", "label": ["not_sponsored"]}
    path = _write_jsonl(tmp_path / "bad.jsonl", [good, line])
    with pytest.raises(UserError, match=message) as refused:
        import_doccano(small_project, path, annotator="ana")
    assert (refused.value.file, refused.value.row, refused.value.column) == (
        "bad.jsonl",
        2,
        column,
    )
    assert _annotation_count(small_project) == 0


def test_doccano_needs_an_annotator_and_tells_shared_texts_apart(
    small_project: Project, tmp_path: Path
) -> None:
    import_dataset(small_project, write_csv(tmp_path / "dupes.csv", "id,text\nd1,same\nd2,same\n"))
    ambiguous = _write_jsonl(tmp_path / "a.jsonl", [{"text": "same", "label": ["not_sponsored"]}])
    with pytest.raises(UserError, match="2 posts have exactly this text"):
        import_doccano(small_project, ambiguous, annotator="ana")
    by_id = _write_jsonl(
        tmp_path / "b.jsonl", [{"id": "d2", "text": "same", "label": ["not_sponsored"]}]
    )
    import_doccano(small_project, by_id, annotator="ana")
    assert list(_snapshot(small_project)) == [("d2", "ana")]
    with pytest.raises(UserError, match="name the annotator"):
        import_doccano(small_project, by_id, annotator="  ")
