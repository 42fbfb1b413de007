"""Every numeric argument of every public service method, given hostile values, either works
or fails with a PosError (never a raw exception), on both backends alike (issue 10 item 6)."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pos.errors import ErrorCode, PosError
from pos.models import Order, StockMovement
from pos.services.catalog.products_admin import ProductQuery

HOSTILE = st.one_of(
    st.sampled_from(
        [
            2**31,
            2**31 - 1,
            2**63,
            2**63 - 1,
            -(2**63),
            2**64,
            10**30,
            -1,
            0,
            1e30,
            1e300,
            -1e300,
            math.nan,
            math.inf,
            -math.inf,
            Decimal("92233720368547758.08"),
            Decimal("1e30"),
            Decimal("NaN"),
            Decimal("sNaN"),
            Decimal("Infinity"),
            Decimal("-0.001"),
            "NaN",
            "Infinity",
            "1e30",
            "x",
            "",
            " 7 ",
            True,
            False,
            None,
            [],
            {},
        ]
    ),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.text(max_size=12),
    st.booleans(),
    st.none(),
)


def _targets(store, manager, clerk, product, customer_id) -> dict[str, Callable[[Any], object]]:
    pid = product.id
    query = ProductQuery()
    return {
        "auth.update_user(user_id)": lambda v: store.auth.update_user(manager, v, active=True),
        "catalog.add_product(price)": lambda v: store.catalog.add_product(
            manager, sku="H-PRICE", name="Hostile price", price=v
        ),
        "catalog.add_product(stock)": lambda v: store.catalog.add_product(
            manager, sku="H-STOCK", name="Hostile stock", price="1.00", stock=v
        ),
        "catalog.add_product(low_stock_threshold)": lambda v: store.catalog.add_product(
            manager, sku="H-LOW", name="Hostile low", price="1.00", low_stock_threshold=v
        ),
        "catalog.update_product(price)": lambda v: store.catalog.update_product(
            manager, pid, price=v
        ),
        "catalog.update_product(low_stock_threshold)": lambda v: store.catalog.update_product(
            manager, pid, low_stock_threshold=v
        ),
        "catalog.search(offset)": lambda v: store.catalog.search(clerk, "", offset=v),
        "catalog.search(limit)": lambda v: store.catalog.search(clerk, "", limit=v),
        "catalog.page(limit)": lambda v: store.catalog.page(clerk, "", limit=v),
        "catalog.page(offset)": lambda v: store.catalog.page(clerk, "", offset=v),
        "reports.sales_report(top)": lambda v: store.reports.sales_report(
            manager, date(2026, 1, 1), date(2026, 1, 31), top=v
        ),
        "cart.add(quantity)": lambda v: store.cart.add(clerk, pid, v),
        "cart.update(quantity)": lambda v: store.cart.update(clerk, pid, v),
        "cart.set_customer(customer_id)": lambda v: store.cart.set_customer(clerk, v),
        "checkout.complete(payments)": lambda v: store.checkout.complete(clerk, [("cash", v)]),
        "checkout.complete(payments: card)": lambda v: store.checkout.complete(
            clerk, [("card", v)]
        ),
        "checkout.complete(customer_id)": lambda v: store.checkout.complete(
            clerk, [("cash", "1000")], customer_id=v
        ),
        "checkout.complete(cart_id)": lambda v: store.checkout.complete(
            clerk, [("cash", "1000")], cart_id=v
        ),
        "orders.recent(limit)": lambda v: store.orders.recent(clerk, v),
        "inventory.adjust(delta)": lambda v: store.inventory.adjust(manager, pid, v),
        "inventory.receive(quantity)": lambda v: store.inventory.receive(manager, pid, v),
        "inventory.stocktake(counted)": lambda v: store.inventory.stocktake(manager, pid, v),
        "inventory.movements(limit)": lambda v: store.inventory.movements(manager, pid, v),
        "carts.release(cart_id)": lambda v: store.carts.release(manager, v),
        "carts.release_older_than(hours)": lambda v: store.carts.release_older_than(manager, v),
        "customers.get(customer_id)": lambda v: store.customers.get(clerk, v),
        "customers.update(customer_id)": lambda v: store.customers.update(manager, v, phone="1"),
        "customers.search(limit)": lambda v: store.customers.search(clerk, "", limit=v),
        "settings.update(shipping_fee)": lambda v: store.settings.update(manager, shipping_fee=v),
        "settings.update(free_shipping_threshold)": lambda v: store.settings.update(
            manager, free_shipping_threshold=v
        ),
        "settings.update(tax_rate)": lambda v: store.settings.update(manager, tax_rate=v),
        "products_admin.rows(limit)": lambda v: store.products_admin.rows(manager, query, limit=v),
        "bulk.adjust_stock(deltas)": lambda v: store.bulk.adjust_stock(manager, {pid: v}),
        "bulk.change_price_percent(percent)": lambda v: store.bulk.change_price_percent(
            manager, [pid], v
        ),
        "bulk.preview_price_percent(percent)": lambda v: store.bulk.preview_price_percent(
            manager, [pid], v
        ),
        "reorder.reorder_list(multiplier)": lambda v: store.reorder.reorder_list(
            manager, multiplier=v
        ),
        "reorder.reorder_list(target)": lambda v: store.reorder.reorder_list(manager, target=v),
        "reorder.reorder_list(limit)": lambda v: store.reorder.reorder_list(manager, limit=v),
    }


NUMERIC_NAMES = {"payments", "deltas", "percent", "hours"}


def _numeric_parameters(store) -> set[str]:
    """Every public service method's parameters that take a number, found by walking the
    facade: annotated int/float/Decimal (or Any with a numeric-sounding name)."""
    found = set()
    for attr, service in vars(store).items():
        if not type(service).__module__.startswith("pos.services."):
            continue
        for name, method in inspect.getmembers(service, inspect.ismethod):
            if name.startswith("_"):
                continue
            for param in inspect.signature(method).parameters.values():
                note = str(param.annotation)
                numeric = any(t in note for t in ("int", "float", "Decimal"))
                if numeric or param.name in NUMERIC_NAMES:
                    found.add(f"{attr}.{name}({param.name})")
    return found


def _with_a_line(store, clerk, product) -> Callable[[], object]:
    """Checkout calls get a cart with a line, so their checks run past the empty-cart one."""

    def prepare() -> None:
        if not store.cart.current(clerk).lines:
            store.cart.add(clerk, product.id, 1)

    return prepare


def _ledger_size(store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        moves = conn.execute(select(func.count(StockMovement.id))).scalar_one()
        orders = conn.execute(select(func.count(Order.id))).scalar_one()
    return moves, orders


def _check_all_values(
    store, call: Callable[[Any], object], prepare: Callable[[], object] | None
) -> None:
    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(value=HOSTILE)
    def check(value: Any) -> None:
        if prepare is not None:
            prepare()
        before = _ledger_size(store)
        try:
            call(value)
        except PosError as err:
            # A database error or a bug means the value reached SQL or code unchecked: the
            # bounds must refuse it first, the same on both backends.
            assert err.code not in (ErrorCode.DATABASE_ERROR, ErrorCode.UNEXPECTED), (
                f"{value!r} escaped the bounds: {err.code} {err.message}"
            )
            assert _ledger_size(store) == before, f"{value!r} failed but wrote"

    check()


@pytest.mark.slow
def test_hostile_numbers_fail_only_with_pos_error(store, manager, clerk, make_product):
    product = make_product(price="5.00", stock=100_000)
    customer_id = store.customers.add(manager, "Hostile Customer").id
    failures: dict[str, str] = {}
    for name, call in _targets(store, manager, clerk, product, customer_id).items():
        try:
            prepare = _with_a_line(store, clerk, product) if "checkout" in name else None
            _check_all_values(store, call, prepare)
        except Exception as exc:  # collect all, report once
            failures[name] = f"{type(exc).__name__}: {str(exc)[:300]}"
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())


def test_every_numeric_parameter_is_covered(store, manager, clerk, make_product):
    product = make_product()
    targets = _targets(store, manager, clerk, product, 1)
    covered = {key.split(":")[0] + ")" if ":" in key else key for key in targets}
    missing = _numeric_parameters(store) - covered
    assert not missing, f"add hostile-number targets for: {sorted(missing)}"
