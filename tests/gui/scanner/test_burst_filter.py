"""The burst recogniser on plain widgets: scanner-speed keys become one code and never reach
the focused widget; a person's keys reach it unchanged and in order."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from pos.devices.scanner.burst import Burst, ScanBurstFilter
from pos.devices.scanner.settings import ScannerSettings, Suffix
from pos.ui.style import fix_minimum_size

from .conftest import focus, scan_keys, type_slowly

pytestmark = pytest.mark.gui


@pytest.fixture
def form(qtbot):
    """Two line edits in a window; `returns` records each Enter with the field's text then."""
    window = QWidget()
    first, second = QLineEdit(), QLineEdit()
    layout = QVBoxLayout(window)
    layout.addWidget(first)
    layout.addWidget(second)
    fix_minimum_size(window)  # the offscreen platform warns when a layout resizes a window
    qtbot.addWidget(window)
    returns: list[str] = []
    first.returnPressed.connect(lambda: returns.append(first.text()))
    focus(qtbot, first)
    yield first, second, returns
    window.close()  # the window is kept alive by this frame until the test ends


@pytest.fixture
def codes(burst_filter: ScanBurstFilter) -> list[str]:
    seen: list[str] = []
    burst_filter.scanned.connect(seen.append)
    return seen


@pytest.mark.parametrize("delay_ms", [1, 2, 3])
def test_scanner_burst_becomes_one_code_and_types_nothing(qtbot, form, codes, delay_ms):
    field, _, returns = form
    scan_keys(qtbot, "4006381333931", delay_ms=delay_ms)
    assert codes == ["4006381333931"]
    assert field.text() == ""
    assert returns == []  # the scanner's Enter never reached the field


def test_two_scans_back_to_back(qtbot, form, codes):
    field, _, _ = form
    scan_keys(qtbot, "12345678")
    scan_keys(qtbot, "SYNCHP-001")
    assert codes == ["12345678", "SYNCHP-001"]
    assert field.text() == ""


def test_person_typing_reaches_the_field_and_enter_still_works(qtbot, form, codes):
    field, _, returns = form
    type_slowly(qtbot, field, "algae")
    QTest.qWait(5)
    QTest.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 150)
    assert field.text() == "algae"
    assert returns == ["algae"]
    assert codes == []


def test_first_key_is_given_back_after_the_pause(qtbot, form, codes, burst_filter):
    field, _, _ = form
    QTest.keyClick(field, Qt.Key.Key_A)
    assert burst_filter.holding and field.text() == ""  # held: it might start a scan
    qtbot.waitUntil(lambda: field.text() == "a", timeout=1000)
    assert not burst_filter.holding and codes == []


def test_fast_roll_then_enter_keeps_order(qtbot, form, codes):
    """Two keys a person rolls quickly, then Enter: the field has both before Enter."""
    field, _, returns = form
    QTest.keyClicks(field, "ab")  # no delay at all
    QTest.keyClick(field, Qt.Key.Key_Return)  # at once: too short for a scan
    assert returns == ["ab"]
    assert field.text() == "ab" and codes == []


def test_short_fast_burst_is_typed(qtbot, form, codes):
    field, _, returns = form
    scan_keys(qtbot, "12", delay_ms=1)
    assert returns == ["12"] and codes == []


def test_held_keys_come_before_a_following_key(qtbot, form, codes):
    field, _, _ = form
    QTest.keyClicks(field, "abc", Qt.KeyboardModifier.NoModifier, 1)
    QTest.keyClick(field, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, 1)
    assert field.text() == "ab" and codes == []


def test_burst_without_the_expected_enter_is_typed(qtbot, form, codes, burst_filter):
    field, _, returns = form
    seen: list[Burst] = []
    burst_filter.burstSeen.connect(seen.append)
    scan_keys(qtbot, "987654321", suffix=None)
    qtbot.waitUntil(lambda: field.text() == "987654321", timeout=1000)
    assert codes == [] and returns == []
    assert seen[-1].reason == "no Enter after the code"


def test_prefix_is_required_and_removed(qtbot, form, codes, burst_filter):
    field, _, _ = form
    burst_filter.set_settings(ScannerSettings(prefix="]E"))
    scan_keys(qtbot, "]E0123456789012")
    assert codes == ["0123456789012"]
    scan_keys(qtbot, "5555555555")
    assert codes == ["0123456789012"]
    assert field.text() == "5555555555"  # no prefix: given back to the field


def test_suffix_none_ends_the_code_by_a_pause(qtbot, form, codes, burst_filter):
    field, _, _ = form
    burst_filter.set_settings(ScannerSettings(suffix=Suffix.NONE))
    scan_keys(qtbot, "77001234", suffix=None)
    qtbot.waitUntil(lambda: codes == ["77001234"], timeout=1000)
    assert field.text() == ""


def test_tab_suffix_does_not_move_focus(qtbot, form, codes, burst_filter):
    field, _, _ = form
    burst_filter.set_settings(ScannerSettings(suffix=Suffix.TAB))
    scan_keys(qtbot, "77001234", suffix=Qt.Key.Key_Tab)
    assert codes == ["77001234"]
    assert QApplication.focusWidget() is field and field.text() == ""


def test_uppercase_with_shift_is_one_code(qtbot, form, codes):
    field, _, _ = form
    for char in "AB-12":
        if char.isupper():
            QTest.keyPress(field, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier, 1)
            QTest.keyClick(field, char, Qt.KeyboardModifier.ShiftModifier, 1)
            QTest.keyRelease(field, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier, 1)
        else:
            QTest.keyClick(field, char, Qt.KeyboardModifier.NoModifier, 1)
    QTest.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, 1)
    assert codes == ["AB-12"] and field.text() == ""


