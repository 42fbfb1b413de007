"""The manager sets how long the failure log is kept (issue 21 item 7)."""

import pytest

pytestmark = pytest.mark.gui


def test_manager_sets_the_failure_log_retention(qtbot, admin, gui_store):
    admin.tabs.setCurrentIndex(admin.tabs.indexOf(admin.settings_panel))
    panel = admin.settings_panel
    qtbot.waitUntil(lambda: panel.store_name.text() != "")
    assert panel.failure_log_days.value() == 90
    assert (panel.failure_log_days.minimum(), panel.failure_log_days.maximum()) == (1, 3650)
    panel.failure_log_days.setValue(30)
    panel.save()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert gui_store.settings.get().failure_log_retention_days == 30
    assert panel.status.text().startswith("Saved")
