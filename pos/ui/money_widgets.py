"""Widgets for entering money where a stray Enter must never take a payment.

Qt makes every push button in a dialog an "auto default": Enter in a line edit then
clicks whichever button Qt picked (in the old checkout that was "Exact cash", so a
refused short payment became a fully paid one on the second Enter). Buttons made here
are never defaults; the dialog decides itself what Enter does.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget

from pos.ui.payment_check import MAX_AMOUNT_CHARS


def plain_button(text: str, tooltip: str = "", parent: QWidget | None = None) -> QPushButton:
    """A button that only a click, Space on it, or its own shortcut can press."""
    button = QPushButton(text, parent)
    button.setAutoDefault(False)
    button.setDefault(False)
    if tooltip:
        button.setToolTip(tooltip)
    return button


def disarm_default_buttons(root: QWidget) -> None:
    """No button under `root` may be reached by Enter through Qt's default-button rule."""
    for button in root.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


def money_field(accessible_name: str) -> QLineEdit:
    field = QLineEdit()
    field.setAccessibleName(accessible_name)
    field.setPlaceholderText("0.00")
    field.setAlignment(Qt.AlignmentFlag.AlignRight)
    field.setMaxLength(MAX_AMOUNT_CHARS + 1)  # one over: too long shows as a mistake
    return field


def keep_place_when_hidden(widget: QWidget) -> None:
    """A hidden widget keeps its space, so the fields around it never jump."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


def mark_error(field: QLineEdit, error: bool) -> None:
    """Red frame on the field whose amount is wrong (the style sheet's [error=true])."""
    if field.property("error") == error:
        return
    field.setProperty("error", error)
    field.style().unpolish(field)
    field.style().polish(field)
