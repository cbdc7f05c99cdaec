"""One cluster's posts over time (stacked bars per label, Qt Charts) and its label shares."""

from __future__ import annotations

import html
import math
from datetime import datetime

from PySide6.QtCharts import (
    QBarSet,
    QCategoryAxis,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QWidget

from annotator.domain.codebook import Codebook
from annotator.services.clusters.summaries import ClusterSummary, Timeline, Unit
from annotator.ui.clusters.clusters_model import label_colour, label_name
from annotator.ui.look import plain_chart, plain_label, whole_step

#: At most this many dates under the bars; the others are left out so they do not overlap.
MAX_TICK_LABELS = 7
UNIT_WORDS = {"hour": "hour", "day": "day", "week": "week (from Monday)", "month": "month"}


def bucket_label(start: datetime, unit: Unit) -> str:
    """How a bucket's start reads under its bar (the title gives the year)."""
    if unit == "hour":
        return f"{start:%H:%M}<br>{start:%d %b}"  # Qt Charts draws axis labels as HTML
    if unit == "month":
        return f"{start:%b %Y}"
    return f"{start:%d %b}"


def span_text(timeline: Timeline) -> str:
    """The first and last bucket's dates, as in "14 Jan – 24 Feb 2020"."""
    if not timeline.buckets:
        return "no readable times"
    first, last = timeline.buckets[0].start, timeline.buckets[-1].start
    if first.date() == last.date():
        return f"{first:%d %b %Y}"
    if first.year == last.year:
        return f"{first:%d %b} – {last:%d %b %Y}"
    return f"{first:%d %b %Y} – {last:%d %b %Y}"


class TimelineChart(QChartView):
    """Posts per time bucket, one stacked bar per bucket, one colour per resolved label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        chart = self._chart = plain_chart(self, "clusterTimeline")
        # The axes live as long as the chart: axes removed and recreated for every
        # cluster would be drawn until Qt deletes them.
        self.when = QCategoryAxis()
        self.when.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.when.setGridLineVisible(False)
        self.counts = QValueAxis()
        self.counts.setLabelFormat("%d")
        self.counts.setTitleText("posts")
        chart.addAxis(self.when, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.counts, Qt.AlignmentFlag.AlignLeft)
        self.series: QStackedBarSeries | None = None
        self.timeline: Timeline | None = None
        self.clear()

    def clear(self) -> None:
        self._chart.removeAllSeries()
        for label in self.when.categoriesLabels():
            self.when.remove(label)
        self.when.setRange(0, 1)
        self.counts.setRange(0, 1)
        self.when.hide()
        self.counts.hide()
        self._chart.setTitle("")
        self.series, self.timeline = None, None

    def set_timeline(self, codebook: Codebook, timeline: Timeline) -> None:
        self.clear()
        self.timeline = timeline
        buckets = timeline.buckets
        self._chart.setTitle(f"Posts per {UNIT_WORDS[timeline.unit]}, UTC: {span_text(timeline)}")
        series = QStackedBarSeries()
        series.setBarWidth(0.9)
        dated = {key for bucket in buckets for key in bucket.counts}
        for key in [k for k in timeline.labels() if k in dated]:
            # Qt Charts renders its texts as HTML: names are escaped to show as typed.
            bars = QBarSet(html.escape(label_name(codebook, key), quote=False))
            bars.append([float(b.counts.get(key, 0)) for b in buckets])
            bars.setColor(label_colour(codebook, key))
            bars.setBorderColor(label_colour(codebook, key))
            series.append(bars)
        self._chart.addSeries(series)
        step = max(1, math.ceil(len(buckets) / MAX_TICK_LABELS))
        for index in range(0, len(buckets), step):
            self.when.append(bucket_label(buckets[index].start, timeline.unit), index)
        self.when.setRange(-0.5, max(len(buckets), 1) - 0.5)
        largest = max((b.total for b in buckets), default=0)
        tick = whole_step(max(1.0, largest) / 4)
        top = tick * math.ceil(max(1.0, largest) / tick)
        self.counts.setRange(0, top)
        self.counts.setTickCount(int(top // tick) + 1)
        series.attachAxis(self.when)
        series.attachAxis(self.counts)
        self.when.show()
        self.counts.show()
        self.series = series

    def values(self) -> dict[str, list[float]]:
        """Label name -> the bar heights, one per bucket (for tests and checks)."""
        if self.series is None:
            return {}
        return {
            html.unescape(bars.label()): [bars.at(i) for i in range(bars.count())]
            for bars in self.series.barSets()
        }

    def sizeHint(self) -> QSize:
        return QSize(560, 300)


class LabelShareList(QWidget):
    """One line per resolved label: colour, name, posts and share of the cluster."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clusterShares")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        self.grid.setColumnStretch(2, 1)
        self._rows: list[tuple[str, int, str]] = []

    def set_summary(self, codebook: Codebook, summary: ClusterSummary | None) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # drawn until deleted otherwise
                widget.deleteLater()
        self._rows = []
        if summary is None:
            return
        for row, (key, count) in enumerate(summary.labels.items()):
            name, share = label_name(codebook, key), f"{summary.share(key):.0%}"
            swatch = QLabel()
            swatch.setFixedSize(12, 12)
            swatch.setStyleSheet(f"background: {label_colour(codebook, key).name()};")
            posts = plain_label("", f"{count:,} post{'' if count == 1 else 's'}")
            percent = plain_label("", share)
            for label in (posts, percent):
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            bar = QProgressBar()
            bar.setRange(0, max(summary.size, 1))
            bar.setValue(count)
            bar.setTextVisible(False)
            bar.setFixedHeight(8)
            bar.setMinimumWidth(60)
            bar.setStyleSheet(
                "QProgressBar { border: none; background: #ececec; }"
                f"QProgressBar::chunk {{ background: {label_colour(codebook, key).name()}; }}"
            )
            self.grid.addWidget(swatch, row, 0)
            self.grid.addWidget(plain_label("", name), row, 1)
            self.grid.addWidget(bar, row, 2)
            self.grid.addWidget(posts, row, 3)
            self.grid.addWidget(percent, row, 4)
            self._rows.append((name, count, share))

    def rows(self) -> list[tuple[str, int, str]]:
        """(label name, posts, share) as shown, for tests and checks."""
        return list(self._rows)
