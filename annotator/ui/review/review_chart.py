"""Review charts (Qt Charts): how often each annotator gave each label, as grouped bars;
the model's learning curve, macro-F1 by number of training labels."""

from __future__ import annotations

import html
import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QWidget

from annotator.services.review.agreement_report import AgreementReport
from annotator.ui.look import LABEL_COLOURS, plain_chart, whole_step

#: Okabe and Ito's colour-blind-safe palette, one colour per label in codebook order.


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


class LearningCurveChart(QChartView):
    """Macro-F1 against the number of training labels (one point per share of each training
    fold), with the majority-class baseline as a dashed line: is more labeling still paying?"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        chart = self._chart = plain_chart(self, "learningCurveChart")
        chart.setTitle("Learning curve")
        self.curve: QLineSeries | None = None

    def set_curve(self, points: list[tuple[float, float]], baseline: float) -> None:
        """``points``: (training labels, macro-F1); ``baseline``: the majority's macro-F1."""
        chart = self._chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()
        curve = QLineSeries()
        curve.setName("model (out of fold)")
        curve.setPen(QPen(QColor(LABEL_COLOURS[0]), 2))
        dots = QScatterSeries()
        dots.setMarkerSize(8)
        dots.setColor(QColor(LABEL_COLOURS[0]))
        dots.setBorderColor(QColor(LABEL_COLOURS[0]))
        for n, score in points:
            curve.append(n, score)
            dots.append(n, score)
        largest = max((n for n, _ in points), default=1.0)
        step = whole_step(max(1.0, largest) / 4)
        right = step * math.ceil(max(1.0, largest) / step)
        majority = QLineSeries()
        majority.setName("majority baseline")
        dashed = QPen(QColor("#777777"), 1.5)
        dashed.setStyle(Qt.PenStyle.DashLine)
        majority.setPen(dashed)
        majority.append(0, baseline)
        majority.append(right, baseline)
        labels = QValueAxis()
        labels.setLabelFormat("%d")
        labels.setRange(0, right)
        labels.setTickCount(int(right // step) + 1)
        labels.setTitleText("training labels")
        score_axis = QValueAxis()
        score_axis.setRange(0, 1)
        score_axis.setTickCount(6)
        score_axis.setLabelFormat("%.1f")
        score_axis.setTitleText("macro-F1")
        chart.addAxis(labels, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(score_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (majority, curve, dots):
            chart.addSeries(series)
            series.attachAxis(labels)
            series.attachAxis(score_axis)
        chart.legend().markers(dots)[0].setVisible(False)
        self.curve = curve

    def sizeHint(self) -> QSize:
        return QSize(420, 280)

    def points(self) -> list[tuple[float, float]]:
        """The curve's (labels, macro-F1) points (for tests and checks)."""
        if self.curve is None:
            return []
        return [(point.x(), point.y()) for point in self.curve.points()]
