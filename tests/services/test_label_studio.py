"""Label Studio with the files the real tool writes (tests/fixtures/label_studio, made with
Label Studio 1.23.2, see its README) and small hand-made tasks of the same shape: labels
land on the post in ``data``, people are named from emails or a users file, our export
imports into a stock Label Studio and comes back the same."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange, EvidenceSpan
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.interop import (
    export_label_studio,
    import_label_studio,
    label_studio_users,
    users_path,
    write_users_csv,
)
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project, init_project
from annotator.services.review.adjudication import set_gold
from annotator.store.queries import external_id_index, iter_annotations
from tests.conftest import write_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "label_studio"
ALPHA = "Alpha post #ad thanks to GlowCo for the serum"
Snapshot = dict[tuple[str, str], tuple[str, str, str, tuple[EvidenceSpan, ...], float]]


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


def _labels(project: Project) -> dict[tuple[str, str], str]:
    return {key: value[0] for key, value in _snapshot(project).items()}


def _annotation_count(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM annotation")).scalar_one())


def _write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def _choice(label: str) -> dict[str, Any]:
    return {
        "from_name": "label",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": [label]},
    }


def _annotation(completed_by: Any, label: str, **extra: Any) -> dict[str, Any]:
    return {"completed_by": completed_by, "result": [_choice(label)], **extra}


@pytest.fixture
def posts(project: Project) -> Project:
    """The five posts uploaded (three of them) to Label Studio as a CSV for the fixtures."""
    import_dataset(project, FIXTURES / "posts.csv")
    return project


def _fresh(tmp_path: Path, name: str) -> Project:
    opened = init_project(tmp_path / f"{name}.annotator")
    import_dataset(opened, FIXTURES / "posts.csv")
    return opened


# ---------------------------------------------------------------- which post


def test_overlapping_task_ids_land_on_the_post_in_data(project: Project, tmp_path: Path) -> None:
    """Task 1144 carries post 1148; post 1144 exists with other text and gets nothing."""
    write_csv(
        tmp_path / "posts.csv",
        f"id,text\n1144,Echo post weekend hike\n1148,{ALPHA}\n",
    )
    import_dataset(project, tmp_path / "posts.csv")
    task = {
        "id": 1144,
        "data": {"id": 1148, "text": ALPHA},
        "annotations": [_annotation({"email": "ana@uni.example"}, "sponsored_disclosed")],
    }
    report = import_label_studio(project, _write_json(tmp_path / "ls.json", [task]))
    assert report.added == 1
    assert _labels(project) == {("1148", "ana"): "sponsored_disclosed"}


def test_a_real_csv_project_export_lands_on_the_data_ids(posts: Project) -> None:
    """Label Studio numbered the uploaded rows 3, 4, 5 as tasks 1, 2, 3 (real export)."""
    tasks = json.loads((FIXTURES / "csv_project.json").read_text(encoding="utf-8"))
    assert [(t["id"], t["data"]["id"]) for t in tasks] == [(1, 3), (2, 4), (3, 5)]
    report = import_label_studio(
        posts, FIXTURES / "csv_project.json", users=[FIXTURES / "users.json"]
    )
    assert _labels(posts) == {
        ("3", "ana"): "sponsored_disclosed",
        ("3", "ben"): "sponsored_disclosed",
        ("4", "ana"): "not_sponsored",  # her second, later annotation
        ("4", "ben"): "sponsored_undisclosed",
        ("5", "ben"): "not_sponsored",
        ("5", "lead"): "not_sponsored",  # a ground truth made in Label Studio is a label
    }
    assert report.annotators == ["ana", "ben", "lead"]
    ana = _snapshot(posts)[("3", "ana")]
    assert (ana[3], ana[4]) == ((EvidenceSpan(11, 14, "#ad"),), 12.5)
    assert _snapshot(posts)[("4", "ben")][1] == "discount code, no disclosure"


def test_without_an_id_in_data_the_exact_text_finds_the_post(
    posts: Project, tmp_path: Path
) -> None:
    tasks = [
        {"id": 1, "data": {"text": ALPHA}, "annotations": [_annotation("ana", "not_sponsored")]},
        {
            "id": 2,
            "data": {"id": "x-77", "text": "Delta post vote Rivera on Tuesday"},
            "annotations": [_annotation("ana", "not_sponsored")],
        },
    ]
    import_label_studio(posts, _write_json(tmp_path / "ls.json", tasks))
    assert _labels(posts) == {("3", "ana"): "not_sponsored", ("5", "ana"): "not_sponsored"}


@pytest.mark.parametrize(
    ("data", "column", "message"),
    [
        ({"text": "Copied post"}, "data.text", "2 posts have exactly this task's text"),
        (
            {"id": 99, "text": "Copied post"},
            "data.id",
            "2 posts have exactly this task's text and no post has the id '99' (data.id)",
        ),
        ({"text": "never imported"}, "data.text", "no post has exactly this task's text"),
        ({"id": 98, "text": "never"}, "data.id", "no post has the id '98' (data.id) or exactly"),
        ({}, "data.text", "has no data.external_id or data.id, and the task has no data.text"),
    ],
    ids=["ambiguous-text", "unknown-id-ambiguous-text", "unknown-text", "unknown-id", "nothing"],
)
def test_a_task_that_finds_no_single_post_is_refused_by_its_row(
    posts: Project, tmp_path: Path, data: dict[str, Any], column: str, message: str
) -> None:
    write_csv(tmp_path / "copies.csv", "id,text\nc1,Copied post\nc2,Copied post\n")
    import_dataset(posts, tmp_path / "copies.csv")
    tasks = [
        {
            "id": 1,
            "data": {"id": 3, "text": ALPHA},
            "annotations": [_annotation("ana", "not_sponsored")],
        },
        {"id": 5, "data": data, "annotations": [_annotation("ana", "not_sponsored")]},
    ]
    path = _write_json(tmp_path / "ls.json", tasks)
    with pytest.raises(UserError, match=re.escape(message)) as refused:
        import_label_studio(posts, path)
    assert (refused.value.file, refused.value.row, refused.value.column) == ("ls.json", 2, column)
    assert _annotation_count(posts) == 0


def test_the_lead_names_the_id_field_or_the_task_id(posts: Project, tmp_path: Path) -> None:
    tasks = [
        {
            "id": 5,
            "data": {"id": 1, "post_id": 4, "text": "edited in Label Studio"},
            "annotations": [_annotation("ana", "not_sponsored")],
        }
    ]
    path = _write_json(tmp_path / "ls.json", tasks)
    import_label_studio(posts, path, id_field="post_id")
    assert _labels(posts) == {("4", "ana"): "not_sponsored"}
    import_label_studio(posts, path, id_field="id")  # the lead says task ids are post ids
    assert ("5", "ana") in _labels(posts)
    with pytest.raises(
        UserError, match=re.escape("has no data.sku, the field --id-field names")
    ) as refused:
        import_label_studio(posts, path, id_field="data.sku")
    assert (refused.value.row, refused.value.column) == (1, "data.sku")


# ---------------------------------------------------------------- who annotated


def test_bare_user_numbers_are_refused_with_the_export_that_has_emails(posts: Project) -> None:
    with pytest.raises(UserError) as refused:
        import_label_studio(posts, FIXTURES / "csv_project.json")
    message = str(refused.value)
    assert (refused.value.row, refused.value.column) == (1, "annotations[0].completed_by")
    assert "Label Studio's user number 2" in message
    for words in ("--users", "GET /api/users", "label-studio export PROJECT_ID JSON"):
        assert words in message
    assert "annotations__completed_by only_id false" in message
    assert _annotation_count(posts) == 0


def test_the_export_with_user_details_needs_no_users_file(posts: Project, tmp_path: Path) -> None:
    """``label-studio export`` writes completed_by with the email: the same labels."""
    import_label_studio(posts, FIXTURES / "csv_project_cli.json")
    other = _fresh(tmp_path, "numbers")
    import_label_studio(other, FIXTURES / "csv_project.json", users=[FIXTURES / "users.json"])
    assert _snapshot(posts) == _snapshot(other)
    assert len(_snapshot(posts)) == 6
    other.close()


@pytest.mark.parametrize(
    ("users_csv", "names"),
    [
        ("2,ana@uni.example\n3,ben@uni.example\n1,lead@uni.example\n", ["ana", "ben", "lead"]),
        ("number,name\n2,Ana Ruiz\n3,Ben\n1,Lead\n", ["Ana Ruiz", "Ben", "Lead"]),
        ("id,email,name\n2,a@x.org,Ana\n3,b@x.org,\n1,lead@x.org,\n", ["Ana", "b", "lead"]),
    ],
    ids=["number-email", "number-name-header", "number-email-name"],
)
def test_a_users_csv_names_the_numbers(
    posts: Project, tmp_path: Path, users_csv: str, names: list[str]
) -> None:
    users = write_csv(tmp_path / "users.csv", users_csv)
    report = import_label_studio(posts, FIXTURES / "csv_project.json", users=[users])
    assert report.annotators == sorted(names)


def test_a_number_missing_from_the_users_file_is_refused(posts: Project, tmp_path: Path) -> None:
    users = write_csv(tmp_path / "users.csv", "2,ana@uni.example\n")
    with pytest.raises(UserError, match=re.escape("user number 3, which is in none of users.csv")):
        import_label_studio(posts, FIXTURES / "csv_project.json", users=[users])
    assert _annotation_count(posts) == 0


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        ("number,email\nana,ana@x.org\n", 2, "'ana' is not a Label Studio user number"),
        ("2,ana\n", 1, None),  # headerless number,name: fine
        ("who,what\n2,x\n", 1, "needs the columns number,email or number,name"),
        ('[{"id": 2, "username": "ana"}]', 1, "is not a Label Studio user with a number"),
    ],
    ids=["bad-number", "number-name", "unknown-columns", "json-without-email"],
)
def test_a_broken_users_file_is_refused_by_its_row(
    posts: Project, tmp_path: Path, content: str, row: int, message: str | None
) -> None:
    users = write_csv(tmp_path / "users.txt", content)
    if message is None:
        with pytest.raises(
            UserError, match=re.escape("user number 3, which is in none of users.txt")
        ):
            import_label_studio(posts, FIXTURES / "csv_project.json", users=[users])
        return
    with pytest.raises(UserError, match=re.escape(message)) as refused:
        import_label_studio(posts, FIXTURES / "csv_project.json", users=[users])
    assert (refused.value.file, refused.value.row) == ("users.txt", row)


def test_two_addresses_that_would_be_one_annotator_are_refused(
    posts: Project, tmp_path: Path
) -> None:
    tasks = [
        {"data": {"id": post}, "annotations": [_annotation({"email": email}, "not_sponsored")]}
        for post, email in ((3, "sam@a.org"), (4, "sam@b.org"))
    ]
    path = _write_json(tmp_path / "ls.json", tasks)
    with pytest.raises(UserError, match="would both be the annotator sam") as refused:
        import_label_studio(posts, path)
    assert refused.value.row == 2
    names = write_csv(tmp_path / "names.csv", "email,name\nsam@a.org,Sam A\nsam@b.org,Sam B\n")
    assert import_label_studio(posts, path, users=[names]).annotators == ["Sam A", "Sam B"]


# ---------------------------------------------------------------- other exports, twice


@pytest.mark.parametrize(
    ("fixture", "says"),
    [
        ("csv_project_min.json", "has no data object, as in Label Studio's JSON-MIN export"),
        ("csv_project.csv", "is not JSON, so not Label Studio's JSON export (its CSV and JSON-MIN"),
    ],
)
def test_csv_and_json_min_exports_say_which_export_to_use(
    posts: Project, fixture: str, says: str
) -> None:
    with pytest.raises(UserError) as refused:
        import_label_studio(posts, FIXTURES / fixture)
    message = str(refused.value)
    assert says in message
    assert "export the project from Label Studio as JSON" in message
    assert "not valid JSON" not in message
    assert _annotation_count(posts) == 0


def test_one_user_annotating_a_task_twice_keeps_the_latest(posts: Project, tmp_path: Path) -> None:
    later, earlier = "2025-03-02T10:00:00Z", "2025-03-01T10:00:00Z"
    tasks = [
        {
            "id": 11,
            "data": {"id": 3},
            "annotations": [
                _annotation("ana", "sponsored_disclosed", id=81, updated_at=later),
                _annotation("ana", "not_sponsored", id=82, updated_at=earlier),
                _annotation("ben", "not_sponsored"),
            ],
        },
        {
            "id": 12,
            "data": {"id": 4},
            "annotations": [
                _annotation("ana", "sponsored_disclosed"),
                _annotation("ana", "sponsored_undisclosed"),  # no times: the last written
            ],
        },
    ]
    report = import_label_studio(posts, _write_json(tmp_path / "twice.json", tasks))
    assert _labels(posts) == {
        ("3", "ana"): "sponsored_disclosed",
        ("3", "ben"): "not_sponsored",
        ("4", "ana"): "sponsored_undisclosed",
    }
    assert report.earlier_skipped == 2
    assert "2 earlier annotations by the same annotator" in report.summary()
    assert report.notes[0].startswith("task 11 (row 1): ana annotated it 2 times")
    assert "annotations[0] (id 81), changed last, 2025-03-02T10:00:00+00:00" in report.notes[0]
    assert report.notes[1].startswith("task 12 (row 2): ana annotated it 2 times; kept")
    assert "annotations[1], written last" in report.notes[1]


# ---------------------------------------------------------------- export


def _labeled(project: Project) -> Project:
    """The project exported to Label Studio for the fixtures: ana, Zoë K and ben label; the
    lead decides gold on post 3 without labeling it; ana decides gold on post 4."""
    import_dataset(project, FIXTURES / "posts.csv")
    with project.session() as session:
        ids = {key: found[0] for key, found in external_id_index(session).items()}
    for post, annotator, key, extra in (
        (
            "3",
            "ana",
            "sponsored_disclosed",
            {
                "notes": "says #ad",
                "sponsor": "GlowCo",
                "evidence": (EvidenceSpan(11, 14, "#ad"),),
                "seconds_spent": 12.5,
            },
        ),
        ("3", "Zoë K", "sponsored_undisclosed", {}),
        ("4", "ana", "sponsored_undisclosed", {}),
        ("4", "ben", "not_sponsored", {}),
        ("5", "ben", "not_sponsored", {}),
    ):
        change = AnnotationChange(post_id=ids[post], annotator=annotator, label_key=key, **extra)
        save_annotation(project, change)
    for post, key, lead, note in (
        ("3", "sponsored_disclosed", "lead", "#ad is clear"),
        ("4", "sponsored_undisclosed", "ana", "code GLOW10"),
    ):
        set_gold(project, post_id=ids[post], label_key=key, decided_by=lead, notes=note)
    return project


def test_export_gives_every_annotator_an_address_and_gold_to_its_lead(
    project: Project, tmp_path: Path
) -> None:
    labeled = _labeled(project)
    out = tmp_path / "tasks.json"
    assert export_label_studio(labeled, out) == 5
    tasks = {t["data"]["external_id"]: t for t in json.loads(out.read_text(encoding="utf-8"))}
    alpha = tasks["3"]
    who = [(a["completed_by"], a["ground_truth"]) for a in alpha["annotations"]]
    assert sorted(who, key=str) == sorted(
        [
            ({"email": "ana@annotator.invalid"}, False),
            ({"email": "Zoe.K@annotator.invalid"}, False),
            ({"email": "lead@annotator.invalid"}, True),
        ],
        key=str,
    )
    assert "gold" not in json.dumps(alpha["annotations"]).replace("GlowCo", "")
    gold = next(a for a in alpha["annotations"] if a["ground_truth"])
    assert [r["value"] for r in gold["result"]] == [
        {"choices": ["sponsored_disclosed"]},
        {"text": ["#ad is clear"]},
    ]
    assert (alpha["data"]["gold_label"], alpha["data"]["gold_by"]) == (
        "sponsored_disclosed",
        "lead",
    )
    assert alpha["data"]["gold_note"] == "#ad is clear"
    assert alpha["data"]["gold_at"].endswith("+00:00")
    # ana labeled post 4 and decided its gold: her label and her gold decision, apart.
    ana_email = {"email": "ana@annotator.invalid"}
    ana = [a["ground_truth"] for a in tasks["4"]["annotations"] if a["completed_by"] == ana_email]
    assert sorted(ana) == [False, True]
    assert "gold_label" not in tasks["5"]["data"]
    users = label_studio_users(labeled)
    assert [(u.name, u.email) for u in users] == [
        ("Zoë K", "Zoe.K@annotator.invalid"),
        ("ana", "ana@annotator.invalid"),
        ("ben", "ben@annotator.invalid"),
        ("lead", "lead@annotator.invalid"),
    ]


def test_export_uses_the_email_domain_and_refuses_a_bad_one(
    project: Project, tmp_path: Path
) -> None:
    labeled = _labeled(project)
    out = tmp_path / "tasks.json"
    export_label_studio(labeled, out, email_domain="@uni.example.org")
    emails = {
        a["completed_by"]["email"] for t in json.loads(out.read_text()) for a in t["annotations"]
    }
    assert emails == {f"{n}@uni.example.org" for n in ("ana", "ben", "lead", "Zoe.K")}
    for bad in ("uni", "uni..org", "a b.org", "x@y.org"):
        with pytest.raises(UserError, match=re.escape("is not a domain name such as example.org")):
            export_label_studio(labeled, tmp_path / "bad.json", email_domain=bad)
    assert not (tmp_path / "bad.json").exists()


def test_names_an_address_cannot_hold_get_plain_unique_addresses(
    project: Project, tmp_path: Path
) -> None:
    import_dataset(project, FIXTURES / "posts.csv")
    with project.session() as session:
        post = external_id_index(session)["1"][0]
    for name in ("José García", "jose.garcia", "Ana M", "ana.m@old"):
        change = AnnotationChange(post_id=post, annotator=name, label_key="not_sponsored")
        save_annotation(project, change)
    users = {u.name: u.email for u in label_studio_users(project, email_domain="x.org")}
    assert users == {
        "Ana M": "Ana.M@x.org",
        "José García": "Jose.Garcia.2@x.org",  # jose.garcia fits as it is and keeps its own
        "ana.m@old": "ana.m.old@x.org",
        "jose.garcia": "jose.garcia@x.org",
    }
    out = users_path(tmp_path / "tasks.json")
    assert out.name == "tasks.users.csv"
    write_users_csv(out, label_studio_users(project, email_domain="x.org"))
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert rows[0] == ["email", "name"]
    assert ["Jose.Garcia.2@x.org", "José García"] in rows


# ---------------------------------------------------------------- round trips


def test_round_trip_gives_the_same_labels_to_the_same_people(
    project: Project, tmp_path: Path
) -> None:
    labeled = _labeled(project)
    out = tmp_path / "tasks.json"
    export_label_studio(labeled, out)
    write_users_csv(users_path(out), label_studio_users(labeled))
    other = init_project(tmp_path / "other.annotator")
    import_dataset(other, out, ImportOptions(dataset="posts", id_col="data.external_id"))
    report = import_label_studio(other, out, users=[users_path(out)])
    assert _snapshot(other) == _snapshot(labeled)
    assert report.gold_skipped == 2
    assert "lead" not in report.annotators
    again = import_label_studio(labeled, out)  # no users file: Zoë K's address gives Zoe.K
    assert again.annotators == ["Zoe.K", "ana", "ben"]
    other.close()


@pytest.mark.parametrize(
    ("fixture", "users"),
    [
        ("annotator_project.json", ["users.json", "annotator_project.users.csv"]),
        ("annotator_project_cli.json", ["annotator_project.users.csv"]),
    ],
    ids=["default-export-numbers", "export-with-emails"],
)
def test_our_export_back_from_a_real_label_studio_is_the_same(
    project: Project, tmp_path: Path, fixture: str, users: list[str]
) -> None:
    """annotator_export.json went into Label Studio 1.23.2 and came out as these files."""
    labeled = _labeled(project)
    back = _fresh(tmp_path, "back")
    report = import_label_studio(back, FIXTURES / fixture, users=[FIXTURES / u for u in users])
    assert _snapshot(back) == _snapshot(labeled)
    assert report.gold_skipped == 2
    back.close()
