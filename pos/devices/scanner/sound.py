"""The failure signal a clerk hears without looking at the screen.

Qt Multimedia is not part of PySide6-Essentials, so this is the system bell through
QApplication.beep() (X11 bell, Windows message beep, macOS alert sound). On by default;
the scanner settings turn it off.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication


class FailureSound(QObject):
    played = Signal()  # after each beep (tests and the settings page's "Test sound")

    def __init__(self, enabled: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled

    def play(self) -> None:
        if not self.enabled:
            return
        QApplication.beep()
        self.played.emit()
