"""Editing which key applies which label (the codebook's shortcuts)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QKeySequenceEdit,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook


class LabelKeysDialog(QDialog):
    """One key field per label; ``shortcuts()`` gives label key -> key text."""

    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Label keys")
        self.edits: dict[str, QKeySequenceEdit] = {}
        form = QFormLayout()
        for label in codebook.labels:
            edit = QKeySequenceEdit(QKeySequence(label.shortcut))
            edit.setMaximumSequenceLength(1)
            edit.setClearButtonEnabled(True)
            edit.setObjectName(f"keys_{label.key}")
            form.addRow(label.display_name, edit)
            self.edits[label.key] = edit
        note = QLabel("Click a field and press the new key. Two labels cannot share a key.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def shortcuts(self) -> dict[str, str]:
        return {
            key: edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
            for key, edit in self.edits.items()
        }
