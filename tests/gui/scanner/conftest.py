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
    """What a USB scanner does: the code, a few ms per key press and release, then Enter.
    Like a keyboard, each key goes to whatever has focus at that moment (a scan may close
    the widget that had it)."""
    keys: list[str | Qt.Key] = list(code)
    if suffix is not None:
        keys.append(suffix)
    for key in keys:
        for press in (True, False):
            QTest.qWait(delay_ms)
            target = QApplication.focusWidget() or QApplication.activeWindow()
            if target is None and not press:
                continue  # the press closed the window that had focus
            assert target is not None, "a scan needs a focused window"
            send = QTest.keyPress if press else QTest.keyRelease
            send(target, key, Qt.KeyboardModifier.NoModifier, 0)


def type_slowly(qtbot, widget: QWidget, text: str, *, delay_ms: int = 150) -> None:
    """A person typing: well over the scanner gap between keys."""
    QTest.keyClicks(widget, text, Qt.KeyboardModifier.NoModifier, delay_ms)


def focus(qtbot, widget: QWidget) -> None:
    window = widget.window()
    window.show()
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


# The shipped defaults. QTest's keys carry no window-system timestamp, so the recogniser
# lets its flush timer end their bursts (and its heartbeat tells a pause from a stalled,
# starved test process); timestamped keys are tested separately, and the Xvfb test drives
# the defaults with real X keystrokes.
DEFAULTS = ScannerSettings()


@pytest.fixture
def burst_filter(qapp) -> Iterator[ScanBurstFilter]:
    recogniser = ScanBurstFilter(DEFAULTS)
    recogniser.install(qapp)
    yield recogniser
    recogniser.uninstall()
