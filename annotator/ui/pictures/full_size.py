"""A post's picture full size: the stored display copy (up to 1,600 px) fitted to the
screen, a strip of the post's other pictures, Left/Right to switch, Esc to close."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from annotator.domain.media import MediaItem
from annotator.services.media.viewing import Pixels, picture
from annotator.services.project.projects import Project
from annotator.ui.pictures.loading import LatestLoader, to_pixmap
from annotator.ui.pictures.picture_panel import LOADING, THUMBNAIL_BOX, PictureLabel, _scaled
from annotator.ui.tasks import TaskRunner

#: The share of the screen the dialog may fill.
SCREEN_SHARE = 0.9
#: Room around the picture for the caption, the strip and the hint (logical pixels).
CHROME = QSize(48, 180)


class FullSizeDialog(QDialog):
    """Shows ``items[index]`` (stored pictures of one post) and switches between them."""

    def __init__(
        self,
        *,
        project: Project,
        items: Sequence[MediaItem],
        index: int,
        tasks: TaskRunner,
        post_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("fullSizePicture")
        self.project = project
        self.items = list(items)
        self.index = max(0, min(index, len(self.items) - 1))
        self.post_name = post_name
        self.loader: LatestLoader[Pixels | None] = LatestLoader(self, tasks)
        self.thumbnail_loader: LatestLoader[list[Pixels | None]] = LatestLoader(self, tasks)
        screen = (parent.screen() if parent is not None else None) or (
            QGuiApplication.primaryScreen()
        )
        self.available = screen.availableGeometry().size() * SCREEN_SHARE
        self.box = self.available - CHROME
        self.caption = QLabel()
        self.caption.setObjectName("pictureCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.picture = QLabel(LOADING)
        self.picture.setObjectName("fullPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.strip: list[PictureLabel] = []
        strip = QHBoxLayout()
        if len(self.items) > 1:
            for number in range(len(self.items)):
                label = PictureLabel("fullSizeThumbnail")
                label.setFixedSize(THUMBNAIL_BOX)
                label.setFrameShape(QLabel.Shape.StyledPanel)
                label.setText(str(number + 1))
                label.setToolTip("Show this picture (Left and Right switch)")
                label.clicked.connect(lambda number=number: self.show_picture(number))
                strip.addWidget(label)
                self.strip.append(label)
        strip.addStretch(1)
        hint = QLabel("Left and Right switch pictures; Esc closes.")
        hint.setObjectName("fullSizeHint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(scroll, stretch=1)
        layout.addLayout(strip)
        layout.addWidget(hint)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(self.available.boundedTo(QSize(640, 520)))
        self._load_thumbnails()
        self.show_picture(self.index)

    def show_picture(self, index: int) -> None:
        """Show stored picture ``index`` (its pixels from a worker)."""
        if not self.items:
            return
        self.index = index % len(self.items)
        item = self.items[self.index]
        self.setWindowTitle(f"Picture {self.index + 1} of {len(self.items)} — {self.post_name}")
        still = " (a still of the video)" if item.kind == "video" else ""
        self.caption.setText(f"Picture {self.index + 1} of {len(self.items)}{still}: {item.source}")
        for number, label in enumerate(self.strip):
            current = number == self.index
            label.setFrameShape(QLabel.Shape.Box if current else QLabel.Shape.StyledPanel)
            label.setLineWidth(2 if current else 1)
        self.picture.setPixmap(QPixmap())
        self.picture.setText(LOADING)
        project, sha = self.project, str(item.image_sha256)
        box = _scaled(self.box, self.devicePixelRatioF())
        self.loader.load(lambda: picture(project, sha, box=box), self._loaded, self._failed)

    def _loaded(self, pixels: Pixels | None) -> None:
        if pixels is None:
            self.picture.setText("This picture is no longer in the project.")
            return
        pixmap = to_pixmap(pixels)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.picture.setText("")
        self.picture.setPixmap(pixmap)
        # Grown to show the picture whole (never shrunk: switching must not jump).
        viewport = self.scroll_area.viewport().size()
        chrome = self.size() - viewport + QSize(4, 4)
        wanted = QSize(pixmap.width(), pixmap.height()) / self.devicePixelRatioF() + chrome
        self.resize(self.size().expandedTo(wanted).boundedTo(self.available))

    def _failed(self, error: BaseException) -> None:
        self.picture.setText(f"The stored picture could not be shown ({error}).")

    def _load_thumbnails(self) -> None:
        if not self.strip:
            return
        project = self.project
        hashes = [str(item.image_sha256) for item in self.items]
        box = _scaled(THUMBNAIL_BOX, self.devicePixelRatioF())

        def job() -> list[Pixels | None]:
            return [picture(project, sha, thumbnail=True, box=box) for sha in hashes]

        self.thumbnail_loader.load(job, self._thumbnails_loaded)

    def _thumbnails_loaded(self, thumbnails: list[Pixels | None]) -> None:
        for label, pixels in zip(self.strip, thumbnails, strict=False):
            if pixels is not None:
                pixmap = to_pixmap(pixels)
                pixmap.setDevicePixelRatio(self.devicePixelRatioF())
                label.setText("")
                label.setPixmap(pixmap)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1}.get(Qt.Key(event.key()))
        if step is not None and len(self.items) > 1:
            self.show_picture(self.index + step)
            return
        super().keyPressEvent(event)  # Esc closes
