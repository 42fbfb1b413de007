"""Print jobs on the receipt printer: a receipt, a test page, a drawer kick.

Each job opens the printer, sends everything, and closes it again (a network printer
serves one connection at a time; a counter holding it open would lock out the others).
They block up to the printer's timeout, so callers run them off the GUI thread. Any
failure is a PosError (DEVICE_ERROR) that says what happened; nothing is retried here.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pos.devices.printer.connect import open_printer
from pos.devices.printer.receipt_lines import ReceiptText, is_cash_sale, layout, printable
from pos.devices.printer.settings import Connection, PrinterSettings
from pos.errors import ErrorCode, PosError
from pos.views import OrderView

if TYPE_CHECKING:
    from escpos.escpos import Escpos

log = logging.getLogger("pos.devices.printer")

DRAWER_PIN = 2  # the drawer port's pin on nearly every printer (pin 5 is a second drawer)
STATUS_TIMEOUT_S = 1.0
PAPER_OUT = 0


@contextlib.contextmanager
def opened(settings: PrinterSettings) -> Iterator[Escpos]:
    device = open_printer(settings)  # first: it imports python-escpos tidily
    from escpos.exceptions import Error as EscposError

    try:
        _refuse_without_paper(device, settings)
        yield device
    except (EscposError, OSError) as err:
        raise PosError(
            ErrorCode.DEVICE_ERROR,
            f"The receipt printer ({settings.describe()}) stopped while printing: "
            f"{str(err).strip().splitlines()[-1] if str(err).strip() else type(err).__name__}",
            {"printer": settings.describe()},
        ) from None
    finally:
        try:
            device.close()
        except Exception:  # closing a dead connection must not hide why it died
            log.debug("closing the printer failed", exc_info=True)


def _refuse_without_paper(device: Escpos, settings: PrinterSettings) -> None:
    """Ask a two-way printer (network, serial) for its paper sensor; one that does not
    answer within a second is printed to anyway (many cheap ones never answer)."""
    if settings.connection not in (Connection.NETWORK, Connection.SERIAL):
        return
    handle = getattr(device, "device", None)
    # Wait a second for the answer, not the printer's whole timeout (socket or pyserial).
    if isinstance(handle, socket.socket):
        handle.settimeout(STATUS_TIMEOUT_S)
    elif handle is not None and hasattr(handle, "timeout"):
        handle.timeout = STATUS_TIMEOUT_S
    try:
        status = device.paper_status()
    except (OSError, TimeoutError):
        status = None
    finally:
        if isinstance(handle, socket.socket):
            handle.settimeout(settings.timeout_s)
        elif handle is not None and hasattr(handle, "timeout"):
            handle.timeout = settings.timeout_s
    if status == PAPER_OUT:
        raise PosError(
            ErrorCode.DEVICE_ERROR,
            f"The receipt printer ({settings.describe()}) is out of paper.",
            {"printer": settings.describe(), "paper": "out"},
        )


def _logo(device: Escpos, settings: PrinterSettings) -> None:
    if not settings.logo:
        return
    try:
        from PIL import Image

        with Image.open(Path(settings.logo)) as source:
            image = source.convert("RGBA")
        if image.width > settings.image_width:
            height = round(image.height * settings.image_width / image.width)
            image = image.resize((settings.image_width, max(height, 1)))
        # Transparent pixels print white, not black.
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
    except (OSError, ValueError) as err:
        log.warning("receipt logo %s not printed: %s", settings.logo, err)
        return
    device.set(align="center")
    with contextlib.redirect_stdout(io.StringIO()):  # it print()s a note on the profile
        device.image(flat, center=False)


def _barcode(device: Escpos, code: str) -> None:
    from escpos.exceptions import Error as EscposError

    device.set(align="center")
    try:
        # Code set B ("{B"): digits, letters and dashes of any order number. The library
        # print()s which renderer it chose: kept off the terminal.
        with contextlib.redirect_stdout(io.StringIO()):
            device.barcode("{B" + code, "CODE128", height=60, width=2, function_type="B")
    except EscposError as err:  # a code the printer cannot draw: the number as text
        log.info("order barcode printed as text: %s", err)
        device.textln(code)


def write_receipt(device: Escpos, text: ReceiptText, settings: PrinterSettings) -> None:
    """The receipt's commands, in print order, to any python-escpos printer."""
    _logo(device, settings)
    device.set(align="center", bold=True, double_width=True, double_height=True)
    device.textln(text.title[: settings.columns // 2])
    device.set_with_default(align="left")
    for line in text.header:
        device.textln(line)
    device.textln("-" * settings.columns)
    for line in text.lines:
        device.textln(line)
    device.textln("-" * settings.columns)
    for line in text.totals:
        device.textln(line)
    device.set(bold=True, double_width=True, double_height=True)
    device.textln(text.grand_total)
    device.set_with_default(align="left")
    device.textln("-" * settings.columns)
    for line in text.tenders:
        device.textln(line)
    device.ln()
    _barcode(device, text.barcode)
    device.set_with_default(align="center")
    for line in text.footer:
        device.textln(line)
    if settings.cut:
        device.cut()


def print_order(settings: PrinterSettings, order: OrderView, *, drawer: bool = True) -> bool:
    """Print the order's receipt; kicks the drawer first on a cash sale (it opens while the
    receipt prints). Returns whether the drawer was kicked."""
    kick = drawer and settings.drawer and is_cash_sale(order)
    with opened(settings) as device:
        if kick:
            device.cashdraw(DRAWER_PIN)
        write_receipt(device, layout(order, settings.columns), settings)
    log.info("receipt %s printed on %s", order.order_number, settings.describe())
    return kick


def print_test_page(settings: PrinterSettings, store_name: str = "") -> None:
    """A page that shows the printer is reached and what it is set to."""
    width = settings.columns
    with opened(settings) as device:
        _logo(device, settings)
        device.set(align="center", bold=True, double_width=True, double_height=True)
        device.textln("TEST PAGE")
        device.set_with_default(align="left")
        device.textln(printable(store_name) or "pos")
        device.textln(f"Printer: {printable(settings.describe())}")
        device.textln(f"Paper: {settings.paper_mm} mm, {width} characters")
        device.textln(f"Printed {datetime.now().astimezone():%Y-%m-%d %H:%M}")
        device.textln(("1234567890" * 5)[:width])
        device.textln("-" * width)
        _barcode(device, "TEST-123")
        if settings.cut:
            device.cut()


def kick_drawer(settings: PrinterSettings) -> None:
    """Open the cash drawer behind the printer (nothing printed)."""
    if not settings.drawer:
        raise PosError(
            ErrorCode.DEVICE_ERROR, "No cash drawer is set up on this counter's receipt printer."
        )
    with opened(settings) as device:
        device.cashdraw(DRAWER_PIN)
