"""Helpers for scanner tests: keys typed at scanner speed and at a person's speed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from pos.devices.scanner.burst import ScanBurstFilter
from pos.devices.scanner.settings import ScannerSettings


def scan_keys(qtbot, code: str, *, delay_ms: int = 2, suffix: Qt.Key | None = Qt.Key.Key_Return):
    """What a USB scanner does: the code, a few ms per key, then Enter, into whatever has
    focus (as a keyboard would)."""
    target = QApplication.focusWidget()
    assert target is not None, "a scan needs a focused widget"
    QTest.keyClicks(target, code, Qt.KeyboardModifier.NoModifier, delay_ms)
    if suffix is not None:
        target = QApplication.focusWidget() or target
        QTest.keyClick(target, suffix, Qt.KeyboardModifier.NoModifier, delay_ms)


def type_slowly(qtbot, widget: QWidget, text: str, *, delay_ms: int = 70) -> None:
    """A person typing: well over the scanner gap between keys."""
    QTest.keyClicks(widget, text, Qt.KeyboardModifier.NoModifier, delay_ms)


def focus(qtbot, widget: QWidget) -> None:
    window = widget.window()
    window.show()
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


@pytest.fixture
def burst_filter(qapp) -> Iterator[ScanBurstFilter]:
    recogniser = ScanBurstFilter(ScannerSettings())
    recogniser.install(qapp)
    yield recogniser
    recogniser.uninstall()
