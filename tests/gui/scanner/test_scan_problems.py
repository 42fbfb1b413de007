"""A failed scan stays in the cart area until the clerk has seen it or the item is added;
later "Added" notices never hide it; a failure beeps; a lock timeout offers "Try again"."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QFrame
from sqlalchemy import create_engine, text

from pos.demo import seed_demo
from pos.devices.scanner.settings import ScannerSettings
from pos.errors import ErrorCode
from pos.services import open_store

from ..conftest import CLERK_PASSWORD, COUNTER, MANAGER_PASSWORD, product_named, settle
from .conftest import DEFAULTS, scan_keys

pytestmark = pytest.mark.gui


def start_scanning(qtbot, window):
    window.activateWindow()
    window.scanning.apply_settings(DEFAULTS)
    window.scanning.start()
    window.focus_grid()
    qtbot.waitUntil(lambda: window.product_view.hasFocus())
    beeps: list[bool] = []
    window.scanning.sound.played.connect(lambda: beeps.append(True))
    return beeps


def scan(qtbot, window, code: str) -> None:
    """A scanner-speed scan, then wait until the window's cart change is done."""
    scan_keys(qtbot, code)
    settle(qtbot, window)


def in_cart(qtbot, window, product) -> int:
    """Units of the product in the counter's open cart, as the database has it (once the
    window's queued cart changes are saved)."""
    settle(qtbot, window)
    line = window.store.cart.current(window.actor).line(product.id)
    return 0 if line is None else line.quantity


def test_unknown_code_stays_until_acknowledged(qtbot, window, gui_store, clerk_actor):
    beeps = start_scanning(qtbot, window)
    eye = product_named(gui_store, clerk_actor, "Cyber Eye Implant")
    scan(qtbot, window, "9999999999999")
    panel = window.scan_problems
    assert [p.code for p in panel.problems] == ["9999999999999"]
    assert panel.isVisible() and beeps == [True]
    row = panel.row("9999999999999")
    assert row is not None and "9999999999999" in row.label.text()
    assert row.label.textFormat() == Qt.TextFormat.PlainText
    assert not row.retry_button.isVisible()  # not found: trying again changes nothing

    scan(qtbot, window, eye.barcode)  # the next item is added ...
    assert in_cart(qtbot, window, eye) == 1
    assert window.notice.kind == "success" and "Cyber Eye Implant" in window.notice.text
    assert panel.isVisible() and len(panel.problems) == 1  # ... and the failure still shows

    scan(qtbot, window, "9999999999999")  # the same code again: one row, counted
    assert len(panel.problems) == 1 and panel.problems[0].times == 2

    qtbot.mouseClick(row.ok_button, Qt.MouseButton.LeftButton)
    assert panel.problems == [] and not panel.isVisible()


def test_no_stock_stays_until_the_item_is_added(qtbot, window, gui_store, clerk_actor):
    beeps = start_scanning(qtbot, window)
    manager = gui_store.auth.login("manager", MANAGER_PASSWORD, COUNTER)
    eye = product_named(gui_store, clerk_actor, "Cyber Eye Implant")
    gui_store.inventory.adjust(manager, eye.id, -eye.stock_quantity, reason="adjust")
    scan(qtbot, window, eye.barcode)
    problems = window.scan_problems.problems
    assert [(p.code, p.error_code) for p in problems] == [
        (eye.barcode, ErrorCode.INSUFFICIENT_STOCK)
    ]
    assert beeps == [True]
    gui_store.inventory.adjust(manager, eye.id, 5, reason="adjust")
    scan(qtbot, window, eye.barcode)
    assert in_cart(qtbot, window, eye) == 1
    assert window.scan_problems.problems == []  # settled by the line being added


def test_f8_acknowledges_every_problem(qtbot, window):
    start_scanning(qtbot, window)
    scan(qtbot, window, "11111111")
    scan(qtbot, window, "22222222")
    assert len(window.scan_problems.problems) == 2
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window.scan_problems.problems == []


def test_sound_can_be_switched_off(qtbot, window):
    beeps = start_scanning(qtbot, window)
    window.scanning.apply_settings(ScannerSettings(sound=False))
    scan(qtbot, window, "33333333")
    assert len(window.scan_problems.problems) == 1 and beeps == []


@pytest.fixture
def locked_store(tmp_path):
    """A demo store whose lock waits end after 300 ms."""
    url = f"sqlite:///{tmp_path}/locked.sqlite3"
    store = open_store(url)
    store.migrate()
    seed_demo(store, manager_password=MANAGER_PASSWORD, clerk_password=CLERK_PASSWORD)
    store.close()
    store = open_store(url, lock_timeout_ms=300)
    yield store, tmp_path / "locked.sqlite3"
    store.close()


