"""Receipts, test pages and drawer kicks on a fake ESC/POS network printer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pos.devices.printer import jobs
from pos.devices.printer.drawer import open_without_sale
from pos.devices.printer.receipt_lines import layout, printable, two_columns
from pos.devices.printer.settings import Connection, PrinterSettings
from pos.errors import ErrorCode, PosError
from pos.paths import resources_dir
from pos.views import OrderLineView, OrderView, PaymentView
from tests.fake_printer import (
    BARCODE,
    CODE128_B,
    CUT,
    DRAWER_KICK,
    PAPER_OUT,
    PAPER_QUERY,
    FakeEscposPrinter,
)


def order(method: str = "cash", name: str = "Algae Chips") -> OrderView:
    return OrderView(
        id=7,
        order_number="C1-000042",
        cart_id=3,
        created_at=datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
        counter_code="C1",
        clerk="clerk",
        customer_id=None,
        customer_name=None,
        delivery=False,
        lines=(OrderLineView(uuid.uuid4(), "ALG-1", name, Decimal("2.50"), 2, Decimal("5.00")),),
        payments=(PaymentView(method, Decimal("10.00") if method == "cash" else Decimal("5.40")),),
        subtotal=Decimal("5.00"),
        tax=Decimal("0.40"),
        shipping=Decimal("0"),
        total=Decimal("5.40"),
        tendered=Decimal("10.00") if method == "cash" else Decimal("5.40"),
        change_due=Decimal("4.60") if method == "cash" else Decimal("0"),
        store_name="Neon Night Market",
    )


@pytest.fixture
def printer():
    fake = FakeEscposPrinter()
    yield fake
    fake.stop()


def network(fake: FakeEscposPrinter, **fields: object) -> PrinterSettings:
    return PrinterSettings(
        connection=Connection.NETWORK, host=fake.host, port=fake.port, timeout_s=2, **fields
    )


def wait_jobs(fake: FakeEscposPrinter, count: int) -> bytes:
    import time

    deadline = time.monotonic() + 5
    while fake.job_count() < count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.job_count() == count
    return fake.jobs[-1]


def test_cash_receipt_prints_text_barcode_cut_and_kicks_the_drawer(printer):
    kicked = jobs.print_order(network(printer), order("cash"))
    data = wait_jobs(printer, 1)
    assert kicked
    assert data.index(DRAWER_KICK) < data.index(b"Algae Chips")  # opens while it prints
    for text in (b"Neon Night", b"C1-000042", b"$5.40", b"$4.60", b"Change"):
        assert text in data
    assert CODE128_B + bytes([len(b"{BC1-000042")]) + b"{BC1-000042" in data
    assert data.rindex(CUT) > data.index(BARCODE)


def test_card_receipt_leaves_the_drawer_shut(printer):
    assert not jobs.print_order(network(printer), order("card"))
    data = wait_jobs(printer, 1)
    assert DRAWER_KICK not in data and CUT in data and b"Card" in data


def test_width_follows_the_paper(printer):
    for paper, columns in ((58, 32), (80, 48)):
        text = layout(order(), columns)
        assert all(len(line) <= columns for line in text.header + text.lines + text.tenders)
        jobs.print_order(network(printer, paper_mm=paper), order())
        data = wait_jobs(printer, 1 if paper == 58 else 2)
        assert ("-" * columns).encode() in data
        assert ("-" * (columns + 1)).encode() not in data


def test_logo_prints_as_a_raster_image(printer):
    logo = resources_dir() / "icons" / "pos.png"
    jobs.print_order(network(printer, logo=str(logo), paper_mm=58), order("card"))
    data = wait_jobs(printer, 1)
    assert b"\x1dv0" in data  # GS v 0: raster bit image
    assert data.index(b"\x1dv0") < data.index(b"Algae Chips")


def test_control_characters_in_names_never_reach_the_printer(printer):
    jobs.print_order(network(printer), order("card", name="Chips\x1bp\x00\x19\x1dV\x00"))
    data = wait_jobs(printer, 1)
    assert DRAWER_KICK not in data
    assert data.count(CUT) == 1
    assert printable("a\x1bb\u200bc") == "a b c"


def test_printer_switched_off_is_a_clear_device_error(printer):
    settings = network(printer)
    printer.stop()
    with pytest.raises(PosError) as caught:
        jobs.print_order(settings, order())
    assert caught.value.code == ErrorCode.DEVICE_ERROR
    assert f"127.0.0.1:{printer.port}" in caught.value.message
    assert "cannot be reached" in caught.value.message


def test_out_of_paper_is_refused_before_printing(printer):
    printer.paper = PAPER_OUT
    with pytest.raises(PosError, match="out of paper"):
        jobs.print_order(network(printer), order())
    data = wait_jobs(printer, 1)
    assert b"Algae" not in data and DRAWER_KICK not in data


def test_test_page_and_file_target(printer, tmp_path: Path):
    jobs.print_test_page(network(printer), "Neon Night Market")
    data = wait_jobs(printer, 1)
    assert b"TEST PAGE" in data and b"{BTEST-123" in data and CUT in data
    target = tmp_path / "lp0"
    file_settings = PrinterSettings(connection=Connection.FILE, device=str(target))
    jobs.print_order(file_settings, order())
    assert b"Algae Chips" in target.read_bytes() and DRAWER_KICK in target.read_bytes()


def test_open_drawer_is_for_managers_and_logged(printer, caplog):
    settings = network(printer)
    with pytest.raises(PosError) as caught:
        open_without_sale(settings, user="clerk", counter="C1", manager=False)
    assert caught.value.code == ErrorCode.FORBIDDEN
    assert printer.job_count() == 0
    caplog.set_level("INFO", logger="pos.devices.drawer")
    open_without_sale(settings, user="boss", counter="C1", manager=True)
    assert wait_jobs(printer, 1) == PAPER_QUERY + DRAWER_KICK + bytes((50, 50))
    assert "drawer opened without a sale by boss at counter C1" in caplog.text


def test_two_columns_never_cuts_the_amount():
    assert two_columns("A very long product name indeed", "$1,234.56", 20) == (
        "A very lo\u2026 $1,234.56"
    )
    assert len(two_columns("x", "$1.00", 32)) == 32


def test_settings_round_trip_and_bad_values_fall_back():
    settings = PrinterSettings(
        connection=Connection.USB, usb_vendor=0x04B8, usb_product=0x0202, paper_mm=58
    )
    assert PrinterSettings.from_values(settings.to_values()) == settings
    bad = PrinterSettings.from_values(
        {"printer_connection": "pigeon", "printer_paper_mm": "72", "printer_port": "0"}
    )
    assert bad == PrinterSettings()


def test_serial_printer_through_a_pseudo_terminal():
    import os
    import threading

    main_fd, port_fd = os.openpty()
    received = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        settings = PrinterSettings(
            connection=Connection.SERIAL, serial_port=os.ttyname(port_fd), serial_baud=19200
        )
        jobs.print_order(settings, order("cash"))
        import time

        deadline = time.monotonic() + 5
        while CUT not in received and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.close(port_fd)
        os.close(main_fd)
    assert b"Algae Chips" in received and DRAWER_KICK in received and CUT in received


def test_missing_usb_serial_and_file_printers_are_clear_errors(tmp_path: Path):
    for settings in (
        PrinterSettings(connection=Connection.USB, usb_vendor=0x04B8, usb_product=0x0202),
        PrinterSettings(connection=Connection.SERIAL, serial_port=str(tmp_path / "ttyNONE")),
        PrinterSettings(connection=Connection.FILE, device=str(tmp_path / "no" / "lp0")),
    ):
        with pytest.raises(PosError) as caught:
            jobs.print_order(settings, order())
        assert caught.value.code == ErrorCode.DEVICE_ERROR
        assert caught.value.message.startswith(f"The receipt printer ({settings.describe()})")
        assert "cannot be reached" in caught.value.message


def test_paid_in_out_hook_opens_the_drawer_and_logs_it(printer, caplog):
    from pos.devices.printer.drawer import open_for_cash_movement

    caplog.set_level("INFO", logger="pos.devices.drawer")
    open_for_cash_movement(
        network(printer), reason="paid_out", amount=Decimal("12.50"), user="clerk", counter="C1"
    )
    assert wait_jobs(printer, 1).endswith(DRAWER_KICK + bytes((50, 50)))
    assert "drawer opened for paid_out of 12.50 by clerk at counter C1" in caplog.text
    with pytest.raises(PosError):  # no drawer set up: said, not silently skipped
        open_for_cash_movement(
            network(printer, drawer=False),
            reason="paid_in",
            amount=Decimal("1"),
            user="clerk",
            counter="C1",
        )
