"""Minimum secret length 6 (8 for managers); clerk PINs only where the store allows them."""

from __future__ import annotations

import pytest

from pos.errors import ErrorCode, PosError


def refused(call, *args, **kwargs) -> PosError:
    with pytest.raises(PosError) as exc:
        call(*args, **kwargs)
    assert exc.value.code == ErrorCode.VALIDATION_ERROR
    return exc.value


def test_six_characters_for_everyone_eight_for_managers(store, manager):
    err = refused(store.auth.add_user, manager, "bob", "abcde", role="clerk")
    assert "at least 6 characters" in err.message
    assert store.auth.add_user(manager, "bob", "abcdef", role="clerk").username == "bob"
    assert store.auth.login("bob", "abcdef").role == "clerk"
    refused(store.auth.add_user, manager, "boss2", "abcdefg", role="manager")
    refused(store.auth.bootstrap_manager, "x", "1234567")
    refused(store.auth.add_user, manager, "carl", None, role="clerk")
    assert [u.username for u in store.auth.users(manager)] == ["bob", "boss"]


def test_pins_are_off_by_default(store, manager):
    assert store.settings.get(manager).allow_pins is False
    err = refused(store.auth.add_user, manager, "pat", "2468", role="clerk")
    assert "does not allow PINs" in err.message
    assert "pat" not in [u.username for u in store.auth.users(manager)]
    # six digits are a password, not a PIN
    assert store.auth.add_user(manager, "pat", "246810", role="clerk").username == "pat"


def test_pins_when_allowed_clerks_only_four_or_five_digits(store, manager):
    view = store.settings.update(manager, allow_pins=True)
    assert view.allow_pins is True and store.settings.get().allow_pins is True
    store.auth.add_user(manager, "pat", "2468", role="clerk")
    store.auth.add_user(manager, "quin", "13579", role="clerk")
    assert store.auth.login("pat", "2468").username == "pat"
    refused(store.auth.add_user, manager, "rob", "123", role="clerk")  # too short
    refused(store.auth.add_user, manager, "sue", "12a4", role="clerk")  # not digits
    refused(store.auth.add_user, manager, "ted", "１２３４", role="clerk")  # not ASCII digits
    refused(store.auth.add_user, manager, "uma", "2468", role="manager")  # managers: no PIN
    pat = next(u for u in store.auth.users(manager) if u.username == "pat")
    refused(store.auth.update_user, manager, pat.id, role="manager", password="2468")
    # switched off: new PINs refused, a PIN already set still signs in until changed
    store.settings.update(manager, allow_pins=False)
    refused(store.auth.update_user, manager, pat.id, password="9753")
    assert store.auth.login("pat", "2468").username == "pat"


def test_the_pin_setting_takes_only_a_real_boolean(store, manager):
    for value in ("false", 1, None):
        refused(store.settings.update, manager, allow_pins=value)
    assert store.settings.get().allow_pins is False


def test_only_managers_change_the_pin_setting(store, clerk):
    with pytest.raises(PosError) as exc:
        store.settings.update(clerk, allow_pins=True)
    assert exc.value.code in (ErrorCode.FORBIDDEN, ErrorCode.NOT_AUTHENTICATED)
    assert store.settings.get().allow_pins is False