def test_lock_timeout_stays_offers_try_again_while_later_scans_are_added(
    qtbot, make_window, locked_store
):
    store, path = locked_store
    clerk = store.auth.login("clerk", CLERK_PASSWORD, COUNTER)
    window = make_window(clerk, store)
    beeps = start_scanning(qtbot, window)
    eye = product_named(store, clerk, "Cyber Eye Implant")
    chips = product_named(store, clerk, "Algae Chips")

    other_counter = sqlite3.connect(path, isolation_level=None)
    other_counter.execute("BEGIN IMMEDIATE")  # another writer holds the database
    scan(qtbot, window, eye.barcode)
    other_counter.execute("ROLLBACK")
    other_counter.close()
    problem = window.scan_problems.problems[0]
    assert problem.error_code == ErrorCode.LOCK_TIMEOUT and beeps == [True]
    row = window.scan_problems.row(eye.barcode)
    assert row is not None and row.retry_button.isVisible()

    scan(qtbot, window, chips.barcode)  # later scans are added; the failure stays
    assert in_cart(qtbot, window, chips) == 1
    assert [p.code for p in window.scan_problems.problems] == [eye.barcode]

    qtbot.mouseClick(row.retry_button, Qt.MouseButton.LeftButton)
    assert in_cart(qtbot, window, eye) == 1  # exactly one: nothing was written the first time
    assert window.scan_problems.problems == []


@pytest.mark.parametrize("backend", ["postgresql"])
def test_row_lock_on_postgresql_stays_while_other_scans_are_added(
    qtbot, make_window, db_url, backend
):
    """A held row lock at another counter: only that product waits and fails."""
    setup = open_store(db_url)
    seed_demo(setup, manager_password=MANAGER_PASSWORD, clerk_password=CLERK_PASSWORD)
    setup.close()
    store = open_store(db_url, lock_timeout_ms=300)
    try:
        clerk = store.auth.login("clerk", CLERK_PASSWORD, COUNTER)
        window = make_window(clerk, store)
        start_scanning(qtbot, window)
        eye = product_named(store, clerk, "Cyber Eye Implant")
        chips = product_named(store, clerk, "Algae Chips")
        engine = create_engine(db_url)
        locked, release = threading.Event(), threading.Event()

        def hold_row() -> None:
            with engine.connect() as conn, conn.begin():
                conn.execute(
                    text("SELECT id FROM products WHERE sku = :sku FOR UPDATE"), {"sku": eye.sku}
                )
                locked.set()
                release.wait(10)

        holder = threading.Thread(target=hold_row)
        holder.start()
        try:
            assert locked.wait(5)
            scan(qtbot, window, eye.barcode)
            scan(qtbot, window, chips.barcode)
            assert in_cart(qtbot, window, chips) == 1
            problems = window.scan_problems.problems
            assert [(p.code, p.error_code) for p in problems] == [
                (eye.barcode, ErrorCode.LOCK_TIMEOUT)
            ]
        finally:
            release.set()
            holder.join()
            engine.dispose()
        assert window.scan_problems.retry_first()  # F7
        assert in_cart(qtbot, window, eye) == 1
        assert window.scan_problems.problems == []
    finally:
        window.shutdown()
        store.close()


def visible_rows(panel):
    """The failure rows on screen, top to bottom."""
    rows = [row for row in panel.findChildren(QFrame, "scanProblem") if row.isVisible()]
    return sorted(rows, key=lambda row: row.y())


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (1366, 768)])
def test_a_burst_of_failures_shows_three_readable_rows_and_keeps_the_cart(
    qtbot, window, gui_store, clerk_actor, width, height
):
    start_scanning(qtbot, window)
    for name in ("Algae Chips", "Cyber Eye Implant", "Armored Bomber Jacket"):
        window.add_product(product_named(gui_store, clerk_actor, name).id)
    settle(qtbot, window)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)
    codes = [f"{n}" * 13 for n in range(1, 9)]
    for code in codes:
        scan(qtbot, window, code)
    panel = window.scan_problems
    assert [p.code for p in panel.problems] == codes  # none is dropped
    qtbot.waitUntil(lambda: panel.isVisible())
    QApplication.processEvents()
    window.grab().save(f"/tmp/scanpanel-{width}x{height}.png")

    shown = visible_rows(panel)
    assert [row.problem.code for row in shown] == codes[:-4:-1]  # the newest three, newest first
    for row in shown:
        assert row.label.height() >= row.label.heightForWidth(row.label.width()) > 0
        assert row.height() >= row.sizeHint().height()
        text = row.label.text()
        assert text.count(row.problem.code) == 1, text  # the code is not repeated
        ok = QRect(row.ok_button.mapTo(row, QPoint(0, 0)), row.ok_button.size())
        assert row.rect().contains(ok)  # the OK button stays inside its frame
    assert panel.more_label.isVisible() and panel.more_label.text().startswith("5 more")
    table = window.cart_view
    assert table.viewport().height() >= 3 * table.verticalHeader().defaultSectionSize()

    qtbot.mouseClick(shown[0].ok_button, Qt.MouseButton.LeftButton)  # the next comes up
    QApplication.processEvents()
    shown = visible_rows(panel)
    assert [row.problem.code for row in shown] == codes[-2:-5:-1]
    assert panel.more_label.text().startswith("4 more")
    qtbot.keyClick(window, Qt.Key.Key_F8)  # F8 clears the rest
    assert panel.problems == [] and not panel.isVisible()
