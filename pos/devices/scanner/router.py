"""Where a scanned code goes: to the sale, whatever has focus; never into a dialog's field.

Every input source (the keyboard burst filter, serial scanners) hands its codes to one
ScanRouter. With no modal dialog open the code goes straight to the sale. While one is open
the sale says what to do with it (ScanPolicy): hold it until the dialog has closed, refuse
it with a message over the dialog (payment in progress), close the dialog first (the "Sale
complete" page: the next customer's first item), or leave it to the dialog (the scanner
test page shows it).

A flow that asks a question and then changes the sale (void: "Void this sale?" then the
release) runs inside `hold()`: scans held meanwhile reach the sale only after the whole
flow, so a "yes" voids the old sale first and the held scan starts the next one. Without
hold() a held scan goes to the sale once no modal dialog is open any more.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from pos.devices.scanner.toast import ScanToast

log = logging.getLogger("pos.devices.scanner")

DRAIN_POLL_MS = 30


class ScanPolicy(enum.Enum):
    QUEUE = "queue"  # added to the sale once the dialog has closed
    REFUSE = "refuse"  # not added; a message over the dialog says so
    FINISH = "finish"  # close the dialog, then add (the "Sale complete" page)
    IGNORE = "ignore"  # the dialog shows scans itself (scanner test page)


class ScanSale(Protocol):
    """What the router needs from the counter's sale."""

    def sell_scanned(self, code: str) -> None: ...

    def scan_policy(self, modal: QWidget) -> tuple[ScanPolicy, str]:
        """What to do with a scan while `modal` is open; the text is the refusal message."""
        ...

    def finish_modal(self, modal: QWidget) -> None: ...

    def scan_refused(self, code: str, message: str) -> None:
        """A refused scan: the sale's failure signal (sound)."""
        ...


class ScanRouter(QObject):
    refused = Signal(str, str)  # code, message
    queued = Signal(str)  # code held until the dialog closes
    delivered = Signal(str)  # code handed to the sale

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sale: ScanSale | None = None
        self._held: list[str] = []
        self._holds = 0
        self._drain_timer = QTimer(self, interval=DRAIN_POLL_MS)
        self._drain_timer.timeout.connect(self._drain)

    def stop(self) -> None:
        self._drain_timer.stop()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Scans during the block wait for its end (after the flow changed the sale)."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1
            self._drain()

    @property
    def held(self) -> tuple[str, ...]:
        return tuple(self._held)

    def deliver(self, code: str) -> None:
        """Any input source's code (connect the sources' `scanned` signals here)."""
        sale = self.sale
        if sale is None:
            log.info("scan with no sale open: dropped")
            return
        modal = QApplication.activeModalWidget()
        if modal is None:
            if self._held or self._holds:  # keep the order: earlier scans first
                self._held.append(code)
                self._drain()
                return
            self._sell(sale, code)
            return
        policy, message = sale.scan_policy(modal)
        if policy is ScanPolicy.IGNORE:
            return
        if policy is ScanPolicy.FINISH:
            sale.finish_modal(modal)
            self.deliver(code)  # the next modal, if any, decides again
            return
        if policy is ScanPolicy.REFUSE:
            ScanToast.over(modal).say(f"Scan {code} not added. {message}")
            sale.scan_refused(code, message)
            self.refused.emit(code, message)
            return
        self._held.append(code)
        count = len(self._held)
        ScanToast.over(modal).say(
            f"Scan {code} held: added to the sale when this dialog closes"
            + (f" ({count} scans waiting)." if count > 1 else ".")
        )
        self.queued.emit(code)
        self._drain_timer.start()

    def _drain(self) -> None:
        if self._holds:
            return
        modal = QApplication.activeModalWidget()
        if modal is not None and self.sale is not None and self._held:
            # e.g. a receipt preview closed over the "Sale complete" page: that page is
            # closed by a scan too, so the held scans start the next sale.
            policy, _message = self.sale.scan_policy(modal)
            if policy is ScanPolicy.FINISH:
                self.sale.finish_modal(modal)
                modal = QApplication.activeModalWidget()
        if modal is not None:
            return
        self._drain_timer.stop()
        held, self._held = self._held, []
        sale = self.sale
        for code in held:
            if sale is not None:
                self._sell(sale, code)

    def _sell(self, sale: ScanSale, code: str) -> None:
        sale.sell_scanned(code)
        self.delivered.emit(code)
