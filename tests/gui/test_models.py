"""qtmodeltester on the custom models, and row-level updates (no resets per action)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from pos.ui.cart_model import COL_QTY, CartModel
from pos.ui.product_model import ProductModel, StateRole
from pos.ui.thumbnails import ThumbnailCache
from pos.ui.worker import TaskRunner
from pos.views import CartLineView, CartView, ProductView

pytestmark = pytest.mark.gui


def product(n: int, stock: int = 10) -> ProductView:
    return ProductView(
        id=uuid.UUID(int=n + 1),
        sku=f"SKU-{n:03d}",
        barcode=None,
        name=f"Product {n:03d}",
        description="",
        category="Test",
        price=Decimal("1.50"),
        stock_quantity=stock,
        active=True,
        image=None,
        low_stock_threshold=2,
    )


CATALOG = [product(n) for n in range(25)]


def fetch(text, category, after, limit):
    rows = [p for p in CATALOG if text.lower() in p.name.lower()]
    if after is not None:
        rows = [p for p in rows if (p.name, p.id) > (after.name, after.id)]
    return rows[:limit]


class Spy:
    def __init__(self, model):
        self.events = []
        model.modelReset.connect(lambda: self.events.append("reset"))
        model.rowsInserted.connect(lambda _p, a, b: self.events.append(("insert", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.events.append(("remove", a, b)))
        model.dataChanged.connect(
            lambda a, b, _r=(): self.events.append(("data", a.row(), b.row()))
        )


def test_product_model_pages_and_row_refresh(qtmodeltester):
    model = ProductModel(fetch, page_size=10)
    model.set_query("")
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 25
    spy = Spy(model)
    model.refresh_products([CATALOG[3].__class__(**{**CATALOG[3].__dict__, "stock_quantity": 0})])
    assert spy.events == [("data", 3, 3)]
    assert model.index(3, 0).data(StateRole) == "out"
    model.set_stock(CATALOG[4].id, 1)
    assert model.index(4, 0).data(StateRole) == "low"
    assert "reset" not in spy.events
    model.set_query("product 01")
    assert model.rowCount() == 10
    qtmodeltester.check(model)


def test_product_model_async_drops_stale_answers(qtbot, qtmodeltester):
    runner = TaskRunner(max_threads=2)
    thumbs = ThumbnailCache()
    model = ProductModel(fetch, runner=runner, thumbnails=thumbs, page_size=10)
    qtmodeltester.check(model)
    model.set_query("")
    model.set_query("product 02")  # the first answer must not land in the new query
    qtbot.waitUntil(lambda: not model.loading and runner.pending == 0)
    assert [model.product(r).name for r in range(model.rowCount())] == [
        f"Product 02{n}" for n in range(5)
    ]
    runner.shutdown()
    thumbs.shutdown()


def line(n: int, qty: int) -> CartLineView:
    p = CATALOG[n]
    return CartLineView(p.id, p.sku, p.name, p.price, qty, p.price * qty, 5)


def cart(*lines: CartLineView) -> CartView:
    subtotal = sum((ln.line_total for ln in lines), Decimal("0.00"))
    return CartView(
        1,
        "C1",
        tuple(lines),
        sum(ln.quantity for ln in lines),
        subtotal,
        Decimal("0.00"),
        Decimal("0.00"),
        subtotal,
    )


def test_cart_model_diffs_rows(qtmodeltester):
    model = CartModel()
    qtmodeltester.check(model)
    spy = Spy(model)
    model.set_cart(cart(line(0, 1)))
    model.set_cart(cart(line(0, 1), line(1, 1)))
    model.set_cart(cart(line(0, 3), line(1, 1)))
    model.set_cart(cart(line(0, 3), line(1, 1), line(2, 2)))
    model.set_cart(cart(line(0, 3), line(2, 2)))
    model.set_cart(cart(line(2, 2)))
    assert spy.events == [
        ("insert", 0, 0),
        ("insert", 1, 1),
        ("data", 0, 0),
        ("insert", 2, 2),
        ("remove", 1, 1),
        ("remove", 0, 0),
    ]
    assert model.rowCount() == 1 and model.index(0, 0).data() == "Product 002"
    qtmodeltester.check(model)


def test_cart_model_quantity_edit_is_pending_until_the_service_answers(qtmodeltester, qtbot):
    model = CartModel()
    model.set_cart(cart(line(0, 1)))
    qtmodeltester.check(model)
    index = model.index(0, COL_QTY)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(model.quantityEdited) as blocker:
        assert model.setData(index, "4")
    assert blocker.args[1] == 4
    assert index.data() == "4"
    assert not model.setData(index, "four")
    model.set_cart(cart(line(0, 1)))  # the service refused: back to what it holds
    assert index.data() == "1"
