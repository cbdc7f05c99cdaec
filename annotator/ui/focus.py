"""Handing the keyboard back to labeling from a text field."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def return_keys_to_window(field: QWidget) -> None:
    """Leave ``field`` so that single-key shortcuts (labels, arrows) work again."""
    field.clearFocus()
    window = field.window()
    if window is not None:
        window.setFocus()
