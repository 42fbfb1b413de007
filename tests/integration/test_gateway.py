"""The stock/order gateway: same results on both backends, and checkout's view is the
order as stored (issue 10 item 4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos.errors import ErrorCode, PosError


def test_checkout_view_equals_the_stored_order(store, manager, clerk, make_product):
    a = make_product(price="19.99", stock=10, name="Alpha")
    b = make_product(price="0.05", stock=10, name="Beta & <Co>")
    customer = store.customers.add(manager, "Rita Regular", phone="555")
    store.cart.add(clerk, a.id, 3)
    store.cart.add(clerk, b.id, 7)
    store.cart.set_delivery(clerk, True)
    store.cart.set_customer(clerk, customer.id)
    placed = store.checkout.complete(clerk, [("card", "20.00"), ("cash", "100.00")])
    stored = store.orders.get(clerk, placed.order_number)
    assert placed == stored
    assert placed.change_due == Decimal("120.00") - placed.total
    assert placed.customer_name == "Rita Regular"
    assert [line.name for line in placed.lines] == ["Alpha", "Beta & <Co>"]


def test_plain_carry_out_checkout_view_equals_the_stored_order(store, clerk, make_product):
    p = make_product(price="250.00", stock=2)
    store.cart.add(clerk, p.id, 1)
    placed = store.checkout.complete(clerk, [("cash", "300")])
    assert placed == store.orders.get(clerk, placed.order_number)
    assert placed.shipping == Decimal("0.00")


def test_add_and_remove_views_equal_a_fresh_read(store, manager, clerk, make_product):
    p = make_product(price="2.50", stock=9)
    q = make_product(price="1.00", stock=4)
    store.cart.add(clerk, p.id, 2)
    added = store.cart.add(clerk, q.id, 1)
    assert added == store.cart.current(clerk)
    assert [(line.product_id, line.quantity, line.stock_quantity) for line in added.lines] == [
        (p.id, 2, 7),
        (q.id, 1, 3),
    ]
    again = store.cart.add(clerk, p.id, 1)  # the existing line grows, order kept
    assert again == store.cart.current(clerk)
    assert [line.quantity for line in again.lines] == [3, 1]
    removed = store.cart.remove(clerk, p.id)
    assert removed == store.cart.current(clerk)
    assert [line.product_id for line in removed.lines] == [q.id]
    assert store.catalog.get(manager, p.id).stock_quantity == 9
    assert store.audit.check().ok


def test_line_cap_and_missing_line_write_nothing(store, clerk, make_product):
    p = make_product(stock=500)
    store.cart.add(clerk, p.id, 99)
    with pytest.raises(PosError) as exc:
        store.cart.add(clerk, p.id, 1)
    assert exc.value.code == ErrorCode.INVALID_QUANTITY
    assert store.cart.current(clerk).lines[0].quantity == 99
    other = make_product(stock=1)
    with pytest.raises(PosError) as exc:
        store.cart.remove(clerk, other.id)
    assert exc.value.code == ErrorCode.ITEM_NOT_IN_CART
    assert store.audit.check().ok


def test_use_cases_do_not_branch_on_the_backend():
    from pathlib import Path

    import pos.services as services

    root = Path(services.__file__).parent
    # pos/services/plumbing is left out: it is the engine/Tx plumbing the gateway itself
    # stands on (Tx.is_postgres and Tx.upsert in uow.py, which gateway() asks; the LISTEN
    # connection in live.py, which only exists on PostgreSQL), not a use case.
    plumbing = root / "plumbing"
    scanned = [p for p in sorted(root.rglob("*.py")) if plumbing not in p.parents]
    assert len(scanned) > 10  # catalog, people, selling, store...: not an empty glob
    for path in scanned:
        source = path.read_text()
        for backend_specific in ("is_postgres", "pg_notify", "LOCK TABLE", "sqlite_master"):
            assert backend_specific not in source, (path.relative_to(root), backend_specific)


def test_cart_read_columns_match_the_named_rows():
    from pos.services.selling.cart_reads import _SNAPSHOT, LineRow, SettingsRow

    names = [column.key for column in _SNAPSHOT.selected_columns]
    assert names == [*SettingsRow._fields, *LineRow._fields]
