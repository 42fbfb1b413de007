"""Receipt printer settings and a "Print test page" button, per counter.

The test page prints with the settings on screen (not yet saved), off the GUI thread, and
its outcome shows under the form; Save writes them to this counter's settings file.
"""

from __future__ import annotations

from collections.abc import Callable

import serial.tools.list_ports
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos.devices.printer import jobs
from pos.devices.printer.settings import (
    BAUD_RATES,
    MAX_TEXT,
    PAPER_WIDTHS_MM,
    TIMEOUT_RANGE_S,
    Connection,
    PrinterSettings,
)
from pos.errors import ErrorCode, PosError
from pos.ui.style import DANGER
from pos.ui.worker import TaskRunner

# Which fields each connection uses (the others are disabled).
FIELDS_FOR = {
    Connection.NONE: (),
    Connection.NETWORK: ("host", "port"),
    Connection.USB: ("usb_vendor", "usb_product"),
    Connection.SERIAL: ("serial_port", "serial_baud"),
    Connection.FILE: ("device",),
}


def _hex(text: str) -> int:
    value = int(text.strip().lower().removeprefix("0x") or "0", 16)
    if not 0 <= value <= 0xFFFF:
        raise ValueError
    return value


class PrinterSettingsDialog(QDialog):
    def __init__(
        self,
        settings: PrinterSettings,
        *,
        save: Callable[[PrinterSettings], object],
        store_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receipt printer")
        self._save, self._store_name = save, store_name
        self.saved: PrinterSettings | None = None
        self.runner = TaskRunner(self, max_threads=1)

        self.connection = QComboBox()
        for kind in Connection:
            self.connection.addItem(kind.label, kind)
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. 192.168.1.50")
        self.host.setMaxLength(MAX_TEXT)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.usb_vendor = QLineEdit()
        self.usb_vendor.setPlaceholderText("vendor id, hex (e.g. 04b8)")
        self.usb_product = QLineEdit()
        self.usb_product.setPlaceholderText("product id, hex (e.g. 0202)")
        self.serial_port = QComboBox()
        self.serial_port.setEditable(True)
        for info in sorted(serial.tools.list_ports.comports(), key=lambda p: p.device):
            self.serial_port.addItem(info.device)
        self.serial_baud = QComboBox()
        for rate in BAUD_RATES:
            self.serial_baud.addItem(str(rate), rate)
        self.device = QLineEdit()
        self.device.setPlaceholderText("e.g. /dev/usb/lp0")
        self.device.setMaxLength(MAX_TEXT)
        self.paper = QComboBox()
        for width in PAPER_WIDTHS_MM:
            self.paper.addItem(f"{width} mm", width)
        self.logo = QLineEdit()
        self.logo.setPlaceholderText("none")
        self.logo.setMaxLength(MAX_TEXT)
        browse = QPushButton("Choose\u2026")
        browse.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        self.timeout = QSpinBox()
        self.timeout.setRange(*TIMEOUT_RANGE_S)
        self.timeout.setSuffix(" s")
        self.timeout.setToolTip("How long to wait for the printer before giving up.")
        self.drawer = QCheckBox("Open the cash drawer on cash sales")
        self.cut = QCheckBox("Cut the paper after each receipt")

        form = QFormLayout()
        form.addRow("Printer", self.connection)
        form.addRow("Host", self.host)
        form.addRow("TCP port", self.port)
        form.addRow("USB vendor", self.usb_vendor)
        form.addRow("USB product", self.usb_product)
        form.addRow("Serial port", self.serial_port)
        form.addRow("Baud rate", self.serial_baud)
        form.addRow("Device file", self.device)
        form.addRow("Paper width", self.paper)
        form.addRow("Logo", logo_row)
        form.addRow("Timeout", self.timeout)
        form.addRow("", self.drawer)
        form.addRow("", self.cut)

        self.test_button = QPushButton("Print test page")
        self.test_button.clicked.connect(self.print_test_page)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setObjectName("muted")
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.status, 1)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

        self.show_settings(settings)
        self.connection.currentIndexChanged.connect(self._enable_fields)
        self._enable_fields()

    def show_settings(self, settings: PrinterSettings) -> None:
        self.connection.setCurrentIndex(self.connection.findData(settings.connection))
        self.host.setText(settings.host)
        self.port.setValue(settings.port)
        self.usb_vendor.setText(f"{settings.usb_vendor:04x}" if settings.usb_vendor else "")
        self.usb_product.setText(f"{settings.usb_product:04x}" if settings.usb_product else "")
        self.serial_port.setCurrentText(settings.serial_port)
        self.serial_baud.setCurrentIndex(max(self.serial_baud.findData(settings.serial_baud), 0))
        self.device.setText(settings.device)
        self.paper.setCurrentIndex(max(self.paper.findData(settings.paper_mm), 0))
        self.logo.setText(settings.logo)
        self.timeout.setValue(settings.timeout_s)
        self.drawer.setChecked(settings.drawer)
        self.cut.setChecked(settings.cut)

    def chosen(self) -> PrinterSettings:
        """The settings on screen; PosError (VALIDATION_ERROR) names a bad field."""
        connection = Connection(self.connection.currentData())
        try:
            vendor, product = _hex(self.usb_vendor.text()), _hex(self.usb_product.text())
        except ValueError:
            raise PosError(
                ErrorCode.VALIDATION_ERROR, "USB ids are 4 hexadecimal digits, e.g. 04b8."
            ) from None
        texts = {
            "host": self.host.text().strip(),
            "serial_port": self.serial_port.currentText().strip(),
            "device": self.device.text().strip(),
            "logo": self.logo.text().strip(),
        }
        for name, value in texts.items():
            if not value.isprintable():
                raise PosError(ErrorCode.VALIDATION_ERROR, f"The {name} holds control characters.")
        needed = {"host": "a host", "serial_port": "a serial port", "device": "a device file"}
        for name in FIELDS_FOR[connection]:
            if name in needed and not texts[name]:
                raise PosError(ErrorCode.VALIDATION_ERROR, f"Enter {needed[name]}.")
        if connection is Connection.USB and not (vendor and product):
            raise PosError(ErrorCode.VALIDATION_ERROR, "Enter the USB vendor and product ids.")
        return PrinterSettings(
            connection=connection,
            host=texts["host"],
            port=self.port.value(),
            usb_vendor=vendor,
            usb_product=product,
            serial_port=texts["serial_port"],
            serial_baud=int(self.serial_baud.currentData()),
            device=texts["device"],
            paper_mm=int(self.paper.currentData()),
            logo=texts["logo"],
            timeout_s=self.timeout.value(),
            drawer=self.drawer.isChecked(),
            cut=self.cut.isChecked(),
        )

    def _enable_fields(self) -> None:
        used = FIELDS_FOR[Connection(self.connection.currentData())]
        for name in (
            "host",
            "port",
            "usb_vendor",
            "usb_product",
            "serial_port",
            "serial_baud",
            "device",
        ):
            getattr(self, name).setEnabled(name in used)
        enabled = bool(self.connection.currentData() != Connection.NONE)
        for widget in (
            self.paper,
            self.logo,
            self.timeout,
            self.drawer,
            self.cut,
            self.test_button,
        ):
            widget.setEnabled(enabled)

    def _choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Receipt logo", self.logo.text(), "Images (*.png *.jpg *.jpeg *.bmp *.gif)"
        )
        if path:
            self.logo.setText(path)

    def print_test_page(self) -> None:
        try:
            settings = self.chosen()
        except PosError as err:
            self._show(err.message, ok=False)
            return
        self.test_button.setEnabled(False)
        self._show(f"Printing on {settings.describe()}\u2026", ok=True)
        self.runner.submit(
            lambda: jobs.print_test_page(settings, self._store_name),
            lambda _none: self._tested(f"Test page sent to {settings.describe()}.", True),
            lambda err: self._tested(err.message, False),
        )

    def _tested(self, message: str, ok: bool) -> None:
        self.test_button.setEnabled(True)
        self._show(message, ok=ok)

    def _show(self, message: str, *, ok: bool) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("" if ok else f"color: {DANGER};")

    def accept(self) -> None:
        try:
            chosen = self.chosen()
        except PosError as err:
            self._show(err.message, ok=False)
            return
        self._save(chosen)
        self.saved = chosen
        super().accept()

    def done(self, result: int) -> None:
        self.runner.shutdown()
        super().done(result)
