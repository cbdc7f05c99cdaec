"""The cluster dialog: the posts that share a text, checked one by one before one batch
labels the ticked ones.

Every member shows its author, time, the labels people gave it and the disclosure markers
in its text; a member whose markers contradict the chosen label (a "Paid for by" variant
in a cluster about to be labeled "Sponsored, undisclosed") is named in a warning before
anything is saved. Post text is plain text throughout: markers are highlighted with
character formats, never by building HTML from the text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.domain.markers import Marker
from annotator.domain.text_offsets import index_to_utf16
from annotator.services.clusters.clustering import ClusterRecord
from annotator.services.labeling.batch_labeling import BatchMember, batch_members
from annotator.services.project.projects import Project
from annotator.ui.look import MARKER_COLOUR

COLUMNS = ["Label", "Author", "Time", "Markers", "Labels", "Text"]
CHECK_COLUMN, MARKER_COLUMN, TEXT_COLUMN = 0, 3, 5
#: Widest a column other than the text gets, so the text stays in view.
MAX_COLUMN_WIDTH = 220
WARNING_COLOUR = QColor("#fde2e1")


def member_name(member: BatchMember) -> str:
    """How a warning names a member: its author and id ("@cam, post o7")."""
    author = f"{member.post.author}, " if member.post.author else ""
    return f"{author}post {member.post.external_id}"


class ClusterDialog(QDialog):
    """Lists a cluster's posts; accepting means: label ``targets`` with ``label_key()``,
    ``notes`` and ``sponsor``. Keys 1-9 choose the label (outside the text fields)."""

    def __init__(
        self,
        *,
        project: Project,
        annotator: str,
        codebook: Codebook,
        cluster: ClusterRecord,
        member_ids: list[int],
        label_key: str | None,
        notes: str,
        sponsor: str,
        markers: list[Marker] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Cluster {cluster.id}: {cluster.size} posts")
        self.resize(900, 600)
        self.codebook = codebook
        self.members = batch_members(
            project, annotator=annotator, post_ids=member_ids, markers=markers or []
        )

        self.table = QTableWidget(len(self.members), len(COLUMNS))
        self.table.setObjectName("clusterMembers")
        self.table.setAccessibleName("Posts of the cluster; untick a post to leave it out")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        for row, member in enumerate(self.members):
            self._fill_row(row, member)
        self.table.resizeColumnsToContents()
        for column in range(TEXT_COLUMN):
            if self.table.columnWidth(column) > MAX_COLUMN_WIDTH:
                self.table.setColumnWidth(column, MAX_COLUMN_WIDTH)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._update)
        self.table.currentCellChanged.connect(self._preview_row)

        self.preview = QPlainTextEdit()
        self.preview.setObjectName("memberText")
        self.preview.setAccessibleName("Text of the selected post, markers highlighted")
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(110)

        self.label_combo = QComboBox()
        self.label_combo.setAccessibleName("Label")
        for label in codebook.labels:
            shortcut = f"{label.shortcut}  " if label.shortcut else ""
            self.label_combo.addItem(f"{shortcut}{label.display_name}", label.key)
        index = self.label_combo.findData(label_key) if label_key else -1
        self.label_combo.setCurrentIndex(index)
        self.label_combo.currentIndexChanged.connect(self._update)
        self.notes_edit = QLineEdit(notes)
        self.notes_edit.setObjectName("batchNote")
        self.notes_edit.setAccessibleName("Note")
        self.sponsor_edit = QLineEdit(sponsor)
        self.sponsor_edit.setObjectName("batchSponsor")
        self.sponsor_edit.setAccessibleName("Sponsor")
        form = QFormLayout()
        keys = [label.shortcut for label in codebook.labels if label.shortcut]
        form.addRow(f"&Label ({', '.join(keys)})" if keys else "&Label", self.label_combo)
        form.addRow("&Note", self.notes_edit)
        form.addRow("&Sponsor", self.sponsor_edit)
        for row, widget in enumerate((self.label_combo, self.notes_edit, self.sponsor_edit)):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            buddy = item.widget() if item is not None else None
            if isinstance(buddy, QLabel):
                buddy.setBuddy(widget)

        self.warning = QLabel()
        self.warning.setObjectName("markerWarning")
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"background: {WARNING_COLOUR.name()}; padding: 4px;")
        self.warning.hide()
        hint = QLabel(
            "Ticked posts you have not labeled get the label, note and sponsor. Evidence "
            "spans are not copied: they belong to one post's text."
        )
        hint.setWordWrap(True)

        self.label_button = QPushButton()
        self.label_button.setDefault(True)
        self.label_button.clicked.connect(self._confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.label_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel((cluster.representative.splitlines() or [""])[0]))
        layout.addWidget(self.table, stretch=1)
        layout.addWidget(self.preview)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._label_keys()
        self.table.setFocus()
        if self.members:
            self.table.setCurrentCell(0, CHECK_COLUMN)
        self._update()

    # ----- members ----------------------------------------------------------------------

    def _fill_row(self, row: int, member: BatchMember) -> None:
        post, codebook = member.post, self.codebook
        labels = "; ".join(
            f"{name}: {label.display_name if (label := codebook.get(key)) else key}"
            for name, key in member.labels
        )
        lines = post.text.splitlines()
        found = ", ".join(dict.fromkeys(m.text for m in member.markers))
        cells = ["", post.author or "", post.created_at or "", found, labels or "—"]
        items = [QTableWidgetItem(text) for text in cells]
        text = QTableWidgetItem(lines[0] if lines else "")
        text.setToolTip(post.text)
        items.append(text)
        check = items[CHECK_COLUMN]
        if member.mine is None:
            check.setFlags(check.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            check.setCheckState(Qt.CheckState.Checked)
        else:
            check.setFlags(check.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            check.setText("yours")
            check.setToolTip("You labeled this post already; the batch leaves it as it is")
        if member.markers:
            items[MARKER_COLUMN].setBackground(QBrush(MARKER_COLOUR))
        for column, item in enumerate(items):
            self.table.setItem(row, column, item)

    def is_ticked(self, row: int) -> bool:
        item = self.table.item(row, CHECK_COLUMN)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def set_ticked(self, row: int, ticked: bool) -> None:
        item = self.table.item(row, CHECK_COLUMN)
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    @property
    def targets(self) -> list[int]:
        """The ticked posts this annotator has not labeled: the ones the batch labels."""
        return [
            member.post.id
            for row, member in enumerate(self.members)
            if member.mine is None and self.is_ticked(row)
        ]

    @property
    def notes(self) -> str:
        return self.notes_edit.text().strip()

    @property
    def sponsor(self) -> str:
        return self.sponsor_edit.text().strip()

    def contradicting(self) -> list[BatchMember]:
        """Ticked members whose markers go against the chosen label."""
        key = self.label_key()
        return [
            member
            for row, member in enumerate(self.members)
            if member.mine is None
            and self.is_ticked(row)
            and member.contradicts(self.codebook, key)
        ]

    def _preview_row(self, row: int, *_args: int) -> None:
        """The selected member's whole text, markers highlighted by format (never HTML)."""
        if not 0 <= row < len(self.members):
            self.preview.clear()
            return
        member = self.members[row]
        text = member.post.text
        shown = text.replace("\r\n", "\n")
        self.preview.setPlainText(shown)
        fmt = QTextCharFormat()
        fmt.setBackground(MARKER_COLOUR)
        fmt.setFontWeight(700)
        for match in member.markers:
            cursor = QTextCursor(self.preview.document())
            start = match.start - text.count("\r\n", 0, match.start)
            end = match.end - text.count("\r\n", 0, match.end)
            cursor.setPosition(index_to_utf16(shown, start))
            cursor.setPosition(index_to_utf16(shown, end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)

    # ----- the label --------------------------------------------------------------------

    def _label_keys(self) -> None:
        """Keys 1-9 choose a label, as on the Label tab (the text fields keep their digits)."""
        for index, label in enumerate(self.codebook.labels):
            if not label.shortcut:
                continue
            shortcut = QShortcut(QKeySequence(label.shortcut), self)
            shortcut.setAutoRepeat(False)
            shortcut.activated.connect(lambda index=index: self.label_combo.setCurrentIndex(index))

    def label_key(self) -> str | None:
        data = self.label_combo.currentData()
        return str(data) if data is not None else None

    def _update(self, *_args: object) -> None:
        count = len(self.targets)
        self.label_button.setText(f"Label {count} post{'' if count == 1 else 's'}")
        self.label_button.setEnabled(bool(count) and self.label_key() is not None)
        self._show_warning()

    def _show_warning(self) -> None:
        against = self.contradicting()
        label = self.codebook.get(self.label_key() or "")
        marked = {member.post.id for member in against}
        blocked = self.table.blockSignals(True)
        for row, member in enumerate(self.members):
            colour = WARNING_COLOUR if member.post.id in marked else QColor(0, 0, 0, 0)
            for column in (CHECK_COLUMN, 1, 2, 4, TEXT_COLUMN):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(QBrush(colour))
        self.table.blockSignals(blocked)
        if not against or label is None:
            self.warning.hide()
            return
        named = "; ".join(
            f"{member_name(m)} says “{', '.join(dict.fromkeys(x.text for x in m.markers))}”"
            for m in against
        )
        many = len(against) > 1
        self.warning.setText(
            f"{'These posts have' if many else 'This post has'} a disclosure marker, which "
            f"contradicts “{label.display_name}”: {named}. Untick "
            f"{'them' if many else 'it'} or choose another label."
        )
        self.warning.show()

    def _confirm(self) -> None:
        """Label, after asking once more when ticked members contradict the label."""
        against = self.contradicting()
        if against:
            count = len(against)
            answer = QMessageBox.question(
                self,
                "Markers contradict the label",
                f"{self.warning.text()}\n\nLabel all {len(self.targets)} ticked posts anyway, "
                f"including the {count} with {'a marker' if count == 1 else 'markers'}?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.accept()
