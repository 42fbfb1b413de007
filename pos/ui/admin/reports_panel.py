"""Reports dashboard: figures for a date range, sales per day as a pyqtgraph bar chart."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
)

from pos.errors import PosError
from pos.money import format_money
from pos.services.store.reports import (
    ErrorCount,
    ProductSales,
    SalesReport,
    Turnover,
    write_report_csv,
)
from pos.ui.admin.list_model import Column, ListTableModel
from pos.ui.admin.panel import AdminPanel
from pos.ui.admin.widgets import plain_label, table_view
from pos.ui.admin.words import error_code_text


def _local_tz() -> Any:
    """Days in the report are this machine's calendar days."""
    return datetime.now().astimezone().tzinfo


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{(value * 100).quantize(Decimal('0.1'))} %"


class Figure(QFrame):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.setObjectName("figure")
        self.setStyleSheet(
            "QFrame#figure { background: white; border: 1px solid #d6dae0; border-radius: 8px; }"
        )
        self.title = plain_label(title)
        self.title.setStyleSheet("color: #636c76; border: none;")
        self.value = plain_label("—")
        self.value.setStyleSheet("font-size: 16pt; font-weight: bold; border: none;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.value)


class ReportsPanel(AdminPanel):
    reportReady = Signal(object)

    def __init__(self, *args: Any, currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setWindowTitle("Reports")
        self.currency = currency
        self.report: SalesReport | None = None
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(-29))
        self.end = QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.run_button = QPushButton("Show")
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setEnabled(False)
        self.run_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        bar = QHBoxLayout()
        bar.addWidget(plain_label("From"))
        bar.addWidget(self.start)
        bar.addWidget(plain_label("to"))
        bar.addWidget(self.end)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)

        self.figures = {
            key: Figure(title)
            for key, title in (
                ("orders", "Orders"),
                ("revenue", "Revenue"),
                ("aov", "Average order"),
                ("units", "Units sold"),
                ("abandon", "Cart abandonment"),
                ("failures", "Failed operations"),
            )
        }
        grid = QGridLayout()
        for i, fig in enumerate(self.figures.values()):
            grid.addWidget(fig, 0, i)

        pg.setConfigOptions(antialias=True, background="w", foreground="#1f2328")
        self.chart = pg.PlotWidget()
        self.chart.setMinimumHeight(200)
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.showGrid(y=True, alpha=0.2)
        self.chart.setLabel("left", "Revenue")
        self.chart.setTitle("Sales per day")
        self.bars: pg.BarGraphItem | None = None

        self.top: ListTableModel[ProductSales] = ListTableModel(
            [
                Column("SKU", lambda p: p.sku),
                Column("Product", lambda p: p.name),
                Column("Units", lambda p: p.units, numeric=True),
                Column("Revenue", lambda p: format_money(p.revenue, self.currency), numeric=True),
            ]
        )
        self.turnover: ListTableModel[Turnover] = ListTableModel(
            [
                Column("SKU", lambda t: t.sku),
                Column("Product", lambda t: t.name),
                Column("Sold", lambda t: t.units_sold, numeric=True),
                Column("Start", lambda t: t.stock_start, numeric=True),
                Column("End", lambda t: t.stock_end, numeric=True),
                Column("Turnover", lambda t: "—" if t.turnover is None else t.turnover, True),
            ]
        )
        self.failures: ListTableModel[ErrorCount] = ListTableModel(
            [
                Column("Problem", lambda e: error_code_text(e.code)),
                Column("Count", lambda e: e.count, numeric=True),
                Column("Share", lambda e: _percent(e.share), numeric=True),
            ]
        )
        boxes = []
        for title, model in (
            ("Top products", self.top),
            ("Stock turnover (units sold / average of start and end stock)", self.turnover),
            ("Failed operations by kind", self.failures),
        ):
            box = QGroupBox(title)
            view = table_view(model)
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            # The product name (or the problem) takes the room that is left.
            header.setSectionResizeMode(
                1 if model is not self.failures else 0, QHeaderView.ResizeMode.Stretch
            )
            bl = QVBoxLayout(box)
            bl.addWidget(view)
            boxes.append(box)
        # The short failures list sits beside the chart, so the two product tables get the
        # whole width below it (at 1024 px three tables side by side clip their headers).
        upper = QHBoxLayout()
        upper.addWidget(self.chart, 3)
        upper.addWidget(boxes[2], 1)
        tables = QHBoxLayout()
        tables.addWidget(boxes[0], 4)
        tables.addWidget(boxes[1], 5)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(grid)
        layout.addLayout(upper, 2)
        layout.addLayout(tables, 3)

    def range(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def refresh(self) -> None:
        start, end = self.range()
        tz = _local_tz()
        self.run_button.setEnabled(False)
        self.tasks.submit(
            lambda: self.store.reports.sales_report(self.actor, start, end, tz),
            self.show_report,
            self._failed,
            key="report",
        )

    def _failed(self, err: object) -> None:
        self.run_button.setEnabled(True)
        self.show_error(err)

    def show_report(self, report: SalesReport) -> None:
        self.run_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.report = report
        money = self.currency
        self.figures["orders"].value.setText(f"{report.order_count:,}")
        self.figures["revenue"].value.setText(format_money(report.revenue, money))
        self.figures["aov"].value.setText(format_money(report.average_order_value, money))
        self.figures["units"].value.setText(f"{report.units_sold:,}")
        self.figures["abandon"].value.setText(_percent(report.abandonment_rate))
        self.figures["failures"].value.setText(f"{report.failure_count:,}")
        self.top.set_items(report.top_products)
        self.turnover.set_items(report.turnover)
        self.failures.set_items(report.failures)
        self._draw(report)
        self.reportReady.emit(report)

    def _draw(self, report: SalesReport) -> None:
        if self.bars is not None:
            self.chart.removeItem(self.bars)
        xs = list(range(len(report.days)))
        heights = [float(d.revenue) for d in report.days]  # display only; figures stay Decimal
        self.bars = pg.BarGraphItem(x=xs, height=heights, width=0.7, brush="#1d5fd1", pen=None)
        self.chart.addItem(self.bars)
        step = max(1, len(xs) // 10)
        ticks = [(i, d.day.strftime("%m-%d")) for i, d in enumerate(report.days) if i % step == 0]
        self.chart.getAxis("bottom").setTicks([ticks])
        self.chart.setXRange(-0.6, max(0, len(xs) - 1) + 0.6, padding=0)
        self.chart.setYRange(0, max(heights + [1.0]) * 1.1, padding=0)

    def export(self, path: str | None = None) -> None:
        if self.report is None:
            return
        start, end = self.report.start, self.report.end
        path = path or self.dialogs.save_file(
            self, "Export report", f"report-{start}-{end}.csv", "CSV files (*.csv)"
        )
        if path:
            try:
                write_report_csv(self.report, path)
            except PosError as err:
                self.dialogs.error(self, "Report", err.message)
                return
            self.dialogs.info(self, "Report", f"Saved {path}.")
