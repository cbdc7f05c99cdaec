"""The post's pictures beside its text on the Label tab: the first large, the others as a
strip of thumbnails, and a plain sentence for each picture that is not stored.

Which pictures a post has is read at once (a few indexed rows), so their space and
sentences appear with the text; the pixels come from a worker a moment later. A post with
no pictures hides the panel, so it takes no space.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from annotator.domain.media import MediaItem
from annotator.services.media.viewing import PostPictures, media_of, post_pictures
from annotator.services.project.projects import Project
from annotator.ui.flow_layout import FlowLayout
from annotator.ui.pictures.loading import LatestLoader, to_pixmap
from annotator.ui.tasks import TaskRunner

#: The box the first picture is fitted to (logical pixels; doubled on a high-DPI screen).
LARGE_BOX = QSize(300, 340)
#: The share of the post's width the pictures may take, and the narrowest they get: the
#: text keeps most of a 1024-pixel window with the codebook open.
WIDTH_SHARE = 0.38
NARROWEST = 150
#: The box of each thumbnail of the strip.
THUMBNAIL_BOX = QSize(64, 64)
#: Said in the large picture's place while its pixels load.
LOADING = "Loading the picture…"
OPEN_TIP = "Click (or Ctrl+Shift+I) to see it full size"
#: The decode starts once a post has been on screen this long. Posts flashed past (keys
#: held, labels given in a burst) are never decoded: a decode on the 2-core test machine
#: raised the keypress median from 24 to 38 ms by taking the CPU from the GUI thread.
LOAD_DELAY_MS = 80


def _scaled(box: QSize, ratio: float) -> tuple[int, int]:
    return max(1, round(box.width() * ratio)), max(1, round(box.height() * ratio))


class PictureLabel(QLabel):
    """A picture that opens full size when clicked."""

    clicked = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(OPEN_TIP)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
            return
        super().mouseReleaseEvent(event)


class PicturePanel(QWidget):
    """Shows one post's pictures; ``open_requested(index)`` asks for the stored picture
    ``index`` (0: the large one) full size."""

    open_requested = Signal(int)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postPictures")
        self.setAccessibleName("Pictures of the post")
        self.loader: LatestLoader[PostPictures] = LatestLoader(self, tasks)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(LOAD_DELAY_MS)
        self._delay.timeout.connect(self._load)
        self.project: Project | None = None
        self.post_id: int | None = None
        self.items: list[MediaItem] = []
        #: The first picture as decoded (fitted to LARGE_BOX), scaled down when narrower.
        self._large: QPixmap | None = None
        self.large = PictureLabel("largePicture")
        self.large.setMinimumSize(THUMBNAIL_BOX)
        self.large.setMaximumWidth(LARGE_BOX.width())
        self.large.clicked.connect(lambda: self.open_requested.emit(0))
        self.strip_box = QWidget()
        self.strip_box.setObjectName("pictureStrip")
        self.strip = FlowLayout(self.strip_box)
        self.strip.setContentsMargins(0, 0, 0, 0)
        #: The strip's thumbnails for the post shown (``_made``: every one made so far).
        self.thumbnails: list[PictureLabel] = []
        self._made: list[PictureLabel] = []
        self.notes = QLabel()
        self.notes.setObjectName("pictureNotes")
        self.notes.setTextFormat(Qt.TextFormat.PlainText)  # a source path is never markup
        self.notes.setWordWrap(True)
        self.notes.setMaximumWidth(LARGE_BOX.width())
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.large, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.strip_box)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setFixedWidth(LARGE_BOX.width())
        self.hide()

    def follow_width_of(self, widget: QWidget) -> None:
        """Take a share of ``widget``'s width (the post panel), so a narrow window keeps
        the text readable."""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            width = max(NARROWEST, min(LARGE_BOX.width(), int(watched.width() * WIDTH_SHARE)))
            if width != self.width():
                self.setFixedWidth(width)
                self.large.setMaximumWidth(width)
                self.notes.setMaximumWidth(width)
                self._fit()
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        """The first picture at the panel's width (never enlarged)."""
        source = self._large
        if source is None:
            return
        ratio = source.devicePixelRatio()
        if source.width() / ratio <= self.width():
            self.large.setPixmap(source)
            return
        scaled = source.scaledToWidth(
            round(self.width() * ratio), Qt.TransformationMode.SmoothTransformation
        )
        scaled.setDevicePixelRatio(ratio)
        self.large.setPixmap(scaled)

    @property
    def stored(self) -> list[MediaItem]:
        """The post's pictures that can be shown, in order (the large one first)."""
        return [item for item in self.items if item.is_stored]

    def clear(self) -> None:
        """No post on screen: nothing shown, nothing loading."""
        self.loader.cancel()
        self._delay.stop()
        self.project, self.post_id, self.items = None, None, []
        self._large = None
        self._set_strip(0)
        self.hide()

    def show_post(self, project: Project, post_id: int) -> None:
        """Show ``post_id``'s pictures: sentences now, pixels when the worker has them."""
        self.loader.cancel()
        self._delay.stop()
        self.project, self.post_id = project, post_id
        self.items = media_of(project, post_id)
        if not self.items:
            self._set_strip(0)
            self.hide()
            return
        stored = self.stored
        sentences = [item.sentence() for item in self.items if not item.is_stored]
        self.notes.setText("\n".join(sentences))
        self.notes.setVisible(bool(sentences))
        self._large = None
        self.large.setPixmap(QPixmap())
        self.large.setText(LOADING if stored else "")
        self.large.setVisible(bool(stored))
        self.large.setAccessibleName(f"Picture 1 of {len(stored)}" if stored else "")
        self._set_strip(len(stored) - 1 if stored else 0)
        self.show()
        if stored:
            self._delay.start()

    def _load(self) -> None:
        """Decode the shown post's pictures in a worker (the post stayed on screen)."""
        project, post_id, items = self.project, self.post_id, list(self.items)
        if project is None or post_id is None or not items:
            return
        ratio = self.devicePixelRatioF()
        box, thumbnail_box = _scaled(LARGE_BOX, ratio), _scaled(THUMBNAIL_BOX, ratio)
        self.loader.load(
            lambda: post_pictures(project, post_id, items, box=box, thumbnail_box=thumbnail_box),
            self._loaded,
            self._failed,
        )

    def refresh(self) -> None:
        """The post's pictures changed (fetched, merged): read them again."""
        if self.project is not None and self.post_id is not None:
            self.show_post(self.project, self.post_id)

    def _set_strip(self, count: int) -> None:
        """``count`` thumbnail places, empty until their pixels arrive. Places are kept
        and hidden rather than deleted: walking posts makes no widgets."""
        while len(self._made) < count:
            index = len(self._made) + 1
            label = PictureLabel("pictureThumbnail")
            label.setFixedSize(THUMBNAIL_BOX)
            label.setFrameShape(QLabel.Shape.StyledPanel)
            label.clicked.connect(lambda index=index: self.open_requested.emit(index))
            self.strip.addWidget(label)
            self._made.append(label)
        self.thumbnails = self._made[:count]
        for index, label in enumerate(self._made, start=2):
            label.setPixmap(QPixmap())
            label.setText("…")
            label.setAccessibleName(f"Picture {index} of {count + 1}")
            label.setVisible(index - 2 < count)
        self.strip_box.setVisible(count > 0)

    def _loaded(self, pictures: PostPictures) -> None:
        if pictures.post_id != self.post_id:
            return  # a post no longer shown
        ratio = self.devicePixelRatioF()
        if pictures.large is not None:
            pixmap = to_pixmap(pictures.large)
            pixmap.setDevicePixelRatio(ratio)
            self.large.setText("")
            self._large = pixmap
            self._fit()
        else:
            self.large.setText("The stored picture could not be read.")
        stored = self.stored
        for label, item in zip(self.thumbnails, stored[1:], strict=False):
            pixels = pictures.thumbnails.get(item.position)
            if pixels is not None:
                pixmap = to_pixmap(pixels)
                pixmap.setDevicePixelRatio(ratio)
                label.setText("")
                label.setPixmap(pixmap)

    def _failed(self, error: BaseException) -> None:
        """A stored copy that cannot be decoded is said on the post, never in a dialog."""
        self.large.setText(f"The stored picture could not be shown ({error}).")
