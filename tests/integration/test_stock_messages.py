"""What a clerk reads when stock runs short (issue 11 item 12, service half)."""

from __future__ import annotations

import pytest

from pos.errors import ErrorCode, PosError
from pos.services.selling.refusals import insufficient_message


def _refusal(call, *args) -> PosError:
    with pytest.raises(PosError) as exc:
        call(*args)
    assert exc.value.code == ErrorCode.INSUFFICIENT_STOCK
    return exc.value


def test_what_this_cart_holds_is_counted(store, clerk, make_product):
    p = make_product(stock=95, name="Syn Coffee")
    store.cart.add(clerk, p.id, 1)  # 94 free, 1 here
    err = _refusal(store.cart.add, clerk, p.id, 99)
    assert err.message == "Only 94 more of Syn Coffee can be added (1 already in this cart)."
    assert err.details == {
        "requested": 99,
        "available": 94,
        "in_this_cart": 1,
        "in_other_carts": 0,
        "product_id": str(p.id),
    }
    err = _refusal(store.cart.update, clerk, p.id, 97)  # 96 more wanted on the line
    assert err.message == "Only 94 more of Syn Coffee can be added (1 already in this cart)."
    assert (err.details["requested"], err.details["in_this_cart"]) == (96, 1)
    assert store.cart.update(clerk, p.id, 95).lines[0].quantity == 95  # 94 more did fit


def test_last_unit_in_another_counters_cart(store, manager, clerk, make_product):
    p = make_product(stock=1, name="Last Lamp")
    other = store.auth.login("boss", "boss-password-1", counter="C2")
    store.cart.add(other, p.id, 1)
    err = _refusal(store.cart.add, clerk, p.id, 1)
    assert err.message == "Last Lamp is out of stock: the last one is in another counter's cart."
    assert (err.details["available"], err.details["in_other_carts"]) == (0, 1)
    assert err.details["in_this_cart"] == 0
    store.carts.release(manager, store.cart.current(other).cart_id)
    assert store.cart.add(clerk, p.id, 1).item_count == 1  # released: it sells here now


def test_plain_shortage_and_plain_out_of_stock(store, clerk, make_product):
    p = make_product(stock=3, name="Cyber Eye")
    assert _refusal(store.cart.add, clerk, p.id, 5).message == "Only 3 left of Cyber Eye."
    q = make_product(stock=0, name="Ghost")
    err = _refusal(store.cart.add, clerk, q.id, 1)
    assert err.message == "Ghost is out of stock."
    assert err.details["in_other_carts"] == 0


def test_message_wording():
    assert insufficient_message("X", 0, 0, 3, 2) == (
        "X is out of stock: the last 3 are in other counters' carts."
    )
    assert insufficient_message("X", 0, 0, 2, 1) == (
        "X is out of stock: the last 2 are in another counter's cart."
    )
    assert insufficient_message("X", 0, 4, 0, 0) == "No more X in stock (4 already in this cart)."
