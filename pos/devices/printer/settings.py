"""Receipt printer settings of one counter, stored like the scanner's: flat `printer_*`
string keys in the counter's settings file (or store-wide in /etc/pos/settings.json).

A value that cannot be used falls back to its default with a warning: a typo in a settings
file must never stop a counter from selling (it may only stop the printer).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from pos import config

log = logging.getLogger("pos.devices.printer")

KEY_PREFIX = "printer_"
PAPER_WIDTHS_MM = (58, 80)
TIMEOUT_RANGE_S = (1, 60)
BAUD_RATES = (9600, 19200, 38400, 57600, 115200)
MAX_TEXT = 200


class Connection(enum.StrEnum):
    """How the counter reaches its receipt printer."""

    NONE = "none"  # no ESC/POS printer: receipts go to the system printer or PDF
    NETWORK = "network"  # raw TCP, port 9100 on nearly every Ethernet/Wi-Fi model
    USB = "usb"  # vendor and product id (libusb)
    SERIAL = "serial"  # COM port
    FILE = "file"  # a device file such as /dev/usb/lp0, or a plain file (tests, spooling)

    @property
    def label(self) -> str:
        return {
            "none": "None (system printer or PDF)",
            "network": "Network (TCP)",
            "usb": "USB",
            "serial": "Serial port",
            "file": "Device file",
        }[self.value]


@dataclass(frozen=True)
class PrinterSettings:
    connection: Connection = Connection.NONE
    host: str = ""
    port: int = 9100
    usb_vendor: int = 0  # e.g. 0x04b8 (Epson)
    usb_product: int = 0
    serial_port: str = ""
    serial_baud: int = 9600
    device: str = ""  # path for Connection.FILE
    paper_mm: int = 80
    logo: str = ""  # an image file printed at the top ("" = none)
    timeout_s: int = 5  # connect/write timeout: a dead printer never holds the counter
    drawer: bool = True  # kick the cash drawer on cash sales
    cut: bool = True

    @property
    def enabled(self) -> bool:
        return self.connection is not Connection.NONE

    @property
    def columns(self) -> int:
        """Characters per line in font A: 48 on an 80 mm roll, 32 on 58 mm."""
        return 48 if self.paper_mm == 80 else 32

    @property
    def image_width(self) -> int:
        """Printable dots across at 203 dpi (logo width limit)."""
        return 512 if self.paper_mm == 80 else 384

    def describe(self) -> str:
        """Where the printer is, for messages (no secrets in these settings)."""
        match self.connection:
            case Connection.NETWORK:
                return f"{self.host}:{self.port}"
            case Connection.USB:
                return f"USB {self.usb_vendor:04x}:{self.usb_product:04x}"
            case Connection.SERIAL:
                return f"{self.serial_port} at {self.serial_baud} baud"
            case Connection.FILE:
                return self.device
        return "no receipt printer"

    def to_values(self) -> dict[str, str]:
        values = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool):
                text = "on" if value else "off"
            elif field.name.startswith("usb_"):
                text = f"{value:04x}"
            else:
                text = str(value)
            values[f"{KEY_PREFIX}{field.name}"] = text
        return values

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> PrinterSettings:
        default = cls()
        found: dict[str, object] = {}
        for field in fields(cls):
            raw = values.get(f"{KEY_PREFIX}{field.name}")
            if raw is None:
                continue
            try:
                found[field.name] = _parse(field.name, raw.strip())
            except ValueError as err:
                log.warning("printer setting %s ignored: %s", field.name, err)
        merged = {f.name: found.get(f.name, getattr(default, f.name)) for f in fields(cls)}
        return cls(**merged)  # type: ignore[arg-type]


def _parse(name: str, raw: str) -> object:
    if name == "connection":
        return Connection(raw.lower())
    if name == "port":
        return _bounded_int(raw, 1, 65535)
    if name in ("usb_vendor", "usb_product"):
        return _bounded_int(str(int(raw, 16)), 0, 0xFFFF)
    if name == "serial_baud":
        baud = int(raw)
        if baud not in BAUD_RATES:
            raise ValueError(f"one of {', '.join(map(str, BAUD_RATES))}")
        return baud
    if name == "paper_mm":
        width = int(raw)
        if width not in PAPER_WIDTHS_MM:
            raise ValueError("58 or 80")
        return width
    if name == "timeout_s":
        return _bounded_int(raw, *TIMEOUT_RANGE_S)
    if name in ("drawer", "cut"):
        if raw.lower() not in ("on", "off"):
            raise ValueError("on or off")
        return raw.lower() == "on"
    if name in ("host", "serial_port", "device", "logo"):
        if len(raw) > MAX_TEXT or not raw.isprintable():
            raise ValueError("not a host, port or path")
        return raw
    raise ValueError("unknown setting")


def _bounded_int(raw: str, low: int, high: int) -> int:
    value = int(raw)
    if not low <= value <= high:
        raise ValueError(f"from {low} to {high}")
    return value


def load() -> PrinterSettings:
    """This counter's printer settings (system-wide file, then the user's)."""
    return PrinterSettings.from_values(config.load_values())


def save(settings: PrinterSettings) -> Path:
    return config.save_user_settings(**settings.to_values())
