"""Short, non-modal feedback for every action: a coloured notice that fades out by itself."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

ICONS = {"success": "\u2714", "error": "\u26a0", "info": "\u2139"}


class NoticeBar(QFrame):
    """One line of feedback; a new notice replaces the old one. Text is always plain."""

    shown = Signal(str, str)  # kind, text

    def __init__(self, parent: QWidget | None = None, timeout_ms: int = 4000) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setProperty("kind", "info")
        self._icon = QLabel()
        self._label = QLabel()
        for label in (self._icon, self._label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setWordWrap(True)
        self._label.setAccessibleName("Notice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(self._icon)
        layout.addWidget(self._label, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.hide)
        self.kind = ""
        self.text = ""
        self.hide()

    def success(self, text: str) -> None:
        self.notify("success", text)

    def error(self, text: str) -> None:
        self.notify("error", text, timeout_ms=7000)

    def info(self, text: str) -> None:
        self.notify("info", text)

    def notify(self, kind: str, text: str, timeout_ms: int | None = None) -> None:
        self.kind, self.text = kind, text
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self._icon.setText(ICONS.get(kind, ""))
        self._label.setText(text)
        self.show()
        self._timer.start(timeout_ms or 4000)
        self.shown.emit(kind, text)
