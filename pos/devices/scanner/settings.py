"""Scanner settings: burst timing, prefix/suffix, failure sound and an optional serial port.

They live in the counter's settings file beside the database URL, as flat string keys
(`scanner_max_gap_ms`, ...), so an installer can also put them in the system-wide file.
A value that cannot be used falls back to its default with a warning: a typo in a settings
file must never stop a counter from selling.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from pos import config

log = logging.getLogger("pos.devices.scanner")

KEY_PREFIX = "scanner_"
# USB scanners type 1-5 ms apart, people more than 30 ms: 30 ms leaves slower scanners (and a
# busy machine) room while no person types four keys and Enter that fast.
DEFAULT_MAX_GAP_MS = 30
MAX_GAP_RANGE = (5, 200)
MIN_LENGTH_RANGE = (1, 64)
MAX_PREFIX_LENGTH = 8
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


class Suffix(enum.StrEnum):
    """The key a scanner sends after the code."""

    ENTER = "enter"
    TAB = "tab"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"enter": "Enter", "tab": "Tab", "none": "None (code ends by a pause)"}[self.value]


@dataclass(frozen=True)
class ScannerSettings:
    max_gap_ms: int = DEFAULT_MAX_GAP_MS  # longest pause between two keys of one scan
    min_length: int = 4  # shortest code (without prefix) taken as a scan
    prefix: str = ""  # characters the scanner sends before every code ("" = none)
    suffix: Suffix = Suffix.ENTER
    sound: bool = True  # beep when a scan fails
    serial_port: str = ""  # e.g. /dev/ttyACM0 or COM3; "" = no serial scanner
    serial_baud: int = 9600

    def to_values(self) -> dict[str, str]:
        return {
            f"{KEY_PREFIX}max_gap_ms": str(self.max_gap_ms),
            f"{KEY_PREFIX}min_length": str(self.min_length),
            f"{KEY_PREFIX}prefix": self.prefix,
            f"{KEY_PREFIX}suffix": self.suffix.value,
            f"{KEY_PREFIX}sound": "on" if self.sound else "off",
            f"{KEY_PREFIX}serial_port": self.serial_port,
            f"{KEY_PREFIX}serial_baud": str(self.serial_baud),
        }

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> ScannerSettings:
        default = cls()
        found: dict[str, object] = {}
        for field in fields(cls):
            raw = values.get(f"{KEY_PREFIX}{field.name}")
            if raw is None:
                continue
            try:
                found[field.name] = _parse(field.name, raw)
            except ValueError as err:
                log.warning("scanner setting %s ignored: %s", field.name, err)
        merged = {f.name: found.get(f.name, getattr(default, f.name)) for f in fields(cls)}
        return cls(**merged)  # type: ignore[arg-type]


def _parse(name: str, raw: str) -> object:
    raw = raw.strip() if name != "prefix" else raw
    if name == "max_gap_ms":
        return _bounded_int(raw, *MAX_GAP_RANGE)
    if name == "min_length":
        return _bounded_int(raw, *MIN_LENGTH_RANGE)
    if name == "prefix":
        if len(raw) > MAX_PREFIX_LENGTH or not raw.isprintable():
            raise ValueError(f"at most {MAX_PREFIX_LENGTH} printable characters")
        return raw
    if name == "suffix":
        return Suffix(raw.lower())
    if name == "sound":
        if raw.lower() not in ("on", "off"):
            raise ValueError("on or off")
        return raw.lower() == "on"
    if name == "serial_port":
        if not raw.isprintable() or len(raw) > 200:
            raise ValueError("not a port name")
        return raw
    if name == "serial_baud":
        baud = int(raw)
        if baud not in BAUD_RATES:
            raise ValueError(f"one of {', '.join(map(str, BAUD_RATES))}")
        return baud
    raise ValueError("unknown setting")


def _bounded_int(raw: str, low: int, high: int) -> int:
    value = int(raw)
    if not low <= value <= high:
        raise ValueError(f"from {low} to {high}")
    return value


def load() -> ScannerSettings:
    """This counter's scanner settings (system-wide file, then the user's)."""
    return ScannerSettings.from_values(config.load_values())


def save(settings: ScannerSettings) -> Path:
    return config.save_user_settings(**settings.to_values())
