"""CSV import from the admin window: the whole file is checked first, every problem is
shown at once, and only a clean file leads to the questions (import? set stock?)."""

from __future__ import annotations

import contextlib
import os

import pytest

from pos.services.catalog.products_admin import ProductQuery
from tests.gui.admin.conftest import wait_idle

pytestmark = pytest.mark.gui

HEADER = "sku,barcode,name,price,stock\n"


def _count(store, actor):
    return store.products_admin.count(actor, ProductQuery())


def test_every_problem_at_once_and_no_question(
    qtbot, admin, gui_store, manager_actor, admin_dialogs, tmp_path
):
    held = gui_store.catalog.search(manager_actor, "Cyber Eye Implant")[0]
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + ",111,No SKU,1.00,1\n"  # line 2: no SKU
        + "NEG-1,,Negative,-2,1\n"  # line 3: negative price
        + "DUP-1,555,First,1.00,1\n"  # line 4 and 5: one barcode twice in the file
        + "DUP-2,555,Second,1.00,1\n"
        + f"HELD-1,{held.barcode},Taken,1.00,1\n",  # line 6: another product's barcode
        encoding="utf-8",
    )
    before = _count(gui_store, manager_actor)
    admin.products.csv.import_csv(str(path))
    qtbot.waitUntil(lambda: any(m[0] == "error" for m in admin_dialogs.messages))
    wait_idle(qtbot, admin)
    assert [m[0] for m in admin_dialogs.messages] == ["error"]  # no question was asked
    text = admin_dialogs.messages[0][2]
    assert text.startswith("Nothing was imported")
    for line in (2, 3, 5, 6):
        assert f"line {line}:" in text
    assert _count(gui_store, manager_actor) == before
    assert admin.products.csv.import_button.isEnabled()


def test_clean_file_asks_then_keeps_stock_when_told(
    qtbot, admin, gui_store, manager_actor, admin_dialogs, tmp_path
):
    existing = gui_store.catalog.search(manager_actor, "Cyber Eye Implant")[0]
    path = tmp_path / "good.csv"
    path.write_text(
        HEADER
        + f"{existing.sku},{existing.barcode},{existing.name},{existing.price},"
        + f"{existing.stock_quantity + 50}\n"
        + "NEW-1,,Brand new,3.00,7\n",
        encoding="utf-8",
    )
    admin_dialogs.confirm_answers = [True, False]  # import: yes; set existing stock: no
    admin.products.csv.import_csv(str(path))
    qtbot.waitUntil(lambda: any(m[1] == "Import" for m in admin_dialogs.messages))
    wait_idle(qtbot, admin)
    kinds = [(m[0], m[2][:30]) for m in admin_dialogs.messages]
    assert [k for k, _ in kinds] == ["confirm", "confirm", "info"]
    assert "1 new and 1 existing product" in admin_dialogs.messages[0][2]
    assert "For 1 existing product the file's stock differs" in admin_dialogs.messages[1][2]
    assert gui_store.catalog.get(manager_actor, existing.id).stock_quantity == (
        existing.stock_quantity
    )
    new = gui_store.catalog.search(manager_actor, "Brand new")[0]
    assert new.stock_quantity == 7


def test_declining_the_import_writes_nothing(
    qtbot, admin, gui_store, manager_actor, admin_dialogs, tmp_path
):
    path = tmp_path / "new.csv"
    path.write_text(HEADER + "NEW-2,,Not wanted,3.00,7\n", encoding="utf-8")
    admin_dialogs.confirm_answers = [False]
    before = _count(gui_store, manager_actor)
    admin.products.csv.import_csv(str(path))
    qtbot.waitUntil(lambda: any(m[0] == "confirm" for m in admin_dialogs.messages))
    wait_idle(qtbot, admin)
    assert [m[0] for m in admin_dialogs.messages] == ["confirm"]  # stock unchanged: 1 question
    assert _count(gui_store, manager_actor) == before


def test_a_fifo_or_a_repeated_column_is_refused_at_once(
    qtbot, admin, gui_store, manager_actor, admin_dialogs, tmp_path
):
    fifo = tmp_path / "products.csv"
    os.mkfifo(fifo)  # opening it would wait for a writer for ever
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("sku,name,price,price\nA-1,Apple,1.00,2.00\n", encoding="utf-8")
    before = _count(gui_store, manager_actor)
    try:
        for path, words in (
            (fifo, "pipe (FIFO), not a regular file"),
            (repeated, "line 1: columns given more than once: price"),
        ):
            admin_dialogs.messages.clear()
            admin.products.csv.import_csv(str(path))
            qtbot.waitUntil(lambda: bool(admin_dialogs.messages), timeout=5000)
            wait_idle(qtbot, admin)
            assert [m[0] for m in admin_dialogs.messages] == ["error"]
            assert words in admin_dialogs.messages[0][2]
    finally:
        with contextlib.suppress(OSError):  # a reader stuck in open() gets end-of-file
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert _count(gui_store, manager_actor) == before
    assert admin.products.csv.import_button.isEnabled()
