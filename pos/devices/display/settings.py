"""Customer display settings of one counter: `display_screen` in the counter's settings
file, "off" (the default) or the monitor's number, 1 being the first screen Qt lists.

A counter whose chosen monitor is unplugged keeps selling: the display then opens on the
last screen there is (see pos.ui.customer_display), and says nothing to the clerk twice.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pos import config

log = logging.getLogger("pos.devices.display")

KEY = "display_screen"
OFF = 0
MAX_SCREENS = 16


def parse(raw: str | None) -> int:
    """0 = off, else the 1-based monitor number."""
    if raw is None or raw.strip().lower() in ("", "off"):
        return OFF
    try:
        number = int(raw.strip())
    except ValueError:
        number = -1
    if not 1 <= number <= MAX_SCREENS:
        log.warning("display setting %r ignored: 'off' or a screen number 1..%d", raw, MAX_SCREENS)
        return OFF
    return number


def load() -> int:
    return parse(config.load_values().get(KEY))


def save(screen: int) -> Path:
    return config.save_user_settings(**{KEY: str(screen) if screen else "off"})
