"""Admin words for checkout matters: the cash confirmation bound, counts that read right."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.gui


def test_manager_sets_the_cash_confirmation_bound(qtbot, admin, gui_store):
    admin.tabs.setCurrentIndex(admin.tabs.indexOf(admin.settings_panel))
    panel = admin.settings_panel
    qtbot.waitUntil(lambda: panel.cash_confirm_over.text() == "1000.00")
    panel.cash_confirm_over.setText("250")
    panel.save()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert gui_store.settings.get().cash_confirm_over_total == Decimal("250.00")
    assert panel.cash_confirm_over.text() == "250.00"
    panel.cash_confirm_over.setText("0")
    panel.save()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert "must be from 1.00" in panel.status.text()
    assert gui_store.settings.get().cash_confirm_over_total == Decimal("250.00")


def test_counts_read_right_in_the_admin_window(qtbot, admin, admin_dialogs):
    admin._show_alert_count(1)
    assert admin.status.text() == "1 product at or below the low-stock threshold"
    admin._show_alert_count(3)
    assert admin.status.text() == "3 products at or below the low-stock threshold"
    admin.carts.hours.setValue(1)
    admin_dialogs.confirm_answer = False
    admin.carts.release_old()
    assert admin_dialogs.messages[-1][2].startswith(
        "Release every cart idle for more than 1 hour? "
    )
