"""The admin window on the change bus: each change refreshes it once, its own actions
included (the panel that acted refreshes itself; the bus notice is not a second reload)."""

from __future__ import annotations

import pytest

from tests.gui.admin.conftest import wait_idle

pytestmark = pytest.mark.gui

SETTLE_MS = 600  # longer than the window's 300 ms debounce of bus notices


class Spy:
    def __init__(self, target, name):
        self.calls = []
        original = getattr(target, name)

        def spy(*args, **kwargs):
            self.calls.append(args)
            return original(*args, **kwargs)

        setattr(target, name, spy)


def _settle(qtbot, admin):
    wait_idle(qtbot, admin)
    qtbot.wait(SETTLE_MS)
    wait_idle(qtbot, admin)


def test_csv_import_reloads_the_table_once(qtbot, admin, tmp_path, admin_dialogs):
    path = tmp_path / "few.csv"
    path.write_text("sku,name,price,stock\nBUS-1,Bus one,1.00,3\nBUS-2,Bus two,2.00,4\n")
    model = admin.products.model
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    alerts = Spy(admin.alerts, "refresh")
    admin.products.csv.import_csv(str(path))
    qtbot.waitUntil(lambda: any(m[1] == "Import" for m in admin_dialogs.messages))
    _settle(qtbot, admin)
    assert len(resets) == 1
    assert len(alerts.calls) == 1


def test_own_stock_change_refreshes_the_row_once(qtbot, admin, gui_store, manager_actor):
    model = admin.products.model
    product = model.row_at(0).product
    rows = Spy(model, "refresh_products")
    alerts = Spy(admin.alerts, "refresh")
    dialog = admin.products.stock_dialog(0, "receive")
    dialog.amount.setValue(4)
    dialog.try_apply()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    admin.products.after_change([product.id])  # what stock_selected does after exec()
    _settle(qtbot, admin)
    assert rows.calls == [([product.id],)]
    assert len(alerts.calls) == 1
    assert model.row_at(0).product.stock_quantity == product.stock_quantity + 4


def test_a_counter_sale_refreshes_the_admin_once(qtbot, admin, gui_store, clerk_actor):
    model = admin.products.model
    product = model.row_at(0).product
    rows = Spy(model, "refresh_products")
    alerts = Spy(admin.alerts, "refresh")
    gui_store.cart.add(clerk_actor, product.id, 1)  # another window of this process
    qtbot.waitUntil(lambda: model.row_at(0).reserved == 1)
    _settle(qtbot, admin)
    assert rows.calls == [([product.id],)]
    assert len(alerts.calls) == 1
