"""The hostile numbers issue 10 lists get the same clear refusal on both backends, naming
the field, with nothing written."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pos.errors import ErrorCode, PosError
from pos.models import Order, Product, StockMovement
from pos.services.catalog import rules
from pos.services.plumbing import bounds


def _state(store) -> tuple[int, int, int]:
    with store.engine.connect() as conn:
        return (
            conn.execute(select(func.count(StockMovement.id))).scalar_one(),
            conn.execute(select(func.count(Order.id))).scalar_one(),
            conn.execute(select(func.coalesce(func.sum(Product.stock_quantity), 0))).scalar_one(),
        )


def _refused(store, code: str, field: str, call, *args, **kwargs) -> PosError:
    before = _state(store)
    with pytest.raises(PosError) as exc:
        call(*args, **kwargs)
    assert exc.value.code == code, exc.value
    assert exc.value.details.get("field") == field, exc.value.details
    assert _state(store) == before
    return exc.value


@pytest.mark.parametrize("price", [Decimal("1e30"), "1e30", Decimal("92233720368547758.08"), -1])
def test_prices_out_of_range(store, manager, make_product, price):
    p = make_product()
    _refused(
        store,
        ErrorCode.VALIDATION_ERROR,
        "price",
        store.catalog.update_product,
        manager,
        p.id,
        price=price,
    )
    _refused(
        store,
        ErrorCode.VALIDATION_ERROR,
        "price",
        store.catalog.add_product,
        manager,
        sku="BIG",
        name="Big",
        price=price,
    )


def test_largest_price_is_accepted_and_summed_without_overflow(store, manager, clerk, make_product):
    top = Decimal(rules.MAX_PRICE_CENTS) / 100
    p = make_product(price=str(top), stock=200)
    q = make_product(price=str(top), stock=200)
    store.cart.add(clerk, p.id, 99)
    cart = store.cart.add(clerk, q.id, 99)
    assert cart.subtotal == top * 198
    order = store.checkout.complete(clerk, [("cash", str(cart.total))])
    assert order.total == cart.total


@pytest.mark.parametrize("value", [2**63, -(2**63), 2**31, "9223372036854775808", 1e9, None])
def test_stock_and_deltas_out_of_range(store, manager, make_product, value):
    p = make_product(stock=5)
    _refused(
        store, ErrorCode.VALIDATION_ERROR, "delta", store.inventory.adjust, manager, p.id, value
    )
    _refused(
        store, ErrorCode.VALIDATION_ERROR, "delta", store.inventory.receive, manager, p.id, value
    )
    _refused(
        store, ErrorCode.VALIDATION_ERROR, "change", store.bulk.adjust_stock, manager, {p.id: value}
    )
    _refused(
        store,
        ErrorCode.VALIDATION_ERROR,
        "stock",
        store.catalog.add_product,
        manager,
        sku="S",
        name="S",
        price="1.00",
        stock=value,
    )


def test_stocktake_of_2_pow_31_is_refused_alike(store, manager, make_product):
    p = make_product(stock=5)
    _refused(
        store,
        ErrorCode.VALIDATION_ERROR,
        "counted",
        store.inventory.stocktake,
        manager,
        p.id,
        2**31,
    )
    assert store.inventory.stocktake(manager, p.id, bounds.MAX_STOCK).stock_quantity == (
        bounds.MAX_STOCK
    )


def test_stock_level_cannot_be_pushed_past_the_bound(store, manager, make_product):
    p = make_product(stock=bounds.MAX_STOCK - 1)
    err = _refused(
        store, ErrorCode.VALIDATION_ERROR, "delta", store.inventory.receive, manager, p.id, 2
    )
    assert err.details["max"] == bounds.MAX_STOCK
    assert store.inventory.receive(manager, p.id, 1).stock_quantity == bounds.MAX_STOCK


@pytest.mark.parametrize("hours", [math.nan, "x", 1e300, -1, math.inf, True, None])
def test_release_older_than_hostile_ages(store, manager, hours):
    _refused(
        store, ErrorCode.VALIDATION_ERROR, "hours", store.carts.release_older_than, manager, hours
    )


@pytest.mark.parametrize("amount", [Decimal("1e30"), "1e30", 10**30, 10**14, "NaN", 0, -5, 1.5])
def test_payments_out_of_range(store, clerk, make_product, amount):
    p = make_product()
    store.cart.add(clerk, p.id, 1)
    _refused(
        store,
        ErrorCode.VALIDATION_ERROR,
        "payment",
        store.checkout.complete,
        clerk,
        [("cash", amount)],
    )
    assert store.cart.current(clerk).item_count == 1


@pytest.mark.parametrize("fee", [Decimal("1e30"), "1e30", -1, "1.001"])
def test_shipping_fee_out_of_range(store, manager, fee):
    before = store.settings.get(manager)
    _refused(
        store,
        ErrorCode.VALIDATION_ERROR,
        "shipping_fee",
        store.settings.update,
        manager,
        shipping_fee=fee,
    )
    assert store.settings.get(manager) == before


@pytest.mark.parametrize("cid", [2**63, 2**31, -1, 0, "x", 1.0, True])
def test_customer_ids_out_of_range(store, manager, clerk, make_product, cid):
    p = make_product()
    store.cart.add(clerk, p.id, 1)
    _refused(store, ErrorCode.VALIDATION_ERROR, "customer_id", store.cart.set_customer, clerk, cid)
    _refused(
        store,
        ErrorCode.VALIDATION_ERROR,
        "customer_id",
        store.checkout.complete,
        clerk,
        [("cash", "100")],
        customer_id=cid,
    )
    _refused(store, ErrorCode.VALIDATION_ERROR, "customer_id", store.customers.get, clerk, cid)


@pytest.mark.parametrize(
    "value, expected",
    [
        (5, 5),
        ("7", 7),
        (" 8 ", 8),
        (Decimal("9"), 9),
        (Decimal("9.5"), None),
        (True, None),
        (1.0, None),
        ("1e3", None),
        ("", None),
        (None, None),
        ("١٢", None),
    ],
)
def test_whole_numbers(value, expected):
    assert bounds.whole(value) == expected


def test_csv_import_refuses_hostile_prices_and_stock(store, manager):
    from pos.services.catalog.csv_io import COLUMNS

    text = (
        ",".join(COLUMNS)
        + "\nH-1,,Huge price,,,1e30,1,5,,1\nH-2,,Huge stock,,,1.00,2147483648,5,,1\n"
        + "H-3,,Overflow price,,,92233720368547758.08,1,5,,1\n"
    )
    before = _state(store)
    with pytest.raises(PosError) as exc:
        store.product_io.import_text(manager, text)
    assert exc.value.code == ErrorCode.VALIDATION_ERROR
    assert [e["line"] for e in exc.value.details["errors"]] == [2, 3, 4]
    assert _state(store) == before


def test_bulk_price_change_cannot_push_a_price_past_the_bound(store, manager, make_product):
    p = make_product(price=str(Decimal(rules.MAX_PRICE_CENTS) / 100 - 1))
    _refused(
        store,
        ErrorCode.VALIDATION_ERROR,
        "percent",
        store.bulk.change_price_percent,
        manager,
        [p.id],
        10,
    )
    assert store.catalog.get(manager, p.id).price == p.price
