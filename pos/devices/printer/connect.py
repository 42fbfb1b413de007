"""Opening the configured ESC/POS printer through python-escpos.

python-escpos loads its printer database when first imported: it caches it in a fresh temp
folder (one per process, never removed) and calls logging.basicConfig(), and it logs
through the root logger (which calls basicConfig() again when the root has no handler). So
it is imported here, on first use, with its cache pointed at the app's cache folder, and
the root logger gets a NullHandler when it has none: the library's chatter stays out of
the terminal, and the app's own log (the "pos" logger) is untouched.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from pos import config
from pos.devices.printer.settings import Connection, PrinterSettings
from pos.errors import ErrorCode, PosError

if TYPE_CHECKING:
    from escpos.escpos import Escpos

log = logging.getLogger("pos.devices.printer")

_loaded = False


def load_escpos() -> None:
    """Import python-escpos once, tidily (see the module docstring)."""
    global _loaded
    if _loaded:
        return
    cache = config.cache_dir() / "escpos"
    cache.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())
    before = list(root.handlers)
    try:
        import escpos.printer  # noqa: F401
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
    _loaded = True


def unreachable(settings: PrinterSettings, why: object) -> PosError:
    return PosError(
        ErrorCode.DEVICE_ERROR,
        f"The receipt printer ({settings.describe()}) cannot be reached: {why}",
        {"printer": settings.describe()},
    )


def open_printer(settings: PrinterSettings) -> Escpos:
    """An open printer, or a PosError (DEVICE_ERROR) that says which and why."""
    if not settings.enabled:
        raise PosError(ErrorCode.DEVICE_ERROR, "No receipt printer is set for this counter.")
    load_escpos()
    from escpos import printer as escpos_printer
    from escpos.exceptions import Error as EscposError

    timeout = settings.timeout_s
    device: Escpos
    match settings.connection:
        case Connection.NETWORK:
            device = escpos_printer.Network(settings.host, settings.port, timeout=timeout)
        case Connection.USB:
            device = escpos_printer.Usb(
                settings.usb_vendor, settings.usb_product, timeout=timeout * 1000
            )
        case Connection.SERIAL:
            device = escpos_printer.Serial(
                settings.serial_port, baudrate=settings.serial_baud, timeout=timeout
            )
        case _:
            device = escpos_printer.File(settings.device)
    try:
        device.open()  # type: ignore[attr-defined]
    except (EscposError, OSError, ValueError) as err:
        raise unreachable(settings, _reason(err)) from None
    return device


def _reason(err: BaseException) -> str:
    """What the system said ("Connection refused", "timed out"), else the useful last
    line of python-escpos' multi-line message."""
    cause = err if isinstance(err, OSError) else (err.__cause__ or err.__context__)
    if isinstance(cause, OSError):
        return cause.strerror or str(cause) or type(cause).__name__
    text = str(err).strip().rstrip(")").splitlines()
    reason = text[-1] if text else type(err).__name__
    if "No backend available" in reason:  # pyusb found no libusb on this machine
        reason += " (install libusb-1.0 for USB printers)"
    return reason
