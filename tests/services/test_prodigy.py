"""Prodigy's db-out JSON Lines in: binary answers, choice tasks, who answered, which post."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import run_cli
from annotator.domain.errors import UserError
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.interop import import_prodigy
from annotator.services.labeling.annotating import save_annotation
from annotator.services.project.projects import Project, init_project
from annotator.store.queries import external_id_index, iter_annotations
from tests.conftest import write_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "prodigy"
ALPHA = "Alpha post #ad Paid partnership with GlowCo"
ECHO = "Echo post weekend hike"
GLOW = "Use code GLOW20 for 20% off! Link in bio"
VOTE = "Vote Rivera on Tuesday, our future depends on it"


@pytest.fixture
def posts(project: Project) -> Project:
    """1148 "Alpha ...", 1144 "Echo ...", 2001 and 2002 share the GLOW20 caption, 2003."""
    import_dataset(project, FIXTURES / "posts.csv", options=ImportOptions(dataset="ig"))
    return project


@pytest.fixture
def yes_no(tmp_path: Path) -> Iterator[Project]:
    opened = init_project(tmp_path / "yes_no.annotator", ["no=No", "yes=Yes"])
    import_dataset(opened, FIXTURES / "posts.csv", options=ImportOptions(dataset="ig"))
    yield opened
    opened.close()


def _labels(project: Project) -> dict[tuple[str, str], str]:
    """(external id, annotator) -> label key."""
    with project.session() as session:
        external = {ids[0]: key for key, ids in external_id_index(session).items()}
        return {(external[a.post_id], a.annotator): a.label_key for a in iter_annotations(session)}


def _task(text: str, who: str = "sponsor-ana", **fields: Any) -> dict[str, Any]:
    """A binary textcat task as Prodigy writes it (accepting sponsored_disclosed)."""
    task = {
        "text": text,
        "_input_hash": 1,
        "_task_hash": 2,
        "label": "sponsored_disclosed",
        "answer": "accept",
        "_annotator_id": who,
        "_session_id": who,
    }
    return {**task, **fields}


def command(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """``annotator ARGS`` in this process: exit code, stdout, stderr."""

    def no_window(project: str | None, annotator_name: str | None) -> int:
        raise AssertionError("the command line opened the app")

    capsys.readouterr()
    code = run_cli([str(arg) for arg in args], launch_gui=no_window)
    out, err = capsys.readouterr()
    return code, out, err


def _jsonl(path: Path, tasks: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the three shapes


def test_binary_answers_accept_reject_as_and_ignore(posts: Project) -> None:
    report = import_prodigy(posts, FIXTURES / "textcat_teach.jsonl", reject_as="Not sponsored")
    assert _labels(posts) == {
        ("1148", "ana"): "sponsored_disclosed",
        ("1144", "ana"): "not_sponsored",  # rejected sponsored_disclosed, --reject-as
        ("1148", "ben"): "sponsored_disclosed",
        # ben accepted sponsored_undisclosed and rejected sponsored_disclosed: the accept
        ("2001", "ben"): "sponsored_undisclosed",
    }
    assert (report.added, report.ignored_skipped, report.annotators) == (4, 1, ["ana", "ben"])
    assert "1 ignored answers skipped" in report.summary()
    again = import_prodigy(posts, FIXTURES / "textcat_teach.jsonl", reject_as="not_sponsored")
    assert (again.added, again.unchanged) == (0, 4)


def test_binary_rejects_need_reject_as_and_nothing_lands_without_it(posts: Project) -> None:
    with pytest.raises(UserError, match="--reject-as LABEL") as refused:
        import_prodigy(posts, FIXTURES / "textcat_teach.jsonl")
    assert (refused.value.file, refused.value.row, refused.value.column) == (
        "textcat_teach.jsonl",
        2,
        "answer",
    )
    assert _labels(posts) == {}
    with pytest.raises(UserError, match="'maybe' is not a codebook label"):
        import_prodigy(posts, FIXTURES / "textcat_teach.jsonl", reject_as="maybe")


def test_choice_tasks_by_exact_text(posts: Project) -> None:
    report = import_prodigy(posts, FIXTURES / "textcat_manual.jsonl")
    assert _labels(posts) == {
        ("1148", "ben"): "sponsored_disclosed",
        ("1144", "ben"): "not_sponsored",
        ("1148", "ana"): "sponsored_undisclosed",
    }
    assert (report.blank_skipped, report.rejected_skipped) == (1, 1)
    assert report.annotators == ["ana", "ben"]


def test_numbered_options_of_a_yes_no_codebook(yes_no: Project) -> None:
    """Option ids 0/1 are not labels here; their texts No/Yes are."""
    path = FIXTURES / "yes_no_unnamed.jsonl"
    with pytest.raises(UserError, match="unnamed Prodigy session") as refused:
        import_prodigy(yes_no, path)
    assert (refused.value.row, refused.value.column) == (1, "_annotator_id")
    report = import_prodigy(yes_no, path, annotator="dee")
    assert _labels(yes_no) == {("1148", "dee"): "yes", ("1144", "dee"): "no"}
    assert report.annotators == ["dee"]


def test_option_ids_that_are_the_codebook_labels(tmp_path: Path) -> None:
    """A codebook whose labels read 0 and 1 takes option ids 0 and 1 as they are."""
    project = init_project(tmp_path / "digits.annotator", ["zero=0", "one=1"])
    try:
        import_dataset(project, FIXTURES / "posts.csv")
        options = [{"id": 0, "text": "0"}, {"id": 1, "text": "1"}]
        path = _jsonl(
            tmp_path / "digits.jsonl",
            [
                _task(ALPHA, options=options, accept=[1]),
                _task(ECHO, options=options, accept=["0"]),
            ],
        )
        import_prodigy(project, path)
        assert _labels(project) == {("1148", "ana"): "one", ("1144", "ana"): "zero"}
    finally:
        project.close()


def test_a_json_array_of_tasks_is_read_too(posts: Project, tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_task(ALPHA), _task(ECHO, answer="ignore")]), encoding="utf-8")
    report = import_prodigy(posts, path)
    assert (_labels(posts), report.ignored_skipped) == (
        {("1148", "ana"): "sponsored_disclosed"},
        1,
    )


# ---------------------------------------------------------------- who answered


@pytest.mark.parametrize(
    ("ids", "names"),
    [
        (["sponsor_ads-ana", "sponsor_ads-ben"], ["ana", "ben"]),
        # the dataset name is what every id shares, hyphens and all
        (["sponsor-ads-ana-maria", "sponsor-ads-ben"], ["ana-maria", "ben"]),
        (["ads-ana", "ads-ana-maria"], ["ana", "ana-maria"]),
        (["my-sponsor-ads-ana"], ["ana"]),
        (["sponsor-Henry%20K"], ["Henry K"]),  # Prodigy keeps ?session= URL-encoded
        (["ds1-ana", "ds2-ben"], ["ana", "ben"]),
    ],
)
def test_the_session_part_names_the_annotator(
    posts: Project, tmp_path: Path, ids: list[str], names: list[str]
) -> None:
    texts = [ALPHA, ECHO]
    path = _jsonl(tmp_path / "who.jsonl", [_task(texts[i], who) for i, who in enumerate(ids)])
    assert import_prodigy(posts, path, annotator="never-used").annotators == sorted(names)


def test_session_id_then_annotator_option_then_a_refusal(posts: Project, tmp_path: Path) -> None:
    session_only = _task(ALPHA)
    del session_only["_annotator_id"]
    nobody = {k: v for k, v in _task(ECHO).items() if k not in ("_annotator_id", "_session_id")}
    path = _jsonl(tmp_path / "who.jsonl", [session_only, nobody])
    with pytest.raises(UserError, match="names no annotator") as refused:
        import_prodigy(posts, path)
    assert refused.value.row == 2
    assert _labels(posts) == {}
    import_prodigy(posts, path, annotator="lead")
    assert _labels(posts) == {
        ("1148", "ana"): "sponsored_disclosed",
        ("1144", "lead"): ("sponsored_disclosed"),
    }


# ---------------------------------------------------------------- which post


def test_ids_in_meta_tell_shared_captions_apart(posts: Project, tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path / "ids.jsonl",
        [
            _task(GLOW, meta={"external_id": "2002"}),
            _task(GLOW, "sponsor-ben", meta={"post_id": 2001}),
            _task(VOTE, external_id="2003"),  # an annotator export's field, kept by Prodigy
        ],
    )
    import_prodigy(posts, path)
    assert _labels(posts) == {
        ("2002", "ana"): "sponsored_disclosed",
        ("2001", "ben"): "sponsored_disclosed",
        ("2003", "ana"): "sponsored_disclosed",
    }


def test_dataset_narrows_ids_shared_by_two_datasets(posts: Project, tmp_path: Path) -> None:
    import_dataset(
        posts,
        write_csv(tmp_path / "fb.csv", "id,text\n1148,another alpha\n"),
        options=ImportOptions(dataset="fb"),
    )
    path = _jsonl(tmp_path / "ids.jsonl", [_task(ALPHA, meta={"id": "1148"})])
    with pytest.raises(UserError, match="several datasets; name one with --dataset"):
        import_prodigy(posts, path)
    import_prodigy(posts, path, dataset="ig")
    with posts.session() as session:
        ig_alpha = external_id_index(session, "ig")["1148"][0]
        assert [a.post_id for a in iter_annotations(session)] == [ig_alpha]


@pytest.mark.parametrize(
    ("task", "column", "message"),
    [
        (_task(GLOW), "text", "2 posts have exactly this text; put the post's id in meta.id"),
        (_task("nobody wrote this"), "text", "no post has exactly this text"),
        (_task(ALPHA, meta={"id": "999"}), "meta.id", "no post has the id '999'"),
        # Prodigy's own row number 1144 as meta.id: the text is post 1148's, not 1144's
        (_task(ALPHA, meta={"id": "1144"}), "meta.id", "is the id of a post with another text"),
        (_task(ALPHA, answer=None), "answer", "has no answer"),
        (_task(ALPHA, answer="maybe"), "answer", "the answer 'maybe'"),
        (_task(ALPHA, label="spam"), "label", "'spam' is not in the codebook"),
        (
            _task(ALPHA, options=[{"id": "A", "text": "not_sponsored"}], accept=["A", "B"]),
            "accept",
            "the option 'B' is not in the codebook",
        ),
        (
            _task(
                ALPHA,
                options=[{"id": k, "text": k} for k in ("not_sponsored", "sponsored_disclosed")],
                accept=["not_sponsored", "sponsored_disclosed"],
            ),
            "accept",
            "accepts several options",
        ),
        (
            {k: v for k, v in _task(ALPHA).items() if k != "label"} | {"spans": []},
            None,
            'neither "label" nor "options"',
        ),
    ],
    ids=[
        "shared-text",
        "unknown-text",
        "unknown-id",
        "foreign-id",
        "no-answer",
        "odd-answer",
        "unknown-label",
        "unknown-option",
        "two-options",
        "ner-task",
    ],
)
def test_refusals_name_the_line_and_write_nothing(
    posts: Project, tmp_path: Path, task: dict[str, Any], column: str | None, message: str
) -> None:
    path = _jsonl(tmp_path / "bad.jsonl", [_task(ECHO), task])
    with pytest.raises(UserError, match=message) as refused:
        import_prodigy(posts, path)
    assert (refused.value.file, refused.value.row, refused.value.column) == (
        "bad.jsonl",
        2,
        column,
    )
    assert _labels(posts) == {}


def test_one_annotator_contradicting_themselves_is_refused(posts: Project, tmp_path: Path) -> None:
    two = _jsonl(
        tmp_path / "two.jsonl",
        [_task(ALPHA), _task(ALPHA, label="sponsored_undisclosed")],
    )
    with pytest.raises(UserError, match=r"also accepts 'sponsored_disclosed' .* in row 1"):
        import_prodigy(posts, two)
    both = _jsonl(tmp_path / "both.jsonl", [_task(ALPHA), _task(ALPHA, answer="reject")])
    with pytest.raises(UserError, match="both accepts and rejects") as refused:
        import_prodigy(posts, both, reject_as="not_sponsored")
    assert refused.value.row == 2
    assert _labels(posts) == {}


def test_a_new_label_keeps_the_annotators_note(posts: Project, tmp_path: Path) -> None:
    with posts.session() as session:
        alpha = external_id_index(session)["1148"][0]
    save_annotation(
        posts,
        AnnotationChange(
            post_id=alpha, annotator="ana", label_key="not_sponsored", notes="check the brand"
        ),
    )
    report = import_prodigy(posts, _jsonl(tmp_path / "a.jsonl", [_task(ALPHA)]))
    assert report.updated == 1
    with posts.session() as session:
        (annotation,) = iter_annotations(session)
    assert (annotation.label_key, annotation.notes) == ("sponsored_disclosed", "check the brand")


# ---------------------------------------------------------------- the command line


def test_import_labels_from_prodigy_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "study.annotator"
    assert command(capsys, "init", project)[0] == 0
    assert command(capsys, "import", project, FIXTURES / "posts.csv", "--no-clusters")[0] == 0
    teach = FIXTURES / "textcat_teach.jsonl"
    code, _, err = command(capsys, "import-labels", project, teach, "--from", "prodigy")
    assert code == 2
    assert "textcat_teach.jsonl, row 2, column 'answer'" in err
    assert "--reject-as LABEL" in err and "Traceback" not in err
    code, out, _ = command(
        capsys, "import-labels", project, teach, "--from", "prodigy", "--reject-as", "Not sponsored"
    )
    assert code == 0
    assert "4 labels added" in out and "(annotators: ana, ben)" in out
    assert "1 ignored answers skipped" in out
    code, _, err = command(capsys, "import-labels", project, teach, "--reject-as", "no")
    assert code == 2 and "--reject-as is for --from prodigy" in err
