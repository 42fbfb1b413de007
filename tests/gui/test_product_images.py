"""Pictures chosen in the product dialog are stored as bytes (decoded first, capped),
prices take a decimal comma, and counters draw thumbnails of stored pictures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QColor, QImage, QPixmapCache

from pos.services.catalog.images import MAX_IMAGE_BYTES
from pos.ui.admin.product_dialog import ProductDialog
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
    dialog._browse()
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
    assert not dialog.load_image_file(str(notes))
    assert "not a picture" in dialog.error.text()
    assert not dialog.load_image_file(str(huge))
    assert "MiB" in dialog.error.text()
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
