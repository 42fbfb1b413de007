"""Where the counter window opens: full screen on a kiosk till, else where it was last
time on this computer, else maximised. Never a fixed size: it lays out from 1024x768 up.

The kiosk setting belongs to the till, not to the store: `POS_KIOSK=1` in the
environment, or `kiosk=true` under [counter] in the user's ui-state.ini.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import QWidget

from pos.ui.admin.window_state import _settings, restore_geometry, save_geometry

GEOMETRY_KEY = "counter"
TRUE = {"1", "true", "yes", "on"}


def kiosk_mode() -> bool:
    env = os.environ.get("POS_KIOSK")
    if env is not None:
        return env.strip().lower() in TRUE
    return str(_settings().value(f"{GEOMETRY_KEY}/kiosk", "")).strip().lower() in TRUE


def show_counter(window: QWidget) -> str:
    """Show the window; returns how: "fullscreen", "restored" or "maximized"."""
    if kiosk_mode():
        window.showFullScreen()
        return "fullscreen"
    if restore_geometry(window, GEOMETRY_KEY):
        window.show()
        return "restored"
    window.showMaximized()
    return "maximized"


def remember_counter(window: QWidget) -> None:
    if not kiosk_mode() and not window.isFullScreen():
        save_geometry(window, GEOMETRY_KEY)
