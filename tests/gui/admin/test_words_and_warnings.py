"""What a manager reads: words instead of codes, no errors before typing, cart warnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pos.errors import ErrorCode, PosError
from pos.models.ledger import MOVEMENT_REASONS
from pos.ui.admin.carts_panel import release_question
from pos.ui.admin.words import ERROR_WORDS, error_code_text, error_text, reason_text
from pos.views import OpenCartView
from tests.gui.admin.conftest import wait_idle

pytestmark = pytest.mark.gui


def test_every_reason_and_error_code_has_words():
    for reason in MOVEMENT_REASONS:
        assert "_" not in reason_text(reason) and reason_text(reason)[0].isupper()
    assert reason_text("cart_add") == "Added to cart"
    codes = [v for k, v in vars(ErrorCode).items() if k.isupper()]
    assert set(codes) <= set(ERROR_WORDS)
    assert error_code_text("PRODUCT_NOT_FOUND") == "Product not found"
    assert error_code_text("SOME_NEW_CODE") == "Some new code"
    assert error_text(PosError(ErrorCode.FORBIDDEN, "Managers only.")) == "Managers only."
    assert "DATABASE" not in error_text(RuntimeError("boom")) and "boom" not in error_text(
        RuntimeError("boom")
    )


def test_failed_operations_shown_as_words(qtbot, admin, gui_store, clerk_actor):
    with pytest.raises(PosError):
        gui_store.cart.add(clerk_actor, "00000000-0000-0000-0000-000000000000", 1)
    admin.tabs.setCurrentIndex(5)
    with qtbot.waitSignal(admin.reports.reportReady, timeout=30_000):
        admin.reports.refresh()
    failures = admin.reports.failures
    shown = [failures.index(r, 0).data() for r in range(failures.rowCount())]
    assert shown and all("_" not in text for text in shown)
    assert "Product not found" in shown


def test_new_product_dialog_shows_no_errors_before_typing(qtbot, admin, gui_store, manager_actor):
    dialog = admin.products.new_dialog()
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert dialog.error.text() == ""  # nothing typed: nothing wrong yet
    assert not save.isEnabled()  # but nothing to save either
    dialog.sku.setText("NEW-1")
    assert dialog.error.text() == ""  # name and price not typed yet
    dialog.price.setText("abc")
    assert dialog.error.text() == "Price must be a number such as 4.99."
    dialog.price.setText("4.50")
    assert dialog.error.text() == "" and not save.isEnabled()
    dialog.try_save()  # Save pressed anyway (Enter): now every missing field is named
    assert dialog.error.text() == "Name is required."
    dialog.name.setText("New thing")
    assert save.isEnabled()
    dialog.try_save()
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert dialog.saved.price == Decimal("4.50")


def _cart(minutes_ago: float, code: str = "C2") -> OpenCartView:
    now = datetime.now(UTC)
    return OpenCartView(
        1,
        code,
        "clerk",
        now - timedelta(hours=5),
        now - timedelta(hours=5),
        1,
        Decimal("1.00"),
        last_activity_at=now - timedelta(minutes=minutes_ago),
    )


def test_release_question_warns_only_about_recent_carts():
    assert "Warning" not in release_question([_cart(45)])
    text = release_question([_cart(2), _cart(45, "C3")])
    assert text.startswith("Warning: 1 cart was used in the last 10 minutes: counter C2")
    assert "C3" not in text.split("\n\n")[0]


def test_release_dialog_warns_when_the_cart_is_in_use(
    qtbot, admin, gui_store, clerk_actor, admin_dialogs
):
    product = next(p for p in gui_store.catalog.search(clerk_actor) if p.stock_quantity >= 2)
    gui_store.cart.add(clerk_actor, product.id, 1)
    admin.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: admin.carts.model.rowCount() == 1)
    admin.carts.table.selectRow(0)
    admin_dialogs.confirm_answer = False
    admin.carts.release_selected()
    qtbot.waitUntil(lambda: any(m[0] == "confirm" for m in admin_dialogs.messages))
    kind, title, text = next(m for m in admin_dialogs.messages if m[0] == "confirm")
    assert "Warning: 1 cart was used in the last 10 minutes: counter C1 (clerk)" in text
    wait_idle(qtbot, admin)
    assert len(gui_store.carts.open_carts(admin.actor)) == 1  # answered No: still open


def test_export_from_the_menu_writes_a_shareable_file(
    qtbot, gui_store, manager_actor, admin_dialogs, tmp_path
):
    import os
    import stat

    from pos.ui.admin.window import AdminWindow

    window = AdminWindow(gui_store, manager_actor, dialogs=admin_dialogs, standalone=True)
    qtbot.addWidget(window)
    target = tmp_path / "products.csv"
    old = os.umask(0o022)
    try:
        window.products.csv.export_csv(str(target))
        qtbot.waitUntil(lambda: any(m[1] == "Export" for m in admin_dialogs.messages))
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert admin_dialogs.messages[-1][2].endswith(f"to {target}.")
    window.close()
