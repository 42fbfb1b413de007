"""Stocktakes with units in carts, bulk price changes as one change, cart activity."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from pos.errors import ErrorCode, PosError
from pos.models import Cart, PriceChange, StockMovement, utcnow
from tests.integration.helpers import rewriting_history


def _moves(store, pid):
    with Session(store.engine) as s:
        return s.execute(
            select(StockMovement.reason, StockMovement.delta, StockMovement.stock_after)
            .where(StockMovement.product_id == pid)
            .order_by(StockMovement.id)
        ).all()


def _audit_ok(store):
    report = store.audit.check()
    assert report.ok, report.problems


def test_stocktake_counts_units_in_carts_and_logs_its_own_reason(
    store, manager, clerk, make_product
):
    p = make_product(stock=10)
    store.cart.add(clerk, p.id, 3)  # free 7, three units in a basket at counter C1
    # Nine units in the shop in all (one went missing), the three in the cart included.
    view = store.inventory.stocktake(manager, p.id, 9, note="monthly count")
    assert view.stock_quantity == 6  # free to sell = counted - in open carts
    assert _moves(store, p.id)[-1] == ("stocktake", -1, 6)
    latest = store.inventory.movements(manager, p.id)[0]
    assert latest.note == "counted 9, 3 in open carts; monthly count"
    assert latest.username == "boss"
    _audit_ok(store)
    # The cart is released: its units go back and the shop holds what was counted.
    store.carts.release(manager, store.carts.open_carts(manager)[0].cart_id)
    assert store.catalog.get(manager, p.id).stock_quantity == 9
    _audit_ok(store)


def test_stocktake_below_what_carts_hold_is_refused_and_writes_nothing(
    store, manager, clerk, make_product
):
    p = make_product(stock=10)
    store.cart.add(clerk, p.id, 3)
    before = _moves(store, p.id)
    with pytest.raises(PosError) as info:
        store.inventory.stocktake(manager, p.id, 2)
    assert info.value.code == ErrorCode.INVALID_QUANTITY
    assert info.value.details == {"counted": 2, "in_carts": 3}
    assert _moves(store, p.id) == before
    assert store.catalog.get(manager, p.id).stock_quantity == 7


def test_stocktake_without_carts_sets_free_stock(store, manager, make_product):
    p = make_product(stock=4)
    assert store.inventory.stocktake(manager, p.id, 12).stock_quantity == 12
    assert _moves(store, p.id)[-1] == ("stocktake", 8, 12)
    assert store.inventory.movements(manager, p.id)[0].note == "counted 12"
    _audit_ok(store)


def test_bulk_price_preview_then_one_change_in_history(store, manager, make_product):
    a = make_product(price="10.00", name="Alpha")
    b = make_product(price="0.05", name="Beta")
    c = make_product(price="19.99", name="Gamma")
    ids = [c.id, a.id, b.id]
    preview = store.bulk.preview_price_percent(manager, ids, "10")
    assert [(p.name, p.old_price, p.new_price) for p in preview] == [
        ("Alpha", Decimal("10.00"), Decimal("11.00")),
        ("Beta", Decimal("0.05"), Decimal("0.06")),
        ("Gamma", Decimal("19.99"), Decimal("21.99")),
    ]
    assert store.catalog.get(manager, a.id).price == Decimal("10.00")  # preview wrote nothing
    assert store.bulk.change_price_percent(manager, ids, "10") == 3
    with Session(store.engine) as s:
        bulk_ids = s.execute(select(func.count(func.distinct(PriceChange.bulk_id)))).scalar()
    assert bulk_ids == 1
    histories = [store.catalog.price_changes(manager, pid) for pid in (a.id, b.id, c.id)]
    assert all(len(h) == 1 for h in histories)
    assert len({h[0].bulk_id for h in histories}) == 1 and histories[0][0].bulk_id is not None
    first = histories[0][0]
    assert (first.old_price, first.new_price, first.username) == (
        Decimal("10.00"),
        Decimal("11.00"),
        "boss",
    )
    assert first.note == "bulk change +10% on 3 products"
    # A single edit is not part of a bulk change, and is shown newest first.
    store.catalog.update_product(manager, a.id, price="12.00")
    newest = store.catalog.price_changes(manager, a.id)[0]
    assert (newest.new_price, newest.bulk_id, newest.note) == (Decimal("12.00"), None, "")


def test_bulk_price_preview_refuses_bad_input(store, manager, clerk, make_product):
    a = make_product()
    for bad in ("abc", "0", "-100", "NaN"):
        with pytest.raises(PosError) as info:
            store.bulk.preview_price_percent(manager, [a.id], bad)
        assert info.value.code == ErrorCode.VALIDATION_ERROR
    with pytest.raises(PosError) as info:
        store.bulk.preview_price_percent(clerk, [a.id], "5")
    assert info.value.code == ErrorCode.FORBIDDEN


def test_open_cart_reports_its_last_activity(store, manager, clerk, make_product):
    p = make_product(stock=10)
    store.cart.add(clerk, p.id, 1)
    # The cart was opened five hours ago and kept in use: a line added just now.
    hours_ago = utcnow() - timedelta(hours=5)
    with rewriting_history(store) as s:
        s.execute(update(Cart).values(created_at=hours_ago, updated_at=hours_ago))
        s.execute(update(StockMovement).values(created_at=hours_ago))
    assert store.carts.open_carts(manager)[0].active_at == hours_ago
    store.cart.add(clerk, p.id, 1)
    cart = store.carts.open_carts(manager)[0]
    assert cart.updated_at == hours_ago
    assert cart.last_activity_at is not None
    assert utcnow() - cart.last_activity_at < timedelta(minutes=1)
    # "Release carts idle longer than 1 h" leaves a cart in use alone.
    assert store.carts.release_older_than(manager, 1) == []
    assert store.carts.open_carts(manager)[0].item_count == 2
