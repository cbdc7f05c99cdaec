"""Two windows on one database: each notices what the other writes, by polling, without
moving its annotator off their post or touching what they are typing.

Runs on an SQLite file and, when ANNOTATOR_TEST_POSTGRES_URL names a server, on a
PostgreSQL database too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.domain.progress import CancelToken, ProgressCallback
from annotator.domain.records import AnnotationChange
from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import current_annotation, save_annotation
from annotator.services.labeling.drafts import draft_of
from annotator.services.project.projects import Project, codebook_of, init_project, open_project
from annotator.store.queries import external_id_index
from annotator.ui import change_watcher
from annotator.ui.browse.browse_model import COLUMNS
from annotator.ui.change_watcher import POLL_BACK, POLL_FAILED, ChangeWatcher
from annotator.ui.main_window import BROWSE_TAB, REVIEW_TAB, MainWindow
from annotator.ui.tasks import Job, ShownLoader, TaskRunner
from tests.conftest import BOTH_STORES, write_csv
from tests.ui.keys import external_id, press

pytestmark = pytest.mark.gui

#: Two posts by one author (the author panel shows the other one with its labels).
CSV = (
    "id,text,author\n"
    "p1,First post by zed about a serum,zed\n"
    "p2,Second post by zed about shoes,zed\n"
    "p3,Lunch with friends,yan\n"
)
TYPED = "still thinking about th"
#: Long enough for a few polls at the shortened interval, short enough for a test.
SEEN_WITHIN_MS = 5000


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ChangeWatcher, "POLL_MS", 100)


@pytest.fixture(params=BOTH_STORES)
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One project, on an SQLite file or a fresh server database."""
    if request.param == "sqlite":
        target = str(tmp_path / "shared.annotator")
    else:
        target = request.getfixturevalue("database")
    project = init_project(target)
    import_dataset(project, write_csv(tmp_path / "posts.csv", CSV))
    project.close()
    return target


def activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def start_typing(qtbot: QtBot, window: MainWindow) -> None:
    """N and some words, the cursor left in the notes (the person is mid-sentence)."""
    activate(qtbot, window)
    press(qtbot, window, Qt.Key.Key_N)
    notes = window.labeling.label_panel.notes
    assert QApplication.focusWidget() is notes
    qtbot.keyClicks(notes, TYPED)


def label_with_key(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    activate(qtbot, window)
    press(qtbot, window, key)


def still_typing(window: MainWindow) -> bool:
    notes = window.labeling.label_panel.notes
    return (
        notes.toPlainText() == TYPED
        and window.focusWidget() is notes  # the window's focus, whichever window is active
        and notes.textCursor().position() == len(TYPED)
    )


def author_lines(window: MainWindow) -> list[str]:
    posts = window.labeling.author_panel.posts
    return [posts.item(row).text() for row in range(posts.count())]


def test_a_label_made_in_one_window_reaches_the_other_without_moving_it(
    qtbot: QtBot, shared: str, make_window: Callable[..., MainWindow]
) -> None:
    first = make_window(shared, "ana")
    second = make_window(shared, "bo")
    assert external_id(first) == external_id(second) == "p1"
    start_typing(qtbot, second)
    undo_steps = second.workspace.undo_stack.count()
    assert any("not labeled yet" in line for line in author_lines(second))

    activate(qtbot, first)
    press(qtbot, first, Qt.Key.Key_Right)
    assert external_id(first) == "p2"
    press(qtbot, first, Qt.Key.Key_1)  # ana labels p2, zed's other post

    label = first.workspace.codebook.labels[0].display_name  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: any(f"ana: {label}" in line for line in author_lines(second)),
        timeout=SEEN_WITHIN_MS,
    )
    activate(qtbot, second)
    assert external_id(second) == "p1"
    assert still_typing(second)
    assert second.workspace.undo_stack.count() == undo_steps
    assert second.progress_label.text().startswith("0 of 3 labeled by me")
    # The typed words still land where they belong.
    qtbot.keyClicks(second.labeling.label_panel.notes, "e bio")
    second.labeling.save_draft()
    check = open_project(shared)
    try:
        post_id = second.labeling.current_post_id
        assert post_id is not None
        draft = draft_of(check, post_id=post_id, annotator="bo")
        assert draft is not None and draft.notes == TYPED + "e bio"
    finally:
        check.close()


