"""Tell a barcode scanner's keystrokes from a person's, for the whole application.

A USB scanner is a keyboard that types a code a few milliseconds per key, then usually
Enter. One application-level event filter watches every key press on its way to the focused
widget. A printable key is held back for a moment: if more keys follow faster than
`max_gap_ms` and the burst ends the way the settings say (long enough, prefix, suffix), the
whole code goes to the scan handler and no key ever reaches the widget. Otherwise the held
keys are given back to the widget they were meant for, in their order, before anything that
came after them: a person typing sees each first key some 50 ms late and nothing else.

Timing uses the window system's key timestamps when it gives them (X11, Windows and Wayland
do, so a busy GUI thread does not make a scanner look slow). Synthetic keys without a
timestamp end a burst only when the flush timer finds this thread idle for the gap.
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from pos.devices.scanner.settings import ScannerSettings, Suffix

log = logging.getLogger("pos.devices.scanner")

# The held keys are given back this long after the last one, on top of max_gap_ms: room for
# a late timer or a key the window system already has but Qt has not delivered yet.
FLUSH_SLACK_MS = 20
HEARTBEAT_MS = 5
MIN_BEATS = 3  # a thread that ran for the whole pause beats about (gap + slack) / 5 times
TEXT_BLOCKING_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock,
    Qt.Key.Key_NumLock,
}
SUFFIX_KEYS = {
    Qt.Key.Key_Return: "Enter",
    Qt.Key.Key_Enter: "Enter",
    Qt.Key.Key_Tab: "Tab",
}


class _Kind(enum.Enum):
    TEXT = "text"
    SUFFIX = "suffix"
    MODIFIER = "modifier"
    OTHER = "other"


@dataclass(frozen=True)
class KeyStroke:
    """One key press of a burst, as the test page lists it."""

    name: str  # "4", "Enter", "Shift"
    text: str  # what it types ("" for Enter, Tab, Shift)
    gap_ms: float | None  # since the previous key press of the burst


@dataclass(frozen=True)
class Burst:
    """Keys that arrived together, and what the recogniser made of them."""

    keys: tuple[KeyStroke, ...]
    prefix: str
    code: str
    suffix: str  # "Enter", "Tab" or ""
    is_scan: bool
    reason: str  # why it was not a scan ("" when it was)

    @property
    def max_gap_ms(self) -> float:
        return max((k.gap_ms for k in self.keys if k.gap_ms is not None), default=0.0)


@dataclass
class _Held:
    """A copy of a key event we held back (Qt deletes the original after delivery)."""

    receiver: QWidget
    type: QEvent.Type
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    scan_code: int
    virtual_key: int
    native_modifiers: int
    stamp: int  # window-system time in ms, 0 when unknown
    arrived: float  # monotonic ms

    @classmethod
    def of(cls, receiver: QWidget, event: QKeyEvent) -> _Held:
        return cls(
            receiver,
            event.type(),
            int(event.key()),
            event.modifiers(),
            event.text(),
            event.nativeScanCode(),
            event.nativeVirtualKey(),
            event.nativeModifiers(),
            int(event.timestamp()),
            time.monotonic() * 1000.0,
        )

    def event(self) -> QKeyEvent:
        return QKeyEvent(
            self.type,
            self.key,
            self.modifiers,
            self.scan_code,
            self.virtual_key,
            self.native_modifiers,
            self.text,
        )

    @property
    def is_press(self) -> bool:
        return self.type == QEvent.Type.KeyPress


def _gap_ms(before: _Held, after: _Held) -> float:
    if before.stamp and after.stamp and 0 <= after.stamp - before.stamp < 60_000:
        return float(after.stamp - before.stamp)
    return after.arrived - before.arrived


def _suffix_name(key: int, text: str) -> str:
    """ "Enter", "Tab" or "": a line feed (some scanners end codes with LF) counts as Enter."""
    if key in SUFFIX_KEYS:
        return SUFFIX_KEYS[Qt.Key(key)]
    return "Enter" if text in ("\r", "\n") else ""


def _kind(event: QKeyEvent) -> _Kind:
    key = event.key()
    if key in MODIFIER_KEYS:
        return _Kind.MODIFIER
    if _suffix_name(key, event.text()):
        return _Kind.SUFFIX
    text = event.text()
    if len(text) == 1 and text.isprintable() and not event.modifiers() & TEXT_BLOCKING_MODIFIERS:
        return _Kind.TEXT
    return _Kind.OTHER


def _key_name(held: _Held) -> str:
    if held.text and held.text.isprintable():
        return held.text
    suffix = _suffix_name(held.key, held.text)
    if suffix:
        return suffix
    try:
        return Qt.Key(held.key).name.removeprefix("Key_")
    except ValueError:
        return f"key {held.key:#x}"


class ScanBurstFilter(QObject):
    """Install on the QApplication; `scanned` carries each whole code."""

    scanned = Signal(str)  # the code, prefix and suffix removed
    burstSeen = Signal(object)  # Burst: every burst, scan or not (the test page shows them)

    def __init__(self, settings: ScannerSettings | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings or ScannerSettings()
        self._held: list[_Held] = []
        self._swallow_release: set[int] = set()
        self._replaying = False
        self._installed: QApplication | None = None
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush_due)
        # Beats count how long this thread really ran since the last key: a flush timer that
        # fires right after a stall (few beats) has measured the stall, not a pause.
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.timeout.connect(self._beat)
        self._beats = 0
        self._apply_timer_interval()

    # -- set-up ----------------------------------------------------------------------------
    def set_settings(self, settings: ScannerSettings) -> None:
        self.flush()
        self.settings = settings
        self._apply_timer_interval()

    def _apply_timer_interval(self) -> None:
        self._flush_timer.setInterval(self.settings.max_gap_ms + FLUSH_SLACK_MS)

    def install(self, app: QApplication | None = None) -> None:
        target = app or QApplication.instance()
        if not isinstance(target, QApplication) or self._installed is target:
            return
        target.installEventFilter(self)
        self._installed = target

    def uninstall(self) -> None:
        self.flush()
        if self._installed is not None:
            self._installed.removeEventFilter(self)
            self._installed = None

    @property
    def holding(self) -> bool:
        """Keys are held back, waiting to see whether more follow (tests wait on it)."""
        return bool(self._held)

    # -- the filter ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        etype = event.type()
        if etype not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or self._replaying:
            return False
        assert isinstance(event, QKeyEvent)
        if not isinstance(watched, QWidget) or not _is_key_target(watched):
            # The window's copy (the focused widget gets it next), a parent the event
            # propagates to, or a key sent to some other widget: keep the order all the same.
            if etype == QEvent.Type.KeyPress and self._held and isinstance(watched, QWidget):
                self._give_back()
            return False
        if etype == QEvent.Type.KeyRelease:
            return self._release(watched, event)
        return self._press(watched, event)

    def _release(self, watched: QWidget, event: QKeyEvent) -> bool:
        if event.key() in self._swallow_release and not event.isAutoRepeat():
            self._swallow_release.discard(event.key())
            return True
        if self._held:
            self._held.append(_Held.of(watched, event))
            return True
        return False

    def _press(self, watched: QWidget, event: QKeyEvent) -> bool:
        kind = _kind(event)
        if not self._held:
            # A key held down repeats by itself: a person. (Within a burst, X11 marks the
            # second of two equal keys typed 1 ms apart as a repeat too, so there the
            # timing decides, as for any key.)
            if event.isAutoRepeat():
                return False
            if kind is _Kind.TEXT:
                self._hold(watched, event)
                return True
            return False
        held = _Held.of(watched, event)
        if kind is _Kind.MODIFIER:
            self._held.append(held)
            return True
        last_press = next(h for h in reversed(self._held) if h.is_press and h.text)
        # Keys without timestamps (synthetic ones) can only be timed by arrival, and a
        # thread that was not running (a starved process) makes any gap look long: for them
        # the flush timer alone ends a burst, since it fires only once this thread has been
        # idle for max_gap_ms + slack, which is a real pause between keys.
        stamped = bool(last_press.stamp and held.stamp)
        if stamped and _gap_ms(last_press, held) > self.settings.max_gap_ms:
            self._pause_ended()
            return self._press(watched, event)
        if kind is _Kind.TEXT:
            self._hold(watched, event)
            return True
        if kind is _Kind.SUFFIX:
            suffix = _suffix_name(event.key(), event.text())
            burst = self._analyse(self._held + [held], suffix)
            if burst.is_scan:
                self._held.clear()
                self._flush_timer.stop()
                self._heartbeat.stop()
                self._swallow_release.add(int(event.key()))
                self._emit(burst)
                return True
            self.burstSeen.emit(burst)
            self._replay()
            return False
        self._give_back()
        return False

    def _hold(self, watched: QWidget, event: QKeyEvent) -> None:
        self._held.append(_Held.of(watched, event))
        self._beats = 0
        self._flush_timer.start()
        if not self._heartbeat.isActive():
            self._heartbeat.start()

    def _beat(self) -> None:
        self._beats += 1

    def _flush_due(self) -> None:
        if self._held and self._beats < MIN_BEATS:
            # This thread was not running (it just woke up): keys typed meanwhile may be
            # waiting in the queue right behind this timer. Look again after them.
            self._beats = 0
            self._flush_timer.start()
            return
        self._pause_ended()

    # -- deciding ----------------------------------------------------------------------------
    def _pause_ended(self) -> None:
        """No key for longer than max_gap_ms: the burst is complete without a suffix key."""
        self._flush_timer.stop()
        self._heartbeat.stop()
        if not self._held:
            return
        burst = self._analyse(self._held, "")
        if burst.is_scan:
            self._held.clear()
            self._emit(burst)
            return
        self.burstSeen.emit(burst)
        self._replay()

    def flush(self) -> None:
        """Decide now about anything held (settings change, shutdown)."""
        self._pause_ended()

    def _give_back(self) -> None:
        """A key that cannot belong to a scan arrived: the held keys were typed."""
        self._flush_timer.stop()
        self._heartbeat.stop()
        if self._held:
            self.burstSeen.emit(self._analyse(self._held, ""))
            self._replay()

    def _analyse(self, events: list[_Held], suffix: str) -> Burst:
        s = self.settings
        strokes: list[KeyStroke] = []
        previous: _Held | None = None
        for held in events:
            if not held.is_press:
                continue
            gap = None if previous is None else round(_gap_ms(previous, held), 1)
            strokes.append(
                KeyStroke(
                    _key_name(held), "" if _suffix_name(held.key, held.text) else held.text, gap
                )
            )
            previous = held
        typed = "".join(k.text for k in strokes)
        prefix = s.prefix if s.prefix and typed.startswith(s.prefix) else ""
        code = typed[len(prefix) :]
        reason = ""
        if s.prefix and not prefix:
            reason = f"does not start with the prefix {s.prefix!r}"
        elif len(code) < s.min_length:
            reason = f"{len(code)} character(s); a scan has at least {s.min_length}"
        elif s.suffix is Suffix.ENTER and suffix != "Enter":
            reason = "no Enter after the code" if not suffix else f"{suffix} instead of Enter"
        elif s.suffix is Suffix.TAB and suffix != "Tab":
            reason = "no Tab after the code" if not suffix else f"{suffix} instead of Tab"
        # With suffix "none" an Enter or Tab right after the code is taken as part of the
        # scan: letting it through would press the focused widget's default action.
        return Burst(tuple(strokes), prefix, code, suffix, not reason, reason)

    def _emit(self, burst: Burst) -> None:
        self.burstSeen.emit(burst)
        log.debug("scan of %d characters, slowest gap %.1f ms", len(burst.code), burst.max_gap_ms)
        self.scanned.emit(burst.code)

    def _replay(self) -> None:
        held, self._held = self._held, []
        self._flush_timer.stop()
        self._heartbeat.stop()
        self._replaying = True
        try:
            for item in held:
                receiver = _still_there(item.receiver) or QApplication.focusWidget()
                if receiver is None:
                    continue
                QApplication.sendEvent(receiver, item.event())
        finally:
            self._replaying = False


def _is_key_target(widget: QWidget) -> bool:
    """The first widget a key event is delivered to: the focused one, else the window."""
    focus = QApplication.focusWidget()
    if focus is not None:
        return widget is focus
    return widget.isWindow()


def _still_there(widget: QWidget) -> QWidget | None:
    if shiboken6.isValid(widget) and widget.isVisible() and widget.isEnabled():
        return widget
    return None
