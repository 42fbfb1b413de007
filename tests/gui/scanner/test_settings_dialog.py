"""Settings > Scanner...: the test page shows what a scan sent, changes apply at once, Save
keeps them in this counter's settings file, Cancel puts the old ones back."""

from __future__ import annotations

import os
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pos.devices.scanner import settings as scanner_settings
from pos.devices.scanner.settings import ScannerSettings, Suffix
from pos.devices.scanner.settings_dialog import ScannerSettingsDialog

from ..conftest import product_named
from .conftest import DEFAULTS, focus, scan_keys, type_slowly

pytestmark = pytest.mark.gui


@pytest.fixture
def settings_dialog(qtbot, window):
    window.activateWindow()
    window.scanning.apply_settings(DEFAULTS)
    window.scanning.start()
    menu_action = next(
        a for a in window.findChildren(type(window.pay_action)) if a.text() == "&Scanner\u2026"
    )
    menu_action.trigger()
    dialog = window.scanning.settings_dialog
    assert isinstance(dialog, ScannerSettingsDialog)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    focus(qtbot, dialog.test_field)
    return dialog


def test_scan_on_the_test_page_shows_what_arrived_and_sells_nothing(
    qtbot, window, gui_store, clerk_actor, settings_dialog
):
    eye = product_named(gui_store, clerk_actor, "Cyber Eye Implant")
    scan_keys(qtbot, eye.barcode, delay_ms=2)
    shown = settings_dialog.test_log.toPlainText()
    assert f"code '{eye.barcode}'" in shown and "suffix Enter" in shown
    assert "Scan \u2014" in shown and "slowest gap" in shown and "+" in shown  # per-key gaps
    assert settings_dialog.test_field.text() == ""  # nothing typed
    assert gui_store.cart.current(clerk_actor).lines == ()  # and nothing sold
    assert window.scan_problems.problems == []


def test_a_burst_that_is_not_a_scan_says_why(qtbot, settings_dialog):
    settings_dialog.min_length.setValue(20)  # applies to the running recogniser at once
    scan_keys(qtbot, "12345678")
    shown = settings_dialog.test_log.toPlainText()
    assert "Not a scan: 8 character(s); a scan has at least 20" in shown
    assert settings_dialog.test_field.text() == "12345678"  # typed, as a keyboard would


def test_person_typing_in_the_test_field_is_not_logged(qtbot, settings_dialog):
    type_slowly(qtbot, settings_dialog.test_field, "abc")
    qtbot.waitUntil(lambda: settings_dialog.test_field.text() == "abc")
    assert settings_dialog.test_log.toPlainText() == ""


def test_use_the_last_bursts_timing(qtbot, settings_dialog):
    scan_keys(qtbot, "4006381333931", delay_ms=1)
    burst = settings_dialog.last_burst
    assert burst is not None and burst.is_scan
    qtbot.mouseClick(settings_dialog.use_timing, Qt.MouseButton.LeftButton)
    assert settings_dialog.max_gap.value() >= 5
    assert settings_dialog.max_gap.value() >= burst.max_gap_ms * 2


def test_save_keeps_the_settings_and_applies_them(qtbot, window, settings_dialog):
    settings_dialog.max_gap.setValue(40)
    settings_dialog.min_length.setValue(6)
    settings_dialog.prefix.setText("]E")
    settings_dialog.suffix.setCurrentIndex(settings_dialog.suffix.findData(Suffix.TAB))
    settings_dialog.sound.setChecked(False)
    settings_dialog.accept()
    expected = ScannerSettings(
        max_gap_ms=40, min_length=6, prefix="]E", suffix=Suffix.TAB, sound=False
    )
    assert scanner_settings.load() == expected
    assert window.scanning.settings == expected
    assert window.scanning.keyboard.settings == expected
    assert window.scanning.sound.enabled is False


def test_cancel_puts_the_old_settings_back(qtbot, window, settings_dialog):
    settings_dialog.max_gap.setValue(150)
    assert window.scanning.keyboard.settings.max_gap_ms == 150  # live while testing
    settings_dialog.reject()
    assert window.scanning.keyboard.settings == DEFAULTS
    assert scanner_settings.load() == ScannerSettings()  # nothing written


def test_enter_never_presses_save(qtbot, settings_dialog):
    qtbot.keyClick(settings_dialog.test_field, Qt.Key.Key_Return)
    assert settings_dialog.isVisible() and settings_dialog.saved is None


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_serial_scanner_feeds_the_same_sale(qtbot, window, gui_store, clerk_actor):
    master, slave = os.openpty()
    try:
        window.scanning.start()
        window.scanning.apply_settings(ScannerSettings(serial_port=os.ttyname(slave)))
        source = window.scanning.serial
        assert source is not None
        qtbot.waitUntil(lambda: source.connected, timeout=3000)
        eye = product_named(gui_store, clerk_actor, "Cyber Eye Implant")
        os.write(master, eye.barcode.encode() + b"\r\n")
        qtbot.waitUntil(lambda: gui_store.cart.current(clerk_actor).line(eye.id) is not None)
        assert gui_store.cart.current(clerk_actor).line(eye.id).quantity == 1
    finally:
        window.scanning.stop()
        os.close(master)
        os.close(slave)
