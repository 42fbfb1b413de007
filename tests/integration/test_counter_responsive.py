"""Nothing blocks the counter: a scan waiting on another counter's row lock leaves the
window's event loop running, later scans queue behind it, and every line lands."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer
from sqlalchemy import create_engine, text

from pos.ui.change_bus import ChangeBus
from pos.ui.counter_window import CounterWindow
from pos.ui.dialogs import Dialogs

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_scan_during_a_held_row_lock_keeps_the_window_responsive(
    qtbot, store, db_url, clerk, make_product
):
    hot = make_product(stock=5, barcode="4006381333931")
    cold = make_product(stock=5, barcode="4006381333948")
    window = CounterWindow(store, clerk, dialogs=Dialogs(), bus=ChangeBus(store))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.product_model.rowCount() == 2 and not window.sale.busy)

    # Another counter holds the hot product's row (an open transaction, FOR UPDATE).
    engine = create_engine(db_url)
    holder = engine.connect()
    tx = holder.begin()
    holder.execute(text("SELECT id FROM products WHERE id = :id FOR UPDATE"), {"id": hot.id})
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    try:
        assert window.scan("4006381333931")
        assert window.sale.busy and window.cart_panel.busy.isVisible()
        assert window.scan("4006381333948")  # queued behind the waiting add, not lost
        assert window.sale.pending_scans == 2
        started = time.monotonic()
        qtbot.wait(1500)
        # The add is still waiting for the lock, and the event loop kept processing.
        assert window.sale.busy and window.cart.lines == ()
        during = [t for t in ticks if t >= started]
        assert len(during) >= 50
        assert max(b - a for a, b in zip(during, during[1:], strict=False)) < 0.5
        tx.rollback()  # the other counter lets go
        qtbot.waitUntil(lambda: not window.sale.busy, timeout=10_000)
    finally:
        timer.stop()
        if tx.is_active:
            tx.rollback()
        holder.close()
        engine.dispose()
    assert [(ln.product_id, ln.quantity) for ln in window.cart.lines] == [(hot.id, 1), (cold.id, 1)]
    assert not window.cart_panel.busy.isVisible()
    assert window.sale.pending_scans == 0
    window.shutdown()


def test_writes_run_in_order_and_none_is_dropped(qtbot, store, clerk, make_product):
    products = [make_product(stock=50, barcode=f"400638133{n:04d}") for n in range(3)]
    window = CounterWindow(store, clerk, dialogs=Dialogs(), bus=ChangeBus(store))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.sale.busy)
    for _ in range(4):
        for p in products:
            assert window.scan(p.barcode)
    window.add_product(products[0].id, quantity=2)
    qtbot.waitUntil(lambda: not window.sale.busy, timeout=20_000)
    assert [(ln.product_id, ln.quantity) for ln in window.cart.lines] == [
        (products[0].id, 6),
        (products[1].id, 4),
        (products[2].id, 4),
    ]
    assert store.cart.current(clerk).item_count == 14
    window.shutdown()
