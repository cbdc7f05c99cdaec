"""How often each annotator gave each label, as grouped bars (Qt Charts)."""

from __future__ import annotations

import html
import math

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

from annotator.services.review.agreement_report import AgreementReport

#: Okabe and Ito's colour-blind-safe palette, one colour per label in codebook order.
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


class DistributionChart(QChartView):
    """One bar set per label, one group of bars per annotator, counts on the bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        chart = self._chart = plain_chart(self, "distributionChart")
        chart.setTitle("Labels given per annotator")
        self.series: QBarSeries | None = None

    def set_report(self, report: AgreementReport) -> None:
        chart = self._chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()
        people = report.people
        series = QBarSeries()
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        largest = 0
        for index, label in enumerate(report.codebook.labels):
            # Qt Charts renders its texts as HTML: names are escaped to show as typed.
            bars = QBarSet(html.escape(label.display_name, quote=False))
            values = [person.distribution.get(label.key, 0) for person in people]
            bars.append([float(v) for v in values])
            bars.setColor(QColor(LABEL_COLOURS[index % len(LABEL_COLOURS)]))
            bars.setBorderColor(QColor("white"))
            bars.setLabelColor(QColor("#1d1d1d"))
            series.append(bars)
            largest = max([largest, *values])
        chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([html.escape(person.name, quote=False) for person in people])
        chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names)
        counts = QValueAxis()
        counts.setLabelFormat("%d")
        # Whole-number ticks, with room above the tallest bar for its count.
        step = whole_step(max(1.0, largest * 1.15) / 4)
        top = step * math.ceil(max(1.0, largest * 1.15) / step)
        counts.setRange(0, top)
        counts.setTickCount(int(top // step) + 1)
        counts.setTitleText("labels")
        chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(counts)
        self.series = series

    def sizeHint(self) -> QSize:
        # Qt Charts asks for ~480 pixels of height; the Review tab has less to give.
        return QSize(460, 300)

    def values(self) -> dict[str, list[float]]:
        """Label display name -> the bar heights, in annotator order (for tests and checks)."""
        if self.series is None:
            return {}
        return {
            html.unescape(bars.label()): [bars.at(i) for i in range(bars.count())]
            for bars in self.series.barSets()
        }
