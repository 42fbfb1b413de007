"""A short message beside a dialog: what happened to a scan while the dialog was open.

A small frameless window just below the dialog (above it when the screen ends there), so
it hides nothing the clerk needs in the dialog; it belongs to the dialog and goes away
with it. Text is always plain.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

TOAST_MS = 6000


class ScanToast(QLabel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(
            parent,
            Qt.WindowType.Window
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowDoesNotAcceptFocus,
        )
        self.setObjectName("scanToast")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAccessibleName("Scanner message")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)  # the dialog keeps focus
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
        self._timer.start()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        frame = parent.frameGeometry()
        self.setFixedWidth(max(frame.width(), 320))
        # heightForWidth leaves out the style sheet's padding and border (2 x 10 px)
        self.setFixedHeight(self.heightForWidth(self.width()) + 24)
        below = frame.bottom() + 6
        screen = parent.screen().availableGeometry() if parent.screen() else None
        top = below
        if screen is not None and below + self.height() > screen.bottom():
            top = max(frame.top() - self.height() - 6, screen.top())
        self.move(frame.left(), top)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.Move, QEvent.Type.Resize) and self.isVisible():
            self._place()
        elif kind == QEvent.Type.Hide:
            self.hide()
        return False
