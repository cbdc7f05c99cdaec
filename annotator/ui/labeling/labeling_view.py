"""The labeling view: one post, its labels, evidence, notes, sponsor and the author's
other posts. Every change is committed before the view moves on.

What the annotator types (notes, sponsor, evidence spans) is a draft in the project,
saved within a second of typing whether or not the post has a label, and shown again
whenever the post is shown. The view listens to the workspace's ``changed`` signal and
reloads what a change concerns; its own changes it has already shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from annotator.domain.changes import Change, Changes
from annotator.domain.codebook import Codebook
from annotator.domain.markers import find_markers
from annotator.domain.queue_modes import ORDERED_MODES
from annotator.domain.records import (
    AnnotationChange,
    AnnotationRecord,
    Draft,
    EvidenceSpan,
    PostRecord,
)
from annotator.services.clusters.clustering import cluster_member_ids
from annotator.services.labeling.annotating import current_annotation, post_state
from annotator.services.labeling.batch_labeling import BatchLabelCommand
from annotator.services.labeling.browsing import more_posts_by, other_posts_by, sponsor_names
from annotator.services.labeling.draft_commands import ChangeDraftCommand, SaveAnnotationCommand
from annotator.services.labeling.drafts import save_draft
from annotator.services.labeling.labeling_queue import LabelingQueue
from annotator.services.labeling.marks import FLAG, SKIP, SetMarkCommand, marks_of
from annotator.services.model.suggestions import model_suggestion
from annotator.services.project.projects import Project
from annotator.ui.clusters.cluster_badge import ClusterBadge
from annotator.ui.clusters.cluster_dialog import ClusterDialog
from annotator.ui.labeling.active_timer import ActiveTimer
from annotator.ui.labeling.author_panel import PAGE_ENTRIES, AuthorPanel
from annotator.ui.labeling.label_panel import LabelPanel
from annotator.ui.labeling.post_panel import SHOWN_LIMIT, PostPanel
from annotator.ui.pictures.full_size import FullSizeDialog
from annotator.ui.pictures.picture_panel import PicturePanel
from annotator.ui.settings import Positions
from annotator.ui.tasks import TaskRunner
from annotator.ui.workspace import Workspace

#: Typing is saved as a draft this long after the last keystroke (well within a second).
DRAFT_SAVE_MS = 400
#: Changes after which the view walks a new queue (what is shown may be another set).
_NEW_QUEUE = Change.PROJECT | Change.ANNOTATOR | Change.QUEUE | Change.SETTINGS | Change.DATASETS
#: Said on the Label tab when a model queue is chosen before any model was trained.
NO_MODEL_MESSAGE = (
    "No model has been trained yet, so this view has no posts: Ctrl+Shift+T (Review > "
    "Train the model now) trains one, or run annotator model PROJECT."
)
#: Views whose posts change with labels or marks: their totals are counted again when
#: others label (the rest only when posts are added, since counting a million posts
#: every few seconds would make typing stutter).
_FOLLOWS_LABELS = frozenset({"label", "flagged", "skipped", "disagreements"})


@dataclass(frozen=True)
class _Shown:
    """The project and annotator the posts on screen belong to (kept so that typed text
    lands in the right place even while the workspace switches to another)."""

    project: Project
    annotator: str


def label_name(codebook: Codebook | None, key: str | None) -> str:
    """A label as the person sees it (its display name), never its stored key."""
    label = codebook.get(key) if codebook is not None and key else None
    return label.display_name if label is not None else (key or "no label")


def post_ref(post: PostRecord | None, post_id: int) -> str:
    """How a post is named in messages: its id as the dataset gave it."""
    return f"post {post.external_id}" if post is not None else f"post #{post_id}"


class LabelingView(QWidget):
    """Composes the post, label and author panels around a LabelingQueue."""

    #: Emitted after anything the status bar shows may have changed.
    changed = Signal()
    #: A sentence for the status bar.
    message = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.tasks = tasks or TaskRunner(self)
        self.positions = Positions()
        self.shown: _Shown | None = None
        self.queue: LabelingQueue | None = None
        self.annotation: AnnotationRecord | None = None
        #: The draft as last saved (or loaded) for the post on screen.
        self._draft: Draft | None = None
        self._loading = False
        self.timer = ActiveTimer(self)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_MS)
        self._draft_timer.timeout.connect(self.save_draft)

        self.post_panel = PostPanel()
        self.label_panel = LabelPanel()
        self.author_panel = AuthorPanel()
        self.label_panel.label_chosen.connect(self.apply_label)
        self.label_panel.notes.textChanged.connect(self._typed)
        self.label_panel.sponsor.textChanged.connect(self._typed)
        self.post_panel.remove_evidence.connect(self.remove_evidence)
        self.author_panel.post_activated.connect(self.open_post)
        self.author_panel.more_wanted.connect(self._more_by_author)
        # Cluster badge (see cluster_badge.py): under the post's header line.
        self.cluster_badge = ClusterBadge()
        self.cluster_badge.clicked.connect(self.open_cluster)
        self.cluster_dialog: ClusterDialog | None = None
        post_layout = self.post_panel.layout()
        if isinstance(post_layout, QVBoxLayout):
            # Under the header and its link, just above the text it speaks of.
            below_link = post_layout.indexOf(self.post_panel.link) + 1
            post_layout.insertWidget(below_link, self.cluster_badge)
        # The post's pictures beside its text (see ui/pictures): loaded by a worker.
        self.pictures = PicturePanel(self.tasks)
        self.pictures.open_requested.connect(self.open_picture)
        self.post_panel.body.addWidget(self.pictures)
        self.pictures.follow_width_of(self.post_panel)
        self.picture_dialog: FullSizeDialog | None = None
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
        workspace.changed.connect(self._on_changed)
        workspace.closing.connect(self.leave_post)
        self._new_queue(start_at=None)
        self.show_current()

    # ----- following the workspace ----------------------------------------------------

    @property
    def current_post_id(self) -> int | None:
        return self.queue.current_id if self.queue is not None else None

    def _on_changed(self, what: Changes) -> None:
        """Reload what the change concerns; a change this view made is already shown."""
        if what.touches(Change.MODEL) and not what.touches(_NEW_QUEUE):
            self._model_changed()
        if (
            what.touches(Change.MEDIA)
            and not what.touches(_NEW_QUEUE)
            and what.touches_post(self.current_post_id)
        ):
            self.pictures.refresh()  # fetched while the post is on screen
        if what.others:
            self._others_changed(what)
            return
        codebook = self.workspace.codebook
        if what.touches(Change.CODEBOOK) and codebook is not None:
            self.label_panel.set_codebook(codebook)
            self.chain_tabs()
        if what.touches(_NEW_QUEUE):
            self.leave_post()
            fresh = what.touches(Change.PROJECT | Change.ANNOTATOR)
            start_at = self._saved_position() if fresh else self.current_post_id
            if what.touches(Change.QUEUE) and self.workspace.mode.kind in ORDERED_MODES:
                start_at = None  # a model queue is chosen for its order: from the top
            self._new_queue(start_at=start_at)
            self.show_current()
            return
        if self.queue is None or what.source is self:
            if what.touches(Change.LABELS | Change.MARKS) and self.queue is not None:
                self.queue.refresh_labeled()
            return
        if what.touches(Change.LABELS | Change.MARKS):
            self.queue.refresh_labeled()
        if what.undo and len(what.post_ids) == 1 and what.touches(Change.POST_DATA & ~Change.GOLD):
            # Undo and redo bring the post they changed back on screen.
            (post_id,) = what.post_ids
            if post_id != self.current_post_id:
                self.leave_post()
                self.queue.go_to_post(post_id)
            self.show_current()
        elif what.touches(Change.CODEBOOK | Change.CLUSTERS) or (
            what.touches(Change.POST_DATA) and what.touches_post(self.current_post_id)
        ):
            self.show_current()
        elif what.touches(Change.POST_DATA):
            self.changed.emit()  # counts in the status bar

    def _model_changed(self) -> None:
        """A training finished (here, in another window or by the CLI). A model queue
        takes the new order: from its top when it was waiting for a model, else from
        the post on screen (nothing typed is lost, the next step follows the new order).
        The suggestion on screen is the new model's."""
        queue = self.queue
        if queue is None:
            return
        if queue.mode.kind in ORDERED_MODES:
            if queue.current_id is None:
                self._new_queue(start_at=None)
                self.show_current()
                return
            queue.refresh_counts()
            self.post_panel.show_position(queue.position, len(queue))
        self._show_suggestion(queue.current_post())

    def _others_changed(self, what: Changes) -> None:
        """Someone else wrote (seen by polling): counts, totals and what the screen shows
        of other people's work follow, but the post stays on screen and nothing typed,
        the focus or the undo history is touched."""
        queue = self.queue
        if queue is None or not what.touches(Change.POST_DATA | Change.DATASETS):
            return
        if queue.current_id is None:
            # An empty view (no posts yet, none in this view): nothing is typed here, so
            # the posts someone else added or labeled can simply be shown.
            self._new_queue(start_at=None)
            if self.queue is not None and self.queue.current_id is not None:
                self.show_current()
            return
        total = len(queue)
        if what.touches(Change.DATASETS) or queue.mode.kind in _FOLLOWS_LABELS:
            queue.refresh_counts()
            if len(queue) != total:
                self.post_panel.show_position(queue.position, len(queue))
        else:  # the view's posts are the same ones: only my count may move (indexed)
            queue.refresh_labeled()
        self._follow_post_elsewhere()
        self.changed.emit()  # counts in the status bar

    def _follow_post_elsewhere(self) -> None:
        """The post on screen as others left it: the author's other posts with their
        labels, and (when the same annotator works in another window) the label and
        marks. Notes and sponsor on screen stay as typed."""
        shown, post_id = self.shown, self.current_post_id
        if shown is None or post_id is None:
            return
        state = post_state(shown.project, post_id=post_id, annotator=shown.annotator)
        self.label_panel.show_marks(flagged=FLAG in state.marks, skipped=SKIP in state.marks)
        mine, before = state.annotation, self.annotation
        if (mine.label_key if mine else None) != (before.label_key if before else None) or (
            (mine.evidence if mine else ()) != (before.evidence if before else ())
        ):
            self.annotation = mine
            if mine is not None or self._draft is None:
                self.post_panel.set_evidence(self._evidence())
            key = mine.label_key if mine else None
            self.label_panel.show_current(key)
            self.workspace.set_current_post(post_id, key, source=self)
        post = self._post()
        if post is not None:
            self._show_author(post.author, post.id)

    def _new_queue(self, *, start_at: int | None) -> None:
        workspace = self.workspace
        self.queue, self.shown = None, None
        if not workspace.ready:
            return
        assert workspace.project is not None and workspace.codebook is not None
        assert workspace.annotator
        self.shown = _Shown(workspace.project, workspace.annotator)
        self.label_panel.set_codebook(workspace.codebook)
        self.chain_tabs()
        self.label_panel.set_known_sponsors(sponsor_names(workspace.project))
        self.queue = LabelingQueue(
            workspace.project, workspace.annotator, workspace.mode, start_at=start_at
        )

    def chain_tabs(self) -> None:
        """Tab walks the view as it reads: post text, Show whole text, label buttons,
        sponsor, notes, evidence list, Remove span (after the codebook made buttons)."""
        text, more, evidence, remove = self.post_panel.focus_chain()
        chain = (text, more, *self.label_panel.focus_chain(), evidence, remove)
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _saved_position(self) -> int | None:
        workspace = self.workspace
        if workspace.project is None or not workspace.annotator:
            return None
        return self.positions.load(workspace.project.location, workspace.annotator)

    # ----- showing --------------------------------------------------------------------------

    def show_current(self) -> None:
        """Render the post on screen with its label, marks, draft and author."""
        shown, queue, workspace = self.shown, self.queue, self.workspace
        post = queue.current_post() if queue is not None else None
        self.annotation, self._draft = None, None
        self._draft_timer.stop()
        if shown is None or queue is None:
            self.post_panel.show_message("Open or create a project from the File menu.")
            self.author_panel.hide()
            self.pictures.clear()
        elif post is None:
            empty = (
                NO_MODEL_MESSAGE
                if queue.needs_model
                else "No posts match this view."
                if workspace.mode.kind != "unlabeled"
                else "This project has no posts yet: File > Import dataset to add some."
            )
            self.post_panel.show_message(empty)
            self.author_panel.hide()
            self.pictures.clear()
        else:
            state = post_state(shown.project, post_id=post.id, annotator=shown.annotator)
            self.annotation, self._draft = state.annotation, state.draft
            self.post_panel.show_post(
                post,
                position=queue.position,
                total=len(queue),
                blind=workspace.blind,
                extra_columns=workspace.extra_columns,
                # Markers are looked for where a person reads first: scanning a 5 MB
                # post with every marker took 15 s on each visit.
                markers=find_markers(post.text[:SHOWN_LIMIT], workspace.markers),
                search=workspace.mode.value if workspace.mode.kind == "search" else "",
            )
            self.label_panel.show_marks(flagged=FLAG in state.marks, skipped=SKIP in state.marks)
            self._show_author(post.author, post.id)
            self.pictures.show_post(shown.project, post.id)
            self.positions.save(shown.project.location, shown.annotator, post.id)
        self._show_suggestion(post)
        # In blind mode the badge's count of accounts would hint at who wrote the post.
        self.cluster_badge.show_for(
            shown.project if shown and not workspace.blind else None,
            post,
        )
        typed = self._draft or self._saved_state()
        self._loading = True
        try:
            self.label_panel.notes.setPlainText(typed.notes)
            self.label_panel.sponsor.setText(typed.sponsor)
        finally:
            self._loading = False
        self.post_panel.set_evidence(self._evidence())
        annotation = self.annotation
        self.label_panel.show_current(annotation.label_key if annotation else None)
        self.label_panel.set_enabled(post is not None)
        self.timer.restart()
        # Every new post starts with the keys on labeling, not in a text field.
        window = self.window()
        if window is not None and window is not self:
            window.setFocus(Qt.FocusReason.OtherFocusReason)
        self.workspace.set_current_post(
            post.id if post else None, annotation.label_key if annotation else None, source=self
        )
        self.changed.emit()

    def _show_suggestion(self, post: PostRecord | None) -> None:
        """The model's label for the post, only when the lead turned it on for the
        project: plain text beside the buttons, never applied nor preselected."""
        shown = self.shown
        if shown is None or post is None or not self.workspace.show_model_suggestion:
            self.label_panel.show_suggestion("")
            return
        found = model_suggestion(shown.project, post.id)
        if found is None:
            self.label_panel.show_suggestion("")
            return
        name = label_name(self.workspace.codebook, found.label)
        self.label_panel.show_suggestion(f"Model suggests: {name} ({found.confidence:.0%})")

    def _show_author(self, author: str | None, post_id: int) -> None:
        shown = self.shown
        if shown is None or self.workspace.blind or self.workspace.codebook is None:
            self.author_panel.hide()
            return
        posts, total = (
            other_posts_by(shown.project, author, exclude_post_id=post_id, limit=PAGE_ENTRIES)
            if author
            else ([], 0)
        )
        self.author_panel.show_author(author, posts, total, self.workspace.codebook)
        self.author_panel.show()

    def _more_by_author(self, author: str, before_id: int) -> None:
        """The author list was scrolled to its end: its next page."""
        shown = self.shown
        if shown is None:
            return
        self.author_panel.add_posts(
            more_posts_by(
                shown.project,
                author,
                exclude_post_id=self.current_post_id,
                before_id=before_id,
                limit=PAGE_ENTRIES,
            )
        )

    def _saved_state(self) -> Draft:
        """What the post holds without a draft: its annotation, or nothing typed yet."""
        post_id, annotation = self.current_post_id or 0, self.annotation
        annotator = self.shown.annotator if self.shown else ""
        if annotation is None:
            return Draft(post_id=post_id, annotator=annotator)
        return Draft(
            post_id=post_id,
            annotator=annotator,
            notes=annotation.notes,
            sponsor=annotation.sponsor,
            evidence=annotation.evidence,
        )

    def _evidence(self) -> tuple[EvidenceSpan, ...]:
        if self.annotation is not None:
            return self.annotation.evidence
        return self._draft.evidence if self._draft is not None else ()

    def _post(self) -> PostRecord | None:
        return self.queue.current_post() if self.queue is not None else None

    def _describe(self, what: str) -> str:
        """ "<what> on post <id>", as messages and the Edit menu name a change."""
        post_id = self.current_post_id or 0
        return f"{what} on {post_ref(self._post(), post_id)}"

    # ----- drafts -----------------------------------------------------------------------

    def _typed(self) -> None:
        if not self._loading and self.current_post_id is not None:
            self._draft_timer.start()

    def _typed_draft(self) -> Draft | None:
        """What is on screen for the current post, as a draft."""
        shown, post_id = self.shown, self.current_post_id
        if shown is None or post_id is None:
            return None
        return Draft(
            post_id=post_id,
            annotator=shown.annotator,
            notes=self.label_panel.notes.toPlainText(),
            sponsor=self.label_panel.sponsor.text().strip(),
            evidence=self._evidence(),
        )

    def save_draft(self) -> None:
        """Save what is typed on the post (called a moment after typing stops).

        On a labeled post the draft holds notes and sponsor not yet in the annotation;
        when they match the annotation again the draft goes."""
        self._draft_timer.stop()
        shown, typed = self.shown, self._typed_draft()
        if shown is None or typed is None:
            return
        saved = self._saved_state()
        if self.annotation is not None and (typed.notes, typed.sponsor) == (
            saved.notes,
            saved.sponsor,
        ):
            typed = Draft(post_id=typed.post_id, annotator=typed.annotator)
        before = self._draft or Draft(post_id=typed.post_id, annotator=typed.annotator)
        if (typed.notes, typed.sponsor, typed.evidence) == (
            before.notes,
            before.sponsor,
            before.evidence,
        ):
            return

        def save() -> None:
            save_draft(shown.project, typed)
            self._draft = None if typed.is_empty else typed
            self.workspace.notify(Changes(Change.DRAFTS, frozenset({typed.post_id}), source=self))

        self.workspace.when_free(save)

    def leave_post(self) -> None:
        """Before the post leaves the screen: typed text lands. On a labeled post, notes
        or sponsor typed since go into the annotation (one undoable step)."""
        self.save_draft()
        shown, annotation, post_id = self.shown, self.annotation, self.current_post_id
        if shown is None or annotation is None or post_id is None:
            return
        notes = self.label_panel.notes.toPlainText()
        sponsor = self.label_panel.sponsor.text().strip()
        if (notes, sponsor) == (annotation.notes, annotation.sponsor):
            return
        change = replace(annotation.as_change(), notes=notes, sponsor=sponsor)
        what = "notes" if notes != annotation.notes else "sponsor"
        self.workspace.perform(
            SaveAnnotationCommand(shown.project, change, self._describe(what)), source=self
        )
        self._remember_sponsor(sponsor)
        self.annotation = replace(annotation, notes=notes, sponsor=sponsor)
        self._draft = None

    # ----- labeling -------------------------------------------------------------------------

    def _change(self, label_key: str, evidence: tuple[EvidenceSpan, ...]) -> AnnotationChange:
        shown, post_id = self.shown, self.current_post_id
        assert shown is not None and post_id is not None
        spent = self.annotation.seconds_spent if self.annotation else 0.0
        return AnnotationChange(
            post_id=post_id,
            annotator=shown.annotator,
            label_key=label_key,
            notes=self.label_panel.notes.toPlainText(),
            sponsor=self.label_panel.sponsor.text().strip(),
            evidence=evidence,
            seconds_spent=round(spent + self.timer.seconds(), 3),
        )

    def apply_label(self, key: str) -> None:
        """Save ``key`` with notes, sponsor and evidence, then move to the next post."""
        shown, queue = self.shown, self.queue
        if shown is None or queue is None or self.current_post_id is None:
            return
        self._draft_timer.stop()
        change = self._change(key, self._evidence())
        description = self._describe(f"label ‘{label_name(self.workspace.codebook, key)}’")

        def advance() -> None:
            self._draft = None
            self.annotation = None  # saved: leaving the post has nothing left to save
            self._remember_sponsor(change.sponsor)
            if not queue.advance():
                self.message.emit(
                    "Every post is labeled. Well done."
                    if queue.mode.kind == "unlabeled"
                    else "That was the last post in this view."
                )
            self.show_current()

        self.workspace.perform(
            SaveAnnotationCommand(shown.project, change, description), source=self, then=advance
        )

    def _remember_sponsor(self, sponsor: str) -> None:
        if sponsor and self.shown is not None:
            self.label_panel.set_known_sponsors(sponsor_names(self.shown.project))

    # ----- evidence -------------------------------------------------------------------------

    def add_evidence_from_selection(self) -> None:
        span = self.post_panel.selected_span()
        if span is None or self.current_post_id is None or self.shown is None:
            self.message.emit("Select words in the post first, then press E.")
            return
        evidence = self._evidence()
        if span in evidence:
            return
        self._set_evidence((*evidence, span), f"evidence ‘{span.quote}’")
        self.post_panel.clear_selection()

    def remove_evidence(self, index: int) -> None:
        evidence = list(self._evidence())
        if 0 <= index < len(evidence):
            removed = evidence.pop(index)
            self._set_evidence(tuple(evidence), f"removal of evidence ‘{removed.quote}’")

    def _set_evidence(self, evidence: tuple[EvidenceSpan, ...], what: str) -> None:
        shown = self.shown
        typed = self._typed_draft()
        assert shown is not None and typed is not None
        ordered = tuple(sorted(evidence, key=lambda s: (s.start, s.end)))
        description = self._describe(what)
        if self.annotation is not None:
            change = self._change(self.annotation.label_key, ordered)
            self.workspace.perform(
                SaveAnnotationCommand(shown.project, change, description), source=self
            )
            self.annotation = current_annotation(
                shown.project, post_id=change.post_id, annotator=shown.annotator
            )
            self._draft = None
        else:
            self._draft_timer.stop()
            after = replace(typed, evidence=ordered)
            self.workspace.perform(
                ChangeDraftCommand(shown.project, after, description), source=self
            )
            self._draft = after
        self.post_panel.set_evidence(ordered)

    # ----- marks and moves ------------------------------------------------------------------

    def skip(self) -> None:
        """Leave this post for later: it drops out of "next unlabeled" until un-skipped."""
        shown, post_id, queue = self.shown, self.current_post_id, self.queue
        if shown is None or post_id is None or queue is None:
            return
        self.leave_post()

        def advance() -> None:
            self.message.emit("Skipped; find it again under Show: Skipped by me.")
            queue.advance()
            self.show_current()

        command = SetMarkCommand(
            shown.project,
            post_id=post_id,
            annotator=shown.annotator,
            kind=SKIP,
            on=True,
            description=self._describe("skip"),
        )
        self.workspace.perform(command, source=self, then=advance)

    def toggle_flag(self) -> None:
        shown, post_id = self.shown, self.current_post_id
        if shown is None or post_id is None:
            return
        flagged = FLAG in marks_of(shown.project, post_id=post_id, annotator=shown.annotator)
        command = SetMarkCommand(
            shown.project,
            post_id=post_id,
            annotator=shown.annotator,
            kind=FLAG,
            on=not flagged,
            note=self.label_panel.notes.toPlainText(),
            description=self._describe("removal of the flag" if flagged else "flag"),
        )

        def show_marks() -> None:
            self.message.emit("Flag removed." if flagged else "Flagged for the lead.")
            marks = marks_of(shown.project, post_id=post_id, annotator=shown.annotator)
            self.label_panel.show_marks(flagged=FLAG in marks, skipped=SKIP in marks)

        self.workspace.perform(command, source=self, then=show_marks)

    def go(self, how: str) -> None:
        """ "next", "previous" or "unlabeled"; typed text lands first."""
        if self.queue is None:
            return
        self.leave_post()
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
        self.leave_post()
        self.queue.go_to_post(post_id)
        self.show_current()

    # ----- pictures ---------------------------------------------------------------------------

    def open_picture(self, index: int = 0) -> None:
        """The post's stored picture ``index`` full size (a click on it, or Ctrl+Shift+I)."""
        shown, stored = self.shown, self.pictures.stored
        if shown is None or self.current_post_id is None:
            return
        if not stored:
            items = self.pictures.items
            self.message.emit(items[0].sentence() if items else "This post has no picture to show.")
            return
        dialog = FullSizeDialog(
            project=shown.project,
            items=stored,
            index=index,
            tasks=self.tasks,
            post_name=post_ref(self._post(), self.current_post_id),
            parent=self,
        )
        dialog.finished.connect(lambda _result: setattr(self, "picture_dialog", None))
        self.picture_dialog = dialog
        dialog.open()

    # ----- cluster batch labeling -----------------------------------------------------------

    def open_cluster(self) -> None:
        """Show the current post's cluster; accepting labels its unlabeled posts."""
        shown, badge, codebook = self.shown, self.cluster_badge, self.workspace.codebook
        if shown is None or badge.cluster is None or codebook is None:
            return
        self.leave_post()
        dialog = ClusterDialog(
            project=shown.project,
            annotator=shown.annotator,
            codebook=codebook,
            cluster=badge.cluster,
            member_ids=cluster_member_ids(shown.project, badge.cluster.id),
            label_key=self.annotation.label_key if self.annotation else None,
            notes=self.label_panel.notes.toPlainText(),
            sponsor=self.label_panel.sponsor.text().strip(),
            markers=self.workspace.markers,
            parent=self,
        )
        dialog.accepted.connect(lambda: self._label_cluster(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.cluster_dialog = dialog
        dialog.open()

    def _label_cluster(self, dialog: ClusterDialog) -> None:
        shown, key = self.shown, dialog.label_key()
        self.cluster_dialog = None
        if shown is None or key is None or not dialog.targets:
            return
        template = AnnotationChange(
            post_id=dialog.targets[0],
            annotator=shown.annotator,
            label_key=key,
            notes=dialog.notes,
            sponsor=dialog.sponsor,
        )
        count = len(dialog.targets)
        posts = f"{count} post{'' if count == 1 else 's'} of a cluster"
        name = label_name(self.workspace.codebook, key)
        command = BatchLabelCommand(
            shown.project, template, list(dialog.targets), f"label ‘{name}’ on {posts}"
        )
        self.workspace.perform(
            command,
            then=lambda: self.message.emit(
                f"Labeled {count} post{'' if count == 1 else 's'} of the cluster."
            ),
        )
