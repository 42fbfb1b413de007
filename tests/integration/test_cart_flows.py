"""The seed's stock flows through the facade, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pos.errors import ErrorCode, PosError
from pos.models import StockMovement
from tests.integration.helpers import count, stock_of


def movements(store, product_id):
    with store.engine.connect() as conn:
        return conn.execute(
            select(StockMovement.delta, StockMovement.reason, StockMovement.stock_after)
            .where(StockMovement.product_id == product_id)
            .order_by(StockMovement.id)
        ).all()


def test_add_takes_stock_and_writes_ledger(store, clerk, make_product):
    p = make_product(price="1500.00", stock=3, name="Cyber Eye Implant")
    cart = store.cart.add(clerk, p.id, 2)
    assert cart.item_count == 2
    assert cart.subtotal == Decimal("3000.00")
    assert cart.tax == Decimal("240.00")
    assert cart.total == Decimal("3240.00")
    assert cart.lines[0].stock_quantity == 1
    assert stock_of(store, p.id) == 1
    assert movements(store, p.id)[-1] == (-2, "cart_add", 1)
    assert store.audit.check().ok


def test_adding_again_merges_the_line(store, clerk, make_product):
    p = make_product(stock=10)
    store.cart.add(clerk, p.id, 2)
    cart = store.cart.add(clerk, str(p.id), 3)
    assert [(ln.product_id, ln.quantity) for ln in cart.lines] == [(p.id, 5)]
    assert stock_of(store, p.id) == 5


def test_update_down_gives_back_and_up_takes(store, clerk, make_product):
    p = make_product(stock=10)
    store.cart.add(clerk, p.id, 4)
    cart = store.cart.update(clerk, p.id, 1)
    assert cart.line(p.id).quantity == 1
    assert stock_of(store, p.id) == 9
    cart = store.cart.update(clerk, p.id, 6)
    assert stock_of(store, p.id) == 4
    assert [m[1] for m in movements(store, p.id)[-2:]] == ["cart_remove", "cart_add"]
    assert store.audit.check().ok


def test_remove_restores_stock(store, clerk, make_product):
    p = make_product(stock=5)
    store.cart.add(clerk, p.id, 5)
    cart = store.cart.remove(clerk, p.id)
    assert cart.lines == ()
    assert stock_of(store, p.id) == 5
    assert store.audit.check().ok


def test_checkout_creates_order_items_payments_and_closes_cart(store, clerk, make_product):
    a = make_product(price="100.00", stock=5, name="A")
    b = make_product(price="50.00", stock=5, name="B")
    store.cart.add(clerk, a.id, 1)
    cart = store.cart.add(clerk, b.id, 1)
    order = store.checkout.complete(
        clerk, payments=[("cash", Decimal("200.00"))], cart_id=cart.cart_id, delivery=True
    )
    assert order.subtotal == Decimal("150.00")
    assert order.tax == Decimal("12.00")
    assert order.shipping == Decimal("15.99")
    assert order.total == Decimal("177.99")
    assert order.change_due == Decimal("22.01")
    assert [(ln.name, ln.quantity) for ln in order.lines] == [("A", 1), ("B", 1)]
    assert order.order_number.startswith("C1-")
    assert order.clerk == "alice"
    # checkout does not move stock again; the counter's next cart starts empty
    assert stock_of(store, a.id) == 4
    assert store.cart.current(clerk).lines == ()
    assert store.audit.check().ok


def test_double_checkout_returns_the_same_order(store, clerk, make_product):
    p = make_product(price="10.00", stock=5)
    cart = store.cart.add(clerk, p.id, 1)
    pay = [("card", Decimal("10.80"))]
    first = store.checkout.complete(clerk, payments=pay, cart_id=cart.cart_id)
    second = store.checkout.complete(clerk, payments=pay, cart_id=cart.cart_id)
    assert second.order_number == first.order_number
    assert count(store, "orders") == 1
    with pytest.raises(PosError) as exc:
        store.checkout.complete(clerk, payments=pay)  # no open cart any more
    assert exc.value.code == ErrorCode.EMPTY_CART
    assert count(store, "orders") == 1


def test_order_numbers_are_unique_across_counters(store, manager, clerk, make_product):
    p = make_product(price="1.00", stock=50)
    other = store.auth.login("boss", "boss-password-1", counter="C2")
    numbers = set()
    for actor in (clerk, other, clerk, other):
        cart = store.cart.add(actor, p.id, 1)
        numbers.add(
            store.checkout.complete(
                actor, payments=[("cash", Decimal("5"))], cart_id=cart.cart_id
            ).order_number
        )
    assert len(numbers) == 4


def test_cart_is_per_counter_and_survives_new_login(store, manager, clerk, make_product):
    p = make_product(stock=10)
    store.cart.add(clerk, p.id, 3)
    again = store.auth.login("alice", "alice-password", counter="C1")
    assert store.cart.current(again).line(p.id).quantity == 3
    elsewhere = store.auth.login("alice", "alice-password", counter="C2")
    assert store.cart.current(elsewhere).lines == ()


def test_line_price_is_kept_when_price_changes_mid_sale(store, manager, clerk, make_product):
    p = make_product(price="10.00", stock=10)
    store.cart.add(clerk, p.id, 1)
    store.catalog.update_product(manager, p.id, price=Decimal("12.00"))
    cart = store.cart.add(clerk, p.id, 1)
    assert cart.line(p.id).unit_price == Decimal("10.00")
    assert store.catalog.price_history(manager, p.id)[0][1:] == (
        Decimal("10.00"),
        Decimal("12.00"),
    )


def test_release_gives_everything_back(store, manager, clerk, make_product):
    a = make_product(stock=4)
    b = make_product(stock=4)
    store.cart.add(clerk, b.id, 2)
    cart = store.cart.add(clerk, a.id, 3)
    released = store.carts.release(manager, cart.cart_id)
    assert released.item_count == 5
    assert (stock_of(store, a.id), stock_of(store, b.id)) == (4, 4)
    assert store.carts.open_carts(manager) == []
    assert store.audit.check().ok
    with pytest.raises(PosError) as exc:
        store.carts.release(manager, cart.cart_id)
    assert exc.value.code == ErrorCode.CART_CLOSED


def test_settings_drive_totals(store, manager, clerk, make_product):
    store.settings.update(
        manager, tax_rate="0.10", shipping_fee="5.00", free_shipping_threshold="50.00"
    )
    p = make_product(price="20.00", stock=10)
    store.cart.set_delivery(clerk, True)
    cart = store.cart.add(clerk, p.id, 2)
    assert (cart.tax, cart.shipping, cart.total) == (
        Decimal("4.00"),
        Decimal("5.00"),
        Decimal("49.00"),
    )


def test_stock_change_logs_the_seed_lines(store, clerk, make_product, caplog):
    p = make_product(stock=3)
    with caplog.at_level("INFO", logger="pos"):
        store.cart.add(clerk, p.id, 1)
    text = caplog.text
    assert f"Cart Action: add | User: {clerk.user_id} | Product: {p.id} | Quantity: 1" in text
    assert f"Stock Update: Product {p.id} | Old: 3 | New: 2 | Reason: cart_add" in text


def test_ledger_sums_to_stock(store, manager, clerk, make_product):
    p = make_product(stock=7)
    store.inventory.adjust(manager, p.id, delta=5, reason="receive")
    store.inventory.stocktake(manager, p.id, counted=9)
    store.cart.add(clerk, p.id, 2)
    with store.engine.connect() as conn:
        total = conn.execute(
            select(func.sum(StockMovement.delta)).where(StockMovement.product_id == p.id)
        ).scalar_one()
    assert total == stock_of(store, p.id) == 7
