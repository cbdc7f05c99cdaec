"""The labeling view: one post, its labels, evidence, notes, sponsor and the author's
other posts. Every change is committed before the view moves on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from annotator.domain.codebook import Codebook
from annotator.domain.errors import ProjectBusyError
from annotator.domain.markers import Marker, find_markers
from annotator.domain.records import AnnotationChange, AnnotationRecord, EvidenceSpan
from annotator.services.labeling.annotating import (
    SetAnnotationCommand,
    current_annotation,
    save_annotation,
)
from annotator.services.labeling.batch_labeling import BatchLabelCommand
from annotator.services.labeling.browsing import other_posts_by, sponsor_names
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.labeling.marks import FLAG, SKIP, marks_of, set_mark
from annotator.services.project.projects import Project
from annotator.store.navigation import QueueMode
from annotator.ui.clusters.cluster_badge import ClusterBadge
from annotator.ui.clusters.cluster_dialog import ClusterDialog
from annotator.ui.errors import report_error
from annotator.ui.labeling.active_timer import ActiveTimer
from annotator.ui.labeling.author_panel import AuthorPanel
from annotator.ui.labeling.label_panel import LabelPanel
from annotator.ui.labeling.post_panel import PostPanel
from annotator.ui.undo import AnnotationUndoCommand, BatchLabelUndoCommand

#: While another program writes to the project: how often and how long to retry a save.
BUSY_RETRY_MS = 500
BUSY_RETRIES = 120


@dataclass
class _Draft:
    """What the annotator has typed or marked on a post they have not labeled yet."""

    notes: str = ""
    sponsor: str = ""
    evidence: tuple[EvidenceSpan, ...] = field(default_factory=tuple)


@dataclass
class LabelingContext:
    """Everything the view needs to show posts for one annotator in one project."""

    project: Project
    annotator: str
    codebook: Codebook
    mode: QueueMode
    blind: bool
    extra_columns: list[str]
    markers: list[Marker]
    start_at: int | None = None


class LabelingView(QWidget):
    """Composes the post, label and author panels around a LabelingQueue."""

    #: Emitted after anything the status bar shows may have changed.
    changed = Signal()
    #: A sentence for the status bar.
    message = Signal(str)

    def __init__(self, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self.context: LabelingContext | None = None
        self.queue: LabelingQueue | None = None
        self.annotation: AnnotationRecord | None = None
        self._drafts: dict[int, _Draft] = {}
        self._loaded_notes = ""
        self._loaded_sponsor = ""
        self.timer = ActiveTimer(self)

        self.post_panel = PostPanel()
        self.label_panel = LabelPanel()
        self.author_panel = AuthorPanel()
        self.label_panel.label_chosen.connect(self.apply_label)
        self.post_panel.remove_evidence.connect(self.remove_evidence)
        self.author_panel.post_activated.connect(self.open_post)
        # Cluster badge (see cluster_badge.py): under the post's header line.
        self.cluster_badge = ClusterBadge()
        self.cluster_badge.clicked.connect(self.open_cluster)
        self.cluster_dialog: ClusterDialog | None = None
        post_layout = self.post_panel.layout()
        if isinstance(post_layout, QVBoxLayout):
            post_layout.insertWidget(1, self.cluster_badge)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.label_panel)
        side.addWidget(self.author_panel)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.post_panel)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.show_current()

    # ----- context --------------------------------------------------------------------------

    def set_context(self, context: LabelingContext | None) -> None:
        """Show posts for this project, annotator and mode (None: nothing open)."""
        self.save_edits()
        self.context = context
        self._drafts.clear()
        self.cluster_badge.forget()
        self.queue = None
        if context is not None:
            self.label_panel.set_codebook(context.codebook)
            self.label_panel.set_known_sponsors(sponsor_names(context.project))
            self.queue = LabelingQueue(
                context.project, context.annotator, context.mode, start_at=context.start_at
            )
        self.show_current()

    @property
    def current_post_id(self) -> int | None:
        return self.queue.current_id if self.queue is not None else None

    # ----- showing --------------------------------------------------------------------------

    def show_current(self) -> None:
        context, queue = self.context, self.queue
        post = queue.current_post() if queue is not None else None
        self.annotation = None
        if context is None or queue is None:
            self.post_panel.show_message("Open or create a project from the File menu.")
            self.author_panel.hide()
        elif post is None:
            empty = (
                "No posts match this view."
                if context.mode.kind != "unlabeled"
                else "This project has no posts yet: File > Import dataset to add some."
            )
            self.post_panel.show_message(empty)
            self.author_panel.hide()
        else:
            self.annotation = current_annotation(
                context.project, post_id=post.id, annotator=context.annotator
            )
            self.post_panel.show_post(
                post,
                position=queue.position,
                total=len(queue),
                blind=context.blind,
                extra_columns=context.extra_columns,
                markers=find_markers(post.text, context.markers),
            )
            marks = marks_of(context.project, post_id=post.id, annotator=context.annotator)
            self.label_panel.show_marks(flagged=FLAG in marks, skipped=SKIP in marks)
            self._show_author(post.author, post.id)
        # In blind mode the badge's count of accounts would hint at who wrote the post.
        self.cluster_badge.show_for(
            context.project if context and not context.blind else None,
            context.annotator if context else "",
            post,
        )
        draft = self._draft()
        annotation = self.annotation
        notes = annotation.notes if annotation else draft.notes if draft else ""
        sponsor = annotation.sponsor if annotation else draft.sponsor if draft else ""
        self.label_panel.notes.setPlainText(notes)
        self.label_panel.sponsor.setText(sponsor)
        self._loaded_notes, self._loaded_sponsor = notes, sponsor
        self.post_panel.set_evidence(self._evidence())
        self.label_panel.show_current(annotation.label_key if annotation else None)
        self.label_panel.set_enabled(post is not None)
        self.timer.restart()
        # Every new post starts with the keys on labeling, not in a text field.
        window = self.window()
        if window is not None and window is not self:
            window.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def _show_author(self, author: str | None, post_id: int) -> None:
        context = self.context
        if context is None or context.blind:
            self.author_panel.hide()
            return
        posts, total = (
            other_posts_by(context.project, author, exclude_post_id=post_id)
            if (author)
            else ([], 0)
        )
        self.author_panel.show_author(author, posts, total, context.codebook)
        self.author_panel.show()

    def _draft(self) -> _Draft | None:
        post_id = self.current_post_id
        return self._drafts.get(post_id) if post_id is not None else None

    def _evidence(self) -> tuple[EvidenceSpan, ...]:
        if self.annotation is not None:
            return self.annotation.evidence
        draft = self._draft()
        return draft.evidence if draft else ()

    # ----- labeling -------------------------------------------------------------------------

    def _change(self, label_key: str, evidence: tuple[EvidenceSpan, ...]) -> AnnotationChange:
        context, post_id = self.context, self.current_post_id
        assert context is not None and post_id is not None
        spent = self.annotation.seconds_spent if self.annotation else 0.0
        return AnnotationChange(
            post_id=post_id,
            annotator=context.annotator,
            label_key=label_key,
            notes=self.label_panel.notes.toPlainText(),
            sponsor=self.label_panel.sponsor.text().strip(),
            evidence=evidence,
            seconds_spent=round(spent + self.timer.seconds(), 3),
        )

    def _push(self, change: AnnotationChange) -> None:
        """Save the change (committed now), then put it on the undo stack."""
        context = self.context
        assert context is not None
        command = SetAnnotationCommand(context.project, change)
        command.do()
        self.undo_stack.push(AnnotationUndoCommand(command, self._applied))

    def _when_free(self, action: Callable[[], None], attempt: int = 0) -> None:
        """Run a saving action; while another program holds the project's write lock,
        say so and try again every half second (nothing is saved twice: each attempt
        either commits whole or not at all)."""
        try:
            action()
        except ProjectBusyError as error:
            if attempt >= BUSY_RETRIES:
                self.message.emit("")
                report_error(self, error)
                return
            self.message.emit(
                f"The project is busy (another program is writing); retrying… ({attempt + 1})"
            )
            QTimer.singleShot(BUSY_RETRY_MS, lambda: self._when_free(action, attempt + 1))
            return
        if attempt:
            self.message.emit("Saved after the project was busy.")

    def apply_label(self, key: str) -> None:
        """Save ``key`` with notes, sponsor and evidence, then move to the next post."""
        if self.context is None or self.queue is None or self.current_post_id is None:
            return
        self._when_free(lambda: self._label_and_advance(key))

    def _label_and_advance(self, key: str) -> None:
        assert self.queue is not None
        change = self._change(key, self._evidence())
        self._push(change)
        self._drafts.pop(change.post_id, None)
        self._remember_sponsor(change.sponsor)
        if not self.queue.advance():
            self.message.emit(
                "Every post is labeled. Well done."
                if self.queue.mode.kind == "unlabeled"
                else "That was the last post in this view."
            )
        self.show_current()

    def _applied(self, change: AnnotationChange, _labeled: bool) -> None:
        """After do/undo/redo: recount, and show the post that changed."""
        if self.queue is None:
            return
        self.queue.refresh_labeled()
        if self.queue.current_id != change.post_id:
            self.queue.go_to_post(change.post_id)
        self.show_current()

    def _remember_sponsor(self, sponsor: str) -> None:
        if sponsor and self.context is not None:
            self.label_panel.set_known_sponsors(sponsor_names(self.context.project))

    def save_edits(self) -> None:
        """Notes or sponsor changed after labeling are saved when the annotator moves on;
        on an unlabeled post they are kept as a draft for this session."""
        context, post_id = self.context, self.current_post_id
        if context is None or post_id is None:
            return
        notes = self.label_panel.notes.toPlainText()
        sponsor = self.label_panel.sponsor.text().strip()
        if notes == self._loaded_notes and sponsor == self._loaded_sponsor:
            return
        if self.annotation is None:
            draft = self._drafts.setdefault(post_id, _Draft())
            draft.notes, draft.sponsor = notes, sponsor
            return
        save_annotation(
            context.project, replace(self.annotation.as_change(), notes=notes, sponsor=sponsor)
        )
        self._remember_sponsor(sponsor)
        self._loaded_notes, self._loaded_sponsor = notes, sponsor

    # ----- evidence -------------------------------------------------------------------------

    def add_evidence_from_selection(self) -> None:
        span = self.post_panel.selected_span()
        post_id = self.current_post_id
        if span is None or post_id is None or self.context is None:
            self.message.emit("Select words in the post first, then press E.")
            return
        evidence = self._evidence()
        if span in evidence:
            return
        self._set_evidence((*evidence, span))
        self.post_panel.clear_selection()

    def remove_evidence(self, index: int) -> None:
        evidence = list(self._evidence())
        if 0 <= index < len(evidence):
            del evidence[index]
            self._set_evidence(tuple(evidence))

    def _set_evidence(self, evidence: tuple[EvidenceSpan, ...]) -> None:
        post_id = self.current_post_id
        assert post_id is not None
        ordered = tuple(sorted(evidence, key=lambda s: (s.start, s.end)))
        if self.annotation is not None:
            self._push(self._change(self.annotation.label_key, ordered))
            return
        draft = self._drafts.setdefault(post_id, _Draft())
        draft.evidence = ordered
        self.post_panel.set_evidence(ordered)

    # ----- marks and moves ------------------------------------------------------------------

    def skip(self) -> None:
        """Leave this post for later: it drops out of "next unlabeled" until un-skipped."""
        context, post_id = self.context, self.current_post_id
        if context is None or post_id is None or self.queue is None:
            return
        queue = self.queue

        def skip_and_advance() -> None:
            self.save_edits()
            set_mark(context.project, post_id=post_id, annotator=context.annotator, kind=SKIP,
                     on=True)  # fmt: skip
            self.message.emit("Skipped; find it again under View: Skipped by me.")
            queue.advance()
            self.show_current()

        self._when_free(skip_and_advance)

    def toggle_flag(self) -> None:
        context, post_id = self.context, self.current_post_id
        if context is None or post_id is None:
            return
        flagged = FLAG in marks_of(context.project, post_id=post_id, annotator=context.annotator)
        set_mark(
            context.project,
            post_id=post_id,
            annotator=context.annotator,
            kind=FLAG,
            on=not flagged,
            note=self.label_panel.notes.toPlainText(),
        )
        self.message.emit("Flag removed." if flagged else "Flagged for the lead.")
        marks = marks_of(context.project, post_id=post_id, annotator=context.annotator)
        self.label_panel.show_marks(flagged=FLAG in marks, skipped=SKIP in marks)

    def move(self, how: str) -> None:
        """ "next", "previous" or "unlabeled"; saves edits first."""
        if self.queue is None:
            return
        self.save_edits()
        moved = {
            "next": self.queue.go_next,
            "previous": self.queue.go_previous,
            "unlabeled": self.queue.go_to_next_unlabeled,
        }[how]()
        if moved:
            self.show_current()

    def open_post(self, post_id: int) -> None:
        if self.queue is None:
            return
        self.save_edits()
        self.queue.go_to_post(post_id)
        self.show_current()

    # ----- cluster batch labeling -----------------------------------------------------------

    def open_cluster(self) -> None:
        """Show the current post's cluster; accepting labels its unlabeled posts."""
        context, badge = self.context, self.cluster_badge
        if context is None or badge.cluster is None:
            return
        self.save_edits()
        dialog = ClusterDialog(
            project=context.project,
            annotator=context.annotator,
            codebook=context.codebook,
            cluster=badge.cluster,
            member_ids=badge.member_ids,
            label_key=self.annotation.label_key if self.annotation else None,
            notes=self.label_panel.notes.toPlainText(),
            sponsor=self.label_panel.sponsor.text().strip(),
            parent=self,
        )
        dialog.accepted.connect(lambda: self._label_cluster(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.cluster_dialog = dialog
        dialog.open()

    def _label_cluster(self, dialog: ClusterDialog) -> None:
        context, key = self.context, dialog.label_key()
        self.cluster_dialog = None
        if context is None or key is None or not dialog.targets:
            return
        template = AnnotationChange(
            post_id=dialog.targets[0],
            annotator=context.annotator,
            label_key=key,
            notes=dialog.notes,
            sponsor=dialog.sponsor,
        )
        command = BatchLabelCommand(context.project, template, list(dialog.targets))

        def label_all() -> None:
            command.do()
            self.undo_stack.push(BatchLabelUndoCommand(command, self._batch_applied))
            count = len(command.post_ids)
            self.message.emit(f"Labeled {count} post{'' if count == 1 else 's'} of the cluster.")

        self._when_free(label_all)

    def _batch_applied(self) -> None:
        if self.queue is not None:
            self.queue.refresh_labeled()
        self.show_current()
