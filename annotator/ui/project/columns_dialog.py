"""Project > Extra columns shown: the datasets' real extra columns as checkboxes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)


class ColumnsDialog(QDialog):
    """Tick the columns to show with each post; ``chosen()`` lists them in dataset order.

    A column chosen earlier that no dataset has any more stays listed (ticked) so the lead
    sees it and can untick it, instead of it being dropped silently.
    """

    def __init__(
        self, available: list[str], shown: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Extra columns shown")
        self.list = QListWidget()
        self.list.setObjectName("extraColumns")
        self.list.setAccessibleName("Extra columns; Space ticks or unticks")
        gone = [name for name in shown if name not in available]
        for name in [*available, *gone]:
            text = name if name in available else f"{name} (in no dataset)"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = name in shown
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.list.hide()
        intro = QLabel(
            "Columns of the imported files to show with each post:"
            if available
            else "The datasets have no extra columns: only text, author, time, platform "
            "and link were imported."
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, stretch=1)
        layout.addWidget(buttons)
        self.list.setFocus()

    def chosen(self) -> list[str]:
        items = (self.list.item(row) for row in range(self.list.count()))
        return [
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in items
            if item is not None and item.checkState() == Qt.CheckState.Checked
        ]
