"""The keys overlay (F1 or ?): every action with its shortcut and the tabs it works on,
read from the actions themselves (the menus, and the keys that live on one page such as
adjudication), so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: The "where" of an action with no such property: it works on every tab.
EVERYWHERE = "Everywhere"


def _keys(action: QAction) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def _where(action: QAction) -> str:
    where = action.property("where")
    return where if isinstance(where, str) and where else EVERYWHERE


def shortcut_rows(
    menu_bar: QMenuBar, page_actions: Iterable[QAction] = ()
) -> list[tuple[str, str, str, str]]:
    """(menu, action, keys, where) for every menu action, as the menus show them, then
    the ``page_actions`` that are in no menu (their menu column is empty)."""
    rows = []
    for menu_action in menu_bar.actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):  # typed QObject: QMenu is not in QtGui
            continue
        menu_name = menu_action.text().replace("&", "")
        for action in menu.actions():
            if action.isSeparator() or not action.text():
                continue
            rows.append((menu_name, action.text().replace("&", ""), _keys(action), _where(action)))
    for action in page_actions:
        rows.append(("", action.text().replace("&", ""), _keys(action), _where(action)))
    return rows


def rows_for_tab(
    rows: list[tuple[str, str, str, str]], tab: str
) -> list[tuple[str, str, str, str]]:
    """The rows of ``tab`` itself first, then those working on every tab, then the
    rest, each group in menu order."""
    own = [row for row in rows if row[3] != EVERYWHERE and tab and tab in row[3]]
    everywhere = [row for row in rows if row[3] == EVERYWHERE]
    return own + everywhere + [row for row in rows if row not in own and row not in everywhere]


class HelpOverlay(QDialog):
    """A table of the keys, those of the tab shown (``current``) first; Escape, F1 or ?
    closes it."""

    def __init__(
        self,
        menu_bar: QMenuBar,
        page_actions: Iterable[QAction] = (),
        *,
        current: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keys")
        rows = rows_for_tab(shortcut_rows(menu_bar, page_actions), current)
        self.table = QTableWidget(len(rows), 4)
        self.table.setObjectName("keysTable")
        self.table.setAccessibleName("Keys")
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Keys", "Where"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if current:
            caption = QLabel(
                f"The keys of the {current} tab first, then those of every tab, then the others."
            )
            caption.setObjectName("keysCaption")
            layout.addWidget(caption)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        close = QAction(self)
        close.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        close.triggered.connect(self.reject)
        self.addAction(close)
        self.resize(720, 640)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
