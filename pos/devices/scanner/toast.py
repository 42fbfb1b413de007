"""A short message drawn over a dialog: what happened to a scan while the dialog was open.

A child widget, not a window of its own, so it shows over the dialog on every platform
(the offscreen one included) and goes away with it. Text is always plain.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

TOAST_MS = 6000


class ScanToast(QLabel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("scanToast")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAccessibleName("Scanner message")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "QLabel#scanToast { background: #fff4e5; color: #5c3b00; border: 2px solid #b26a00;"
            " border-radius: 6px; padding: 8px 12px; font-weight: 600; }"
        )
        self._timer = QTimer(self, singleShot=True, interval=TOAST_MS)
        self._timer.timeout.connect(self.hide)
        parent.installEventFilter(self)
        self.hide()

    @classmethod
    def over(cls, parent: QWidget) -> ScanToast:
        """The toast of this dialog (one per dialog, reused)."""
        found = parent.findChild(ScanToast, "scanToast", Qt.FindChildOption.FindDirectChildrenOnly)
        return found if isinstance(found, ScanToast) else cls(parent)

    def say(self, text: str) -> None:
        self.setText(text)
        self._place()
        self.show()
        self.raise_()
        self._timer.start()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = max(parent.width() - 32, 120)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move(16, max(parent.height() - self.height() - 16, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False
