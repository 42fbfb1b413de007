"""Scanner settings and a test page: set up any scanner in a minute.

The installer scans something on the right; the page shows what arrived (prefix, code,
suffix, the time between keys) and why a burst was not taken as a scan. Changes apply to
the running recogniser at once, so the next test scan uses them; Cancel puts the old
settings back, Save writes them to this counter's settings file.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import serial.tools.list_ports
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pos.devices.scanner.burst import Burst, ScanBurstFilter
from pos.devices.scanner.settings import (
    BAUD_RATES,
    MAX_GAP_RANGE,
    MAX_PREFIX_LENGTH,
    MIN_LENGTH_RANGE,
    ScannerSettings,
    Suffix,
)
from pos.devices.scanner.sound import FailureSound

NO_PORT = "(no serial scanner)"
MAX_LOG_BLOCKS = 200


def describe(burst: Burst) -> str:
    """What arrived, for the test page (plain text)."""
    verdict = "Scan" if burst.is_scan else f"Not a scan: {burst.reason}; typed into the field"
    parts = [
        f"prefix {burst.prefix!r}" if burst.prefix else "no prefix",
        f"code {burst.code!r}",
        f"suffix {burst.suffix}" if burst.suffix else "no suffix",
    ]
    timing = " ".join(
        f"{k.name}" if k.gap_ms is None else f"+{k.gap_ms:g}ms {k.name}" for k in burst.keys
    )
    return (
        f"{verdict} \u2014 {', '.join(parts)}\n"
        f"  {len(burst.keys)} key(s), slowest gap {burst.max_gap_ms:g} ms: {timing}"
    )


def suggested_gap(burst: Burst) -> int:
    """Twice the slowest gap seen, a little headroom, within the allowed range."""
    low, high = MAX_GAP_RANGE
    return max(low, min(high, math.ceil(burst.max_gap_ms * 2) + 5))


class ScannerSettingsDialog(QDialog):
    def __init__(
        self,
        keyboard: ScanBurstFilter,
        sound: FailureSound,
        settings: ScannerSettings,
        *,
        save: Callable[[ScannerSettings], object],
        serial_status: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scanner settings")
        self._keyboard, self._sound, self._save = keyboard, sound, save
        self.original = settings
        self.last_burst: Burst | None = None
        self.saved: ScannerSettings | None = None

        self.max_gap = QSpinBox()
        self.max_gap.setRange(*MAX_GAP_RANGE)
        self.max_gap.setSuffix(" ms")
        self.max_gap.setToolTip(
            "Longest pause between two keys of one scan. Scanners: 1-10 ms; people: 30 ms or more."
        )
        self.min_length = QSpinBox()
        self.min_length.setRange(*MIN_LENGTH_RANGE)
        self.min_length.setToolTip("Shorter fast bursts are typed into the field as they are.")
        self.prefix = QLineEdit()
        self.prefix.setMaxLength(MAX_PREFIX_LENGTH)
        self.prefix.setPlaceholderText("none")
        self.prefix.setToolTip("Characters the scanner sends before every code (optional).")
        self.suffix = QComboBox()
        for suffix in Suffix:
            self.suffix.addItem(suffix.label, suffix)
        self.sound = QCheckBox("Beep when a scan fails")
        self.test_sound = QPushButton("Test sound")
        self.test_sound.clicked.connect(self._sound.play)
        self.port = QComboBox()
        self.port.setEditable(True)
        self.port.setToolTip("The COM port of a serial scanner, e.g. /dev/ttyACM0 or COM3.")
        self.port.addItem(NO_PORT)
        for info in sorted(serial.tools.list_ports.comports(), key=lambda p: p.device):
            self.port.addItem(info.device)
        self.baud = QComboBox()
        for rate in BAUD_RATES:
            self.baud.addItem(str(rate), rate)
        self.serial_status = QLabel(serial_status or "Keyboard scanners need no port.")
        self.serial_status.setTextFormat(Qt.TextFormat.PlainText)
        self.serial_status.setWordWrap(True)
        self.serial_status.setObjectName("muted")

        form = QFormLayout()
        form.addRow("Max. time between keys", self.max_gap)
        form.addRow("Min. code length", self.min_length)
        form.addRow("Prefix", self.prefix)
        form.addRow("Suffix", self.suffix)
        sound_row = QHBoxLayout()
        sound_row.addWidget(self.sound)
        sound_row.addWidget(self.test_sound)
        sound_row.addStretch(1)
        form.addRow("Failed scan", sound_row)
        form.addRow("Serial port", self.port)
        form.addRow("Baud rate", self.baud)
        form.addRow("", self.serial_status)
        settings_box = QGroupBox("Settings")
        settings_box.setLayout(form)

        self.test_field = QLineEdit()
        self.test_field.setPlaceholderText("Click here and scan something")
        self.test_field.setAccessibleName("Scanner test field")
        self.test_log = QPlainTextEdit()
        self.test_log.setReadOnly(True)
        self.test_log.setMaximumBlockCount(MAX_LOG_BLOCKS)
        self.test_log.setAccessibleName("What the scanner sent")
        self.test_log.setPlaceholderText(
            "Each scan shows here: prefix, code, suffix and the time between keys."
        )
        self.use_timing = QPushButton("Use the last burst's timing")
        self.use_timing.setToolTip("Max. time between keys: twice the slowest gap seen, + 5 ms")
        self.use_timing.setEnabled(False)
        self.use_timing.clicked.connect(self._use_last_timing)
        clear = QPushButton("Clear")
        clear.clicked.connect(self._clear_test)
        test_buttons = QHBoxLayout()
        test_buttons.addWidget(self.use_timing)
        test_buttons.addStretch(1)
        test_buttons.addWidget(clear)
        test_box = QGroupBox("Test: scan something")
        test_layout = QVBoxLayout(test_box)
        test_layout.addWidget(self.test_field)
        test_layout.addWidget(self.test_log, 1)
        test_layout.addLayout(test_buttons)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter presses nothing here (see keyPressEvent)

        columns = QHBoxLayout()
        columns.addWidget(settings_box)
        columns.addWidget(test_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(buttons)
        self.resize(900, 460)
        self.setMinimumSize(760, 420)

        self.show_settings(settings)
        for spin in (self.max_gap, self.min_length):
            spin.valueChanged.connect(self._apply_live)
        self.prefix.textChanged.connect(self._apply_live)
        self.suffix.currentIndexChanged.connect(self._apply_live)
        self.sound.toggled.connect(self._apply_live)
        keyboard.burstSeen.connect(self._burst_seen)
        self._listening = True

    # -- values ------------------------------------------------------------------------------
    def show_settings(self, settings: ScannerSettings) -> None:
        self.max_gap.setValue(settings.max_gap_ms)
        self.min_length.setValue(settings.min_length)
        self.prefix.setText(settings.prefix)
        self.suffix.setCurrentIndex(self.suffix.findData(settings.suffix))
        self.sound.setChecked(settings.sound)
        if settings.serial_port:
            if self.port.findText(settings.serial_port) < 0:
                self.port.addItem(settings.serial_port)
            self.port.setCurrentText(settings.serial_port)
        else:
            self.port.setCurrentText(NO_PORT)
        self.baud.setCurrentIndex(max(self.baud.findData(settings.serial_baud), 0))

    def chosen(self) -> ScannerSettings:
        port = self.port.currentText().strip()
        return ScannerSettings(
            max_gap_ms=self.max_gap.value(),
            min_length=self.min_length.value(),
            prefix=self.prefix.text(),
            suffix=Suffix(self.suffix.currentData()),
            sound=self.sound.isChecked(),
            serial_port="" if port in ("", NO_PORT) else port,
            serial_baud=int(self.baud.currentData()),
        )

    def _apply_live(self) -> None:
        chosen = self.chosen()
        self._keyboard.set_settings(chosen)
        self._sound.enabled = chosen.sound

    # -- test page ---------------------------------------------------------------------------
    def _burst_seen(self, burst: Burst) -> None:
        if not self.isVisible() or (len(burst.keys) < 2 and not burst.is_scan):
            return  # one key at a time is a person typing into the field
        self.last_burst = burst
        self.use_timing.setEnabled(True)
        self.test_log.appendPlainText(describe(burst))

    def serial_scanned(self, code: str) -> None:
        if self.isVisible():
            self.test_log.appendPlainText(f"Serial scan \u2014 code {code!r}")

    def _use_last_timing(self) -> None:
        if self.last_burst is not None:
            self.max_gap.setValue(suggested_gap(self.last_burst))

    def _clear_test(self) -> None:
        self.test_log.clear()
        self.test_field.clear()
        self.test_field.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # A test scan that is not recognised ends with the scanner's Enter reaching this
        # dialog: it must not press Save (QDialogButtonBox makes Save the default button).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- closing -----------------------------------------------------------------------------
    def accept(self) -> None:
        chosen = self.chosen()
        self._save(chosen)
        self.saved = chosen
        self._disconnect()
        super().accept()

    def reject(self) -> None:
        self._keyboard.set_settings(self.original)
        self._sound.enabled = self.original.sound
        self._disconnect()
        super().reject()

    def _disconnect(self) -> None:
        if self._listening:
            self._listening = False
            self._keyboard.burstSeen.disconnect(self._burst_seen)
