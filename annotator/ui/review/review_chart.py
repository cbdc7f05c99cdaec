"""How often each annotator gave each label, as grouped bars (Qt Charts)."""

from __future__ import annotations

import html
import math

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChartView, QValueAxis
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
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
