"""More from this author: their other posts and the labels those carry."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotator.domain.codebook import Codebook
from annotator.domain.records import AuthorPost

POST_ID_ROLE = Qt.ItemDataRole.UserRole
#: Lines an entry takes: two or three of text, one or two of labels, and its padding.
ENTRY_LINES = 4
#: The most the author list insists on (two entries at the default font size).
AUTHOR_LIST_MIN_PX = 140
#: How much of each post an entry shows (all of it in the tool tip).
TEXT_CHARS = 90
#: Entries read with the post, and read for each scroll to the end of the list after:
#: laying out 50 word-wrapped entries took 1.2 ms of every label key.
PAGE_ENTRIES = 12


class AuthorPanel(QWidget):
    """A list of the author's other posts; activating one opens it."""

    post_activated = Signal(int)
    #: The list was scrolled to its end and the author has more posts: (author, the
    #: oldest post id listed). Answered with ``add_posts``.
    more_wanted = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("authorTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.posts = QListWidget()
        self.posts.setObjectName("authorPosts")
        self.posts.setWordWrap(True)
        # Entries apart (alternating shade, a line under each; see style.qss), and room for
        # two of them however tall the label panel above wants to be; capped in pixels so
        # that with the system font at 150 % the window still fits 700 px (it scrolls).
        self.posts.setAlternatingRowColors(True)
        self.posts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.posts.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.posts.setSpacing(1)
        entry = self.posts.fontMetrics().lineSpacing() * ENTRY_LINES + 14  # + padding, rule
        two_entries = entry * 2 + 8
        self.posts.setMinimumHeight(min(two_entries, AUTHOR_LIST_MIN_PX))
        self.posts.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.posts.itemActivated.connect(self._activated)
        scroll_bar = self.posts.verticalScrollBar()
        scroll_bar.valueChanged.connect(self._scrolled)
        # A list too short to scroll (a tall window) asks for more as soon as it shows.
        scroll_bar.rangeChanged.connect(lambda _low, _high: self._scrolled(scroll_bar.value()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.posts, stretch=1)
        #: What the list shows, so showing the same again (after someone else's change
        #: elsewhere) keeps its scroll position and selection.
        self._shown: tuple[object, ...] | None = None
        self._author: str | None = None
        self._codebook: Codebook | None = None
        #: Other posts the author has, of which the list shows ``self.posts.count()``.
        self._others = 0

    def sizeHint(self) -> QSize:
        """Room for about five entries when the window is tall enough."""
        lines = self.posts.fontMetrics().lineSpacing() * ENTRY_LINES * 5
        return QSize(super().sizeHint().width(), lines + self.title.sizeHint().height())

    def show_author(
        self, author: str | None, posts: list[AuthorPost], total: int, codebook: Codebook
    ) -> None:
        shown = (author, posts, total, codebook)
        if shown == self._shown:
            return
        self._shown = shown
        self.posts.clear()
        self._author, self._codebook = author, codebook
        if not author:
            self._others = 0
            self.title.setText("More from this author: no author recorded")
            return
        others = self._others = max(total - 1, 0)
        self.title.setText(f"More from {author}: {others:,} other post{'s' * (others != 1)}")
        self.add_posts(posts)

    def add_posts(self, posts: list[AuthorPost]) -> None:
        """Append entries (the first page, or the next one read as the list scrolled)."""
        codebook = self._codebook
        assert codebook is not None
        for post in posts:
            names = []
            for annotator, key in sorted(post.labels.items()):
                label = codebook.get(key)
                names.append(f"{annotator}: {label.display_name if label else key}")
            words = " ".join(post.text.split())
            # About two lines of text, so a few entries show at once.
            first_line = words if len(words) <= TEXT_CHARS else words[: TEXT_CHARS - 1] + "…"
            text = first_line + ("\n" + " · ".join(names) if names else "\nnot labeled yet")
            item = QListWidgetItem(text)
            item.setData(POST_ID_ROLE, post.post_id)
            item.setToolTip(post.text)
            self.posts.addItem(item)

    def _scrolled(self, value: int) -> None:
        count = self.posts.count()
        if (
            self._author
            and count
            and count < self._others
            and value >= self.posts.verticalScrollBar().maximum()
        ):
            oldest = self.posts.item(count - 1).data(POST_ID_ROLE)
            self.more_wanted.emit(self._author, int(oldest))

    def _activated(self, item: QListWidgetItem) -> None:
        self.post_activated.emit(int(item.data(POST_ID_ROLE)))
