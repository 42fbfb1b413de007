"""Modal dialogs go through one small object so tests can answer them without exec()."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)


class Dialogs:
    """The real thing: message boxes and file dialogs. Tests pass a scripted subclass."""

    def _box(
        self, parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str
    ) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        return box

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self._box(parent, QMessageBox.Icon.Information, title, text).exec()

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self._box(parent, QMessageBox.Icon.Critical, title, text).exec()

    def confirm(self, parent: QWidget | None, title: str, text: str) -> bool:
        box = self._box(parent, QMessageBox.Icon.Question, title, text)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def ask_text(
        self, parent: QWidget | None, title: str, label: str, value: str = ""
    ) -> str | None:
        return self._ask(parent, title, label, value, secret=False)

    def ask_secret(self, parent: QWidget | None, title: str, label: str) -> str | None:
        """A password or PIN: typed characters are not shown."""
        return self._ask(parent, title, label, "", secret=True)

    def _ask(
        self, parent: QWidget | None, title: str, label: str, value: str, *, secret: bool
    ) -> str | None:
        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        if secret:
            dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        for child in dialog.findChildren(QLabel):  # labels may carry user names: never HTML
            child.setTextFormat(Qt.TextFormat.PlainText)
        return dialog.textValue() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def open_file(self, parent: QWidget | None, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
        return path or None

    def save_file(
        self, parent: QWidget | None, title: str, suggested: str, filters: str
    ) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return path or None

    def exec(self, dialog: QDialog) -> int:
        return dialog.exec()


def plain_tooltip(text: str) -> str:
    """Tooltip text shown literally: Qt would otherwise guess HTML in user-entered names."""
    return f"<p>{html.escape(text)}</p>" if text else ""
