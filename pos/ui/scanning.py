"""The counter's scanner: input sources, routing and settings for one counter window.

The bootstrap calls start() once the window is up; from then on every scanner burst, from
any focused widget, and every serial scanner code reaches the window's sale (scan_code).
What happens to a scan while a dialog is open is decided here (ScanPolicy).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QWidget

from pos.devices.scanner import settings as scanner_settings
from pos.devices.scanner.burst import ScanBurstFilter
from pos.devices.scanner.router import ScanPolicy, ScanRouter
from pos.devices.scanner.serial_source import SerialScanSource
from pos.devices.scanner.settings import ScannerSettings
from pos.devices.scanner.settings_dialog import ScannerSettingsDialog
from pos.devices.scanner.sound import FailureSound

if TYPE_CHECKING:
    from pos.ui.checkout_dialog import CheckoutDialog

log = logging.getLogger("pos.ui.scanning")


class ScanningWindow(Protocol):
    """What the scanner needs from the counter window."""

    checkout_dialog: CheckoutDialog | None

    def scan_code(self, code: str) -> bool: ...

    def isVisible(self) -> bool: ...  # noqa: N802


class CounterScanning(QObject):
    def __init__(
        self,
        window: ScanningWindow,
        settings: ScannerSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.settings = settings if settings is not None else scanner_settings.load()
        self.sound = FailureSound(self.settings.sound, self)
        self.keyboard = ScanBurstFilter(self.settings, self)
        self.router = ScanRouter(self)
        self.router.sale = self
        self.keyboard.scanned.connect(self.router.deliver)
        self.serial: SerialScanSource | None = None
        self.started = False
        self.settings_dialog: ScannerSettingsDialog | None = None

    def start(self) -> None:
        """Listen: the application-wide key filter and the serial port, if one is set."""
        if self.started:
            return
        self.started = True
        self.keyboard.install()
        self._start_serial()

    def stop(self) -> None:
        self.started = False
        self.keyboard.uninstall()
        self.router.stop()
        self._stop_serial()

    def apply_settings(self, settings: ScannerSettings) -> None:
        serial_changed = (settings.serial_port, settings.serial_baud, settings.prefix) != (
            self.settings.serial_port,
            self.settings.serial_baud,
            self.settings.prefix,
        )
        self.settings = settings
        self.keyboard.set_settings(settings)
        self.sound.enabled = settings.sound
        if serial_changed and self.started:
            self._stop_serial()
            self._start_serial()

    def _start_serial(self) -> None:
        if not self.settings.serial_port:
            return
        self.serial = SerialScanSource(
            self.settings.serial_port, self.settings.serial_baud, self.settings.prefix, self
        )
        self.serial.scanned.connect(self.router.deliver)
        self.serial.start()

    def _stop_serial(self) -> None:
        if self.serial is not None:
            self.serial.stop()
            self.serial.deleteLater()
            self.serial = None

    # -- settings ----------------------------------------------------------------------------
    def open_settings(self, parent: QWidget | None = None) -> ScannerSettingsDialog:
        """The settings and test page (window-modal; scans go to its test page meanwhile)."""
        serial_status = self.serial.message if self.serial is not None else ""
        dialog = ScannerSettingsDialog(
            self.keyboard,
            self.sound,
            self.settings,
            save=self._save,
            serial_status=serial_status,
            parent=parent,
        )
        if self.serial is not None:
            self.serial.scanned.connect(dialog.serial_scanned)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _save(self, settings: ScannerSettings) -> None:
        scanner_settings.save(settings)
        self.apply_settings(settings)

    # -- ScanSale: what the router asks of the sale -----------------------------------------
    def sell_scanned(self, code: str) -> None:
        self.window.scan_code(code)

    def scan_policy(self, modal: QWidget) -> tuple[ScanPolicy, str]:
        if isinstance(modal, ScannerSettingsDialog):
            return ScanPolicy.IGNORE, ""  # its test page shows the scan
        if not self.window.isVisible():
            return ScanPolicy.REFUSE, "Sign in first, then scan again."
        checkout = self.window.checkout_dialog
        if checkout is not None and modal is checkout:
            if checkout.order is not None:
                return ScanPolicy.FINISH, ""  # "Sale complete": the next customer's item
            return (
                ScanPolicy.REFUSE,
                "Finish the payment, or go back to the sale (Esc), then scan again.",
            )
        return ScanPolicy.QUEUE, ""

    def finish_modal(self, modal: QWidget) -> None:
        if isinstance(modal, QDialog):
            modal.accept()
        else:
            modal.close()

    def scan_refused(self, code: str, message: str) -> None:
        log.info("scan refused while a dialog is open")
        self.sound.play()
