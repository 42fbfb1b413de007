"""A Hypothesis state machine over cart, checkout and inventory; the audit is the invariant,
and a plain Python model predicts every stock level and cart line."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pos.errors import ErrorCode, PosError
from pos.services import open_store
from tests.conftest import CLERK_PASSWORD, MANAGER_PASSWORD
from tests.integration.helpers import stock_of

N_PRODUCTS = 3


def machine_for(url: str):
    store = open_store(url)
    boss = store.auth.bootstrap_manager("boss", MANAGER_PASSWORD)
    store.auth.add_user(boss, "alice", CLERK_PASSWORD, role="clerk")
    serial = iter(range(1_000_000))

    class CounterMachine(RuleBasedStateMachine):
        @initialize()
        def fresh_products(self):
            n = next(serial)
            self.clerk = store.auth.login("alice", CLERK_PASSWORD, counter=f"SM{n}")
            self.products = [
                store.catalog.add_product(
                    boss, sku=f"SM{n}-{i}", name=f"P{i}", price=Decimal("2.50"), stock=5
                ).id
                for i in range(N_PRODUCTS)
            ]
            self.stock = {p: 5 for p in self.products}
            self.cart: dict = {}

        @rule(i=st.integers(0, N_PRODUCTS - 1), qty=st.integers(1, 8))
        def add(self, i, qty):
            pid = self.products[i]
            try:
                store.cart.add(self.clerk, pid, qty)
            except PosError as err:
                assert err.code == ErrorCode.INSUFFICIENT_STOCK
                assert qty > self.stock[pid]
                assert err.details["available"] == self.stock[pid]
                return
            assert qty <= self.stock[pid]
            self.stock[pid] -= qty
            self.cart[pid] = self.cart.get(pid, 0) + qty

        @rule(i=st.integers(0, N_PRODUCTS - 1), qty=st.integers(1, 8))
        def update(self, i, qty):
            pid = self.products[i]
            try:
                store.cart.update(self.clerk, pid, qty)
            except PosError as err:
                if pid not in self.cart:
                    assert err.code == ErrorCode.ITEM_NOT_IN_CART
                else:
                    assert err.code == ErrorCode.INSUFFICIENT_STOCK
                    assert qty - self.cart[pid] > self.stock[pid]
                return
            self.stock[pid] -= qty - self.cart[pid]
            self.cart[pid] = qty

        @rule(i=st.integers(0, N_PRODUCTS - 1))
        def remove(self, i):
            pid = self.products[i]
            try:
                store.cart.remove(self.clerk, pid)
            except PosError as err:
                assert err.code == ErrorCode.ITEM_NOT_IN_CART
                assert pid not in self.cart
                return
            self.stock[pid] += self.cart.pop(pid)

        @rule(delivery=st.booleans())
        def checkout(self, delivery):
            cart = store.cart.current(self.clerk)
            try:
                order = store.checkout.complete(
                    self.clerk,
                    [("cash", Decimal("1000"))],
                    delivery=delivery,
                    cart_id=cart.cart_id,
                )
            except PosError as err:
                assert err.code == ErrorCode.EMPTY_CART
                assert not self.cart
                return
            assert {ln.product_id: ln.quantity for ln in order.lines} == self.cart
            assert order.total == order.subtotal + order.tax + order.shipping
            self.cart = {}

        @rule(i=st.integers(0, N_PRODUCTS - 1), delta=st.integers(-6, 6).filter(bool))
        def adjust(self, i, delta):
            pid = self.products[i]
            try:
                store.inventory.adjust(boss, pid, delta, "adjust")
            except PosError as err:
                assert err.code == ErrorCode.INSUFFICIENT_STOCK
                assert self.stock[pid] + delta < 0
                return
            self.stock[pid] += delta

        @precondition(lambda self: bool(self.cart))
        @rule()
        def release(self):
            cart = store.cart.current(self.clerk)
            store.carts.release(boss, cart.cart_id)
            for pid, qty in self.cart.items():
                self.stock[pid] += qty
            self.cart = {}

        @invariant()
        def database_matches_model_and_audit(self):
            for pid, expected in self.stock.items():
                assert stock_of(store, pid) == expected
            view = store.cart.current(self.clerk)
            assert {ln.product_id: ln.quantity for ln in view.lines} == self.cart

        def teardown(self):
            report = store.audit.check()
            assert report.ok, report.problems

    return store, CounterMachine


@pytest.mark.slow
def test_cart_checkout_inventory_state_machine(db_url):
    store, machine = machine_for(db_url)
    try:
        case = machine.TestCase
        case.settings = settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        case().runTest()
    finally:
        store.close()
