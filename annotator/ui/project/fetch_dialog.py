"""Project > Fetch pictures from the web…: the project's switch, what fetching tells the
platforms, and how many pictures wait, failed or are stored."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.web_pictures import FETCH_PRIVACY, FETCH_SWITCH
from annotator.services.media.fetching import MediaCounts


def counts_sentence(counts: MediaCounts) -> str:
    total = counts.remote + counts.failed + counts.stored + counts.other
    if not total:
        return "No post of this project has a picture (import finds picture columns)."
    return (
        f"Pictures of posts: {counts.remote:,} on the web, not fetched yet; "
        f"{counts.failed:,} whose fetch failed; {counts.stored:,} stored in the project"
        + (f"; {counts.other:,} missing or refused at import." if counts.other else ".")
    )


class FetchDialog(QDialog):
    """The switch saves as it is ticked (``switched``); Fetch now asks for a fetch
    (``fetch_requested`` with "also retry the failed ones") and closes."""

    switched = Signal(bool)
    fetch_requested = Signal(bool)

    def __init__(
        self,
        *,
        on: bool,
        counts: MediaCounts,
        read_only: bool = False,
        running: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(FETCH_SWITCH)
        self.counts = counts
        self.running = running
        self.switch = QCheckBox(f"{FETCH_SWITCH} for this project")
        self.switch.setObjectName("fetchSwitch")
        self.switch.setChecked(on)
        self.switch.setEnabled(not read_only)
        self.privacy = QLabel(FETCH_PRIVACY)
        self.privacy.setObjectName("fetchPrivacy")
        self.privacy.setWordWrap(True)
        self.counts_label = QLabel(counts_sentence(counts))
        self.counts_label.setObjectName("fetchCounts")
        self.counts_label.setWordWrap(True)
        self.retry = QCheckBox(f"Also try again the {counts.failed:,} that failed")
        self.retry.setObjectName("fetchRetry")
        self.retry.setVisible(counts.failed > 0)
        self.note = QLabel(
            "The project is open read-only: the switch cannot be changed."
            if read_only
            else "Pictures are fetched in the background, a few per second per site; the "
            "status bar shows progress and Cancel keeps what was fetched."
        )
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.fetch_button = QPushButton("&Fetch now")
        self.fetch_button.setObjectName("fetchNow")
        buttons.addButton(self.fetch_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.fetch_button.clicked.connect(self._fetch)
        self.switch.toggled.connect(self._switched)
        self.retry.toggled.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.switch)
        layout.addWidget(self.privacy)
        layout.addSpacing(8)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.retry)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self._update()

    def _switched(self, on: bool) -> None:
        self.switched.emit(on)
        self._update()

    def _update(self) -> None:
        waiting = self.counts.remote + (self.counts.failed if self.retry.isChecked() else 0)
        self.fetch_button.setEnabled(self.switch.isChecked() and waiting > 0 and not self.running)
        self.fetch_button.setToolTip(
            "Fetching is under way (the status bar shows it)"
            if self.running
            else "Nothing to fetch"
            if not waiting
            else "Turn the switch on first"
            if not self.switch.isChecked()
            else f"Fetch {waiting:,} pictures now"
        )

    def _fetch(self) -> None:
        self.fetch_requested.emit(self.retry.isChecked())
        self.accept()
