"""The counter's receipt printer: print after each sale, reprint, open the drawer.

Every job runs on a thread of its own (never the counter's write queue, never the GUI
thread) and is bounded by the printer's timeout, so a printer that is off, unplugged or out
of paper can never hold up or lose a sale: the sale is already saved when the receipt
prints. A failure comes back as one clear message with what to do next (reprint, or save
the receipt as PDF); the last order stays here for the reprint.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QWidget

from pos.devices.printer import jobs
from pos.devices.printer.drawer import open_without_sale
from pos.devices.printer.receipt_lines import is_cash_sale
from pos.devices.printer.settings import PrinterSettings
from pos.errors import PosError
from pos.ui.worker import TaskRunner
from pos.views import Actor, OrderView

log = logging.getLogger("pos.ui.receipt_printing")

REPRINT_HINT = (
    "Print it again when the printer is back (Sale > Reprint last receipt, Ctrl+Shift+R) "
    "or save it as PDF (Ctrl+S)."
)


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


class ReceiptPrinting(QObject):
    printed = Signal(str)  # a short success message
    failed = Signal(str)  # what went wrong and what to do next
    busyChanged = Signal(bool)

    def __init__(self, settings: PrinterSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        # One thread: jobs print in the order given, and a slow printer only ever holds
        # this runner, not the counter's cart writes.
        self.runner = TaskRunner(self, max_threads=1)
        self.runner.busyChanged.connect(self.busyChanged)
        self.last_order: OrderView | None = None
        self.last_message = ""

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    def apply_settings(self, settings: PrinterSettings) -> None:
        self.settings = settings

    def print_sale(self, order: OrderView) -> bool:
        """After a sale: the receipt, and the drawer on cash. False: no printer set."""
        self.last_order = order
        if not self.enabled:
            return False
        settings = self.settings
        cash = is_cash_sale(order) and settings.drawer

        def failed(err: PosError) -> None:
            drawer = " The drawer did not open." if cash else ""
            self._fail(
                f"Receipt not printed: {sentence(err.message)}{drawer} The sale is saved. "
                f"{REPRINT_HINT}"
            )

        self.runner.submit(
            lambda: jobs.print_order(settings, order),
            lambda _kicked: self._ok(f"Receipt {order.order_number} printed."),
            failed,
        )
        return True

    def reprint(self, order: OrderView | None = None) -> bool:
        order = order or self.last_order
        if order is None or not self.enabled:
            return False
        settings = self.settings
        self.runner.submit(
            lambda: jobs.print_order(settings, order, drawer=False),
            lambda _kicked: self._ok(f"Receipt {order.order_number} printed again."),
            lambda err: self._fail(f"Receipt not printed: {sentence(err.message)} {REPRINT_HINT}"),
        )
        return True

    def add_reprint_action(self, preview: QWidget, order: OrderView) -> QAction | None:
        """'Print on the receipt printer' in the last-receipt view's toolbar (when set)."""
        toolbar = preview.findChild(QToolBar)
        if not self.enabled or toolbar is None:
            return None
        action = QAction("Print on the receipt printer", preview)
        action.setToolTip(f"Send receipt {order.order_number} to {self.settings.describe()}")
        action.triggered.connect(lambda _checked=False: self.reprint(order))
        toolbar.addSeparator()
        toolbar.addAction(action)
        return action

    def open_drawer(self, actor: Actor) -> None:
        settings, counter = self.settings, actor.counter_code or ""
        self.runner.submit(
            lambda: open_without_sale(
                settings, user=actor.username, counter=counter, manager=actor.is_manager
            ),
            lambda _none: self._ok("Cash drawer opened (logged)."),
            lambda err: self._fail(f"Drawer not opened: {err.message}"),
        )

    def _ok(self, message: str) -> None:
        self.last_message = message
        self.printed.emit(message)

    def _fail(self, message: str) -> None:
        self.last_message = message
        log.warning("receipt printer: %s", message)
        self.failed.emit(message)

    def shutdown(self) -> None:
        self.runner.shutdown()
