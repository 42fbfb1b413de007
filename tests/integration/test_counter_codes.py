"""Counter codes are bounded so every order number fits its column, checked at sign-in
(issue 21 item 7): a 23-character code used to pass sign-in and then fail every checkout
on PostgreSQL with DATABASE_ERROR, while SQLite stored 46 characters in VARCHAR(40)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from pos.errors import ErrorCode, PosError
from pos.limits import COUNTER_CODE_MAX, ORDER_NUMBER_MAX
from pos.models import Counter, Order
from tests.conftest import CLERK_PASSWORD
from tests.integration.helpers import snapshot


def _next_cart_id_is_the_largest(store, backend) -> None:
    """The next cart gets id 2**31 - 1: the longest order number there can be."""
    with store.engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('carts', 'id'), 2147483646)"))
        else:  # SQLite hands out max(id) + 1: leave a closed cart just below the top
            conn.execute(text("INSERT INTO counters (code, created_at) VALUES ('FILL', '2026')"))
            conn.execute(
                text(
                    "INSERT INTO carts (id, counter_id, status, delivery, created_at, updated_at)"
                    " SELECT 2147483646, id, 'released', 0, '2026', '2026' FROM counters"
                    " WHERE code = 'FILL'"
                )
            )


def test_the_longest_counter_code_sells_with_the_largest_cart_id(
    store, manager, make_product, backend
):
    product = make_product(price="2.50", stock=5)
    store.auth.add_user(manager, "carl", CLERK_PASSWORD)
    code = "K" * COUNTER_CODE_MAX
    clerk = store.auth.login("carl", CLERK_PASSWORD, counter=code)
    _next_cart_id_is_the_largest(store, backend)
    cart = store.cart.add(clerk, product.id, 1)
    assert cart.cart_id == 2**31 - 1
    order = store.checkout.complete(clerk, [("cash", "10.00")])
    assert len(order.order_number) == ORDER_NUMBER_MAX
    assert order.order_number.startswith(code + "-")
    assert store.orders.get(clerk, order.order_number).order_number == order.order_number
    with store.engine.connect() as conn:  # stored whole, on SQLite too
        stored = conn.execute(select(func.length(Order.order_number))).scalar_one()
    assert stored == ORDER_NUMBER_MAX


@pytest.mark.parametrize("extra", [1, 5, 10])
def test_a_longer_counter_code_is_refused_at_sign_in_and_nothing_is_written(store, manager, extra):
    store.auth.add_user(manager, "carl", CLERK_PASSWORD)
    before = snapshot(store)
    with pytest.raises(PosError) as err:
        store.auth.login("carl", CLERK_PASSWORD, counter="K" * (COUNTER_CODE_MAX + extra))
    assert err.value.code == ErrorCode.VALIDATION_ERROR
    assert err.value.details["max_length"] == COUNTER_CODE_MAX
    assert "order number" in err.value.message
    assert snapshot(store) == before  # no counter row, no sign-in booked
    with pytest.raises(PosError) as err:
        store.auth.at_counter(manager, "K" * (COUNTER_CODE_MAX + extra))
    assert err.value.code == ErrorCode.VALIDATION_ERROR
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count(Counter.id))).scalar_one() == 0


def test_the_counter_code_is_stored_as_signed_in_without_surrounding_spaces(store, manager):
    store.auth.add_user(manager, "carl", CLERK_PASSWORD)
    clerk = store.auth.login("carl", CLERK_PASSWORD, counter="  C7  ")
    assert clerk.counter_code == "C7"
