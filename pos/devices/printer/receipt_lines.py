"""An order laid out for a receipt roll: text columns that fit 32 (58 mm) or 48 (80 mm)
characters. Plain data, no printer: the same lines print, show in tests and in logs."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from pos.money import format_money
from pos.views import OrderView

FOOTER = "Thank you for shopping with us"


def printable(text: str) -> str:
    """User text without control or format characters: on an ESC/POS printer a stray ESC
    or GS in a product name would be a command (cut, drawer, code page), not text."""
    return "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    ).strip()


def two_columns(left: str, right: str, width: int) -> str:
    """left ... right on one line; a long left side is cut, the amount never is."""
    room = width - len(right) - 1
    if room < 1:
        return right[-width:]
    left = left if len(left) <= room else left[: max(room - 1, 0)] + "\u2026"
    return f"{left}{' ' * (width - len(left) - len(right))}{right}"


def wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        while len(word) > width:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{line} {word}" if line else word
        if len(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines or [""]


@dataclass(frozen=True)
class ReceiptText:
    """The receipt in the order it prints."""

    title: str
    header: list[str]
    lines: list[str]
    totals: list[str]
    grand_total: str
    tenders: list[str]
    barcode: str  # the order number, printed as CODE128 under the totals
    footer: list[str]


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def layout(order: OrderView, width: int) -> ReceiptText:
    def money(amount: object) -> str:
        return format_money(amount, order.currency)  # type: ignore[arg-type]

    header = [
        two_columns("Order", printable(order.order_number), width),
        two_columns("Date", local_time(order.created_at), width),
        two_columns("Counter", printable(order.counter_code), width),
        two_columns("Clerk", printable(order.clerk), width),
    ]
    if order.customer_name:
        header.append(two_columns("Customer", printable(order.customer_name), width))
    header.append(two_columns("Sale", "Delivery" if order.delivery else "Carry-out", width))
    lines: list[str] = []
    for line in order.lines:
        lines.extend(wrap(printable(line.name), width))
        lines.append(
            two_columns(
                f"  {line.quantity} x {money(line.unit_price)}", money(line.line_total), width
            )
        )
    totals = [
        two_columns("Subtotal", money(order.subtotal), width),
        two_columns("Tax", money(order.tax), width),
    ]
    if order.delivery:
        totals.append(two_columns("Shipping", money(order.shipping), width))
    tenders = [
        two_columns(payment.method.capitalize(), money(payment.amount), width)
        for payment in order.payments
    ]
    tenders.append(two_columns("Tendered", money(order.tendered), width))
    tenders.append(two_columns("Change", money(order.change_due), width))
    items = order.item_count
    return ReceiptText(
        title=printable(order.store_name) or "Receipt",
        header=header,
        lines=lines,
        totals=totals,
        # Double-width text: half the columns.
        grand_total=two_columns("TOTAL", money(order.total), width // 2),
        tenders=tenders,
        barcode=printable(order.order_number),
        footer=[
            *wrap(FOOTER, width),
            *wrap(
                f"{items} item{'s' if items != 1 else ''} - keep this receipt for returns", width
            ),
        ],
    )


def is_cash_sale(order: OrderView) -> bool:
    return any(payment.method == "cash" for payment in order.payments)
