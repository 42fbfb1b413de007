"""Scale labels at the counter: the manager sets the prefixes, a clerk scans labels; a
misread check digit is refused with a clear message and nothing reaches the cart."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos.devices.scale import codes as scale_codes
from pos.devices.scale.codes import Embedded, ScaleRule, encode

from .conftest import COUNTER, MANAGER_PASSWORD, settle

# Dialogs shown offscreen: the offscreen platform cannot pass on their size hints.
pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

PRICE = ScaleRule("20", 5, Embedded.PRICE, 2)
WEIGHT = ScaleRule("21", 5, Embedded.WEIGHT, 3)


@pytest.fixture
def manager_actor(gui_store):
    return gui_store.auth.login("manager", MANAGER_PASSWORD, COUNTER)


@pytest.fixture
def cheese(gui_store, manager_actor):
    return gui_store.catalog.add_product(
        manager_actor, sku="12345", name="Cheese pack", price=Decimal("1.50"), stock=20
    )


def test_manager_sets_the_rules_in_the_dialog(qtbot, make_window, manager_actor):
    window = make_window(manager_actor)
    dialog = window.open_scale_settings()
    assert dialog is not None and dialog.table.rowCount() == 0
    dialog.add_rule(None)
    dialog.add_rule(None)
    dialog._combo(1, 2).setCurrentIndex(1)  # the second prefix carries a weight
    assert dialog.rules() == (ScaleRule("20"), ScaleRule("21", 5, Embedded.WEIGHT, 3))
    dialog.try_code.setText(encode(WEIGHT, "42", Decimal("1.250")))
    assert dialog.decoded.text() == "PLU 00042, weight 1.250 kg (1250 g)"
    bad = encode(PRICE, "12345", Decimal("4.50"))
    dialog.try_code.setText(bad[:12] + str((int(bad[12]) + 3) % 10))
    assert "check digit" in dialog.decoded.text()
    dialog.add_rule(None)
    assert dialog.table.rowCount() == 3
    dialog._spin(2, 1).setFocus()
    qtbot.waitUntil(lambda: dialog._spin(2, 1).hasFocus())
    dialog.remove_selected()
    assert dialog.table.rowCount() == 2
    dialog.accept()
    assert scale_codes.load() == (PRICE, WEIGHT)
    assert window.sale.scale_rules == (PRICE, WEIGHT)


def test_clerk_cannot_open_the_scale_settings(make_window, clerk_actor):
    window = make_window(clerk_actor)
    assert window.open_scale_settings() is None
    assert "Only a manager" in window.notice.text


def test_price_label_sells_its_units_bad_check_digit_refused(
    qtbot, make_window, clerk_actor, cheese
):
    scale_codes.save((PRICE, WEIGHT))
    window = make_window(clerk_actor)
    label = encode(PRICE, "12345", Decimal("4.50"))  # 3 packs at 1.50
    window.scan_code(label)
    settle(qtbot, window)
    assert window.cart.line(cheese.id).quantity == 3
    assert window.cart.line(cheese.id).line_total == Decimal("4.50")

    misread = label[:12] + str((int(label[12]) + 1) % 10)
    window.scan_code(misread)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: len(window.scan_problems.problems) == 1)
    problem = window.scan_problems.problems[0]
    assert problem.code == misread and problem.error_code == "INVALID_BARCODE"
    assert "check digit" in problem.message
    assert window.cart.line(cheese.id).quantity == 3  # nothing added

    odd = encode(PRICE, "12345", Decimal("4.99"))
    window.scan_code(odd)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: len(window.scan_problems.problems) == 2)
    assert "not a whole number of units" in window.scan_problems.problems[-1].message
    assert window.cart.line(cheese.id).quantity == 3
    window.scan_code(encode(WEIGHT, "12345", Decimal("0.750")))
    settle(qtbot, window)
    qtbot.waitUntil(lambda: len(window.scan_problems.problems) == 3)
    assert "selling by weight is not available yet" in window.scan_problems.problems[-1].message


def test_a_products_own_code_in_the_scale_range_wins(qtbot, make_window, clerk_actor, gui_store):
    scale_codes.save((PRICE,))
    window = make_window(clerk_actor)
    shirt = next(p for p in gui_store.catalog.search(clerk_actor, "T-Shirt") if p.barcode)
    assert shirt.barcode.startswith("20")  # the demo catalog uses the in-store range
    window.scan_code(shirt.barcode)
    settle(qtbot, window)
    assert window.cart.line(shirt.id).quantity == 1
    assert window.scan_problems.problems == []
