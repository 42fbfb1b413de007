"""The sale controller without any window: scans queue in order, refusals and releases
come back as signals."""

from __future__ import annotations

import pytest

from pos.services.plumbing.events import Change, ChangeKind
from pos.ui.sale_controller import RELEASED_NOTICE, SaleController
from pos.ui.worker import TaskRunner

from .conftest import product_named

pytestmark = pytest.mark.gui


@pytest.fixture
def sale(qapp, gui_store, clerk_actor):
    runner = TaskRunner(initiator="counter:test")
    controller = SaleController(gui_store, clerk_actor, runner)
    yield controller
    runner.finish_writes()
    runner.shutdown()


def test_scans_queue_in_order_and_refusals_are_signalled(qtbot, sale, gui_store, clerk_actor):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    notices: list[tuple[str, str]] = []
    failed: list[str] = []
    sale.noticed.connect(lambda kind, text: notices.append((kind, text)))
    sale.scanFailed.connect(failed.append)
    for code in (chips.sku, "NO-SUCH-CODE", chips.barcode):
        assert sale.scan(code)
    assert sale.busy and sale.pending_scans == 3
    qtbot.waitUntil(lambda: not sale.busy)
    assert sale.cart.line(chips.id).quantity == 2
    assert failed == ["NO-SUCH-CODE"]
    assert [kind for kind, _ in notices] == ["success", "error", "success"]
    assert sale.pending_scans == 0


def test_a_release_by_someone_else_empties_the_cart(qtbot, sale, gui_store, clerk_actor):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    sale.add(chips.id)
    qtbot.waitUntil(lambda: not sale.busy)
    cart_id = sale.cart.cart_id
    notices: list[tuple[str, str]] = []
    sale.noticed.connect(lambda kind, text: notices.append((kind, text)))
    sale.on_change(Change(ChangeKind.CARTS, (cart_id,), "counter:test"), "counter:test")
    assert sale.cart.cart_id == cart_id  # our own release (a void) is not news
    with qtbot.waitSignal(sale.saleReleased):
        sale.on_change(Change(ChangeKind.CARTS, (cart_id,)), "counter:test")
    assert sale.cart.lines == ()
    assert notices == [("error", RELEASED_NOTICE)]
    qtbot.waitUntil(lambda: not sale.busy)  # and the cart is read again from the database
