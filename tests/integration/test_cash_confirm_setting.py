"""The store setting that bounds cash tendered without a confirmation (issue 23 item 2)."""

from decimal import Decimal

import pytest

from pos.errors import ErrorCode, PosError


def test_default_is_a_thousand_over_the_total(store, clerk):
    assert store.settings.get(clerk).cash_confirm_over_total == Decimal("1000.00")


def test_manager_changes_it_and_every_counter_reads_it(store, manager, clerk):
    view = store.settings.update(manager, cash_confirm_over_total="250.00")
    assert view.cash_confirm_over_total == Decimal("250.00")
    assert store.settings.get(clerk).cash_confirm_over_total == Decimal("250.00")


@pytest.mark.parametrize("bad", ["0", "0.50", "-5", "1.005", "abc", "1000000.01"])
def test_nonsense_bounds_are_refused_and_nothing_changes(store, manager, bad):
    before = store.settings.get(manager)
    with pytest.raises(PosError) as caught:
        store.settings.update(manager, store_name="Changed", cash_confirm_over_total=bad)
    assert caught.value.code == ErrorCode.VALIDATION_ERROR
    assert store.settings.get(manager) == before


def test_clerk_may_not_change_it(store, clerk):
    with pytest.raises(PosError) as caught:
        store.settings.update(clerk, cash_confirm_over_total="5.00")
    assert caught.value.code in (ErrorCode.FORBIDDEN, ErrorCode.NOT_AUTHENTICATED)
    assert store.settings.get(clerk).cash_confirm_over_total == Decimal("1000.00")
