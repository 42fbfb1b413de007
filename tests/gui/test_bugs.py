"""Expected failure vs bug: a PosError is shown as its message; anything else is logged with
its traceback and shown as "outcome unknown" with the cart reloaded; bugs in GUI slots and
threads reach pos.log and the screen instead of dying silently."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QTimer

from pos.ui.bug_reports import BugReporter
from pos.ui.sale_controller import UNEXPECTED_NOTICE

from .conftest import product_named, settle

pytestmark = pytest.mark.gui


def calls_of(monkeypatch, obj, name):
    calls = []
    original = getattr(obj, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, wrapper)
    return calls


def test_a_bug_in_a_cart_call_is_logged_and_the_cart_reloaded(
    qtbot, window, gui_store, clerk_actor, monkeypatch, caplog
):
    chips = product_named(gui_store, clerk_actor, "Algae Chips")
    window.add_product(chips.id)
    settle(qtbot, window)

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug, not a refusal")

    monkeypatch.setattr(gui_store.cart, "add", broken)
    reloads = calls_of(monkeypatch, gui_store.cart, "current")
    with caplog.at_level(logging.ERROR):
        window.add_product(chips.id)
        settle(qtbot, window)
    assert window.notice.kind == "error"
    assert window.notice.text == UNEXPECTED_NOTICE
    assert "nothing was saved" not in window.notice.text
    assert len(reloads) == 1  # the cart the database holds, not what the screen assumed
    assert window.cart.line(chips.id).quantity == 1
    bugs = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert bugs and "Traceback" not in bugs[0].getMessage()  # the traceback is in exc_info


def test_a_refusal_is_shown_as_its_message(qtbot, window, gui_store, clerk_actor):
    armor = product_named(gui_store, clerk_actor, "Subdermal Armor Weave")  # none in stock
    window.add_product(armor.id)
    settle(qtbot, window)
    assert window.notice.kind == "error"
    assert "Subdermal Armor Weave" in window.notice.text
    assert window.notice.text != UNEXPECTED_NOTICE


@pytest.fixture
def reporter(window):
    hooked = BugReporter().install()
    hooked.bugCaught.connect(window.unexpected_error)
    yield hooked
    hooked.uninstall()


def test_a_bug_in_a_gui_slot_is_logged_and_shown(
    qtbot, window, gui_store, reporter, monkeypatch, caplog
):
    reloads = calls_of(monkeypatch, gui_store.cart, "current")

    def slot_with_a_bug():
        raise ZeroDivisionError("in a slot")

    with caplog.at_level(logging.ERROR):
        QTimer.singleShot(0, slot_with_a_bug)
        qtbot.waitUntil(lambda: window.notice.text == UNEXPECTED_NOTICE)
        settle(qtbot, window)
    assert reporter.count == 1
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
    assert len(reloads) == 1
    assert window.isVisible()


def test_a_bug_in_a_thread_is_logged_and_shown(qtbot, window, reporter, caplog):
    def thread_with_a_bug():
        raise KeyError("in a thread")

    with caplog.at_level(logging.ERROR):
        worker = threading.Thread(target=thread_with_a_bug, name="buggy")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: window.notice.text == UNEXPECTED_NOTICE)
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)
    assert any("buggy" in r.getMessage() for r in caplog.records)