def test_the_same_annotator_in_two_windows_sees_their_count_and_label(
    qtbot: QtBot, shared: str, make_window: Callable[..., MainWindow]
) -> None:
    """One person on two machines: the count follows, and a label given to the post on
    screen elsewhere shows on its button while the typed note stays."""
    first = make_window(shared, "ana")
    second = make_window(shared, "ana")
    activate(qtbot, second)
    press(qtbot, second, Qt.Key.Key_Right)
    assert external_id(second) == "p2"
    start_typing(qtbot, second)
    assert second.progress_label.text().startswith("0 of 3 labeled by me")

    label_with_key(qtbot, first, Qt.Key.Key_1)  # p1, not the post on screen in second
    qtbot.waitUntil(
        lambda: second.progress_label.text().startswith("1 of 3 labeled by me"),
        timeout=SEEN_WITHIN_MS,
    )
    assert external_id(second) == "p2"
    assert still_typing(second)

    assert external_id(first) == "p2"
    label_with_key(qtbot, first, Qt.Key.Key_2)  # now the post second shows
    key = first.workspace.codebook.labels[1].key  # type: ignore[union-attr]
    button = second.labeling.label_panel.button(key)
    qtbot.waitUntil(lambda: bool(button.property("current")), timeout=SEEN_WITHIN_MS)
    assert second.progress_label.text().startswith("2 of 3 labeled by me")
    assert external_id(second) == "p2"
    assert still_typing(second)
    # Leaving the post lands the typed note on the label given elsewhere.
    activate(qtbot, second)
    second.labeling.leave_post()
    check = open_project(shared)
    try:
        post_id = second.labeling.current_post_id
        assert post_id is not None
        saved = current_annotation(check, post_id=post_id, annotator="ana")
        assert saved is not None and (saved.label_key, saved.notes) == (key, TYPED)
    finally:
        check.close()


def test_the_review_tab_recomputes_when_shown_not_while_hidden(
    qtbot: QtBot, shared: str, make_window: Callable[..., MainWindow]
) -> None:
    first = make_window(shared, "ana")
    lead = make_window(shared, "lee")
    lead.tabs.setCurrentIndex(REVIEW_TAB)
    qtbot.waitUntil(lambda: lead.review.report is not None, timeout=SEEN_WITHIN_MS)
    assert lead.review.report is not None and lead.review.report.annotators == []

    label_with_key(qtbot, first, Qt.Key.Key_1)
    qtbot.waitUntil(
        lambda: lead.review.report is not None and lead.review.report.annotators == ["ana"],
        timeout=SEEN_WITHIN_MS,
    )

    lead.tabs.setCurrentIndex(0)  # the Label tab: the Review tab is hidden
    label_with_key(qtbot, first, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: lead.review.loader.stale, timeout=SEEN_WITHIN_MS)
    assert lead.review.report.items == 1
    lead.tabs.setCurrentIndex(REVIEW_TAB)
    qtbot.waitUntil(
        lambda: lead.review.report is not None and lead.review.report.items == 2,
        timeout=SEEN_WITHIN_MS,
    )


def test_a_failing_poll_is_said_once_in_the_status_bar(
    qtbot: QtBot,
    shared: str,
    make_window: Callable[..., MainWindow],
    errors: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(shared, "ana")
    said: list[str] = []
    window.workspace.message.connect(said.append)

    def gone(_project: object) -> object:
        raise ConnectionError("server closed the connection")

    working = change_watcher.data_version
    monkeypatch.setattr(change_watcher, "data_version", gone)
    qtbot.wait(800)  # several polls
    assert said.count(POLL_FAILED) == 1
    assert errors == []
    monkeypatch.setattr(change_watcher, "data_version", working)
    qtbot.waitUntil(lambda: said[-1] == POLL_BACK, timeout=SEEN_WITHIN_MS)
    assert said.count(POLL_FAILED) == 1


def test_a_gold_note_being_typed_survives_the_review_computing_again(
    qtbot: QtBot, shared: str, make_window: Callable[..., MainWindow]
) -> None:
    """The lead writes a note on a disagreement while an annotator labels elsewhere: the
    figures and the list are computed again, the post and the typed note stay."""
    setup = open_project(shared)
    try:
        for name, key in (("ana", 0), ("bo", 1)):
            window_free_label(setup, name, "p1", key)
        first_id, second_id = post_id_of(setup, "p1"), post_id_of(setup, "p2")
    finally:
        setup.close()
    first = make_window(shared, "ana")
    lead = make_window(shared, "lee")
    lead.tabs.setCurrentIndex(REVIEW_TAB)
    review = lead.review
    qtbot.waitUntil(lambda: review.report is not None, timeout=SEEN_WITHIN_MS)
    review.open_disagreement(first_id)
    panel = review.adjudication
    qtbot.mouseClick(panel.notes.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.notes, TYPED)

    activate(qtbot, first)
    first.labeling.open_post(second_id)
    with qtbot.waitSignal(review.computed, timeout=SEEN_WITHIN_MS):
        press(qtbot, first, Qt.Key.Key_1)
    assert review.report is not None and review.report.items == 2
    assert panel.post_id == first_id
    assert panel.notes.toPlainText() == TYPED
    assert panel.notes.textCursor().position() == len(TYPED)


def window_free_label(project: Project, annotator: str, external: str, index: int) -> None:
    """A label saved before any window opens (the history the lead reviews)."""
    key = codebook_of(project).labels[index].key
    save_annotation(
        project,
        AnnotationChange(post_id=post_id_of(project, external), annotator=annotator, label_key=key),
    )


def post_id_of(project: Project, external: str) -> int:
    with project.session() as session:
        return external_id_index(session)[external][0]


def test_following_changes_never_cancels_a_load_under_way(qtbot: QtBot) -> None:
    """A slow load (the Review figures of a large project) finishes even while others'
    labels keep arriving; one more load follows it, not one per change."""
    panel = QWidget()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    release = threading.Event()
    started: list[int] = []
    done: list[int] = []

    def job_for() -> Job[int]:
        number = len(started) + 1
        started.append(number)

        def job(_progress: ProgressCallback, _cancel: CancelToken) -> int:
            release.wait(5)
            return number

        return job

    loader: ShownLoader[int] = ShownLoader(
        panel, TaskRunner(panel), job_for=job_for, on_done=done.append, on_error=print
    )
    loader.request()
    qtbot.waitUntil(lambda: started == [1])
    for _ in range(5):  # five polls saw changes while the first load ran
        loader.follow()
    release.set()
    qtbot.waitUntil(lambda: done == [1, 2], timeout=SEEN_WITHIN_MS)
    qtbot.wait(100)
    assert started == [1, 2] and done == [1, 2]


def test_an_import_elsewhere_joins_the_counts_and_choices_not_the_screen(
    qtbot: QtBot, shared: str, make_window: Callable[..., MainWindow], tmp_path: Path
) -> None:
    window = make_window(shared, "bo")
    start_typing(qtbot, window)
    assert window.labeling.post_panel.meta.text().startswith("Post 1 of 3")
    other = open_project(shared)
    try:
        import_dataset(other, write_csv(tmp_path / "more.csv", "id,text\nm1,one\nm2,two\n"))
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: window.labeling.post_panel.meta.text().startswith("Post 1 of 5"),
        timeout=SEEN_WITHIN_MS,
    )
    modes = window.queue_bar.modes
    assert "Dataset: more" in [modes.itemText(i) for i in range(modes.count())]
    assert modes.currentText() == "Next unlabeled by me"
    assert window.progress_label.text().startswith("0 of 5 labeled by me")
    assert external_id(window) == "p1"
    assert still_typing(window)


