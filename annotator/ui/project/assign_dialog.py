"""The assign dialog: which annotators get the new posts, how many each post goes to.

The dialog only describes the assignment and returns it as an ``AssignRequest``; the
main window hands it to ``assign_posts``, which deals the posts that have no annotator yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

SEED_MAX = 2**31 - 1


@dataclass(frozen=True)
class AssignRequest:
    """What the lead chose; the arguments of ``assign_posts``."""

    annotators: list[str]
    per_post: int = 1
    overlap: float | None = None
    dataset: str | None = None
    seed: int = 0


def split_names(text: str) -> list[str]:
    """Comma-separated names, trimmed, without blanks or repeats."""
    return list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))


class AssignDialog(QDialog):
    """The team to check, the number of annotators per post, the overlap share, the
    dataset and the seed; Assign is off until the choice makes sense."""

    def __init__(
        self, annotators: list[str], datasets: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign posts")

        self.team = QListWidget()
        self.team.setObjectName("team")
        self.team.setMinimumHeight(96)
        self.team.setMaximumHeight(140)
        for name in annotators:
            self._add_item(name, checked=False)
        self.team.itemChanged.connect(self._update)
        self.new_names = QLineEdit()
        self.new_names.setObjectName("newNames")
        self.new_names.setPlaceholderText("New annotators, separated by commas")
        self.new_names.textChanged.connect(self._update)
        self.new_names.installEventFilter(self)
        self.add_button = QPushButton("&Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_new_names)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_names, stretch=1)
        add_row.addWidget(self.add_button)

        self.per_post = QSpinBox()
        self.per_post.setObjectName("perPost")
        self.per_post.setMinimum(1)
        self.per_post.setMaximumWidth(80)
        self.per_post.valueChanged.connect(self._update)
        self.overlap_box = QCheckBox("Only a share of posts gets several annotators")
        self.overlap_box.setObjectName("overlapBox")
        self.overlap_box.toggled.connect(self._update)
        self.overlap = QSpinBox()
        self.overlap.setObjectName("overlap")
        self.overlap.setRange(0, 100)
        self.overlap.setValue(20)
        self.overlap.setSuffix("%")
        self.overlap.setToolTip("The share of new posts that go to several annotators")
        self.overlap.valueChanged.connect(self._update)
        overlap_row = QHBoxLayout()
        overlap_row.addWidget(self.overlap_box)
        overlap_row.addWidget(self.overlap)
        overlap_row.addStretch(1)

        self.dataset = QComboBox()
        self.dataset.setObjectName("dataset")
        self.dataset.addItem("All datasets", None)
        for name in datasets:
            self.dataset.addItem(name, name)
        self.seed = QSpinBox()
        self.seed.setObjectName("seed")
        self.seed.setRange(0, SEED_MAX)
        self.seed.setMaximumWidth(130)
        self.seed.setToolTip("The same seed deals the same posts to the same annotators")

        self.preview = QLabel()
        self.preview.setObjectName("preview")
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setWordWrap(True)
        note = QLabel(
            "Only posts without annotators are dealt, so assigning again after an import "
            "hands out just the new posts. Each post goes to whoever has the fewest so far."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        note.setEnabled(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.assign_button = buttons.addButton("Assign", QDialogButtonBox.ButtonRole.AcceptRole)
        # Enter assigns, never cancels, even while Assign is still off.
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Annotators:", self.team)
        form.addRow("", add_row)
        form.addRow("Annotators per post:", self.per_post)
        form.addRow("", overlap_row)
        form.addRow("Posts from:", self.dataset)
        form.addRow("Seed:", self.seed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())
        self._update()

    # ----- the team ------------------------------------------------------------------------

    def _add_item(self, name: str, *, checked: bool) -> None:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.team.addItem(item)

    def _items(self) -> list[QListWidgetItem]:
        return [self.team.item(row) for row in range(self.team.count())]

    def add_new_names(self) -> None:
        """Move the typed names into the list, checked (a listed name just gets checked)."""
        self.team.blockSignals(True)
        listed = {item.text(): item for item in self._items()}
        for name in split_names(self.new_names.text()):
            if name in listed:
                listed[name].setCheckState(Qt.CheckState.Checked)
            else:
                self._add_item(name, checked=True)
        self.team.blockSignals(False)
        self.new_names.clear()
        self._update()

    def set_checked(self, names: list[str]) -> None:
        """Check exactly these listed annotators."""
        for item in self._items():
            wanted = item.text() in names
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def chosen_annotators(self) -> list[str]:
        """The checked annotators, then the names typed but not yet added."""
        checked = [i.text() for i in self._items() if i.checkState() == Qt.CheckState.Checked]
        return list(dict.fromkeys([*checked, *split_names(self.new_names.text())]))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the names field adds them to the list rather than assigning at once.
        if (
            watched is self.new_names
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and split_names(self.new_names.text())
        ):
            self.add_new_names()
            return True
        return super().eventFilter(watched, event)

    # ----- the result ----------------------------------------------------------------------

    def request(self) -> AssignRequest:
        per_post = self.per_post.value()
        overlap = None
        if per_post > 1 and self.overlap_box.isChecked():
            overlap = self.overlap.value() / 100
        return AssignRequest(
            annotators=self.chosen_annotators(),
            per_post=per_post,
            overlap=overlap,
            dataset=self.dataset.currentData(),
            seed=self.seed.value(),
        )

    def problem(self) -> str:
        """Why Assign is off, as a sentence ("" when it is on)."""
        team, per_post = len(self.chosen_annotators()), self.per_post.value()
        if team == 0:
            return "Check or add at least one annotator."
        if per_post > team:
            return (
                f"Choose at least {per_post} annotators to give each post to {per_post}, "
                f"or lower the number per post ({team} chosen)."
            )
        return ""

    def describe(self) -> str:
        """The assignment in one sentence, as the preview line shows it."""
        chosen = self.request()
        team, per_post = len(chosen.annotators), chosen.per_post
        if chosen.overlap is not None:
            share = round(chosen.overlap * 100)
            if share >= 100:
                return f"Each new post goes to {per_post} of {team} annotators."
            return f"{share}% of new posts go to {per_post} of {team} annotators, the rest to one."
        if team == 1:
            return f"Every new post goes to {chosen.annotators[0]}."
        if per_post == 1:
            return f"Each new post goes to one of {team} annotators."
        return f"Each new post goes to {per_post} of {team} annotators."

    def _update(self, *_args: object) -> None:
        offered = len(
            dict.fromkeys([*(i.text() for i in self._items()), *split_names(self.new_names.text())])
        )
        # Room to ask for more than are checked, so unchecking never silently lowers it.
        self.per_post.setMaximum(max(1, offered))
        several = self.per_post.value() > 1
        self.overlap_box.setEnabled(several)
        self.overlap.setEnabled(several and self.overlap_box.isChecked())
        self.add_button.setEnabled(bool(split_names(self.new_names.text())))
        problem = self.problem()
        self.assign_button.setEnabled(not problem)
        self.assign_button.setDefault(not problem)
        self.preview.setText(problem or self.describe())
