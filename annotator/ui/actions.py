"""One registry of actions: id, menu text, default shortcut and slot, built in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class ActionSpec:
    """What an action is; shortcuts are data so they can be overridden later."""

    id: str
    text: str
    shortcut: QKeySequence.StandardKey | str | None
    slot: Callable[[], object]
    tip: str = ""
    auto_repeat: bool = True


def build_action(parent: QWidget, spec: ActionSpec) -> QAction:
    action = QAction(spec.text, parent)
    action.setObjectName(spec.id)
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    action.setAutoRepeat(spec.auto_repeat)
    if spec.tip:
        action.setStatusTip(spec.tip)
        action.setToolTip(spec.tip)
    action.triggered.connect(lambda _checked=False: spec.slot())
    parent.addAction(action)
    return action


def build_actions(parent: QWidget, specs: list[ActionSpec]) -> dict[str, QAction]:
    return {spec.id: build_action(parent, spec) for spec in specs}
