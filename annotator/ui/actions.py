"""One registry of actions: an id for every action, its menu text, default shortcut and
slot, built in one place; the menus are one table of those ids, never found by title."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget


class ActionId(StrEnum):
    """Every action of the main window. Label actions are ``label.<key>`` (per codebook)."""

    FILE_NEW = "file.new"
    FILE_OPEN = "file.open"
    FILE_IMPORT = "file.import"
    FILE_EXPORT = "file.export"
    FILE_MERGE = "file.merge"
    FILE_RESTORE = "file.restore"
    FILE_ANNOTATOR = "file.annotator"
    FILE_WELCOME = "file.welcome"
    FILE_QUIT = "file.quit"
    EDIT_UNDO = "edit.undo"
    EDIT_REDO = "edit.redo"
    POST_CARET = "post.caret"
    POST_EVIDENCE = "post.evidence"
    POST_NOTES = "post.notes"
    POST_SPONSOR = "post.sponsor"
    POST_SKIP = "post.skip"
    POST_FLAG = "post.flag"
    POST_CLUSTER = "post.cluster"
    POST_PICTURE = "post.picture"
    GO_NEXT = "go.next"
    GO_PREVIOUS = "go.previous"
    GO_NEXT_UNLABELED = "go.next_unlabeled"
    GO_SHOW = "go.show"
    VIEW_SEARCH = "view.search"
    VIEW_LABEL = "view.label"
    VIEW_BROWSE = "view.browse"
    VIEW_REVIEW = "view.review"
    VIEW_CLUSTERS = "view.clusters"
    VIEW_CODEBOOK = "view.codebook"
    VIEW_GUIDELINES = "view.guidelines"
    REVIEW_AGREEMENT = "review.agreement"
    REVIEW_DISAGREEMENTS = "review.disagreements"
    REVIEW_MODEL = "review.model"
    REVIEW_OTHER_PAGE = "review.other_page"
    REVIEW_PREVIOUS_PAGE = "review.previous_page"
    REVIEW_GOLD_NOTE = "review.gold_note"
    REVIEW_PREFILL = "review.prefill"
    REVIEW_REFRESH = "review.refresh"
    REVIEW_TRAIN = "review.train"
    REVIEW_CANCEL_TRAINING = "review.cancel_training"
    PROJECT_BLIND = "project.blind"
    PROJECT_COLUMNS = "project.columns"
    PROJECT_KEYS = "project.keys"
    PROJECT_ASSIGN = "project.assign"
    PROJECT_PEOPLE = "project.people"
    PROJECT_RETRAIN = "project.retrain"
    PROJECT_SUGGESTION = "project.suggestion"
    PROJECT_FETCH_SETTINGS = "project.fetch_settings"
    PROJECT_FETCH_NOW = "project.fetch_now"
    HELP_KEYS = "help.keys"
    HELP_TOUR = "help.tour"
    HELP_ABOUT = "help.about"


#: The menu bar: each menu's title and its actions in order (None: a separator). The
#: Label menu is filled from the codebook (``MainWindow.rebuild_label_actions``).
MENUS: tuple[tuple[str, tuple[ActionId | None, ...]], ...] = (
    (
        "&File",
        (
            ActionId.FILE_NEW,
            ActionId.FILE_OPEN,
            None,
            ActionId.FILE_IMPORT,
            ActionId.FILE_EXPORT,
            ActionId.FILE_MERGE,
            None,
            ActionId.FILE_RESTORE,
            ActionId.FILE_ANNOTATOR,
            None,
            ActionId.FILE_WELCOME,
            ActionId.FILE_QUIT,
        ),
    ),
    ("&Edit", (ActionId.EDIT_UNDO, ActionId.EDIT_REDO)),
    ("&Label", ()),
    (
        "&Post",
        (
            ActionId.POST_CARET,
            ActionId.POST_EVIDENCE,
            ActionId.POST_NOTES,
            ActionId.POST_SPONSOR,
            None,
            ActionId.POST_SKIP,
            ActionId.POST_FLAG,
            None,
            ActionId.POST_CLUSTER,
            ActionId.POST_PICTURE,
        ),
    ),
    (
        "&Go",
        (
            ActionId.GO_NEXT,
            ActionId.GO_PREVIOUS,
            ActionId.GO_NEXT_UNLABELED,
            None,
            ActionId.GO_SHOW,
        ),
    ),
    (
        "&View",
        (
            ActionId.VIEW_SEARCH,
            None,
            ActionId.VIEW_LABEL,
            ActionId.VIEW_BROWSE,
            ActionId.VIEW_REVIEW,
            ActionId.VIEW_CLUSTERS,
            None,
            ActionId.VIEW_CODEBOOK,
            ActionId.VIEW_GUIDELINES,
        ),
    ),
    (
        "Rev&iew",
        (
            ActionId.REVIEW_AGREEMENT,
            ActionId.REVIEW_DISAGREEMENTS,
            ActionId.REVIEW_MODEL,
            ActionId.REVIEW_OTHER_PAGE,
            ActionId.REVIEW_PREVIOUS_PAGE,
            None,
            ActionId.REVIEW_GOLD_NOTE,
            ActionId.REVIEW_PREFILL,
            ActionId.REVIEW_REFRESH,
            None,
            ActionId.REVIEW_TRAIN,
            ActionId.REVIEW_CANCEL_TRAINING,
        ),
    ),
    (
        "P&roject",
        (
            ActionId.PROJECT_BLIND,
            ActionId.PROJECT_SUGGESTION,
            ActionId.PROJECT_COLUMNS,
            ActionId.PROJECT_KEYS,
            None,
            ActionId.PROJECT_ASSIGN,
            ActionId.PROJECT_PEOPLE,
            None,
            ActionId.PROJECT_RETRAIN,
            None,
            ActionId.PROJECT_FETCH_SETTINGS,
            ActionId.PROJECT_FETCH_NOW,
        ),
    ),
    ("&Help", (ActionId.HELP_KEYS, ActionId.HELP_TOUR, None, ActionId.HELP_ABOUT)),
)


@dataclass(frozen=True)
class ActionSpec:
    """What an action is; shortcuts are data so they can be overridden later."""

    id: str
    text: str
    shortcut: QKeySequence.StandardKey | str | None
    slot: Callable[[], object]
    tip: str = ""
    auto_repeat: bool = True
    checkable: bool = False
    #: More keys for the same action (F1 and ?).
    more_shortcuts: tuple[str, ...] = ()


def build_action(parent: QWidget, spec: ActionSpec) -> QAction:
    action = QAction(spec.text, parent)
    action.setObjectName(spec.id)
    keys: list[QKeySequence] = []
    if isinstance(spec.shortcut, QKeySequence.StandardKey):
        # Every binding the platform has (Close is Ctrl+F4 and Ctrl+W on Linux).
        keys = QKeySequence.keyBindings(spec.shortcut)
    elif spec.shortcut is not None:
        keys = [QKeySequence(spec.shortcut)]
    keys += [QKeySequence(key) for key in spec.more_shortcuts]
    if keys:
        action.setShortcuts(keys)
    action.setAutoRepeat(spec.auto_repeat)
    action.setCheckable(spec.checkable)
    if spec.tip:
        action.setStatusTip(spec.tip)
        action.setToolTip(spec.tip)
    action.triggered.connect(lambda _checked=False: spec.slot())
    parent.addAction(action)
    return action


def build_actions(parent: QWidget, specs: Iterable[ActionSpec]) -> dict[str, QAction]:
    return {spec.id: build_action(parent, spec) for spec in specs}


def keys_in_use(parent: QWidget, *, besides: Iterable[str] = ()) -> dict[str, str]:
    """Every key an action of ``parent`` answers to (casefolded) -> that action's name,
    leaving out the actions named in ``besides``. Two actions on one key make Qt run
    neither (an "ambiguous shortcut"), so a label key must be checked against these."""
    skipped = set(besides)
    return {
        key.toString().casefold(): action.text().replace("&", "")
        for action in parent.actions()
        if action.objectName() not in skipped
        for key in action.shortcuts()
        if not key.isEmpty()
    }


def build_menus(
    bar: QMenuBar,
    actions: Mapping[str, QAction],
    table: tuple[tuple[str, tuple[ActionId | None, ...]], ...] = MENUS,
) -> dict[str, QMenu]:
    """The menu bar from ``table``; every id in it must have an action."""
    menus: dict[str, QMenu] = {}
    for title, ids in table:
        menu = bar.addMenu(title)
        for action_id in ids:
            if action_id is None:
                menu.addSeparator()
            else:
                menu.addAction(actions[action_id])
        menus[title] = menu
    return menus
