"""Money entry at checkout cannot go wrong (issue 23 item 2, issue 11 items 10-12, 14).

The real dialog over a real store on both backends; keys go to the real widgets, and the
database is read afterwards to see what was (not) recorded.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from pos.ui import receipt, style
from pos.ui.checkout_dialog import CheckoutDialog
from pos.ui.worker import TaskRunner

from .conftest import ScriptedDialogs

pytestmark = pytest.mark.gui

TOTAL = Decimal("1620.00")  # 1,500.00 + 8% tax, the example


class SavingDialogs(ScriptedDialogs):
    """Records the path the save dialog suggested and answers with it."""

    def __init__(self) -> None:
        super().__init__()
        self.suggested: list[str] = []

    def save_file(self, parent, title: str, suggested: str, filters: str) -> str | None:
        self.suggested.append(suggested)
        return suggested


@pytest.fixture
def money_dialogs() -> SavingDialogs:
    return SavingDialogs()


@pytest.fixture
def product(make_product):
    return make_product(price="1500.00", stock=5, name="Cyber Eye Implant")


@pytest.fixture
def open_checkout(qtbot, qapp, store, clerk, product, money_dialogs):
    """A checkout dialog for a cart holding one 1,500.00 product, shown and focused."""
    style.apply(qapp)
    runners: list[TaskRunner] = []

    def make(quantity: int = 1) -> CheckoutDialog:
        cart = store.cart.add(clerk, product.id, quantity)
        runner = TaskRunner()
        runners.append(runner)
        dialog = CheckoutDialog(store, clerk, cart, runner, money_dialogs)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda: dialog.settings is not None)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.cash)
        return dialog

    yield make
    for runner in runners:
        runner.shutdown()


def idle(qtbot, dialog: CheckoutDialog) -> None:
    """Let any background call the keys started come back."""
    qtbot.wait(50)
    qtbot.waitUntil(lambda: not dialog._runner.busy)


def no_orders(store, clerk) -> bool:
    return store.orders.recent(clerk, 10) == []


# -- issue 23 item 2 ---------------------------------------------------------------------
def test_short_cash_enter_enter_records_nothing(qtbot, open_checkout, store, clerk, product):
    dialog = open_checkout()
    assert dialog.cart.total == TOTAL
    assert dialog.cash.text() == ""  # nothing pre-filled: Enter alone is never "exact cash"
    qtbot.keyClicks(dialog.cash, "20")
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        idle(qtbot, dialog)
        assert dialog.cash.text() == "20"  # exactly what the clerk typed
        assert dialog.card.text() == ""
    assert dialog.order is None and dialog.isVisible()
    assert "short by $1,600.00" in dialog.error.text()
    assert dialog.change_caption.text() == "Still to pay"
    assert dialog.change_label.text() == "$1,600.00"
    assert not dialog.confirm_button.isEnabled()
    # the database agrees: no order, the cart still open with its line
    assert no_orders(store, clerk)
    cart = store.cart.current(clerk)
    assert cart.cart_id == dialog.cart.cart_id and cart.line(product.id).quantity == 1


def test_enter_with_nothing_typed_records_nothing(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)
    idle(qtbot, dialog)
    assert dialog.order is None and dialog.cash.text() == ""
    assert "Enter the cash tendered" in dialog.error.text()
    assert no_orders(store, clerk)


def test_no_button_is_a_default_that_enter_can_reach(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    buttons = dialog.findChildren(QPushButton)
    assert len(buttons) >= 8
    assert [b.text() for b in buttons if b.autoDefault() or b.isDefault()] == []
    # Enter on any widget that is not an amount field or Confirm does nothing, even with
    # a short payment typed (the old "Exact cash" auto-default made it fully paid)
    qtbot.keyClicks(dialog.cash, "20")
    for widget in (
        dialog.exact_button,
        dialog.card_button,
        dialog.quick_buttons[0],
        dialog.delivery,
        dialog.customer_search,
    ):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Return)
        qtbot.keyClick(widget, Qt.Key.Key_Enter)
        idle(qtbot, dialog)
        assert (dialog.cash.text(), dialog.card.text()) == ("20", ""), widget
    assert dialog.order is None and no_orders(store, clerk)


def test_enter_on_a_button_with_enough_cash_does_not_confirm(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    qtbot.keyClicks(dialog.cash, "1700")
    assert dialog.confirm_button.isEnabled()
    for widget in (dialog.exact_button, dialog.quick_buttons[1], dialog.delivery):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_Return)
        idle(qtbot, dialog)
    assert dialog.order is None and no_orders(store, clerk)
    assert dialog.cash.text() == "1700"


def test_exact_cash_only_by_its_own_key(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    qtbot.keyClick(dialog.cash, Qt.Key.Key_F5)
    assert dialog.cash.text() == "1620.00"
    assert dialog.change_label.text() == "$0.00"
    assert QApplication.focusWidget() is dialog.confirm_button
    qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)  # Enter on Confirm confirms
    qtbot.waitUntil(lambda: dialog.order is not None)
    assert dialog.order.tendered == TOTAL and dialog.order.change_due == 0
    assert [o.order_number for o in store.orders.recent(clerk, 10)] == [dialog.order.order_number]


def test_change_is_shown_large_before_confirming(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    qtbot.keyClicks(dialog.cash, "1700")
    assert dialog.change_caption.text() == "Change due"
    assert dialog.change_label.text() == "$80.00"
    assert dialog.change_label.property("state") == "ok"
    assert dialog.change_label.isVisible()
    big = dialog.change_label.fontInfo().pointSizeF()
    assert big >= 20 and big >= 2 * dialog.cash.fontInfo().pointSizeF()
    assert dialog.order is None and no_orders(store, clerk)


def test_an_absurd_tendered_amount_asks_for_confirmation(
    qtbot, open_checkout, store, clerk, money_dialogs
):
    dialog = open_checkout()
    scanned = "2081008457513"  # a barcode that landed in "cash tendered"
    qtbot.keyClicks(dialog.cash, scanned)
    assert dialog.large_cash_note.isVisible()
    money_dialogs.confirm_answer = False
    qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)
    idle(qtbot, dialog)
    kind, title, text = money_dialogs.messages[-1]
    assert kind == "confirm" and "$2,081,008,455,893.00" in text  # the change it would give
    assert dialog.order is None and no_orders(store, clerk)
    assert dialog.cash.text() == scanned and "Check the cash" in dialog.error.text()

    # a real large note: asked, confirmed, recorded
    dialog.cash.setText("2700")
    money_dialogs.confirm_answer = True
    asked = len(money_dialogs.messages)
    qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.order is not None)
    assert len(money_dialogs.messages) == asked + 1
    stored = store.orders.get(clerk, dialog.order.order_number)
    assert stored.tendered == Decimal("2700.00") and stored.change_due == Decimal("1080.00")


def test_the_bound_is_the_store_setting(qtbot, open_checkout, store, manager, clerk, money_dialogs):
    store.settings.update(manager, cash_confirm_over_total="50.00")
    dialog = open_checkout()
    assert dialog.confirm_over == Decimal("50.00")
    qtbot.keyClicks(dialog.cash, "1650")  # 30 over: not asked
    assert not dialog.large_cash_note.isVisible()
    dialog.cash.setText("1700")  # 80 over: asked
    assert dialog.large_cash_note.isVisible() and "$50.00" in dialog.large_cash_note.text()
    money_dialogs.confirm_answer = False
    dialog.confirm()
    assert [m[0] for m in money_dialogs.messages] == ["confirm"]
    assert dialog.order is None and no_orders(store, clerk)


# -- issue 11 item 11: live validation, change only from cash ----------------------------
def test_card_overpayment_is_refused_live_and_the_error_clears(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    dialog.card.setFocus()
    qtbot.keyClicks(dialog.card, "2000")
    assert not dialog.confirm_button.isEnabled()
    assert dialog.error.isVisible() and "at most the total due, $1,620.00" in dialog.error.text()
    assert dialog.change_label.property("state") == "problem"
    assert dialog.card.property("error") is True and dialog.cash.property("error") is False
    assert "$380.00" not in dialog.change_label.text()  # no green change from a card
    qtbot.keyClick(dialog.card, Qt.Key.Key_Return)
    idle(qtbot, dialog)
    assert dialog.order is None and no_orders(store, clerk)
    # fixed: the error goes, Confirm comes back
    dialog.card.selectAll()
    qtbot.keyClicks(dialog.card, "1620")
    assert not dialog.error.isVisible() and dialog.card.property("error") is False
    assert dialog.confirm_button.isEnabled()


def test_change_comes_only_out_of_the_cash(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    dialog.card.setText("700")
    qtbot.keyClicks(dialog.cash, "1000")  # notes for the 920.00 the card leaves
    assert not dialog.error.isVisible() and dialog.change_label.text() == "$80.00"
    dialog.card.setText("1700")  # more than the total on the card: never
    assert "at most the total due" in dialog.error.text()
    assert not dialog.confirm_button.isEnabled()
    assert dialog.change_label.property("state") == "problem"
    dialog.card.setText("700")
    assert not dialog.error.isVisible()
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None)
    stored = store.orders.get(clerk, dialog.order.order_number)
    cash = sum(p.amount for p in stored.payments if p.method == "cash")
    assert stored.change_due == Decimal("80.00") <= cash


def test_rest_on_card_keeps_the_cash(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    assert dialog.card_button.text().startswith("All on c")
    qtbot.keyClicks(dialog.cash, "100")
    assert dialog.card_button.text().startswith("Rest on c")
    qtbot.keyClick(dialog.cash, Qt.Key.Key_F6)
    assert dialog.cash.text() == "100"  # not wiped
    assert dialog.card.text() == "1520.00"
    assert dialog.change_label.text() == "$0.00" and dialog.confirm_button.isEnabled()
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None)
    stored = store.orders.get(clerk, dialog.order.order_number)
    assert sorted((p.method, p.amount) for p in stored.payments) == [
        ("card", Decimal("1520.00")),
        ("cash", Decimal("100.00")),
    ]
    assert stored.change_due == 0


def test_all_on_card_with_no_cash_and_exact_cash_keeps_the_card(qtbot, open_checkout):
    dialog = open_checkout()
    dialog.pay_by_card()
    assert (dialog.cash.text(), dialog.card.text()) == ("", "1620.00")
    assert not dialog.card_button.isEnabled()  # nothing left to charge
    dialog.card.setText("620")
    dialog.pay_exact_cash()
    assert (dialog.cash.text(), dialog.card.text()) == ("1000.00", "620")


def test_a_refused_confirm_keeps_the_amounts_and_clears_on_edit(qtbot, open_checkout):
    dialog = open_checkout()
    qtbot.keyClicks(dialog.cash, "600")
    dialog.confirm()
    assert dialog.error.isVisible() and dialog.cash.text() == "600"
    qtbot.keyClicks(dialog.cash, "0")  # 6000: enough
    assert not dialog.error.isVisible()
    assert dialog.change_label.text() == "$4,380.00"


def test_banknote_buttons_follow_what_the_cash_must_cover(qtbot, open_checkout):
    dialog = open_checkout()
    shown = [b.text() for b in dialog.quick_buttons if b.isVisibleTo(dialog)]
    assert shown == ["$1,650.00", "$1,700.00"]
    dialog.card.setText("1595")  # the cash covers 25.00
    shown = [b.text() for b in dialog.quick_buttons if b.isVisibleTo(dialog)]
    assert shown == ["$30.00", "$40.00", "$50.00"]
    qtbot.mouseClick(dialog.quick_buttons[0], Qt.MouseButton.LeftButton)
    assert (dialog.cash.text(), dialog.card.text()) == ("30.00", "1595")
    assert dialog.change_label.text() == "$5.00"


# -- issue 11 item 10: Enter after Preview means "New sale" --------------------------------
def test_enter_after_preview_starts_the_new_sale(qtbot, open_checkout, money_dialogs):
    dialog = open_checkout()
    dialog.pay_exact_cash()
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None)
    assert dialog.pages.currentIndex() == 1
    qtbot.mouseClick(dialog.done_page.preview_button, Qt.MouseButton.LeftButton)
    assert len(money_dialogs.executed) == 1
    dialog.done_page.preview_button.setFocus()  # where a mouse click leaves the focus
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(dialog.done_page.preview_button, Qt.Key.Key_Return)
    assert len(money_dialogs.executed) == 1  # the preview did not open again
    assert not dialog.isVisible()


def test_enter_on_the_done_page_after_keyboard_preview(qtbot, open_checkout, money_dialogs):
    dialog = open_checkout()
    dialog.pay_exact_cash()
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None)
    qtbot.keyClick(
        dialog.done_page.new_sale_button,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert len(money_dialogs.executed) == 1
    assert QApplication.focusWidget() is dialog.done_page.new_sale_button
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert len(money_dialogs.executed) == 1


# -- issue 11 item 14: the PDF goes to the documents folder, and says where -------------
def test_save_as_pdf_defaults_to_documents_and_says_where(
    qtbot, open_checkout, money_dialogs, tmp_path, monkeypatch
):
    home = tmp_path / "clerk-home"
    documents = home / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(receipt, "_last_pdf_folder", None)
    dialog = open_checkout()
    dialog.pay_exact_cash()
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None)
    saved = dialog.save_pdf()
    name = f"receipt-{dialog.order.order_number}.pdf"
    assert money_dialogs.suggested == [str(documents / name)]
    assert saved == str(documents / name)
    assert (documents / name).read_bytes().startswith(b"%PDF")
    label = dialog.done_page.saved_label
    assert label.isVisible() and label.text() == f"Saved to {documents / name}"
    assert label.textFormat() == Qt.TextFormat.PlainText


def test_save_as_pdf_suggests_the_folder_used_last(
    qtbot, open_checkout, money_dialogs, tmp_path, monkeypatch
):
    monkeypatch.setattr(receipt, "_last_pdf_folder", None)
    elsewhere = tmp_path / "receipts"
    elsewhere.mkdir()
    money_dialogs.save_file = lambda *a: (  # type: ignore[method-assign]
        money_dialogs.suggested.append(a[2]) or str(elsewhere / "r1.pdf")
    )
    dialog = open_checkout()
    dialog.pay_exact_cash()
    dialog.confirm()
    qtbot.waitUntil(lambda: dialog.order is not None)
    dialog.save_pdf()
    dialog.save_pdf()
    assert Path(money_dialogs.suggested[1]).parent == elsewhere


# -- issue 11 item 12 (UI half): the shipping rule and counts that read right -------------
def test_delivery_shows_the_free_shipping_rule(qtbot, open_checkout, store, clerk):
    dialog = open_checkout()
    assert dialog.shipping_note.text() == "Shipping $15.99, free over $200.00"
    assert dialog.breakdown.text().startswith("1 item \u00b7 ")  # not "1 item(s)"
    qtbot.keyClicks(dialog.cash, "1650")
    qtbot.keyClick(dialog.cash, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.delivery_pending)
    assert dialog.cart.delivery and dialog.cart.shipping == 0
    assert "shipping free (orders over $200.00)" in dialog.breakdown.text()
    assert dialog.cash.text() == "1650"  # the typed cash stays
    assert store.cart.current(clerk).delivery


def test_delivery_under_the_threshold_names_the_fee(qtbot, open_checkout, store, manager, clerk):
    store.settings.update(manager, free_shipping_threshold="5000.00")
    dialog = open_checkout(quantity=2)
    assert dialog.breakdown.text().startswith("2 items \u00b7 ")
    dialog.delivery.setChecked(True)
    qtbot.waitUntil(lambda: not dialog.delivery_pending)
    assert dialog.cart.shipping == Decimal("15.99")
    assert "shipping $15.99" in dialog.breakdown.text()
    assert dialog.due_label.text() == "$3,255.99"


# -- the same through the counter window: F12, short cash, Enter, Enter ------------------
def test_counter_short_cash_enter_enter_records_nothing(qtbot, window, gui_store, clerk_actor):
    from .conftest import product_named

    eye = product_named(gui_store, clerk_actor, "Cyber Eye Implant")
    window.add_product(eye.id)
    qtbot.waitUntil(lambda: window.cart.item_count == 1)  # the add runs off the GUI thread
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    dialog = window.checkout_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.cash)
    qtbot.keyClicks(dialog.cash, "20")
    qtbot.keyClick(dialog.cash, Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    idle(qtbot, dialog)
    assert dialog.isVisible() and dialog.order is None and dialog.cash.text() == "20"
    assert gui_store.orders.recent(clerk_actor, 10) == []
    assert gui_store.cart.current(clerk_actor).line(eye.id).quantity == 1
    assert [ln.name for ln in window.cart.lines] == ["Cyber Eye Implant"]
    dialog.reject()


def test_counter_delivery_names_the_shipping_rule(qtbot, window, gui_store, clerk_actor):
    from .conftest import product_named

    eye = product_named(gui_store, clerk_actor, "Cyber Eye Implant")  # 1,500.00
    window.add_product(eye.id)
    qtbot.waitUntil(lambda: window.cart.item_count == 1)
    assert window.cart_panel.badge.toolTip() == "1 item in the cart"
    window.set_delivery(True)
    qtbot.waitUntil(lambda: window.cart.delivery)
    assert window.notice.text == "Delivery: shipping free (orders over $200.00)"
    assert window.cart_panel.shipping_value.text() == "free (orders over $200.00)"
    assert "free over $200.00" in window.cart_panel.delivery_box.toolTip()


def test_counter_delivery_under_the_threshold_names_the_fee(qtbot, window, gui_store, clerk_actor):
    from .conftest import product_named

    chips = product_named(gui_store, clerk_actor, "Algae Chips")  # 3.99
    window.add_product(chips.id, quantity=2)
    qtbot.waitUntil(lambda: window.cart.item_count == 2)
    assert window.cart_panel.badge.toolTip() == "2 items in the cart"
    window.set_delivery(True)
    qtbot.waitUntil(lambda: window.cart.delivery)
    assert window.notice.text == "Delivery: shipping $15.99 added"
    assert window.cart_panel.shipping_value.text() == "$15.99"


def test_counter_result_count_reads_right(qtbot, window):
    window.search_field.setText("algae")
    qtbot.waitUntil(lambda: window.product_model.query[0] == "algae")
    qtbot.waitUntil(lambda: not window.product_model.loading)
    qtbot.waitUntil(lambda: window.result_label.text() != "Searching\u2026")
    assert window.product_model.rowCount() == 1
    assert window.result_label.text() == "1 product"
