"""`pos --self-test` part: a sample receipt through python-escpos into a temp file, so a
packaged build proves it carries the library, its printer database, Pillow and the
barcode code (they are loaded by name and path at run time, where a bundler can miss them).
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from pos.devices.printer.jobs import print_order
from pos.devices.printer.settings import Connection, PrinterSettings
from pos.paths import resources_dir
from pos.views import OrderLineView, OrderView, PaymentView


def sample_order() -> OrderView:
    return OrderView(
        id=1,
        order_number="SELF-TEST-1",
        cart_id=1,
        created_at=datetime.now(UTC),
        counter_code="TEST",
        clerk="self-test",
        customer_id=None,
        customer_name=None,
        delivery=False,
        lines=(OrderLineView(uuid.uuid4(), "T-1", "Test item", Decimal("1.00"), 1, Decimal("1")),),
        payments=(PaymentView("cash", Decimal("1.08")),),
        subtotal=Decimal("1.00"),
        tax=Decimal("0.08"),
        shipping=Decimal("0"),
        total=Decimal("1.08"),
        tendered=Decimal("1.08"),
        change_due=Decimal("0"),
        store_name="pos",
    )


def sample_receipt_bytes() -> int:
    """Bytes a sample receipt (logo, barcode, cut, drawer kick) comes to; raises if the
    printing stack (python-escpos, its printer database, Pillow, python-barcode for the
    shelf labels too) is incomplete."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "receipt.bin"
        settings = PrinterSettings(
            connection=Connection.FILE,
            device=str(target),
            logo=str(resources_dir() / "icons" / "pos.png"),
        )
        print_order(settings, sample_order())
        data = target.read_bytes()
    from pos.devices.labels.barcodes import pattern_for

    label = pattern_for("4006381333931", "SELF-TEST")  # shelf labels: python-barcode
    if label is None or label.kind != "ean13" or len(label.modules) != 95:
        raise RuntimeError("python-barcode did not make an EAN-13 pattern")
    if b"\x1dv0" not in data or b"\x1dkI" not in data or b"\x1dV" not in data:
        raise RuntimeError("the sample receipt lacks its logo, barcode or cut")
    return len(data)
