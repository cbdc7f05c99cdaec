"""What every tab shares in how it looks: the label colours, the evidence highlight, plain
text labels and the chart style. One place, so the feature folders need not import each
other for a colour."""

from __future__ import annotations

import math

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QFontInfo, QPainter
from PySide6.QtWidgets import QLabel

#: The colour of each label by its place in the codebook (Okabe-Ito, safe for colour blindness).
LABEL_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
    "#000000",
)


#: Evidence spans in a post's text.
EVIDENCE_COLOUR = QColor("#b9e4c9")
#: Colour emoji fonts, tried after the text's own font for characters it lacks: without
#: them in the font's family list, Qt on Linux can draw emoji as boxes even with Noto Color
#: Emoji installed. Naming an absent family costs nothing.
EMOJI_FAMILIES = ("Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", "Twemoji Mozilla")


def with_emoji_fallback(font: QFont) -> QFont:
    """``font`` with the colour emoji fonts after its own families.

    The family Qt really draws with goes first: a generic name such as "Sans Serif" is
    no installed family, so left alone it would let the emoji font (which has digits
    and a space) draw "52" and every blank of the post."""
    resolved = QFontInfo(font).family()
    own = [family for family in [resolved, *(font.families() or [font.family()])] if family]
    own = list(dict.fromkeys(own))
    fallback = QFont(font)
    fallback.setFamilies([*own, *(f for f in EMOJI_FAMILIES if f not in own)])
    return fallback


#: Disclosure markers ("#ad", "Paid for by") wherever post text is shown.
MARKER_COLOUR = QColor("#ffe08a")


def plain_label(name: str = "", text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


def whole_step(rough: float) -> int:
    """The tick step for counts: 1, 2 or 5 times a power of ten, at least ``rough``."""
    if rough <= 1:
        return 1
    power = 10 ** math.floor(math.log10(rough))
    return next(int(m * power) for m in (1, 2, 5, 10) if m * power >= rough)


def plain_chart(view: QChartView, name: str) -> QChart:
    """The app's chart look on ``view``: no animation, square, small legend below; the
    view never takes the keyboard focus (the label keys stay with the window)."""
    view.setObjectName(name)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)  # else an invisible Tab stop
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    small = QFont(chart.legend().font())
    small.setPointSizeF(small.pointSizeF() * 0.85)
    chart.legend().setFont(small)
    view.setChart(chart)
    return chart
