"""The admin window offscreen: products table, stock dialog, carts, import, reports."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog

from pos.errors import ErrorCode, PosError
from pos.services.catalog.products_admin import ProductQuery
from pos.ui.admin.product_model import PAGE
from pos.ui.admin.window import AdminWindow
from tests.gui.admin.conftest import wait_idle

pytestmark = pytest.mark.gui


def test_clerk_cannot_open_it(gui_store, clerk_actor):
    with pytest.raises(PosError) as info:
        AdminWindow(gui_store, clerk_actor)
    assert info.value.code == ErrorCode.FORBIDDEN


def test_models_pass_qtmodeltester(qtbot, qtmodeltester, admin, gui_store, clerk_actor):
    product = gui_store.catalog.search(clerk_actor, limit=1)[0]
    gui_store.cart.add(clerk_actor, product.id, 1)
    qtmodeltester.check(admin.products.model)
    admin.products.table.selectRow(0)
    wait_idle(qtbot, admin)
    qtmodeltester.check(admin.products.history.movements_model)
    qtmodeltester.check(admin.products.history.prices_model)
    for tab in range(1, admin.tabs.count()):
        admin.tabs.setCurrentIndex(tab)
        wait_idle(qtbot, admin)
    admin.reports.refresh()
    wait_idle(qtbot, admin)
    for model in (
        admin.alerts.model,
        admin.carts.model,
        admin.people.users,
        admin.people.customers,
        admin.reports.top,
        admin.reports.turnover,
        admin.reports.failures,
    ):
        qtmodeltester.check(model)
    assert admin.carts.model.rowCount() == 1


def test_table_matches_database_and_filters(qtbot, admin, gui_store, manager_actor):
    model = admin.products.model
    total = gui_store.products_admin.count(manager_actor, ProductQuery())
    assert model.total == total
    admin.products.search.setText("cyber")
    qtbot.waitUntil(
        lambda: model.query.text == "cyber" and not model.loading and not admin.tasks.busy
    )
    expected = gui_store.products_admin.rows(manager_actor, ProductQuery(text="cyber"))
    assert [model.row_at(i).product.sku for i in range(model.rowCount())] == [
        r.product.sku for r in expected
    ]
    assert model.total == len(expected) > 0
    admin.products.low_only.setChecked(True)
    wait_idle(qtbot, admin)
    assert all(
        model.row_at(i).product.low_stock for i in range(model.rowCount())
    ) and model.rowCount() == len(
        gui_store.products_admin.rows(
            manager_actor, ProductQuery(text="cyber", low_stock_only=True)
        )
    )


def test_header_click_sorts_in_sql(qtbot, admin, gui_store, manager_actor):
    model = admin.products.model
    header = admin.products.table.horizontalHeader()
    header.setSortIndicator(4, Qt.SortOrder.DescendingOrder)  # price
    qtbot.waitUntil(lambda: model.query.sort == "price" and model.rowCount() > 0)
    wait_idle(qtbot, admin)
    prices = [model.row_at(i).product.price for i in range(model.rowCount())]
    assert prices == sorted(prices, reverse=True)
    top = gui_store.products_admin.rows(manager_actor, ProductQuery(sort="price", descending=True))
    assert model.index(0, 4).data() == f"${top[0].product.price:,.2f}"


def test_edit_dialog_saves_and_row_refreshes(qtbot, admin, gui_store, manager_actor):
    model = admin.products.model
    row = model.row_at(0)
    dialog = admin.products.edit_dialog(row.product)
    dialog.price.setText("-1")
    assert "negative" in dialog.error.text()
    dialog.price.setText("12.34")
    other = model.row_at(1).product
    dialog.sku.setText(other.sku)
    dialog.try_save()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "SKU" in dialog.error.text()
    dialog.sku.setText(row.product.sku)
    dialog.name.setText("<b>Renamed</b>")
    dialog.try_save()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert dialog.saved is not None
    admin.products.after_change([row.product.id])
    qtbot.waitUntil(lambda: model.index(0, 2).data() == "<b>Renamed</b>")
    assert model.index(0, 4).data() == "$12.34"
    assert gui_store.catalog.get(manager_actor, row.product.id).price == Decimal("12.34")
    history = gui_store.catalog.price_history(manager_actor, row.product.id)
    assert history[-1][2] == Decimal("12.34")


def test_stock_adjust_dialog_writes_ledger(qtbot, admin, gui_store, manager_actor):
    model = admin.products.model
    i = next(i for i in range(model.rowCount()) if model.row_at(i).product.stock_quantity >= 3)
    product = model.row_at(i).product
    dialog = admin.products.stock_dialog(i, "adjust")
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    dialog.amount.setValue(-2)
    dialog.note.setText("broken")
    assert dialog.preview.text().startswith(f"Free to sell after: {product.stock_quantity - 2}")
    dialog.try_apply()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert dialog.result_view is not None
    admin.products.after_change([product.id])
    qtbot.waitUntil(lambda: model.index(i, 5).data() == str(product.stock_quantity - 2))
    moves = gui_store.inventory.movements(manager_actor, product.id)
    assert (moves[0].reason, moves[0].delta, moves[0].note) == ("adjust", -2, "broken")
    count = admin.products.stock_dialog(i, "stocktake")
    count.amount.setValue(product.stock_quantity + 5)
    count.try_apply()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert gui_store.catalog.get(manager_actor, product.id).stock_quantity == (
        product.stock_quantity + 5
    )
    assert gui_store.audit.check().ok


def test_release_open_cart(qtbot, admin, gui_store, clerk_actor, manager_actor):
    product = next(p for p in gui_store.catalog.search(clerk_actor) if p.stock_quantity >= 3)
    gui_store.cart.add(clerk_actor, product.id, 3)
    admin.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: admin.carts.model.rowCount() == 1)
    assert admin.carts.model.index(0, 1).data() == "clerk"
    admin.carts.table.selectRow(0)
    admin.carts.release_selected()
    qtbot.waitUntil(lambda: admin.carts.model.rowCount() == 0)
    assert gui_store.catalog.get(manager_actor, product.id).stock_quantity == product.stock_quantity
    moves = gui_store.inventory.movements(manager_actor, product.id)
    assert (moves[0].reason, moves[0].delta) == ("cart_release", 3)
    assert gui_store.audit.check().ok


def test_ten_thousand_row_import_keeps_gui_responsive(qtbot, admin, tmp_path, gui_store):
    lines = ["sku,name,price,stock,category"]
    lines += [f"IMP-{i:05d},Imported {i},{i % 40}.50,{i % 7},Bulk" for i in range(10_000)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    progress_values: list[int] = []
    admin.products.csv.progress.valueChanged.connect(progress_values.append)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    admin.products.csv.import_csv(str(path))
    assert admin.products.csv.progress.isVisible()
    qtbot.waitUntil(lambda: admin.products.csv.import_button.isEnabled(), timeout=120_000)
    timer.stop()
    assert any(m[0] == "info" and "10000 new" in m[2] for m in admin_messages(admin))
    assert len(set(progress_values)) >= 5
    assert len(ticks) >= 3  # the event loop kept running during the import
    wait_idle(qtbot, admin)
    model = admin.products.model
    assert model.total == gui_store.products_admin.count(admin.actor, ProductQuery())
    assert model.rowCount() == PAGE  # lazily fetched: one page, not 10,000 rows
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE)


def admin_messages(window):
    return window.dialogs.messages


def test_bad_import_shows_line_numbers(qtbot, admin, tmp_path, admin_dialogs):
    path = tmp_path / "bad.csv"
    path.write_text("sku,name,price\n,No SKU,1.00\nX,<i>x</i>,-2\n", encoding="utf-8")
    admin.products.csv.import_csv(str(path))
    qtbot.waitUntil(lambda: admin.products.csv.import_button.isEnabled())
    kind, title, text = admin_dialogs.messages[-1]
    assert kind == "error" and "line 2: SKU is required" in text and "line 3" in text


def test_dashboard_matches_service(qtbot, admin, gui_store, clerk_actor, manager_actor):
    product = next(p for p in gui_store.catalog.search(clerk_actor) if p.stock_quantity >= 2)
    gui_store.cart.add(clerk_actor, product.id, 2)
    gui_store.checkout.complete(clerk_actor, payments=[("cash", "100000.00")])
    admin.tabs.setCurrentIndex(5)
    with qtbot.waitSignal(admin.reports.reportReady, timeout=30_000) as blocker:
        admin.reports.refresh()
    report = blocker.args[0]
    today = date.today()
    local = datetime.now().astimezone().tzinfo
    again = gui_store.reports.sales_report(manager_actor, today - timedelta(days=29), today, local)
    assert report == again and report.order_count >= 1
    assert admin.reports.figures["orders"].value.text() == f"{report.order_count:,}"
    assert admin.reports.figures["revenue"].value.text() == f"${report.revenue:,.2f}"
    assert admin.reports.bars is not None


def test_settings_and_people(qtbot, admin, gui_store, manager_actor, admin_dialogs):
    admin.tabs.setCurrentIndex(4)
    qtbot.waitUntil(lambda: admin.settings_panel.store_name.text() != "")
    panel = admin.settings_panel
    panel.store_name.setText("<b>Corner</b> Shop")
    panel.tax.setText("7.25")
    panel.require_customer.setChecked(True)
    panel.save()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    settings = gui_store.settings.get()
    assert settings.store_name == "<b>Corner</b> Shop"
    assert settings.tax_rate == Decimal("0.0725") and settings.require_customer
    panel.tax.setText("abc")
    panel.save()
    assert "number" in panel.status.text()
    admin.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: admin.people.users.rowCount() == 2)
    admin_dialogs.answers = ["dora", "clerk", "987654"]
    admin.people.add_user()
    qtbot.waitUntil(lambda: admin.people.users.rowCount() == 3)
    assert gui_store.auth.login("dora", "987654", "C9").role == "clerk"
    admin_dialogs.answers = ["Eve Example", "555", "eve@example.org"]
    admin.people.add_customer()
    qtbot.waitUntil(lambda: admin.people.customers.rowCount() == 1)
    assert gui_store.customers.search(manager_actor, "eve")[0].email == "eve@example.org"
