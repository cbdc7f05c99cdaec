"""The annotation workspace driven with keys and the mouse; the database is the judge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from annotator.services.imports.importing import import_dataset
from annotator.services.labeling.annotating import current_annotation
from annotator.services.labeling.marks import FLAG, SKIP, marks_of
from annotator.services.project.projects import Project, open_project
from annotator.ui.labeling.active_timer import ActiveTimer
from annotator.ui.main_window import MainWindow
from tests.conftest import write_csv
from tests.ui.keys import external_id, go_to, press

pytestmark = pytest.mark.gui

EXTRA_CSV = (
    "id,text,author,created_at,platform,url\n"
    "900,Weekend #adventure with #adidas in #spring,ann,2020-03-01,instagram,\n"
    "901,Another day another serum #sponsored,ann,2020-03-02,instagram,\n"
)


def reread(window: MainWindow, post_id: int, who: str = "ana"):  # type: ignore[no-untyped-def]
    assert window.project is not None
    project = open_project(window.project.location)
    try:
        return current_annotation(project, post_id=post_id, annotator=who)
    finally:
        project.close()


@pytest.fixture
def window(small_project: Project, tmp_path: Path, make_window: Callable) -> MainWindow:
    import_dataset(small_project, write_csv(tmp_path / "extra.csv", EXTRA_CSV))
    location = small_project.location
    small_project.close()
    made: MainWindow = make_window(location)
    return made


def test_evidence_span_from_a_selection_is_saved_highlighted_and_removable(
    qtbot: QtBot, window: MainWindow
) -> None:
    go_to(qtbot, window, "1229871234567890123")
    panel = window.labeling.post_panel
    text = panel.text.toPlainText()
    start = text.index("Paid partnership")
    panel.select(start, start + len("Paid partnership with GlowCo"))
    press(qtbot, window, Qt.Key.Key_E)
    assert panel.evidence_list.count() == 1
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_2)
    saved = reread(window, post_id)
    assert saved is not None and saved.label_key == "sponsored_disclosed"
    [span] = saved.evidence
    assert (span.quote, span.start, span.end) == (
        "Paid partnership with GlowCo",
        start,
        start + 28,
    )
    # Back on the post: the span is listed and highlighted; Delete removes it from the database.
    press(qtbot, window, Qt.Key.Key_Left)
    assert panel.evidence_list.count() == 1
    highlighted = {s.cursor.selectedText() for s in panel.text.extraSelections()}
    assert "Paid partnership with GlowCo" in highlighted
    qtbot.mouseClick(
        panel.evidence_list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.evidence_list.visualItemRect(panel.evidence_list.item(0)).center(),
    )
    qtbot.keyClick(panel.evidence_list, Qt.Key.Key_Delete)
    after = reread(window, post_id)
    assert after is not None and after.evidence == ()
    assert after.label_key == "sponsored_disclosed"
    # Undo brings the span back.
    window.setFocus()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored = reread(window, post_id)
    assert restored is not None and len(restored.evidence) == 1


def test_evidence_offsets_count_code_points_after_emoji(qtbot: QtBot, window: MainWindow) -> None:
    go_to(qtbot, window, "1229871234567890123")
    panel = window.labeling.post_panel
    # "👩‍👩‍👧" is 5 code points but 8 UTF-16 units: select it by Qt's own cursor.
    text = panel.text.toPlainText()
    start = text.index("👩")
    panel.select(start, len(text))
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_E)
    press(qtbot, window, Qt.Key.Key_3)
    saved = reread(window, post_id)
    assert saved is not None
    [span] = saved.evidence
    assert span.quote == "👩‍👩‍👧"
    assert text[span.start : span.end] == "👩‍👩‍👧"


def test_notes_and_sponsor_are_saved_with_the_label_and_sponsors_complete(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.labeling.label_panel
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_P)
    assert QApplication.focusWidget() is panel.sponsor
    qtbot.keyClicks(panel.sponsor, "GlowCo")
    qtbot.keyClick(panel.sponsor, Qt.Key.Key_Escape)
    press(qtbot, window, Qt.Key.Key_N)
    assert QApplication.focusWidget() is panel.notes
    qtbot.keyClicks(panel.notes, "code GLOW20 in bio")
    qtbot.keyClick(panel.notes, Qt.Key.Key_Escape)
    press(qtbot, window, Qt.Key.Key_3)
    saved = reread(window, post_id)
    assert saved is not None
    assert (saved.label_key, saved.sponsor, saved.notes) == (
        "sponsored_undisclosed",
        "GlowCo",
        "code GLOW20 in bio",
    )
    completer_model = panel.sponsor.completer().model()
    names = [completer_model.index(i, 0).data() for i in range(completer_model.rowCount())]
    assert names == ["GlowCo"]


def test_notes_edited_after_labeling_are_saved_on_moving(qtbot: QtBot, window: MainWindow) -> None:
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_1)
    press(qtbot, window, Qt.Key.Key_Left)
    notes = window.labeling.label_panel.notes
    qtbot.mouseClick(notes.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(notes, "second thoughts")
    qtbot.keyClick(notes, Qt.Key.Key_Escape)
    press(qtbot, window, Qt.Key.Key_Right)
    saved = reread(window, post_id)
    assert saved is not None and saved.notes == "second thoughts"


def test_skip_and_flag(qtbot: QtBot, window: MainWindow) -> None:
    first = window.labeling.current_post_id
    assert first is not None and window.project is not None
    press(qtbot, window, Qt.Key.Key_S)
    assert window.labeling.current_post_id != first
    second = window.labeling.current_post_id
    assert second is not None
    press(qtbot, window, Qt.Key.Key_F)
    assert "Flagged" in window.labeling.label_panel.status.text()
    project = open_project(window.project.location)
    assert marks_of(project, post_id=first, annotator="ana") == {SKIP}
    assert marks_of(project, post_id=second, annotator="ana") == {FLAG}
    project.close()
    press(qtbot, window, Qt.Key.Key_F)  # F again removes the flag
    project = open_project(window.project.location)
    assert marks_of(project, post_id=second, annotator="ana") == set()
    project.close()
    assert window.labeling.current_post_id == second


def test_markers_are_highlighted_and_suggested_but_adventure_is_not(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.labeling.post_panel
    go_to(qtbot, window, "1229871234567890123")
    assert panel.suggestion.isVisibleTo(window)
    assert "#ad" in panel.suggestion.text()
    marked = {s.cursor.selectedText() for s in panel.text.extraSelections()}
    assert {"#ad", "Paid partnership with"} <= marked
    # The suggestion is never applied by itself.
    assert reread(window, window.labeling.current_post_id or 0) is None
    go_to(qtbot, window, "900")
    assert not panel.suggestion.isVisibleTo(window)
    assert panel.text.extraSelections() == []


def test_search_finds_a_post(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.queue_bar.search
    assert QApplication.focusWidget() is search
    qtbot.keyClicks(search, "serum")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    queue = window.labeling.queue
    assert queue is not None and len(queue) == 2
    assert "serum" in window.labeling.post_panel.text.toPlainText()
    press(qtbot, window, Qt.Key.Key_Right)
    assert external_id(window) == "901"
    # Escape in the search box goes back to all posts.
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert window.labeling.queue is not None and len(window.labeling.queue) == 6


def test_browse_table_opens_a_post(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1
    view = window.browse.view
    model = window.browse.model
    qtbot.waitUntil(lambda: model.rowCount() == 6)
    index = model.index(4, 0)
    wanted = model.post_id(4)
    rect = view.visualRect(index)
    # A real double-click is a press, release, then the double-click event.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentIndex() == 0
    assert window.labeling.current_post_id == wanted


def test_help_overlay_lists_the_keys(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_F1)
    overlay = next(w for w in window.findChildren(QDialog) if w.windowTitle() == "Keys")
    table = overlay.findChild(QTableWidget)
    rows = {table.item(r, 1).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert rows["Not sponsored"] == "1"
    assert rows["Skip post"] == "S"
    assert rows["Flag for the lead"] == "F"
    assert rows["Add evidence from selection"] == "E"
    assert "Ctrl+Z" in rows["Undo"]
    overlay.close()


def test_blind_mode_hides_authors(qtbot: QtBot, window: MainWindow) -> None:
    go_to(qtbot, window, "1229871234567890123")
    assert "by ann" in window.labeling.post_panel.meta.text()
    assert window.labeling.author_panel.isVisibleTo(window)
    window.actions_by_id["project.blind"].trigger()
    assert external_id(window) == "1229871234567890123"
    assert "ann" not in window.labeling.post_panel.meta.text()
    assert not window.labeling.author_panel.isVisibleTo(window)
    assert window.project is not None
    from annotator.services.project.project_settings import blind_mode

    assert blind_mode(window.project) is True


def test_more_from_this_author_lists_and_opens_other_posts(
    qtbot: QtBot, window: MainWindow
) -> None:
    go_to(qtbot, window, "1229871234567890123")
    press(qtbot, window, Qt.Key.Key_2)  # label it, then look from another post by ann
    go_to(qtbot, window, "900")
    authors = window.labeling.author_panel
    assert "More from ann: 2 other posts" in authors.title.text()
    texts = [authors.posts.item(i).text() for i in range(authors.posts.count())]
    assert any("ana: Sponsored, disclosed" in t for t in texts)
    item = authors.posts.item(texts.index(next(t for t in texts if "ana:" in t)))
    rect = authors.posts.visualItemRect(item)
    qtbot.mouseClick(authors.posts.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(authors.posts.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert external_id(window) == "1229871234567890123"


def test_the_author_list_reads_more_posts_as_it_is_scrolled_to_its_end(
    qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable
) -> None:
    """A label key reads one page of the author's other posts; scrolling to the end of
    the list reads the next page, until every post is listed, none twice."""
    rows = "".join(
        f"{n},Post number {n} by the prolific one,zed,2020-01-01,x,\n" for n in range(40)
    )
    import_dataset(
        project, write_csv(tmp_path / "zed.csv", "id,text,author,created_at,platform,url\n" + rows)
    )
    location = project.location
    project.close()
    window: MainWindow = make_window(location)
    window.open_post(40)  # the 40th post imported: "39"
    assert external_id(window) == "39"
    authors = window.labeling.author_panel
    assert "39 other posts" in authors.title.text()
    first_page = authors.posts.count()
    assert 0 < first_page < 39
    scroll_bar = authors.posts.verticalScrollBar()
    for _ in range(10):
        scroll_bar.setValue(scroll_bar.maximum())
        qtbot.wait(10)
    listed = [
        int(authors.posts.item(i).data(Qt.ItemDataRole.UserRole))
        for i in range(authors.posts.count())
    ]
    assert len(listed) == 39 and len(set(listed)) == 39
    assert window.labeling.current_post_id not in listed


def test_position_is_remembered_per_project(
    qtbot: QtBot, window: MainWindow, make_window: Callable
) -> None:
    go_to(qtbot, window, "42")
    location = window.project.location if window.project else ""
    window.close()
    again: MainWindow = make_window(location)
    assert external_id(again) == "42"


def test_timer_pauses_while_the_app_is_inactive(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("annotator.ui.labeling.active_timer.time.monotonic", lambda: clock[0])
    timer = ActiveTimer()
    timer._state_changed(Qt.ApplicationState.ApplicationActive)
    timer.restart()
    clock[0] += 5
    timer._state_changed(Qt.ApplicationState.ApplicationInactive)
    clock[0] += 60  # away for a minute
    timer._state_changed(Qt.ApplicationState.ApplicationActive)
    clock[0] += 2
    assert timer.seconds() == 7.0


def test_label_keys_are_editable_in_the_codebook(
    qtbot: QtBot, window: MainWindow, errors: list[str]
) -> None:
    from annotator.ui.project.label_keys_dialog import LabelKeysDialog

    assert window.codebook is not None
    dialog = LabelKeysDialog(window.codebook, window)
    qtbot.addWidget(dialog)
    edit = dialog.edits["not_sponsored"]
    edit.clear()
    qtbot.keyClick(edit, Qt.Key.Key_7)
    assert dialog.shortcuts()["not_sponsored"] == "7"
    window.project_menu.apply_label_keys(dialog.shortcuts())
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_1)  # 1 no longer labels
    assert reread(window, post_id) is None
    press(qtbot, window, Qt.Key.Key_7)
    saved = reread(window, post_id)
    assert saved is not None and saved.label_key == "not_sponsored"
    assert window.codebook.get("not_sponsored").shortcut == "7"
    # A key another action owns is refused with a sentence.
    window.project_menu.apply_label_keys({"not_sponsored": "S"})
    assert errors and "Skip post" in errors[-1]
    assert window.codebook.get("not_sponsored").shortcut == "7"


def test_an_assigned_annotator_starts_on_their_assigned_posts(
    small_project: Project, make_window: Callable, qtbot: QtBot
) -> None:
    from annotator.services.team.assignment import assign_posts

    assign_posts(small_project, ["ana", "ben"], per_post=1, seed=2)
    location = small_project.location
    small_project.close()
    window: MainWindow = make_window(location)
    assert window.queue_bar.current_mode().kind == "assigned"
    assert window.queue_bar.modes.currentText() == "My assigned posts"
    queue = window.labeling.queue
    assert queue is not None and len(queue) == 2
    first = queue.current_id
    press(qtbot, window, Qt.Key.Key_1)
    second = window.labeling.current_post_id
    assert second is not None and second != first
    press(qtbot, window, Qt.Key.Key_1)
    assert window.labeling.queue is not None
    assert window.labeling.queue.labeled_count == 2


def test_a_busy_project_makes_the_label_wait_and_retry_visibly(
    small_project: Project, make_window: Callable, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import annotator.store.engine as engine
    import annotator.ui.workspace as workspace

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(workspace, "BUSY_RETRY_MS", 50)
    location = small_project.location
    small_project.close()
    window: MainWindow = make_window(location)
    post_id = window.labeling.current_post_id
    assert post_id is not None
    other = sqlite3.connect(location, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    messages: list[str] = []
    window.workspace.message.connect(messages.append)
    press(qtbot, window, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: any("busy" in m for m in messages), timeout=5000)
    assert reread(window, post_id) is None
    assert window.labeling.current_post_id == post_id  # it did not move on unsaved
    other.rollback()
    other.close()
    qtbot.waitUntil(lambda: window.labeling.current_post_id != post_id, timeout=5000)
    saved = reread(window, post_id)
    assert saved is not None and saved.label_key == "sponsored_disclosed"
    assert messages[-1] == "Saved after the project was busy."
    assert window.workspace.undo_stack.count() == 1


def test_undo_while_the_project_is_busy_waits_its_turn_and_keeps_the_history(
    small_project: Project, make_window: Callable, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import annotator.ui.workspace as workspace

    monkeypatch.setattr(workspace, "BUSY_RETRY_MS", 50)
    location = small_project.location
    small_project.close()
    window: MainWindow = make_window(location)
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_2)
    stack = window.workspace.undo_stack
    assert stack.index() == 1
    other = sqlite3.connect(location, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    messages: list[str] = []
    window.workspace.message.connect(messages.append)
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any("busy" in m for m in messages), timeout=5000)
    assert stack.index() == 1  # nothing undone yet, and the history says so
    assert reread(window, post_id) is not None
    other.rollback()
    other.close()
    qtbot.waitUntil(lambda: stack.index() == 0, timeout=5000)
    assert reread(window, post_id) is None
    assert any(m.startswith("Undo: label ‘Sponsored, disclosed’") for m in messages)


def _point_of(view: QPlainTextEdit, index: int) -> QPoint:
    """Where character ``index`` of the shown text is, in the viewport."""
    cursor = view.textCursor()
    cursor.setPosition(index)
    return view.cursorRect(cursor).center()


def _send(viewport: QWidget, kind: QEvent.Type, at: QPoint, buttons: Qt.MouseButton) -> None:
    """A mouse event as a hand makes it (QTest cannot hold the button while moving)."""
    left = Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind,
        QPointF(at),
        QPointF(viewport.mapToGlobal(at)),
        left,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def test_mouse_selections_keep_every_word_covered(qtbot: QtBot, window: MainWindow) -> None:
    """A plain drag quotes exactly what it covers; a drag after a double click extends by
    whole words and never drops the one under the pointer (Qt's word-wise drag did:
    "r that filters" became "filters")."""
    go_to(qtbot, window, "1229871234567890124")
    text = "Vote Rivera on Tuesday, our future depends on it"
    panel = window.labeling.post_panel
    view = panel.text
    viewport = view.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    start, end = text.index("era on"), text.index("Tuesday") + 4
    _send(viewport, QEvent.Type.MouseButtonPress, _point_of(view, start), left)
    _send(viewport, QEvent.Type.MouseMove, _point_of(view, end), left)
    _send(viewport, QEvent.Type.MouseButtonRelease, _point_of(view, end), none)
    span = panel.selected_span()
    assert span is not None and span.quote == "era on Tues"

    # Double click on "Tuesday", hold, drag back to the end of "Rivera".
    tuesday = _point_of(view, text.index("Tuesday") + 2)
    _send(viewport, QEvent.Type.MouseButtonPress, tuesday, left)
    _send(viewport, QEvent.Type.MouseButtonRelease, tuesday, none)
    _send(viewport, QEvent.Type.MouseButtonPress, tuesday, left)
    _send(viewport, QEvent.Type.MouseButtonDblClick, tuesday, left)
    back = _point_of(view, text.index("Rivera") + 5)
    _send(viewport, QEvent.Type.MouseMove, back, left)
    _send(viewport, QEvent.Type.MouseButtonRelease, back, none)
    span = panel.selected_span()
    assert span is not None and span.quote == "Rivera on Tuesday"


def test_a_codebook_key_that_an_action_owns_is_dropped_and_said(
    small_project: Project, make_window: Callable, qtbot: QtBot
) -> None:
    """A codebook from elsewhere gives S (Skip post) to a label: Qt would run neither on
    S, so the label loses the key, the window says so, and S still skips."""
    from annotator.services.project.codebook_editing import set_label_shortcuts

    set_label_shortcuts(small_project, {"sponsored_disclosed": "S"})
    location = small_project.location
    small_project.close()
    window: MainWindow = make_window(location)
    action = window.label_actions["label.sponsored_disclosed"]
    assert action.shortcut().isEmpty()
    message = window.statusBar().currentMessage()
    assert "S (“Sponsored, disclosed”) already does “Skip post”" in message
    assert "Project > Label keys" in message
    post_id = window.labeling.current_post_id
    assert post_id is not None
    press(qtbot, window, Qt.Key.Key_S)
    assert reread(window, post_id) is None
    assert window.labeling.current_post_id != post_id  # skipped to the next post


def test_on_every_tab_each_key_belongs_to_one_enabled_action(window: MainWindow) -> None:
    """Two enabled actions on one key make Qt run neither; the same key may mean one
    thing per tab (N writes notes on Label, the gold note on Review)."""
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        owners: dict[str, list[str]] = {}
        for action in window.actions():
            if not action.isEnabled():
                continue
            for key in action.shortcuts():
                owners.setdefault(key.toString(), []).append(action.text().replace("&", ""))
        shared = {key: names for key, names in owners.items() if len(names) > 1}
        assert not shared, window.tabs.tabText(tab)
