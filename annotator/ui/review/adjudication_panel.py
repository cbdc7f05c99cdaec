"""Adjudication: one disagreement with every annotator's label, notes, sponsor and evidence
side by side; a label key decides the gold label, with a note, and history is kept."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.domain.errors import UserError
from annotator.domain.queue_modes import QueueMode
from annotator.domain.records import AnnotationRecord, EvidenceSpan
from annotator.domain.text_offsets import index_to_utf16
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.project.project_settings import blind_mode
from annotator.services.project.projects import Project
from annotator.services.review.adjudication import (
    SetGoldCommand,
    annotations_of,
    gold_history,
    gold_of,
)
from annotator.ui.actions import ActionSpec, build_actions
from annotator.ui.errors import report_error
from annotator.ui.flow_layout import FlowLayout
from annotator.ui.look import EVIDENCE_COLOUR, plain_label
from annotator.ui.workspace import Workspace

#: Typed in the note field, Delete stays text editing (the field takes the key first).
REMOVE_SHORTCUT = "Delete"


class GoldNotesEdit(QPlainTextEdit):
    """The note on a gold decision; label keys typed here are text, and Escape hands the
    keys back to adjudication."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class AnnotatorCard(QFrame):
    """One annotator's annotation of the post: label, sponsor, notes and evidence quotes."""

    def __init__(self, annotation: AnnotationRecord, codebook: Codebook) -> None:
        super().__init__()
        self.setObjectName("annotatorCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        label = codebook.get(annotation.label_key)
        self.name = plain_label("cardName", annotation.annotator)
        self.label = plain_label("cardLabel", label.display_name if label else annotation.label_key)
        self.sponsor = plain_label("cardField", f"Sponsor: {annotation.sponsor or '—'}")
        self.notes = plain_label("cardField", f"Notes: {annotation.notes or '—'}")
        quotes = "\n".join(f"“{span.quote}”" for span in annotation.evidence)
        self.evidence = plain_label("cardField", f"Evidence: {quotes or '—'}")
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        for widget in (self.name, self.label, self.sponsor, self.notes, self.evidence):
            widget.setWordWrap(True)
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(widget)
        layout.addStretch(1)

    def text(self) -> str:
        """Everything the card shows, for tests and screen readers."""
        return "\n".join(
            w.text() for w in (self.name, self.label, self.sponsor, self.notes, self.evidence)
        )


class AdjudicationPanel(QWidget):
    """A post and its annotations; the label keys (1..9 as in the codebook) set gold with the
    note and ask for the next disagreement. Keys work anywhere in ``keys_scope`` except the
    note field, and never auto-repeat."""

    #: (post id, label key or None when gold was removed), after the database has it.
    decided = Signal(int, object)

    def __init__(self, keys_scope: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: Gold decisions go through the workspace's one undo history (set by the Review tab).
        self.workspace: Workspace | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Drawn with a frame when it has the keys (style.qss), so the focus shows.
        self.setObjectName("adjudicationPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAccessibleName("Adjudication: label keys set gold")
        self._keys_scope = keys_scope or self
        self.project: Project | None = None
        self.codebook = Codebook()
        self.lead_name: str | None = None
        self.post_id: int | None = None
        self._external_id = ""
        #: The gold note as last loaded for the shown post (what is typed may differ).
        self._loaded_note = ""
        self._queue: LabelingQueue | None = None
        self.key_actions: dict[str, QAction] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.cards: list[AnnotatorCard] = []

        self.meta = plain_label("adjudicationMeta")
        self.meta.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("adjudicationText")
        self.text.setReadOnly(True)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text.setAccessibleName("Post text")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._cards_box = QHBoxLayout()
        self._cards_box.setContentsMargins(0, 0, 0, 0)
        cards = QWidget()
        cards.setLayout(self._cards_box)
        scroll = QScrollArea()
        scroll.setObjectName("adjudicationCards")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(cards)
        self.gold = plain_label("goldCurrent")
        self.gold.setWordWrap(True)
        self.history = plain_label("goldHistory")
        self.history.setWordWrap(True)
        self.notes = GoldNotesEdit()
        self.notes.setObjectName("goldNotes")
        self.notes.setPlaceholderText("Why this gold label (N to write; Esc returns to the keys)")
        self.notes.setTabChangesFocus(True)
        self.notes.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.notes.setAccessibleName("Note on the gold decision")
        self.notes.setFixedHeight(self.notes.fontMetrics().height() * 3 + 16)
        self.notes.escaped.connect(self.take_keys)
        #: The label buttons wrap onto two lines when the panel is narrow.
        self._buttons_box = FlowLayout()
        self.remove = QPushButton("Remove gold")
        self.remove.setObjectName("removeGold")
        self.remove.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.remove.setAccessibleName("Remove gold")
        self.remove.setToolTip(f"Withdraw the gold label ({REMOVE_SHORTCUT}); history keeps it")
        self.remove.clicked.connect(lambda: self.decide(None))
        self.status = plain_label("adjudicationStatus")
        self.status.setWordWrap(True)
        self.empty = plain_label("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        remove_action = QAction("Remove gold", self)
        remove_action.setShortcut(REMOVE_SHORTCUT)
        remove_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        remove_action.setAutoRepeat(False)
        remove_action.triggered.connect(lambda: self.decide(None))
        self._keys_scope.addAction(remove_action)
        remove_action.setProperty("where", "Review: Disagreements")
        self.remove_action = remove_action

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.meta)
        body.addWidget(self.text, stretch=2)
        body.addWidget(scroll, stretch=2)
        body.addWidget(self.gold)
        body.addWidget(self.history)
        body.addWidget(plain_label("goldNotesTitle", "Note on the gold decision"))
        body.addWidget(self.notes)
        buttons_row = QHBoxLayout()
        buttons_row.addLayout(self._buttons_box, stretch=1)
        buttons_row.addWidget(self.remove, alignment=Qt.AlignmentFlag.AlignTop)
        body.addLayout(buttons_row)
        self.hint = plain_label("keyHints")
        self.hint.setWordWrap(True)
        body.addWidget(self.hint)
        body.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, stretch=1)
        layout.addWidget(self.empty, stretch=1)
        self.show_post(None)

    # ----- context ----------------------------------------------------------------------------

    def set_context(
        self, project: Project | None, codebook: Codebook, lead_name: str | None
    ) -> None:
        changed = project is not self.project or lead_name != self.lead_name
        self.project, self.lead_name = project, lead_name
        if changed:
            self._queue = None
            self.status.clear()
        if codebook != self.codebook or (codebook.labels and not self.key_actions):
            self._build_keys(codebook)
        if project is None:
            self.show_post(None)

    def _build_keys(self, codebook: Codebook) -> None:
        self.codebook = codebook
        for action in self.key_actions.values():
            self._keys_scope.removeAction(action)
            action.deleteLater()
        while self._buttons_box.count():
            item = self._buttons_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.buttons.clear()
        specs = [
            ActionSpec(
                f"gold.{label.key}",
                f"Gold: {label.display_name}",
                label.shortcut or None,
                partial(self.decide, label.key),
                auto_repeat=False,
            )
            for label in codebook.labels
        ]
        self.key_actions = build_actions(self, specs)
        for action in self.key_actions.values():
            action.setProperty("where", "Review: Disagreements")
            # Only while the keys are here: elsewhere the same digits label posts.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.removeAction(action)
            self._keys_scope.addAction(action)
        keys = "/".join(label.shortcut for label in codebook.labels if label.shortcut)
        self.hint.setText(
            f"{keys or 'A label button'}: make it gold, go to the next without gold  ·  "
            f"N writes the note, Esc returns to the keys  ·  {REMOVE_SHORTCUT}: remove gold"
        )
        for label in codebook.labels:
            hint = f"{label.shortcut}   " if label.shortcut else ""
            button = QPushButton(f"{hint}{label.display_name}")
            button.setObjectName(f"gold_{label.key}")
            button.setProperty("labelButton", True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(f"Gold: {label.display_name}")
            button.clicked.connect(lambda _checked=False, key=label.key: self.decide(key))
            self._buttons_box.addWidget(button)
            self.buttons[label.key] = button

    # ----- showing ----------------------------------------------------------------------------

    def show_post(self, post_id: int | None) -> None:
        """Show a post with every annotation, its gold label and the history of gold."""
        self.post_id = post_id
        project = self.project
        post = None
        if project is not None and post_id is not None:
            if self._queue is None:
                self._queue = LabelingQueue(
                    project, self.lead_name or "", QueueMode("disagreements")
                )
            self._queue.go_to_post(post_id)
            post = self._queue.current_post()
        if project is None or post is None:
            self.post_id = None
            self.body.hide()
            self.empty.setText(
                "Select a disagreement on the left: Enter or a double-click opens it here."
                if project is not None
                else "Open a project to adjudicate."
            )
            self.empty.show()
            self._enable(False)
            return
        self.empty.hide()
        self.body.show()
        parts = [f"Post {post.external_id}", f"dataset {post.dataset}"]
        if post.author and not blind_mode(project):
            parts.append(f"by {post.author}")
        if post.created_at:
            parts.append(f"at {post.created_at}")
        self.meta.setText("  ·  ".join(parts))
        self._external_id = post.external_id
        self.text.setPlainText(post.text)
        annotations = annotations_of(project, post.id)
        self._show_cards(annotations)
        self._highlight(post.text, [s for a in annotations for s in a.evidence])
        self._show_gold(post.id)
        self._enable(bool(self.lead_name))
        if not self.lead_name:
            self.status.setText("Choose your name (File > Switch annotator) to decide gold labels.")

    def _show_cards(self, annotations: list[AnnotationRecord]) -> None:
        for card in self.cards:
            self._cards_box.removeWidget(card)
            card.setParent(None)
            card.deleteLater()
        self.cards = [AnnotatorCard(a, self.codebook) for a in annotations]
        for card in self.cards:
            self._cards_box.addWidget(card, stretch=1)

    def _highlight(self, text: str, spans: list[EvidenceSpan]) -> None:
        selections = []
        for span in spans:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(index_to_utf16(text, span.start))
            cursor.setPosition(index_to_utf16(text, span.end), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(EVIDENCE_COLOUR)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.text.setExtraSelections(selections)

    def _show_gold(self, post_id: int) -> None:
        assert self.project is not None
        decision = gold_of(self.project, post_id)
        if decision is None:
            self.gold.setText("Gold: none yet")
        else:
            self.gold.setText(
                f"Gold: {self._name(decision.label_key)} — by {decision.decided_by} "
                f"({decision.method})" + (f"\nNote: {decision.notes}" if decision.notes else "")
            )
        self.gold.setProperty("decided", decision is not None)
        self.gold.style().unpolish(self.gold)
        self.gold.style().polish(self.gold)
        history = gold_history(self.project, post_id)
        self.history.setText(
            "History:\n"
            + "\n".join(
                f"  {self._name(label) if label else 'removed'} — by {who} ({method})"
                for label, who, method in history
            )
            if history
            else ""
        )
        self.history.setVisible(bool(history))
        self._loaded_note = decision.notes if decision else ""
        self.notes.setPlainText(self._loaded_note)
        for key, button in self.buttons.items():
            button.setProperty("current", decision is not None and decision.label_key == key)
            button.style().unpolish(button)
            button.style().polish(button)
        self.remove.setEnabled(decision is not None)

    def typed_note(self) -> tuple[int, str, int] | None:
        """The note typed on the shown post and not given with a decision yet: its post,
        text and cursor position (None when nothing was typed)."""
        text = self.notes.toPlainText()
        if self.post_id is None or text == self._loaded_note:
            return None
        return self.post_id, text, self.notes.textCursor().position()

    def keep_typed_note(self, typed: tuple[int, str, int] | None) -> None:
        """Put back a note typed before the list was computed again (others' labels
        arrived), if the same post is still shown."""
        if typed is None or typed[0] != self.post_id or self.notes.toPlainText() == typed[1]:
            return
        self.notes.setPlainText(typed[1])
        cursor = self.notes.textCursor()
        cursor.setPosition(min(typed[2], len(typed[1])))
        self.notes.setTextCursor(cursor)

    def _enable(self, enabled: bool) -> None:
        for widget in (*self.buttons.values(), self.notes):
            widget.setEnabled(enabled)
        for action in self.key_actions.values():
            action.setEnabled(enabled)
        self.remove_action.setEnabled(enabled)
        if not enabled:
            self.remove.setEnabled(False)

    def _name(self, key: str) -> str:
        label = self.codebook.get(key)
        return label.display_name if label is not None else key

    # ----- deciding ---------------------------------------------------------------------------

    def take_keys(self) -> None:
        """Leave the note field: the label keys adjudicate again."""
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_note(self) -> None:
        """The note on the gold decision, typing on from its end."""
        if self.notes.isEnabled():
            self.notes.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.notes.moveCursor(QTextCursor.MoveOperation.End)

    def decide(self, key: str | None) -> None:
        """Store ``key`` as the gold label of the shown post (None withdraws it)."""
        project, post_id, lead = self.project, self.post_id, self.lead_name
        if project is None or post_id is None or not lead:
            return
        if key is None and gold_of(project, post_id) is None:
            return
        workspace = self.workspace
        if workspace is None:
            return
        if key is not None and self.codebook.get(key) is None:
            report_error(self, UserError(f"the label {key!r} is not in the codebook"))
            return
        what = f"gold ‘{self._name(key)}’" if key is not None else "removal of gold"
        command = SetGoldCommand(
            project,
            post_id=post_id,
            label_key=key,
            decided_by=lead,
            notes=self.notes.toPlainText().strip() if key is not None else "",
            description=f"{what} on post {self._external_id}",
        )

        def decided() -> None:
            shown = self._name(key) if key is not None else "removed"
            self.status.setText(f"Gold of post {self._external_id}: {shown}")
            self._show_gold(post_id)
            self.decided.emit(post_id, key)

        workspace.perform(command, source=self, then=decided)
