"""The admin window's product dialog: stored pictures fetched and decoded off the GUI
thread; a chosen file that is not a regular picture file is refused, nothing saved."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from tests.gui.admin.conftest import wait_idle

pytestmark = pytest.mark.gui


def _png(size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_edit_dialog_shows_the_stored_picture(qtbot, admin, gui_store, manager_actor):
    product = gui_store.catalog.add_product(
        manager_actor, sku="PIC-A", name="Stored", price="1.00", image=_png(48)
    )
    dialog = admin.products.edit_dialog(product)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "stored picture, 48x48" in dialog.image.text())
    assert not dialog.preview.pixmap().isNull()
    wait_idle(qtbot, admin)


def test_choosing_a_fifo_is_refused_and_nothing_changes(
    qtbot, admin, gui_store, manager_actor, admin_dialogs, tmp_path, monkeypatch
):
    product = gui_store.catalog.search(manager_actor, "Cyber Eye Implant")[0]
    fifo = tmp_path / "photo.png"
    os.mkfifo(fifo)
    monkeypatch.setattr(admin.products, "_pick_image", lambda: str(fifo))
    dialog = admin.products.edit_dialog(product)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pictureRead, timeout=5000) as read:
        dialog._browse()
    assert read.args == [False] and "pipe (FIFO)" in dialog.error.text()
    dialog.try_save()
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert gui_store.catalog.get(manager_actor, product.id).image == "CYBEYE-001.png"
