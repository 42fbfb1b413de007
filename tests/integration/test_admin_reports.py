"""Report figures against values computed by hand on a small fixed data set."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, update

from pos.errors import ErrorCode, PosError
from pos.models import FailedOperation, Order, StockMovement
from pos.services.store.reports import write_report_csv
from tests.integration.helpers import rewriting_history


@pytest.fixture
def sales(store, manager, clerk, make_product):
    """Apple 10.00 (stock 20), Banana 2.50 (stock 10); tax 8%; carry-out.

    order 1 (today):     2 Apple + 1 Banana = 22.50 + 1.80 tax = 24.30
    order 2 (yesterday): 1 Apple            = 10.00 + 0.80 tax = 10.80
    one cart of 3 Banana released; the opening stock was received three days ago.
    """
    apple = make_product(name="Apple", sku="APPLE", price="10.00", stock=20)
    banana = make_product(name="Banana", sku="BANANA", price="2.50", stock=10)
    store.cart.add(clerk, apple.id, 2)
    store.cart.add(clerk, banana.id, 1)
    first = store.checkout.complete(clerk, payments=[("cash", "30.00")])
    store.cart.add(clerk, apple.id, 1)
    second = store.checkout.complete(clerk, payments=[("card", "10.80")])
    store.cart.add(clerk, banana.id, 3)
    store.carts.release(manager, store.cart.current(clerk).cart_id)
    for _ in range(2):
        with pytest.raises(PosError):
            store.inventory.adjust(manager, apple.id, -1000)
    now = datetime.now(UTC)
    with rewriting_history(store) as s:
        s.execute(delete(FailedOperation).where(FailedOperation.code != "INSUFFICIENT_STOCK"))
        s.execute(
            update(StockMovement)
            .where(StockMovement.reason == "receive")
            .values(created_at=now - timedelta(days=3))
        )
        s.execute(
            update(Order).where(Order.id == second.id).values(created_at=now - timedelta(days=1))
        )
    with pytest.raises(PosError) as info:
        store.reports.sales_report(clerk, now.date(), now.date())
    assert info.value.code == ErrorCode.FORBIDDEN
    return apple, banana, first, now


def test_two_day_report(store, manager, sales):
    apple, banana, first, now = sales
    today = now.date()
    yesterday = today - timedelta(days=1)
    r = store.reports.sales_report(manager, yesterday, today)
    assert [(d.day, d.orders, d.revenue) for d in r.days] == [
        (yesterday, 1, Decimal("10.80")),
        (today, 1, Decimal("24.30")),
    ]
    assert r.order_count == 2
    assert r.revenue == Decimal("35.10")
    assert r.net_sales == Decimal("32.50")
    assert r.tax == Decimal("2.60")
    assert r.average_order_value == Decimal("17.55")
    assert r.units_sold == 4
    assert [(p.sku, p.units, p.revenue) for p in r.top_products] == [
        ("APPLE", 3, Decimal("30.00")),
        ("BANANA", 1, Decimal("2.50")),
    ]
    # Apple: 20 at the start, 17 at the end -> 3 / 18.5 = 0.16
    # Banana: 10 at the start, 9 at the end (3 taken and given back) -> 1 / 9.5 = 0.11
    assert [(t.sku, t.stock_start, t.stock_end, t.turnover) for t in r.turnover] == [
        ("APPLE", 20, 17, Decimal("0.16")),
        ("BANANA", 10, 9, Decimal("0.11")),
    ]
    assert (r.carts_released, r.carts_checked_out) == (1, 2)
    assert r.abandonment_rate == Decimal("0.3333")
    assert [(e.code, e.count, e.share) for e in r.failures] == [
        ("FORBIDDEN", 1, Decimal("0.3333")),
        ("INSUFFICIENT_STOCK", 2, Decimal("0.6667")),
    ][::-1]
    assert r.failure_count == 3
    assert r.failures_per_100_orders == Decimal("150.00")


def test_one_day_and_empty_range(store, manager, sales):
    _, _, first, now = sales
    today = now.date()
    r = store.reports.sales_report(manager, today, today)
    assert (r.order_count, r.revenue, r.average_order_value) == (1, first.total, first.total)
    assert first.total == Decimal("24.30")
    empty = store.reports.sales_report(
        manager, today - timedelta(days=30), today - timedelta(days=20)
    )
    assert empty.order_count == 0 and empty.average_order_value == Decimal("0.00")
    assert len(empty.days) == 11 and empty.abandonment_rate is None
    assert empty.turnover == () and empty.failures_per_100_orders is None
    with pytest.raises(PosError):
        store.reports.sales_report(manager, today, today - timedelta(days=1))


def test_report_csv(store, manager, sales, tmp_path):
    _, _, _, now = sales
    r = store.reports.sales_report(manager, now.date() - timedelta(days=1), now.date())
    out = tmp_path / "report.csv"
    write_report_csv(r, out)
    with open(out, newline="", encoding="utf-8") as fh:
        rows = [row for row in csv.reader(fh) if row]
    summary = {row[1]: row[2] for row in rows if row[0] == "summary" and len(row) == 3}
    assert summary["revenue"] == "35.10" and summary["orders"] == "2"
    assert summary["cart_abandonment_percent"] == "33.33"
    assert ["top_products", "APPLE", "Apple", "3", "30.00"] in rows
