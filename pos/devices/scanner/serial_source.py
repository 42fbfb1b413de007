"""Serial (COM-port) scanners: a second input source feeding the same scan handler.

pyserial rather than QtSerialPort: QtSerialPort ships only in PySide6-Addons (a wheel
several times the size of Essentials, which the packaged counter would carry for one
class), while pyserial is a small pure-Python package that every serial scanner guide
uses. It blocks, so one reader thread per port; codes reach the GUI thread by a queued
signal and the thread never touches a widget.

A scanner sends a code then CR, LF or CR LF; one that sends nothing after the code is
read as complete after a short pause. An unplugged scanner is retried every few seconds
(the clerk plugs it back in; nothing to restart).
"""

from __future__ import annotations

import logging
import threading

import serial
from PySide6.QtCore import QObject, Signal

log = logging.getLogger("pos.devices.scanner")

READ_TIMEOUT_S = 0.05  # a pause this long after some bytes ends a code without terminator
REOPEN_AFTER_S = 3.0
MAX_CODE_BYTES = 256  # a scanner code is short; anything longer is line noise


class SerialScanSource(QObject):
    """Reads codes from one serial port while started."""

    scanned = Signal(str)
    stateChanged = Signal(bool, str)  # connected, message for the settings page and the log

    def __init__(
        self, port: str, baud: int = 9600, prefix: str = "", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.port, self.baud, self.prefix = port, baud, prefix
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = False
        self.message = ""

    def start(self) -> None:
        if self._thread is not None or not self.port:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"scanner-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None

    # -- the reader thread ---------------------------------------------------------------
    def _report(self, connected: bool, message: str) -> None:
        if (connected, message) != (self.connected, self.message):
            self.connected, self.message = connected, message
            log.info("serial scanner %s: %s", self.port, message)
            self.stateChanged.emit(connected, message)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with serial.Serial(self.port, self.baud, timeout=READ_TIMEOUT_S) as port:
                    self._report(True, f"Listening on {self.port} at {self.baud} baud")
                    self._read(port)
            except (serial.SerialException, OSError, ValueError) as err:
                self._report(False, f"Cannot read {self.port}: {err}")
                self._stop.wait(REOPEN_AFTER_S)

    def _read(self, port: serial.Serial) -> None:
        pending = bytearray()
        while not self._stop.is_set():
            chunk = port.read(64)
            if not chunk:
                if pending:  # a pause: the scanner sends no terminator
                    self._code(bytes(pending))
                    pending.clear()
                continue
            pending += chunk
            *lines, rest = pending.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
            for line in lines:
                self._code(bytes(line))
            pending = bytearray(rest[-MAX_CODE_BYTES:])

    def _code(self, raw: bytes) -> None:
        text = raw.decode("latin-1")
        # STX/ETX framing and other control bytes some scanners add are not part of the code
        code = "".join(ch for ch in text if ch.isprintable()).strip()
        if self.prefix and code.startswith(self.prefix):
            code = code[len(self.prefix) :]
        if code:
            self.scanned.emit(code)
