"""Drafts: what an annotator typed on a post is kept as data, shown again with the post, and
never counted as a label by queues, statistics, browse, exports or packages."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect, text

from annotator.domain.queue_modes import QueueMode
from annotator.domain.records import AnnotationChange, Draft, EvidenceSpan
from annotator.services.exports.exporting import ExportOptions, export_data
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import current_annotation, post_state, save_annotation
from annotator.services.labeling.browsing import browse_rows, count_rows
from annotator.services.labeling.draft_commands import SaveAnnotationCommand
from annotator.services.labeling.drafts import discard_draft, draft_of, drafts_of, save_draft
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.projects import Project, init_project, open_project
from annotator.services.review.agreement_report import agreement_report
from annotator.services.team.annotators import merge_annotators, rename_annotator
from annotator.services.team.assignment import assign_posts
from annotator.services.team.packages import merge
from annotator.services.team.packing import pack
from annotator.store.backup import list_backups
from annotator.store.engine import schema_version
from annotator.store.tables import SCHEMA_VERSION
from tests.conftest import SMALL_CSV, needs_server, write_csv

#: The small project's posts get ids 1 to 4 in file order.
FIRST, SECOND, THIRD = 1, 2, 3
SPAN = EvidenceSpan(start=21, end=24, quote="#ad")


def _draft(
    post_id: int,
    who: str = "ana",
    *,
    notes: str = "",
    sponsor: str = "",
    evidence: tuple[EvidenceSpan, ...] = (),
) -> Draft:
    return Draft(post_id=post_id, annotator=who, notes=notes, sponsor=sponsor, evidence=evidence)


def _label(project: Project, post_id: int, who: str, key: str) -> None:
    save_annotation(project, AnnotationChange(post_id=post_id, annotator=who, label_key=key))


def _draft_rows(project: Project) -> int:
    with project.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM draft")).scalar_one())


# ----- saving and reading back ----------------------------------------------------------------


def test_a_draft_comes_back_whole_after_a_restart(small_project: Project) -> None:
    typed = _draft(
        SECOND,
        notes="Ça sent la pub 👩‍👩‍👧\nsecond line",
        sponsor="GlowCo ™",
        evidence=(SPAN, EvidenceSpan(0, 6, "Loving")),
    )
    save_draft(small_project, typed)
    small_project.close()
    reopened = open_project(small_project.location)
    found = draft_of(reopened, post_id=SECOND, annotator="ana")
    assert found is not None
    assert (found.post_id, found.annotator, found.notes, found.sponsor, found.evidence) == (
        SECOND, "ana", typed.notes, typed.sponsor, typed.evidence,
    )  # fmt: skip
    saved_at = datetime.fromisoformat(found.updated_at)
    assert saved_at.utcoffset() == timedelta(0)
    assert draft_of(reopened, post_id=FIRST, annotator="ana") is None
    assert draft_of(reopened, post_id=SECOND, annotator="nobody yet") is None
    reopened.close()


def test_saving_again_keeps_one_row_and_an_empty_draft_removes_it(small_project: Project) -> None:
    save_draft(small_project, _draft(FIRST, notes="f"))
    first = draft_of(small_project, post_id=FIRST, annotator="ana")
    save_draft(small_project, _draft(FIRST, notes="first thought"))
    save_draft(small_project, _draft(FIRST, notes="first thought", sponsor="Rivera"))
    assert _draft_rows(small_project) == 1
    latest = draft_of(small_project, post_id=FIRST, annotator="ana")
    assert first is not None and latest is not None
    assert (latest.notes, latest.sponsor) == ("first thought", "Rivera")
    assert latest.updated_at >= first.updated_at
    save_draft(small_project, _draft(FIRST, notes="  \n", sponsor=" "))
    assert draft_of(small_project, post_id=FIRST, annotator="ana") is None
    assert _draft_rows(small_project) == 0
    save_draft(small_project, _draft(FIRST))  # empty and nothing stored: nothing happens
    assert _draft_rows(small_project) == 0


def test_evidence_alone_is_a_draft_and_discard_forgets_it(small_project: Project) -> None:
    assert not _draft(SECOND, evidence=(SPAN,)).is_empty
    assert _draft(SECOND, notes=" ", sponsor="\t").is_empty
    save_draft(small_project, _draft(SECOND, evidence=(SPAN,)))
    save_draft(small_project, _draft(THIRD, notes="maybe Rivera"))
    save_draft(small_project, _draft(THIRD, who="ben", notes="ben's own"))
    assert [d.post_id for d in drafts_of(small_project, annotator="ana")] == [SECOND, THIRD]
    discard_draft(small_project, post_id=SECOND, annotator="ana")
    discard_draft(small_project, post_id=SECOND, annotator="ana")  # twice: no error
    discard_draft(small_project, post_id=SECOND, annotator="someone new")
    assert [d.notes for d in drafts_of(small_project, annotator="ana")] == ["maybe Rivera"]
    assert [d.notes for d in drafts_of(small_project, annotator="ben")] == ["ben's own"]
    assert drafts_of(small_project, annotator="someone new") == []


def test_drafts_go_with_their_posts(small_project: Project) -> None:
    save_draft(small_project, _draft(FIRST, notes="gone with the dataset"))
    with small_project.engine.begin() as connection:
        connection.execute(text("DELETE FROM dataset"))
    assert _draft_rows(small_project) == 0
    assert drafts_of(small_project, annotator="ana") == []


# ----- never a label --------------------------------------------------------------------------


def test_a_draft_leaves_the_post_unlabeled_for_the_queue(small_project: Project) -> None:
    save_draft(small_project, _draft(FIRST, notes="not sure yet", evidence=(SPAN,)))
    queue = LabelingQueue(small_project, "ana")
    assert queue.current_id == FIRST
    assert queue.labeled_count == 0
    assert len(queue) == 4
    _label(small_project, SECOND, "ana", "sponsored_disclosed")
    queue.go_to_post(SECOND)
    assert queue.go_to_next_unlabeled()
    assert queue.current_id == THIRD
    assert queue.go_to_next_unlabeled()
    assert queue.go_to_next_unlabeled()
    assert queue.current_id == FIRST  # wrapped round to the drafted post
    queue.refresh_labeled()
    assert queue.labeled_count == 1
    with_label = LabelingQueue(small_project, "ana", QueueMode("label", "sponsored_disclosed"))
    assert len(with_label) == 1


def test_a_draft_is_not_in_the_agreement_report(small_project: Project) -> None:
    for who in ("ana", "ben"):
        _label(small_project, SECOND, who, "sponsored_disclosed")
    before = agreement_report(small_project, resamples=20).to_json()
    save_draft(small_project, _draft(FIRST, notes="#ad?", sponsor="GlowCo"))
    save_draft(small_project, _draft(THIRD, who="cam", notes="cam only typed"))
    after = agreement_report(small_project, resamples=20)
    assert after.to_json() == before
    assert after.annotators == ["ana", "ben"] and after.items == 1


def test_a_draft_is_not_my_label_in_browse(small_project: Project) -> None:
    _label(small_project, SECOND, "ana", "not_sponsored")
    save_draft(small_project, _draft(FIRST, notes="typed, not labeled", sponsor="X"))
    rows = {r.post_id: r for r in browse_rows(small_project, QueueMode("all"), "ana")}
    assert (rows[FIRST].label, rows[FIRST].notes, rows[FIRST].annotations) == ("", "", 0)
    assert rows[SECOND].label == "not_sponsored"
    by_label = browse_rows(small_project, QueueMode("all"), "ana", sort="label", descending=True)
    assert by_label[0].post_id == SECOND
    assert count_rows(small_project, QueueMode("label", "not_sponsored"), "ana") == 1


def test_a_draft_is_not_exported_as_a_label(small_project: Project, tmp_path: Path) -> None:
    _label(small_project, SECOND, "ana", "sponsored_disclosed")
    save_draft(small_project, _draft(FIRST, notes="draft note", sponsor="Draft Co"))
    out = tmp_path / "annotations.csv"
    result = export_data(small_project, out, ExportOptions(what="annotations"))
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert result.rows == 1 and list(frame["id"]) == ["1229871234567890123"]
    assert "draft note" not in out.read_text(encoding="utf-8")
    posts = tmp_path / "posts.csv"
    export_data(small_project, posts)
    table = pd.read_csv(posts, dtype=str, keep_default_na=False).set_index("id")
    assert table.loc["00123", "label_ana"] == ""
    assert table.loc["00123", "resolved_label"] == ""
    assert table.loc["1229871234567890123", "label_ana"] == "sponsored_disclosed"


# ----- people and packages --------------------------------------------------------------------


def test_renaming_an_annotator_keeps_their_drafts(small_project: Project) -> None:
    save_draft(small_project, _draft(FIRST, who="Ana M.", notes="mine"))
    rename_annotator(small_project, "Ana M.", "ana")
    found = draft_of(small_project, post_id=FIRST, annotator="ana")
    assert found is not None and (found.annotator, found.notes) == ("ana", "mine")
    assert draft_of(small_project, post_id=FIRST, annotator="Ana M.") is None


def test_merging_moves_drafts_and_keeps_intos_where_both_typed(small_project: Project) -> None:
    save_draft(small_project, _draft(FIRST, who="Ana M.", notes="only under the old name"))
    save_draft(small_project, _draft(SECOND, who="ana", notes="under the kept name"))
    save_draft(small_project, _draft(SECOND, who="Ana M.", notes="typed later, old name"))
    _label(small_project, THIRD, "ana", "not_sponsored")  # merging needs both to exist
    merge_annotators(small_project, "Ana M.", "ana")
    moved = drafts_of(small_project, annotator="ana")
    assert [(d.post_id, d.annotator, d.notes) for d in moved] == [
        (FIRST, "ana", "only under the old name"),
        (SECOND, "ana", "under the kept name"),
    ]
    assert _draft_rows(small_project) == 2
    # The old spelling now finds the person it was merged into, as labels do.
    assert drafts_of(small_project, annotator="Ana M.") == moved
    save_draft(small_project, _draft(THIRD, who="Ana M.", notes="typed after the merge"))
    assert [d.post_id for d in drafts_of(small_project, annotator="ana")] == [FIRST, SECOND, THIRD]


def test_packages_carry_no_drafts_either_way(small_project: Project, tmp_path: Path) -> None:
    assign_posts(small_project, ["ana"], per_post=1, seed=4)
    save_draft(small_project, _draft(FIRST, notes="typed at the office"))
    out = tmp_path / "ana.annotator"
    assert pack(small_project, out, annotator="ana") == 4
    connection = sqlite3.connect(out)
    try:
        assert connection.execute("SELECT count(*) FROM draft").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM post").fetchone() == (4,)
    finally:
        connection.close()
    package = open_project(out)
    assert drafts_of(package, annotator="ana") == []
    _label(package, SECOND, "ana", "not_sponsored")
    save_draft(package, _draft(THIRD, notes="typed at home"))
    package.close()
    report = merge(small_project, out)
    assert report.annotations_added == 1
    assert [d.notes for d in drafts_of(small_project, annotator="ana")] == ["typed at the office"]


# ----- schema 10 ------------------------------------------------------------------------------


def _as_version_9(project: Project) -> None:
    """Make ``project`` what version 9 wrote (no draft table) and close it."""
    with project.engine.begin() as connection:
        connection.execute(text("DROP TABLE draft"))
        connection.execute(text("UPDATE project_meta SET value = '9' WHERE key = 'schema_version'"))
    project.close()


def _fill(project: Project, tmp_path: Path) -> None:
    import_dataset(project, write_csv(tmp_path / "small.csv", SMALL_CSV))
    _label(project, SECOND, "ana", "sponsored_disclosed")


def test_version_9_project_gets_drafts_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "v9.annotator"
    project = init_project(path)
    _fill(project, tmp_path)
    _as_version_9(project)
    before = set(list_backups(path))
    upgraded = open_project(path)
    assert schema_version(upgraded) == SCHEMA_VERSION == 15
    with upgraded.engine.connect() as connection:
        assert inspect(connection).has_table("draft")
    assert LabelingQueue(upgraded, "ana").labeled_count == 1
    save_draft(upgraded, _draft(FIRST, notes="first draft ever"))
    assert [d.notes for d in drafts_of(upgraded, annotator="ana")] == ["first draft ever"]
    upgraded.close()
    [backup] = set(list_backups(path)) - before
    assert f"before-schema-{SCHEMA_VERSION}" in backup.name
    connection = sqlite3.connect(backup)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()
    assert "annotation" in tables and "draft" not in tables
    again = open_project(path)
    assert schema_version(again) == SCHEMA_VERSION
    assert len(drafts_of(again, annotator="ana")) == 1
    again.close()


@needs_server
def test_version_9_upgrade_and_drafts_on_postgres(database: str, tmp_path: Path) -> None:
    project = init_project(database)
    _fill(project, tmp_path)
    _as_version_9(project)
    upgraded = open_project(database)
    assert schema_version(upgraded) == SCHEMA_VERSION
    save_draft(upgraded, _draft(FIRST, notes="é 👩‍👩‍👧", evidence=(SPAN,)))
    save_draft(upgraded, _draft(FIRST, notes="é 👩‍👩‍👧 again", evidence=(SPAN,)))
    found = draft_of(upgraded, post_id=FIRST, annotator="ana")
    assert found is not None and (found.notes, found.evidence) == ("é 👩‍👩‍👧 again", (SPAN,))
    assert _draft_rows(upgraded) == 1
    # The draft goes with its post (a post without labels: their history is append-only).
    with upgraded.engine.begin() as connection:
        connection.execute(text("DELETE FROM post WHERE id = :post"), {"post": FIRST})
    assert _draft_rows(upgraded) == 0
    upgraded.close()


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_blank_text_without_evidence_is_empty(blank: str) -> None:
    assert Draft(post_id=1, annotator="ana", notes=blank, sponsor=blank).is_empty
    assert not Draft(post_id=1, annotator="ana", notes=blank, sponsor="x").is_empty


def test_a_label_from_the_screen_takes_the_draft_in_one_step_and_undo_gives_it_back(
    small_project: Project,
) -> None:
    typed = Draft(post_id=1, annotator="ana", notes="bio says paid", sponsor="GlowCo")
    save_draft(small_project, typed)
    change = AnnotationChange(
        post_id=1, annotator="ana", label_key="sponsored_disclosed", notes="bio says paid"
    )
    command = SaveAnnotationCommand(small_project, change, "label ‘Sponsored, disclosed’ on post 1")
    command.do()
    state = post_state(small_project, post_id=1, annotator="ana")
    assert state.annotation is not None and state.annotation.label_key == "sponsored_disclosed"
    assert state.draft is None
    assert command.text == "label ‘Sponsored, disclosed’ on post 1"
    command.undo()
    assert current_annotation(small_project, post_id=1, annotator="ana") is None
    back = draft_of(small_project, post_id=1, annotator="ana")
    assert back is not None and (back.notes, back.sponsor) == ("bio says paid", "GlowCo")
    command.do()  # redo
    assert draft_of(small_project, post_id=1, annotator="ana") is None
