"""The admin settings panel switches clerk PINs on and off (off by default)."""

from __future__ import annotations

import pytest

from pos.errors import ErrorCode, PosError

pytestmark = pytest.mark.gui


def test_the_pin_switch_saves_and_governs_new_pins(qtbot, admin, gui_store, manager_actor):
    admin.tabs.setCurrentIndex(admin.tabs.indexOf(admin.settings_panel))
    panel = admin.settings_panel
    qtbot.waitUntil(lambda: panel.store_name.text() != "")
    assert not panel.allow_pins.isChecked()
    assert "2 failed tries" in panel.allow_pins.toolTip()
    with pytest.raises(PosError) as exc:
        gui_store.auth.add_user(manager_actor, "pia", "2468", role="clerk")
    assert exc.value.code == ErrorCode.VALIDATION_ERROR
    panel.allow_pins.setChecked(True)
    panel.save()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert gui_store.settings.get().allow_pins is True
    gui_store.auth.add_user(manager_actor, "pia", "2468", role="clerk")
    assert gui_store.auth.login("pia", "2468", "C9").username == "pia"
    panel.allow_pins.setChecked(False)
    panel.save()
    qtbot.waitUntil(lambda: not admin.tasks.writing)
    assert gui_store.settings.get().allow_pins is False
