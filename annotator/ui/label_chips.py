"""Short colour-coded label chips for tables with little room: "NS" in the label's codebook
colour stands for "Not sponsored", with the full name in the tool tip."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from annotator.domain.codebook import Codebook
from annotator.ui.look import LABEL_COLOURS

#: The model role that carries a cell's chip colour (a QColor); cells without it paint as usual.
CHIP_COLOUR_ROLE = Qt.ItemDataRole.UserRole + 41


def label_colour(codebook: Codebook, key: str) -> QColor:
    """The label's colour by its place in the codebook (as in the chart and the codebook)."""
    keys = codebook.keys
    index = keys.index(key) if key in keys else len(LABEL_COLOURS) - 2
    return QColor(LABEL_COLOURS[index % len(LABEL_COLOURS)])


def _initials(name: str) -> str:
    words = [word for word in name.replace(",", " ").replace("_", " ").split() if word]
    if len(words) == 1:
        return words[0][:3].capitalize()
    return "".join(word[0] for word in words)[:3].upper()


def short_names(codebook: Codebook) -> dict[str, str]:
    """Key -> a short name (initials: "SD" for "Sponsored, disclosed"), unique in the
    codebook; clashing initials get the label's place appended ("S1", "S2")."""
    names = {label.key: _initials(label.display_name) for label in codebook.labels}
    clashing = {name for name in names.values() if list(names.values()).count(name) > 1}
    return {
        key: f"{name}{place + 1}" if name in clashing else name
        for place, (key, name) in enumerate(names.items())
    }


def short_name(codebook: Codebook, key: str) -> str:
    return short_names(codebook).get(key, key)


def text_colour(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    return QColor("#1d1d1d") if background.lightnessF() > 0.6 else QColor("white")


def chip_icon(colour: QColor, size: int = 10) -> QIcon:
    """A small square in ``colour``, for headers that name a label."""
    pixmap = QPixmap(size, size)
    pixmap.fill(colour)
    return QIcon(pixmap)


class ChipDelegate(QStyledItemDelegate):
    """Paints a cell that has a chip colour as a rounded chip with its short text."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        colour = index.data(CHIP_COLOUR_ROLE)
        if not isinstance(colour, QColor):
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget is not None else None
        if style is not None:  # the row's background and selection, without its text
            plain = QStyleOptionViewItem(option)
            self.initStyleOption(plain, index)
            plain.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        width = option.fontMetrics.horizontalAdvance(text) + 14
        height = option.fontMetrics.height() + 4
        rect = QRect(0, 0, min(width, option.rect.width() - 4), height)
        rect.moveCenter(option.rect.center())
        rect.moveLeft(option.rect.left() + 4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(colour.darker(120))
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(rect), 4, 4)
        painter.setPen(text_colour(colour))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
