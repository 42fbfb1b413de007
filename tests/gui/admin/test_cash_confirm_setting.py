"""A manager sets how far above the total cash may go before counters ask (issue 23)."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.gui


def test_manager_sets_the_cash_confirmation_bound(qtbot, admin, gui_store):
    admin.tabs.setCurrentIndex(admin.tabs.indexOf(admin.settings_panel))
    panel = admin.settings_panel
    qtbot.waitUntil(lambda: panel.cash_confirm_over.text() == "1000.00")
    panel.cash_confirm_over.setText("250")
    panel.save()
    assert gui_store.settings.get().cash_confirm_over_total == Decimal("250.00")
    assert panel.cash_confirm_over.text() == "250.00"
    panel.cash_confirm_over.setText("0")
    panel.save()
    assert "must be from 1.00" in panel.status.text()
    assert gui_store.settings.get().cash_confirm_over_total == Decimal("250.00")
