"""One error path: user mistakes get a sentence, bugs get a dialog with details and a log."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator.domain.errors import UserError, machine_error

log = logging.getLogger("annotator")


def show_user_error(
    parent: QWidget | None, error: UserError, title: str = "Cannot do that"
) -> None:
    """A mistake the user can fix: the sentence, no traceback."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, str(error), parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def show_bug(parent: QWidget | None, error: BaseException) -> None:
    """An unexpected failure: logged with its traceback, shown with details to copy."""
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log.error("unexpected error\n%s", details)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "Something went wrong",
        f"annotator hit an unexpected error: {error}\n\nYour saved labels are safe. "
        "Please report this with the details below.",
        parent=parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDetailedText(details)
    box.exec()


def report_error(parent: QWidget | None, error: BaseException) -> None:
    found = None if isinstance(error, UserError) else machine_error(error)
    if isinstance(error, UserError):
        show_user_error(parent, error)
    elif found is not None:
        show_user_error(parent, found)
    else:
        show_bug(parent, error)


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    error.__traceback__ = tb
    report_error(QApplication.activeWindow(), error)


def _qt_message_handler(kind: QtMsgType, _context: object, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(kind, logging.WARNING)
    log.log(level, "Qt: %s", message)


def install_error_handlers() -> None:
    """Route uncaught exceptions and Qt's own messages to the log and the error dialog."""
    sys.excepthook = _excepthook
    qInstallMessageHandler(_qt_message_handler)