def test_the_browse_table_counts_labels_given_elsewhere(
    qtbot: QtBot, shared: str, make_window: Callable[..., MainWindow]
) -> None:
    first = make_window(shared, "ana")
    second = make_window(shared, "bo")
    second.tabs.setCurrentIndex(BROWSE_TAB)
    model = second.browse.model
    column = [c.title for c in COLUMNS].index("Labels")

    def labels_of_p1() -> str:
        row = model.row_of(post_id_of_location(shared, "p1"))
        assert row is not None
        return str(model.index(row, column).data() or "")

    before = labels_of_p1()
    label_with_key(qtbot, first, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: labels_of_p1() != before, timeout=SEEN_WITHIN_MS)
    assert labels_of_p1() == "1"


def test_polling_stops_with_the_project(
    qtbot: QtBot, shared: str, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(shared, "ana")
    assert window.watcher.timer.isActive()
    qtbot.waitUntil(lambda: window.watcher.seen is not None, timeout=SEEN_WITHIN_MS)
    window.close_project()
    assert not window.watcher.timer.isActive()
    assert window.watcher.seen is None


def post_id_of_location(location: str, external: str) -> int:
    project = open_project(location)
    try:
        return post_id_of(project, external)
    finally:
        project.close()


def test_a_view_that_follows_labels_fills_and_grows_under_the_annotator(
    qtbot: QtBot, shared: str, make_window: Callable[..., MainWindow]
) -> None:
    """The lead walks "Disagreements between annotators": the first disagreement made
    elsewhere appears in the empty view, a later one only grows the count."""
    setup = open_project(shared)
    try:
        window_free_label(setup, "ana", "p1", 0)
        window_free_label(setup, "ana", "p2", 0)
    finally:
        setup.close()
    lead = make_window(shared, "lee")
    activate(qtbot, lead)
    modes = lead.queue_bar.modes
    modes.setCurrentIndex(modes.findText("Disagreements between annotators"))
    modes.activated.emit(modes.currentIndex())
    assert lead.labeling.current_post_id is None

    other = open_project(shared)
    try:
        window_free_label(other, "bo", "p1", 1)
        qtbot.waitUntil(lambda: lead.labeling.current_post_id is not None, timeout=SEEN_WITHIN_MS)
        assert external_id(lead) == "p1"
        assert lead.labeling.post_panel.meta.text().startswith("Post 1 of 1")
        start_typing(qtbot, lead)
        window_free_label(other, "bo", "p2", 1)
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: lead.labeling.post_panel.meta.text().startswith("Post 1 of 2"),
        timeout=SEEN_WITHIN_MS,
    )
    assert external_id(lead) == "p1"
    assert still_typing(lead)