def _send(widget: QWidget, key: Qt.Key, text: str, stamp: int) -> None:
    for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(etype, key, Qt.KeyboardModifier.NoModifier, text)
        event.setTimestamp(stamp)
        QApplication.sendEvent(widget, event)


def test_window_system_timestamps_win_over_arrival_time(qtbot, form, codes, burst_filter):
    """X11 stamps each key: a scan that reaches a busy GUI thread late is still a scan."""
    field, _, _ = form
    burst_filter.set_settings(ScannerSettings())  # the defaults: 30 ms
    stamp = 1_000_000
    for digit in "24681357":
        _send(field, Qt.Key(ord(digit)), digit, stamp)
        time.sleep(0.045)  # arrives 45 ms apart, was typed 2 ms apart
        stamp += 2
    _send(field, Qt.Key.Key_Return, "\r", stamp)
    assert codes == ["24681357"] and field.text() == ""


def test_slow_timestamps_are_a_person_even_when_they_arrive_together(
    qtbot, form, codes, burst_filter
):
    field, _, returns = form
    burst_filter.set_settings(ScannerSettings())
    stamp = 2_000_000
    for digit in "24681357":
        _send(field, Qt.Key(ord(digit)), digit, stamp)
        stamp += 120
    _send(field, Qt.Key.Key_Return, "\r", stamp)
    assert codes == [] and returns == ["24681357"]


def test_uninstalled_filter_lets_everything_through(qtbot, form, codes, burst_filter):
    field, _, returns = form
    burst_filter.uninstall()
    scan_keys(qtbot, "4006381333931")
    assert codes == [] and returns == ["4006381333931"]


def test_given_back_keys_go_to_the_widget_they_were_typed_in(qtbot, form, codes):
    """Focus moves right after a key: the key still lands where it was typed."""
    field, other, _ = form
    QTest.keyClick(field, Qt.Key.Key_X)
    other.setFocus()
    qtbot.waitUntil(lambda: field.text() == "x", timeout=1000)
    assert other.text() == ""


def test_key_in_a_field_that_closed_goes_to_the_focused_widget(qtbot, codes):
    window = QWidget()
    layout = QVBoxLayout(window)
    gone, stays = QLineEdit(), QLineEdit()
    layout.addWidget(gone)
    layout.addWidget(stays)
    fix_minimum_size(window)
    qtbot.addWidget(window)
    focus(qtbot, gone)
    QTest.keyClick(gone, Qt.Key.Key_Q)
    stays.setFocus()
    gone.deleteLater()
    qtbot.waitUntil(lambda: stays.text() == "q", timeout=1000)
    window.close()


def test_settings_change_decides_about_held_keys_first(qtbot, form, codes, burst_filter):
    field, _, _ = form
    QTest.keyClick(field, Qt.Key.Key_Z)
    burst_filter.set_settings(ScannerSettings(max_gap_ms=120))
    assert field.text() == "z" and not burst_filter.holding


def test_a_stalled_thread_does_not_split_a_scan(qtbot, form, codes, burst_filter):
    """Synthetic keys carry no timestamp: if this thread was not running (the flush timer
    overdue and not fired), the long gap is the stall's, and the scan stays whole."""
    field, _, _ = form
    burst_filter.set_settings(ScannerSettings())
    QTest.keyClick(field, Qt.Key.Key_4)
    time.sleep(0.12)  # no event processing: the timer cannot fire
    QTest.keyClicks(field, "006381333931")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert codes == ["4006381333931"] and field.text() == ""


def test_a_flush_timer_that_fires_right_after_a_stall_waits_for_queued_keys(
    qtbot, form, codes, burst_filter
):
    """The timer is overdue when the thread wakes up; the keys typed meanwhile are still
    to come. With too few heartbeats since the last key, the timer looks again."""
    field, _, _ = form
    burst_filter.set_settings(ScannerSettings())
    QTest.keyClick(field, Qt.Key.Key_4)
    time.sleep(0.12)  # stalled past the flush deadline ...
    QApplication.processEvents()  # ... then the overdue timer runs before the next keys
    assert burst_filter.holding and field.text() == ""
    QTest.keyClicks(field, "006381333931")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert codes == ["4006381333931"] and field.text() == ""


def test_a_line_feed_ends_a_scan_like_enter(qtbot, form, codes):
    """Some scanners end a code with LF (X11 sends it as its own key, text "\\n")."""
    field, _, _ = form
    QTest.keyClicks(field, "12345678", Qt.KeyboardModifier.NoModifier, 1)
    QApplication.sendEvent(
        field, QKeyEvent(QEvent.Type.KeyPress, Qt.Key(0x0A), Qt.KeyboardModifier.NoModifier, "\n")
    )
    assert codes == ["12345678"] and field.text() == ""


def test_equal_keys_in_a_scan_marked_as_repeat_stay_in_it(qtbot, form, codes, burst_filter):
    """X11 flags the second of two equal keys typed 1 ms apart as an auto-repeat."""
    field, _, _ = form
    burst_filter.set_settings(ScannerSettings())
    stamp = 3_000_000
    for number, digit in enumerate("2011001126482"):
        repeat = number > 0 and digit == "2011001126482"[number - 1]
        event = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key(ord(digit)), Qt.KeyboardModifier.NoModifier, digit, repeat
        )
        event.setTimestamp(stamp)
        QApplication.sendEvent(field, event)
        stamp += 2
    _send(field, Qt.Key.Key_Return, "\r", stamp)
    assert codes == ["2011001126482"] and field.text() == ""


def test_a_key_held_down_types_at_once(qtbot, form, codes):
    field, _, _ = form
    for _ in range(5):
        event = QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a", True
        )
        QApplication.sendEvent(field, event)
    assert field.text() == "aaaaa" and codes == []
