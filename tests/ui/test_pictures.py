"""Posts with pictures on the Label, Browse and Clusters tabs, driven with keys and clicks.

The pictures are stored as import stores them and their source folder is deleted before
the window opens: what shows comes from the project alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import annotator.services.media.viewing as viewing
from annotator.domain.changes import Change, changes
from annotator.services.media.viewing import media_of
from annotator.services.project.projects import Project, open_project
from annotator.services.project.sample_project import build_sample_project
from annotator.ui.browse.browse_model import PICTURE_COLUMN
from annotator.ui.clusters.clusters_model import SHARED_IMAGE_COLUMN
from annotator.ui.main_window import BROWSE_TAB, MainWindow
from annotator.ui.pictures.full_size import FullSizeDialog
from annotator.ui.pictures.picture_panel import LARGE_BOX, PicturePanel
from tests.picture_posts import REFUSED_REASON, add_pictures
from tests.services.test_cluster_summaries import build_cluster_project, post_ids
from tests.ui.keys import external_id, go_to, press
from tests.ui.test_fits_1024 import SMALL, elided_headers, settle, show_tab

pytestmark = pytest.mark.gui

SERUM, VOTE, LUNCH, FIRST = "1229871234567890123", "1229871234567890124", "42", "00123"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def colour_at_centre(pixmap: QPixmap) -> str:
    """The colour in the middle of a picture, by name (stored as JPEG: not exact)."""
    image = pixmap.toImage()
    colour = QColor(image.pixel(image.width() // 2, image.height() // 2))
    channels = {"red": colour.red(), "green": colour.green(), "blue": colour.blue()}
    return max(channels, key=lambda name: channels[name])


def shown(label: object) -> bool:
    pixmap = label.pixmap()  # type: ignore[attr-defined]
    return pixmap is not None and not pixmap.isNull()


@pytest.fixture
def ids(small_project: Project, tmp_path: Path) -> dict[str, int]:
    """The serum post has a red and a blue picture and one whose file was missing; the
    vote post one that was refused; the first and the lunch post none."""
    found = post_ids(small_project)
    add_pictures(
        small_project,
        tmp_path / "source pictures",
        {found[SERUM]: ["red", "missing", "blue"], found[VOTE]: ["refused"]},
    )
    assert not (tmp_path / "source pictures").exists()
    return found


@pytest.fixture
def window(
    small_project: Project, ids: dict[str, int], make_window: Callable[..., MainWindow]
) -> MainWindow:
    location = small_project.location
    small_project.close()
    made: MainWindow = make_window(location)
    return made


def wait_large(qtbot: QtBot, panel: PicturePanel) -> QPixmap:
    qtbot.waitUntil(lambda: shown(panel.large), timeout=10_000)
    pixmap = panel.large.pixmap()
    assert pixmap is not None
    return pixmap


def test_the_label_tab_shows_the_pictures_after_the_source_folder_was_deleted(
    qtbot: QtBot, window: MainWindow
) -> None:
    go_to(qtbot, window, SERUM)
    panel = window.labeling.pictures
    assert panel.isVisible()
    large = wait_large(qtbot, panel)
    assert colour_at_centre(large) == "red"
    # Fitted to its box (480 x 360 stored): never wider than the panel.
    assert large.width() / large.devicePixelRatio() <= LARGE_BOX.width()
    # The other stored picture is the strip; the missing one a sentence, in plain text.
    assert len(panel.thumbnails) == 1
    qtbot.waitUntil(lambda: shown(panel.thumbnails[0]), timeout=10_000)
    thumbnail = panel.thumbnails[0].pixmap()
    assert colour_at_centre(thumbnail) == "blue"
    assert panel.notes.isVisible()
    assert (
        panel.notes.text()
        == f"Picture file not found at import: missing_{window.labeling.current_post_id}_1.png"
    )
    assert panel.notes.textFormat() == Qt.TextFormat.PlainText
    # The text is still beside the pictures, not pushed away.
    text = window.labeling.post_panel.text
    assert text.isVisible() and text.width() > panel.width()
    assert text.mapTo(window, QPoint(0, 0)).x() < panel.mapTo(window, QPoint(0, 0)).x()


def test_a_post_without_pictures_takes_no_space(qtbot: QtBot, window: MainWindow) -> None:
    go_to(qtbot, window, FIRST)
    assert not window.labeling.pictures.isVisible()
    go_to(qtbot, window, SERUM)
    wait_large(qtbot, window.labeling.pictures)
    go_to(qtbot, window, LUNCH)
    assert not window.labeling.pictures.isVisible()
    body, whole = window.labeling.post_panel.text, window.labeling.post_panel
    qtbot.waitUntil(lambda: body.width() >= whole.width() - 40, timeout=5_000)


def test_a_refused_picture_is_a_sentence_on_the_post_not_a_dialog(
    qtbot: QtBot, window: MainWindow, errors: list[str]
) -> None:
    go_to(qtbot, window, VOTE)
    panel = window.labeling.pictures
    post_id = window.labeling.current_post_id
    assert panel.isVisible() and not panel.large.isVisible()
    assert panel.notes.text() == f"Picture refused ({REFUSED_REASON}): refused_{post_id}_0.png"
    # The key says so in the status bar; no dialog opens.
    press(qtbot, window, Qt.Key.Key_I, CTRL_SHIFT)
    assert window.labeling.picture_dialog is None
    assert "Picture refused" in window.statusBar().currentMessage()
    assert errors == []


def test_full_size_opens_with_the_key_and_by_click_and_switches_with_arrows(
    qtbot: QtBot, window: MainWindow
) -> None:
    go_to(qtbot, window, SERUM)
    post_id = window.labeling.current_post_id
    panel = window.labeling.pictures
    wait_large(qtbot, panel)
    press(qtbot, window, Qt.Key.Key_I, CTRL_SHIFT)
    dialog = window.labeling.picture_dialog
    assert isinstance(dialog, FullSizeDialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: shown(dialog.picture), timeout=10_000)
    full = dialog.picture.pixmap()
    # The stored display copy at its own size (480 x 360 fits the screen).
    assert (full.width(), full.height()) == (480, 360)
    assert colour_at_centre(full) == "red"
    assert dialog.windowTitle().startswith("Picture 1 of 2")
    qtbot.keyClick(dialog, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: shown(dialog.picture), timeout=10_000)
    assert colour_at_centre(dialog.picture.pixmap()) == "blue"
    assert dialog.caption.text() == f"Picture 2 of 2: blue_{post_id}_2.png"
    qtbot.keyClick(dialog, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: shown(dialog.picture), timeout=10_000)
    assert colour_at_centre(dialog.picture.pixmap()) == "red"
    # A click on the strip's second picture switches too.
    qtbot.mouseClick(dialog.strip[1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown(dialog.picture), timeout=10_000)
    assert colour_at_centre(dialog.picture.pixmap()) == "blue"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.labeling.picture_dialog is None, timeout=5_000)
    # The post is where it was: Left and Right in the dialog did not move posts.
    assert external_id(window) == SERUM

    # A click on the large picture opens the first; on the strip's thumbnail, that one.
    qtbot.mouseClick(panel.large, Qt.MouseButton.LeftButton)
    dialog = window.labeling.picture_dialog
    assert dialog is not None and dialog.index == 0
    dialog.reject()
    qtbot.waitUntil(lambda: window.labeling.picture_dialog is None, timeout=5_000)
    qtbot.mouseClick(panel.thumbnails[0], Qt.MouseButton.LeftButton)
    dialog = window.labeling.picture_dialog
    assert dialog is not None and dialog.index == 1
    dialog.reject()


def test_the_next_post_shows_at_once_while_a_picture_is_slow(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    go_to(qtbot, window, FIRST)
    release = threading.Event()
    real_decode = viewing.decode

    def slow_decode(data: bytes, *, box: tuple[int, int] | None = None) -> viewing.Pixels:
        release.wait(20)
        return real_decode(data, box=box)

    monkeypatch.setattr(viewing, "decode", slow_decode)
    panel = window.labeling.pictures
    try:
        started = time.perf_counter()
        press(qtbot, window, Qt.Key.Key_Right)  # to the serum post, its decode blocked
        assert external_id(window) == SERUM
        assert "Loving my new serum" in window.labeling.post_panel.text.toPlainText()
        assert panel.large.text() == "Loading the picture…"
        press(qtbot, window, Qt.Key.Key_Right)  # and on, before the picture came
        assert external_id(window) == VOTE
        assert "Vote Rivera" in window.labeling.post_panel.text.toPlainText()
        assert time.perf_counter() - started < 2
    finally:
        release.set()
    # The serum's picture, decoded late, is not shown on the vote post.
    qtbot.wait(300)
    QApplication.processEvents()
    assert panel.post_id == window.labeling.current_post_id
    assert not panel.large.isVisible() and not shown(panel.large)


def test_pictures_arriving_for_the_shown_post_appear(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    go_to(qtbot, window, LUNCH)
    panel = window.labeling.pictures
    assert not panel.isVisible()
    post_id = window.labeling.current_post_id
    assert post_id is not None and window.project is not None
    project = open_project(window.project.location)
    try:
        add_pictures(project, tmp_path / "fetched", {post_id: ["green"]})
        assert [item.status for item in media_of(project, post_id)] == ["stored"]
    finally:
        project.close()
    window.workspace.notify(changes(Change.MEDIA, post_id))  # as the fetcher announces
    assert colour_at_centre(wait_large(qtbot, panel)) == "green"


def test_browse_shows_a_thumbnail_column(qtbot: QtBot, window: MainWindow) -> None:
    window.tabs.setCurrentIndex(BROWSE_TAB)
    browse = window.browse
    view, model = browse.view, browse.model
    assert not view.isColumnHidden(PICTURE_COLUMN)
    assert model.headerData(PICTURE_COLUMN, Qt.Orientation.Horizontal) == "Picture"
    rows = {model.post_id(row): row for row in range(model.rowCount())}
    ids = post_ids_of(window)
    serum = model.index(rows[ids[SERUM]], PICTURE_COLUMN)
    qtbot.waitUntil(
        lambda: isinstance(serum.data(Qt.ItemDataRole.DecorationRole), QPixmap), timeout=10_000
    )
    thumbnail = serum.data(Qt.ItemDataRole.DecorationRole)
    assert colour_at_centre(thumbnail) == "red"
    assert thumbnail.width() <= 32 and thumbnail.height() <= 32
    # A post without a stored picture has an empty cell (asked once, then known).
    vote = model.index(rows[ids[VOTE]], PICTURE_COLUMN)
    vote.data(Qt.ItemDataRole.DecorationRole)
    qtbot.wait(300)
    assert vote.data(Qt.ItemDataRole.DecorationRole) is None
    assert ids[VOTE] in browse.thumbnails._cache


def test_browse_hides_the_column_in_a_project_without_pictures(
    small_window: MainWindow,
) -> None:
    small_window.tabs.setCurrentIndex(BROWSE_TAB)
    assert small_window.browse.view.isColumnHidden(PICTURE_COLUMN)


def post_ids_of(window: MainWindow) -> dict[str, int]:
    assert window.project is not None
    return post_ids(window.project)


def test_the_clusters_tab_shows_copies_sharing_an_image(
    qtbot: QtBot, project: Project, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    found = build_cluster_project(project, tmp_path)
    same = {found[name]: ["green"] for name in ("a1", "a2", "a3", "a4", "a5", "a6")}
    add_pictures(project, tmp_path / "pictures", same)
    location = project.location
    project.close()
    window = make_window(location)
    press(qtbot, window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    panel = window.clusters
    qtbot.waitUntil(lambda: not panel.computing and panel.model.rowCount() == 3, timeout=10_000)
    assert not panel.view.isColumnHidden(SHARED_IMAGE_COLUMN)
    shared = {
        panel.model.summary(row).size: panel.model.index(row, SHARED_IMAGE_COLUMN).data()
        for row in range(3)
    }
    assert shared == {6: "with 5 other posts", 4: "", 3: ""}


def test_pictures_fit_1024_by_700_with_the_codebook_open(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    project = build_sample_project(tmp_path / "sample.annotator")
    first_ids = sorted(post_ids(project).values())[:3]
    add_pictures(
        project,
        tmp_path / "pictures",
        {first_ids[0]: ["red", "blue", "green"], first_ids[1]: ["red"]},
    )
    location = project.location
    project.close()
    window = make_window(location)
    window.resize(SMALL)
    dock = window.first_run.codebook_dock
    if not dock.isVisible():
        window.first_run.toggle_dock(dock)
    window.labeling.open_post(first_ids[0])
    wait_large(qtbot, window.labeling.pictures)
    settle(qtbot)
    assert window.size() == SMALL
    # The text keeps most of the post's width; the pictures take the rest.
    post_panel, pictures = window.labeling.post_panel, window.labeling.pictures
    assert post_panel.text.width() >= 0.55 * post_panel.width()
    assert (
        pictures.large.pixmap().width() / pictures.large.pixmap().devicePixelRatio()
        <= pictures.width()
    )
    show_tab(qtbot, window, BROWSE_TAB)
    assert not window.browse.view.isColumnHidden(PICTURE_COLUMN)
    assert window.size() == SMALL
    assert elided_headers(window) == []
