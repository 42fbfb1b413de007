"""The cash drawer, opened through the receipt printer's drawer port.

Every opening that is not a cash sale is logged with who, where and why (pos.log): an
open drawer is money in reach. The shift work (paid in / paid out) calls
`open_for_cash_movement`; the manager's "Open drawer" calls `open_without_sale`.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from pos.devices.printer.jobs import kick_drawer
from pos.devices.printer.receipt_lines import printable
from pos.devices.printer.settings import PrinterSettings
from pos.errors import ErrorCode, PosError

log = logging.getLogger("pos.devices.drawer")


def open_without_sale(settings: PrinterSettings, *, user: str, counter: str, manager: bool) -> None:
    """The manager-only "Open drawer": refused to anyone else, logged either way."""
    if not manager:
        log.warning("drawer opening refused: %s at counter %s is not a manager", user, counter)
        raise PosError(ErrorCode.FORBIDDEN, "Only a manager can open the cash drawer.")
    kick_drawer(settings)
    log.info("drawer opened without a sale by %s at counter %s", printable(user), counter)


def open_for_cash_movement(
    settings: PrinterSettings, *, reason: str, amount: Decimal, user: str, counter: str
) -> None:
    """Paid in / paid out (the shifts work calls this once the movement is booked):
    opens the drawer and logs the movement beside it. `reason` is e.g. "paid_in"."""
    kick_drawer(settings)
    log.info(
        "drawer opened for %s of %s by %s at counter %s",
        printable(reason),
        amount,
        printable(user),
        counter,
    )
