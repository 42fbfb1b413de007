"""Pictures chosen in the product dialog are stored as bytes (decoded first, capped),
prices take a decimal comma, and counters draw thumbnails of stored pictures."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QColor, QImage, QPixmapCache
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import update
from sqlalchemy.orm import Session

from pos.models import Product
from pos.services.catalog import images
from pos.services.catalog.images import MAX_IMAGE_BYTES
from pos.ui.admin.product_dialog import ProductDialog
from pos.ui.picture_reader import PictureReader
from pos.ui.thumbnails import ThumbnailCache
from tests.gui.conftest import MANAGER_PASSWORD

pytestmark = pytest.mark.gui


def png_bytes(color: str = "red", size: int = 40) -> bytes:
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


@pytest.fixture
def manager(gui_store):
    return gui_store.auth.login("manager", MANAGER_PASSWORD, "ADMIN")


def test_dialog_stores_the_picture_bytes_not_a_path(qtbot, gui_store, manager, tmp_path):
    picture = tmp_path / "photo.png"
    picture.write_bytes(png_bytes())
    dialog = ProductDialog(
        lambda v: gui_store.catalog.add_product(manager, **v),
        [],
        pick_image=lambda: str(picture),
    )
    qtbot.addWidget(dialog)
    dialog.sku.setText("PIC-1")
    dialog.name.setText("Pictured")
    dialog.price.setText("12,50")  # a decimal comma
    with qtbot.waitSignal(dialog.pictureRead) as read:
        dialog._browse()  # read off the GUI thread; Save waits for it
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert read.args == [True]
    assert dialog.preview.pixmap() is not None and not dialog.preview.pixmap().isNull()
    assert "new picture, 40x40" in dialog.image.text()
    dialog.try_save()
    saved = dialog.saved
    assert saved is not None and saved.price == Decimal("12.50")
    assert saved.image is not None and saved.image.startswith("sha256:")
    assert str(tmp_path) not in saved.image
    assert gui_store.catalog.image_data(manager, saved.image) == picture.read_bytes()


def test_dialog_refuses_non_pictures_and_oversized_files(qtbot, gui_store, manager, tmp_path):
    product = gui_store.catalog.search(manager, limit=1)[0]
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture at all")
    huge = tmp_path / "huge.png"
    huge.write_bytes(png_bytes() + b"\0" * MAX_IMAGE_BYTES)
    dialog = ProductDialog(
        lambda v: gui_store.catalog.update_product(manager, product.id, **v), [], product=product
    )
    qtbot.addWidget(dialog)
    for path, words in ((notes, "not a picture"), (huge, "MiB")):
        with qtbot.waitSignal(dialog.pictureRead) as read:
            dialog.load_image_file(str(path))
        assert read.args == [False] and words in dialog.error.text()
    assert "image" not in dialog.values()  # nothing chosen: the picture stays as it was
    dialog.clear_image()
    assert dialog.values()["image"] is None
    dialog.try_save()
    assert dialog.saved is not None and dialog.saved.image is None


def test_edit_dialog_previews_a_stored_picture(qtbot, gui_store, manager):
    product = gui_store.catalog.add_product(
        manager, sku="PIC-2", name="Stored", price="1.00", image=png_bytes("blue")
    )
    dialog = ProductDialog(lambda v: product, [], product=product)
    qtbot.addWidget(dialog)
    assert dialog.image.text() == "stored picture"
    dialog.show_stored_image(gui_store.catalog.image_data(manager, product.image))
    assert "stored picture, 40x40" in dialog.image.text()
    assert not dialog.preview.pixmap().isNull()
    assert "image" not in dialog.values()  # saving other fields keeps the picture


def test_price_field_takes_a_decimal_comma(qtbot):
    dialog = ProductDialog(lambda v: None, [])  # type: ignore[arg-type,return-value]
    qtbot.addWidget(dialog)
    dialog.price.setText("4,99")
    assert not [p for p in dialog.problems() if "Price" in p]
    assert dialog.values()["price"] == Decimal("4.99")
    dialog.price.setText("4,999")
    assert any("two decimals" in p for p in dialog.problems())


def test_counter_thumbnails_of_stored_pictures(qtbot, gui_store, clerk_actor, manager, tmp_path):
    product = gui_store.catalog.add_product(
        manager, sku="PIC-3", name="Thumb", price="1.00", image=png_bytes("green", 300)
    )
    asked: list[str] = []

    def fetch(ref: str) -> bytes | None:
        asked.append(ref)
        return gui_store.catalog.image_data(clerk_actor, ref)

    for _ in range(2):  # the second cache starts cold in memory but finds the disk copy
        thumbs = ThumbnailCache(size=QSize(64, 64), cache=tmp_path / "thumbs")
        thumbs.set_source(fetch)
        assert thumbs.pixmap(product.image) is None  # loading off the GUI thread
        qtbot.waitUntil(lambda t=thumbs: t.pixmap(product.image) is not None)
        pixmap = thumbs.pixmap(product.image)
        assert pixmap is not None and pixmap.width() == 64
        thumbs.shutdown()
        QPixmapCache.clear()
    assert asked == [product.image]  # fetched from the database once, then from disk


# -- hostile picture files -------------------------------------------------------------
def _save_enabled(dialog: ProductDialog) -> bool:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def _named_dialog(qtbot, **kwargs) -> ProductDialog:
    dialog = ProductDialog(lambda v: None, [], **kwargs)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(dialog)
    dialog.sku.setText("PIC-9")
    dialog.name.setText("Pictured")
    dialog.price.setText("1.00")
    return dialog


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp: os.mkfifo(tmp / "fifo.png") or tmp / "fifo.png", "pipe (FIFO)"),
        (lambda tmp: Path("/dev/zero"), "a device"),
        (lambda tmp: tmp, "a folder"),
        (lambda tmp: Path("/etc/passwd"), "not a picture"),
    ],
)
def test_dialog_refuses_special_files_without_hanging(qtbot, tmp_path, make, words):
    dialog = _named_dialog(qtbot)
    started = time.monotonic()
    with qtbot.waitSignal(dialog.pictureRead, timeout=5000) as read:
        dialog.load_image_file(str(make(tmp_path)))
    assert read.args == [False] and words in dialog.error.text()
    assert time.monotonic() - started < 5
    assert "image" not in dialog.values() and _save_enabled(dialog)


def test_dialog_gives_up_on_a_file_that_does_not_answer(qtbot, tmp_path):
    release = threading.Event()
    picture = tmp_path / "slow.png"
    picture.write_bytes(png_bytes())

    def stuck(path, inside):  # a read that hangs, as on a dead network share
        release.wait(10)
        return path.read_bytes()

    dialog = _named_dialog(qtbot, pictures=PictureReader(timeout_ms=300, read=stuck))
    with qtbot.waitSignal(dialog.pictureRead, timeout=3000) as read:
        dialog.load_image_file(str(picture))
        assert not _save_enabled(dialog)  # the form waits for the picture
    assert read.args == [False] and "did not answer within 0.3 s" in dialog.error.text()
    assert _save_enabled(dialog) and "image" not in dialog.values()
    release.set()  # the late answer is dropped
    with qtbot.assertNotEmitted(dialog.pictureRead, wait=300):
        pass
    assert "image" not in dialog.values()


def test_bundled_picture_that_is_a_fifo_is_not_read(
    qtbot, gui_store, manager, tmp_path, monkeypatch
):
    real = gui_store.catalog.search(manager, "Cyber Eye Implant")[0]
    shown = ProductDialog(lambda v: real, [], product=real)
    qtbot.addWidget(shown)
    assert _save_enabled(shown)  # the preview is read in the background; Save need not wait
    qtbot.waitUntil(lambda: not shown.preview.pixmap().isNull())
    assert shown.image.text() == "bundled picture"
    folder = tmp_path / "images"
    folder.mkdir()
    os.mkfifo(folder / "CYBEYE-001.png")
    monkeypatch.setattr(images, "bundled_dir", lambda: folder)
    product = gui_store.catalog.search(manager, "Cyber Eye Implant")[0]
    assert product.image == "CYBEYE-001.png"
    dialog = ProductDialog(lambda v: product, [], product=product)
    qtbot.addWidget(dialog)
    assert dialog.image.text() == "not found" and _save_enabled(dialog)


def _unblock(fifos: list[Path]) -> None:
    """Open each FIFO for writing once: a reader stuck in open() (the bug these tests
    guard against) gets end-of-file, so a regression fails the test instead of hanging."""
    for fifo in fifos:
        # ENXIO (nobody is reading it, as it should be) is fine.
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def _all_product_images(store, image: str) -> None:
    with Session(store.engine) as s, s.begin():
        s.execute(update(Product).values(image=image))


@pytest.mark.parametrize("where", ["legacy path", "bundled name"])
def test_counter_closes_at_once_when_pictures_are_fifos(
    qtbot, make_window, gui_store, clerk_actor, tmp_path, monkeypatch, where
):
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    fifos = [fifo]
    if where == "legacy path":  # a row from before pictures were stored, or forged
        _all_product_images(gui_store, str(fifo))
    else:  # the app's own pictures folder holds FIFOs
        folder = tmp_path / "images"
        folder.mkdir()
        for name in os.listdir(images.bundled_dir()):
            os.mkfifo(folder / name)
            fifos.append(folder / name)
        monkeypatch.setattr(images, "bundled_dir", lambda: folder)
    window = make_window(clerk_actor)
    try:
        window.grab()  # paint the grid: every visible product asks for its thumbnail
        qtbot.waitUntil(lambda: window.thumbnails.pending() == 0, timeout=5000)
        started = time.monotonic()
        assert window.thumbnails.shutdown(wait_ms=5000)
        assert time.monotonic() - started < 5
    finally:
        _unblock(fifos)
