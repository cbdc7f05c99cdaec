"""The queue: modes, next unlabeled, skip, and moving through posts in SQL."""

from __future__ import annotations

from pathlib import Path

from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import ImportOptions, import_dataset
from annotator.services.labeling.annotating import save_annotation
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.labeling.marks import FLAG, SKIP, marks_of, set_mark
from annotator.services.project.projects import Project
from annotator.store.navigation import QueueMode, fts_query


def _ids(queue: LabelingQueue) -> list[int]:
    first = queue.first()
    ids = []
    if first is None:
        return ids
    queue.go_to_post(first)
    ids.append(first)
    while queue.go_next():
        assert queue.current_id is not None
        ids.append(queue.current_id)
    return ids


def _label(project: Project, post_id: int, who: str, key: str) -> None:
    save_annotation(project, AnnotationChange(post_id=post_id, annotator=who, label_key=key))


def test_starts_at_first_unlabeled_for_this_annotator(small_project: Project) -> None:
    ids = _ids(LabelingQueue(small_project, "ana"))
    assert len(ids) == 4
    _label(small_project, ids[0], "ana", "not_sponsored")
    queue = LabelingQueue(small_project, "ana")
    assert queue.current_id == ids[1]
    assert (queue.labeled_count, len(queue), queue.position) == (1, 4, 2)
    assert LabelingQueue(small_project, "ben").current_id == ids[0]


def test_next_unlabeled_wraps_and_reports_when_done(small_project: Project) -> None:
    queue = LabelingQueue(small_project, "ana")
    ids = _ids(LabelingQueue(small_project, "ana"))
    _label(small_project, ids[1], "ana", "not_sponsored")
    queue.go_to_post(ids[2])
    assert queue.go_to_next_unlabeled()
    assert queue.current_id == ids[3]
    assert queue.go_to_next_unlabeled()
    assert queue.current_id == ids[0]  # wrapped, skipping the labeled ids[1]
    for post_id in (ids[0], ids[2], ids[3]):
        _label(small_project, post_id, "ana", "not_sponsored")
    assert queue.go_to_next_unlabeled() is False


def test_arrows_stop_at_both_ends(small_project: Project) -> None:
    queue = LabelingQueue(small_project, "ana")
    first = queue.current_id
    assert queue.go_previous() is False
    assert queue.current_id == first
    while queue.go_next():
        pass
    assert queue.position == 4
    assert queue.go_next() is False


def test_skipped_posts_leave_the_unlabeled_queue(small_project: Project) -> None:
    ids = _ids(LabelingQueue(small_project, "ana"))
    set_mark(small_project, post_id=ids[0], annotator="ana", kind=SKIP, on=True)
    assert LabelingQueue(small_project, "ana").current_id == ids[1]
    skipped = LabelingQueue(small_project, "ana", QueueMode("skipped"))
    assert _ids(skipped) == [ids[0]]
    set_mark(small_project, post_id=ids[0], annotator="ana", kind=SKIP, on=False)
    assert LabelingQueue(small_project, "ana").current_id == ids[0]


def test_modes_label_flagged_disagreements_dataset(small_project: Project, small_csv: Path) -> None:
    ids = _ids(LabelingQueue(small_project, "ana"))
    _label(small_project, ids[0], "ana", "sponsored_disclosed")
    _label(small_project, ids[0], "ben", "sponsored_undisclosed")
    _label(small_project, ids[1], "ana", "sponsored_disclosed")
    _label(small_project, ids[1], "ben", "sponsored_disclosed")
    set_mark(small_project, post_id=ids[2], annotator="ben", kind=FLAG, on=True, note="odd")
    assert marks_of(small_project, post_id=ids[2], annotator="ben") == {FLAG}

    def members(kind: str, value: str = "", who: str = "ana") -> list[int]:
        return _ids(LabelingQueue(small_project, who, QueueMode(kind, value)))

    assert members("label", "sponsored_disclosed") == ids[:2]
    assert members("label", "sponsored_disclosed", who="ben") == [ids[1]]
    assert members("flagged") == [ids[2]]
    assert members("disagreements") == [ids[0]]
    import_dataset(small_project, small_csv, ImportOptions(dataset="second"))
    assert len(members("dataset", "second")) == 4
    assert members("dataset", "small") == ids


def test_label_mode_advances_within_the_mode(small_project: Project) -> None:
    ids = _ids(LabelingQueue(small_project, "ana"))
    for post_id in (ids[0], ids[2]):
        _label(small_project, post_id, "ana", "not_sponsored")
    queue = LabelingQueue(small_project, "ana", QueueMode("label", "not_sponsored"))
    assert queue.current_id == ids[0]
    assert queue.advance()
    assert queue.current_id == ids[2]
    assert len(queue) == 2


def test_search_finds_text_and_author_words(small_project: Project) -> None:
    def found(query: str) -> int:
        return len(LabelingQueue(small_project, "ana", QueueMode("search", query)))

    assert found("serum") == 1
    assert found("Partnership GlowCo") == 1
    assert found("glow") == 1  # the last word is a prefix
    assert found("cam") == 1  # author
    assert found("rivera tuesday") == 1
    assert found("nothing-like-this") == 0
    assert found('"; DROP TABLE post; --') == 0


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("#ad paid-for") == '"ad" "paid" "for"*'
    assert fts_query("  ") == ""


def test_empty_project_has_no_current_post(project: Project) -> None:
    queue = LabelingQueue(project, "ana")
    assert queue.current_id is None
    assert queue.current_post() is None
    assert queue.go_to_next_unlabeled() is False
    assert queue.position == 0


def test_the_place_counted_from_the_last_one_matches_a_fresh_count(
    small_project: Project,
) -> None:
    """The queue counts its place from the previous one (a million posts in); forward,
    back, a jump and a wrap must give what counting from the first post gives."""
    queue = LabelingQueue(small_project, "ana")
    ids = _ids(LabelingQueue(small_project, "ana"))

    def fresh_place() -> int:
        again = LabelingQueue(small_project, "ana", start_at=queue.current_id)
        return again.position

    seen = []
    for move in ("next", "next", "back", "jump_last", "next_unlabeled", "back", "jump_first"):
        if move == "next":
            queue.go_next()
        elif move == "back":
            queue.go_previous()
        elif move == "jump_last":
            queue.go_to_post(ids[-1])
        elif move == "jump_first":
            queue.go_to_post(ids[0])
        else:
            _label(small_project, ids[-1], "ana", "not_sponsored")
            assert queue.go_to_next_unlabeled()  # wraps round to the start
        seen.append(queue.position)
        assert queue.position == fresh_place()
    assert seen == [2, 3, 2, 4, 1, 1, 1]
