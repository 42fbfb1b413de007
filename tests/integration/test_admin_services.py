"""Manager operations behind the admin window, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pos.errors import ErrorCode, PosError
from pos.models import FailedOperation, StockMovement
from pos.services.catalog.products_admin import ProductQuery
from pos.services.catalog.reorder import write_reorder_csv


def _ledger(store, pid):
    with Session(store.engine) as s:
        return s.execute(
            select(StockMovement.reason, StockMovement.delta, StockMovement.stock_after)
            .where(StockMovement.product_id == pid)
            .order_by(StockMovement.id)
        ).all()


def _failures(store, code):
    with Session(store.engine) as s:
        return s.execute(
            select(func.count(FailedOperation.id)).where(FailedOperation.code == code)
        ).scalar_one()


def _forbidden(call):
    with pytest.raises(PosError) as info:
        call()
    assert info.value.code == ErrorCode.FORBIDDEN


def _audit_ok(store):
    report = store.audit.check()
    assert report.ok, report.problems


# -- products table ------------------------------------------------------------------
def test_rows_show_reserved_and_on_hand(store, manager, clerk, make_product):
    a = make_product(name="Apple", stock=10)
    make_product(name="Banana", stock=3, low_stock_threshold=5)
    store.cart.add(clerk, a.id, 4)
    rows = store.products_admin.rows(manager, ProductQuery())
    by_name = {r.product.name: r for r in rows}
    assert by_name["Apple"].product.stock_quantity == 6
    assert by_name["Apple"].reserved == 4
    assert by_name["Apple"].on_hand == 10
    assert by_name["Banana"].reserved == 0
    low = store.products_admin.rows(manager, ProductQuery(low_stock_only=True))
    assert [r.product.name for r in low] == ["Banana"]
    assert store.products_admin.count(manager, ProductQuery(text="app")) == 1
    _audit_ok(store)


def test_rows_sort_and_page_in_sql(store, manager, clerk, make_product):
    for i, price in enumerate(["5.00", "1.00", "3.00", "4.00", "2.00"]):
        make_product(name=f"P{i}", price=price)
    q = ProductQuery(sort="price", descending=True)
    first = store.products_admin.rows(manager, q, limit=2)
    rest = store.products_admin.rows(manager, q, after=first[-1], limit=10)
    prices = [r.product.price for r in first + rest]
    assert prices == [Decimal(p) for p in ["5.00", "4.00", "3.00", "2.00", "1.00"]]
    for key in ("sku", "barcode", "category", "stock", "reserved", "on_hand", "threshold"):
        assert len(store.products_admin.rows(manager, ProductQuery(sort=key))) == 5
    with pytest.raises(PosError) as info:
        store.products_admin.rows(manager, ProductQuery(sort="nope"))
    assert info.value.code == ErrorCode.VALIDATION_ERROR


def test_products_admin_is_manager_only(store, manager, clerk, make_product):
    p = make_product()
    _forbidden(lambda: store.products_admin.rows(clerk, ProductQuery()))
    _forbidden(lambda: store.products_admin.count(clerk, ProductQuery()))
    _forbidden(lambda: store.products_admin.remove(clerk, p.id))
    _forbidden(lambda: store.bulk.set_active(clerk, [p.id], False))
    _forbidden(lambda: store.bulk.set_category(clerk, [p.id], "X"))
    _forbidden(lambda: store.bulk.change_price_percent(clerk, [p.id], 10))
    _forbidden(lambda: store.bulk.adjust_stock(clerk, {p.id: 1}))
    _forbidden(lambda: store.reorder.reorder_list(clerk))
    _forbidden(lambda: store.reorder.low_stock_count(clerk))
    _forbidden(lambda: store.inventory.adjust(clerk, p.id, 1))
    _forbidden(lambda: store.inventory.stocktake(clerk, p.id, 3))
    _forbidden(lambda: store.inventory.movements(clerk, p.id))
    _forbidden(lambda: store.catalog.update_product(clerk, p.id, price="1.00"))
    _forbidden(lambda: store.auth.users(clerk))
    _forbidden(lambda: store.customers.add(clerk, "Bob"))
    _forbidden(lambda: store.settings.update(clerk, store_name="Mine"))
    _forbidden(lambda: store.carts.release_older_than(clerk, 0))
    assert _failures(store, ErrorCode.FORBIDDEN) >= 10
    assert store.catalog.get(manager, p.id).stock_quantity == 10


def test_remove_deletes_unsold_and_deactivates_sold(store, manager, clerk, make_product):
    unsold = make_product(stock=0)  # no ledger rows: nothing the deletion would remove
    sold = make_product(stock=5)
    store.cart.add(clerk, sold.id, 1)
    store.checkout.complete(clerk, payments=[("cash", "100.00")])
    assert store.products_admin.ever_sold(manager, sold.id)
    assert not store.products_admin.ever_sold(manager, unsold.id)
    stocked = make_product(stock=5)  # never sold, but the ledger keeps its rows
    assert store.products_admin.remove(manager, unsold.id) == "deleted"
    assert store.products_admin.remove(manager, sold.id) == "deactivated"
    assert store.products_admin.remove(manager, stocked.id) == "deactivated"
    assert store.catalog.get(manager, sold.id).active is False
    with pytest.raises(PosError) as info:
        store.catalog.get(manager, unsold.id)
    assert info.value.code == ErrorCode.PRODUCT_NOT_FOUND
    _audit_ok(store)


# -- stock ------------------------------------------------------------------------------
def test_receive_adjust_stocktake_write_the_ledger(store, manager, make_product):
    p = make_product(stock=10)
    store.inventory.receive(manager, p.id, 5, note="delivery 42")
    store.inventory.adjust(manager, p.id, -3, reason="adjust", note="broken")
    view = store.inventory.stocktake(manager, p.id, 9)
    assert view.stock_quantity == 9
    assert _ledger(store, p.id) == [
        ("receive", 10, 10),
        ("receive", 5, 15),
        ("adjust", -3, 12),
        ("stocktake", -3, 9),
    ]
    history = store.inventory.movements(manager, p.id)
    assert [m.delta for m in history] == [-3, -3, 5, 10]
    assert history[1].note == "broken" and history[1].username == "boss"
    with pytest.raises(PosError) as info:
        store.inventory.adjust(manager, p.id, -10)
    assert info.value.code == ErrorCode.INSUFFICIENT_STOCK
    assert store.catalog.get(manager, p.id).stock_quantity == 9
    _audit_ok(store)


def test_price_change_recorded(store, manager, make_product):
    p = make_product(price="10.00")
    store.catalog.update_product(manager, p.id, price="12.50")
    history = store.catalog.price_history(manager, p.id)
    assert [(old, new) for _, old, new in history] == [(Decimal("10.00"), Decimal("12.50"))]


# -- bulk -------------------------------------------------------------------------------
def test_bulk_category_active_and_price(store, manager, make_product):
    a = make_product(price="10.00")
    b = make_product(price="0.05")
    c = make_product(price="19.99")
    assert store.bulk.set_category(manager, [a.id, b.id], "Sale") == 2
    assert {p.category for p in store.catalog.get_many(manager, [a.id, b.id])} == {"Sale"}
    assert store.catalog.get(manager, c.id).category is None
    assert store.bulk.change_price_percent(manager, [a.id, b.id, c.id], "10") == 3
    prices = {p.id: p.price for p in store.catalog.get_many(manager, [a.id, b.id, c.id])}
    # 0.055 and 21.989 round half-up to 0.06 and 21.99
    assert prices == {a.id: Decimal("11.00"), b.id: Decimal("0.06"), c.id: Decimal("21.99")}
    assert len(store.catalog.price_history(manager, c.id)) == 1
    assert store.bulk.set_active(manager, [a.id, c.id], False) == 2
    active = {p.id: p.active for p in store.catalog.get_many(manager, [a.id, b.id, c.id])}
    assert active == {a.id: False, b.id: True, c.id: False}
    _audit_ok(store)


def test_bulk_is_all_or_nothing(store, manager, make_product):
    a = make_product(stock=5)
    b = make_product(stock=1)
    with pytest.raises(PosError) as info:
        store.bulk.adjust_stock(manager, {a.id: 3, b.id: -2}, note="count")
    assert info.value.code == ErrorCode.INSUFFICIENT_STOCK
    assert store.catalog.get(manager, a.id).stock_quantity == 5
    assert len(_ledger(store, a.id)) == 1
    assert store.bulk.adjust_stock(manager, {a.id: 3, b.id: -1}, note="count") == 2
    assert store.catalog.get(manager, a.id).stock_quantity == 8
    assert _ledger(store, b.id)[-1] == ("adjust", -1, 0)
    with pytest.raises(PosError) as info:
        store.bulk.change_price_percent(manager, [a.id], "abc")
    assert info.value.code == ErrorCode.VALIDATION_ERROR
    _audit_ok(store)


# -- reorder ----------------------------------------------------------------------------
def test_low_stock_and_reorder_list(store, manager, clerk, make_product, tmp_path):
    make_product(name="Plenty", stock=50, low_stock_threshold=5)
    low = make_product(name="Low", stock=4, low_stock_threshold=5)
    zero = make_product(name="Zero", stock=0, low_stock_threshold=3)
    gone = make_product(name="Gone", stock=0, low_stock_threshold=3)
    store.catalog.set_active(manager, gone.id, False)
    store.cart.add(clerk, low.id, 1)
    assert store.reorder.low_stock_count(manager) == 2
    lines = store.reorder.reorder_list(manager)
    assert [(ln.name, ln.stock, ln.reserved, ln.target, ln.order_quantity) for ln in lines] == [
        ("Zero", 0, 0, 6, 6),
        ("Low", 3, 1, 10, 7),
    ]
    fixed = store.reorder.reorder_list(manager, target=20)
    assert {ln.name: ln.order_quantity for ln in fixed} == {"Zero": 20, "Low": 17}
    out = tmp_path / "reorder.csv"
    assert write_reorder_csv(lines, out) == 2
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "sku" and rows[1][1] == "Zero" and rows[1][-1] == "6"
    assert zero.id == lines[0].product_id


# -- open carts -------------------------------------------------------------------------
def test_release_open_cart_gives_stock_back(store, manager, clerk, make_product):
    p = make_product(stock=10)
    store.cart.add(clerk, p.id, 3)
    carts = store.carts.open_carts(manager)
    assert len(carts) == 1 and carts[0].clerk == "alice" and carts[0].item_count == 3
    store.carts.release(manager, carts[0].cart_id)
    assert store.catalog.get(manager, p.id).stock_quantity == 10
    assert _ledger(store, p.id)[-1] == ("cart_release", 3, 10)
    assert store.carts.open_carts(manager) == []
    store.cart.add(clerk, p.id, 2)
    assert store.carts.release_older_than(manager, 1) == []
    assert len(store.carts.release_older_than(manager, 0)) == 1
    assert store.catalog.get(manager, p.id).stock_quantity == 10
    _audit_ok(store)


# -- people and settings ----------------------------------------------------------------
def test_users_customers_settings(store, manager, clerk):
    bob = store.auth.add_user(manager, "bob", "bob-pin-1", role="clerk")
    store.auth.update_user(manager, bob.id, role="manager", password="new-password-1")
    store.auth.update_user(manager, bob.id, active=False)
    users = {u.username: u for u in store.auth.users(manager)}
    assert users["bob"].role == "manager" and users["bob"].active is False
    with pytest.raises(PosError):
        store.auth.login("bob", "new-password-1")
    cust = store.customers.add(manager, "Ann <b>Lee</b>", phone="555", email="ann@x.org")
    store.customers.update(manager, cust.id, phone="556")
    found = store.customers.search(manager, "ann")
    assert [(c.name, c.phone) for c in found] == [("Ann <b>Lee</b>", "556")]
    store.customers.update(manager, cust.id, active=False)
    assert store.customers.search(manager, "ann") == []
    assert len(store.customers.search(manager, "ann", include_inactive=True)) == 1
    view = store.settings.update(
        manager,
        store_name="Corner Shop",
        tax_rate="0.07",
        shipping_fee="4.99",
        free_shipping_threshold="50.00",
        currency="eur",
        require_customer=True,
    )
    assert store.settings.get(clerk) == view
    assert view.currency == "EUR" and view.tax_rate == Decimal("0.07")
