"""Shows one post: its text as plain text (never HTML) and its metadata."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from annotator.domain.records import PostRecord


class PostPanel(QWidget):
    """Post text in a read-only plain-text view, metadata above it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meta = QLabel()
        self.meta.setObjectName("postMeta")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setObjectName("postText")
        self.text.setReadOnly(True)
        # The window's arrow and number keys must reach the labeling actions.
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty = QLabel()
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.meta)
        layout.addWidget(self.text, stretch=1)
        layout.addWidget(self.empty, stretch=1)
        self.show_message("Open or create a project from the File menu.")

    def show_post(self, post: PostRecord, *, position: int, total: int) -> None:
        parts = [f"Post {position} of {total}", f"dataset {post.dataset}", f"id {post.external_id}"]
        for label, value in (
            ("by", post.author),
            ("on", post.platform),
            ("at", post.created_at),
        ):
            if value:
                parts.append(f"{label} {value}")
        lines = ["  ·  ".join(parts)]
        if post.url:
            lines.append(post.url)
        self.meta.setText("\n".join(lines))
        self.text.setPlainText(post.text)
        self.empty.hide()
        self.meta.show()
        self.text.show()

    def show_message(self, message: str) -> None:
        self.meta.hide()
        self.text.hide()
        self.text.clear()
        self.empty.setText(message)
        self.empty.show()
