"""Where the admin window was: saved on close, restored on open (per computer and user).

Kept in the user's config folder (ui-state.ini), not in the database: a window's place
belongs to this screen, not to the store.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from pos import config

STATE_FILE = "ui-state.ini"


def _settings() -> QSettings:
    folder = config.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / STATE_FILE), QSettings.Format.IniFormat)


def save_geometry(window: QWidget, key: str) -> None:
    settings = _settings()
    settings.setValue(f"{key}/geometry", window.saveGeometry())
    settings.sync()


def restore_geometry(window: QWidget, key: str) -> bool:
    """True when a saved place was restored (Qt moves it onto a screen that exists now)."""
    value = _settings().value(f"{key}/geometry")
    if not isinstance(value, QByteArray | bytes) or not value:
        return False
    return bool(window.restoreGeometry(QByteArray(value)))
