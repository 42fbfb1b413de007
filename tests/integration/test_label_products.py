"""Which products get shelf labels: those repriced since a date (from the price history),
or the ones picked; managers only. Both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pos.errors import ErrorCode, PosError


def test_repriced_since_comes_from_the_price_history(store, manager, clerk, make_product):
    before = datetime.now(UTC) - timedelta(seconds=5)
    repriced = make_product(price="2.00", name="Beta")
    also = make_product(price="3.00", name="Alpha")
    untouched = make_product(price="4.00", name="Gamma")
    inactive = make_product(price="5.00", name="Delta")
    store.catalog.update_product(manager, repriced.id, price=Decimal("2.50"))
    store.catalog.update_product(manager, also.id, price=Decimal("2.75"))
    store.catalog.update_product(manager, inactive.id, price=Decimal("5.50"))
    store.catalog.set_active(manager, inactive.id, False)
    store.catalog.update_product(manager, untouched.id, name="Gamma 2")  # not a price change

    found = store.labels.repriced_since(manager, before)
    assert [(p.name, p.price) for p in found] == [
        ("Alpha", Decimal("2.75")),
        ("Beta", Decimal("2.50")),
    ]
    assert store.labels.repriced_since(manager, datetime.now(UTC) + timedelta(hours=1)) == []


def test_picked_products_in_name_order(store, manager, make_product):
    b, a = make_product(name="Bravo"), make_product(name="Alpha")
    assert [p.name for p in store.labels.products(manager, [b.id, a.id])] == ["Alpha", "Bravo"]


def test_managers_only_and_an_aware_date(store, clerk, manager):
    with pytest.raises(PosError) as caught:
        store.labels.repriced_since(clerk, datetime.now(UTC))
    assert caught.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(PosError) as caught:
        store.labels.repriced_since(manager, datetime.now())  # no time zone
    assert caught.value.code == ErrorCode.VALIDATION_ERROR
