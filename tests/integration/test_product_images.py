"""Product images live in the database (every counter can show them), are checked to be a
picture and capped in size; no machine path is accepted any more."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from pos import schema
from pos.errors import ErrorCode, PosError
from pos.models import Product, ProductImage, utcnow
from pos.services.catalog.images import MAX_IMAGE_BYTES
from tests.integration.helpers import snapshot, tiny_png, within_seconds

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"  # noqa: E501


def _images(store):
    with Session(store.engine) as s:
        return s.execute(select(func.count()).select_from(ProductImage)).scalar_one()


def test_image_bytes_are_stored_once_and_read_by_any_counter(store, manager, clerk):
    a = store.catalog.add_product(manager, sku="IMG-1", name="A", price="1.00", image=tiny_png())
    b = store.catalog.add_product(manager, sku="IMG-2", name="B", price="1.00", image=tiny_png())
    assert a.image == b.image and a.image is not None and a.image.startswith("sha256:")
    assert _images(store) == 1  # the same picture twice is stored once
    assert store.catalog.image_data(clerk, a.image) == tiny_png()  # a clerk's counter reads it
    changed = store.catalog.update_product(manager, a.id, image=GIF)
    assert changed.image != a.image and store.catalog.image_data(clerk, changed.image) == GIF
    assert store.catalog.update_product(manager, a.id, image=None).image is None
    # A stored reference or a bundled name may be given back as it is.
    again = store.catalog.update_product(manager, b.id, image=b.image, name="B2")
    assert again.image == b.image
    demo = store.catalog.update_product(manager, b.id, image="CYBEYE-001.png")
    assert demo.image == "CYBEYE-001.png"
    assert store.catalog.image_data(clerk, "CYBEYE-001.png") is None  # the app ships those


@pytest.mark.parametrize(
    ("image", "words"),
    [
        (b"%PDF-1.4 not a picture", "not a picture"),
        (b"", "empty"),
        (tiny_png() + b"\0" * MAX_IMAGE_BYTES, "MiB"),
        ("/home/manager/Pictures/photo.png", "path on one machine"),
        ("C:\\Users\\boss\\photo.png", "path on one machine"),
        ("nothing-like-this.png", "No bundled image"),
        ("sha256:" + "0" * 64, "not stored"),
    ],
)
def test_bad_images_are_refused_and_nothing_is_written(store, manager, make_product, image, words):
    p = make_product(sku="KEEP-1")
    before = snapshot(store)
    with pytest.raises(PosError) as info:
        store.catalog.add_product(manager, sku="NEW-1", name="N", price="1.00", image=image)
    assert info.value.code == ErrorCode.VALIDATION_ERROR
    assert words in info.value.message and info.value.details["field"] == "image"
    with pytest.raises(PosError) as info:
        store.catalog.update_product(manager, p.id, image=image)
    assert words in info.value.message
    assert snapshot(store) == before


def test_migration_stores_readable_old_paths(db_url, tmp_path):
    """Databases from before 0006 kept paths: readable pictures move into the database."""
    picture = tmp_path / "photo.png"
    picture.write_bytes(tiny_png())
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer for ever
    from pos.services import open_store

    store = open_store(db_url)
    try:
        cfg = schema.alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
        ids = [uuid.uuid4() for _ in range(4)]
        with store.engine.begin() as conn:
            for pid, sku, image in (
                (ids[0], "P-1", str(picture)),
                (ids[1], "P-2", "/nowhere/gone.png"),
                (ids[2], "P-3", str(fifo)),
                (ids[3], "P-4", "/dev/zero"),
            ):
                conn.execute(
                    Product.__table__.insert().values(
                        id=pid,
                        sku=sku,
                        name=sku,
                        description="",
                        price_cents=100,
                        stock_quantity=0,
                        active=True,
                        image=image,
                        low_stock_threshold=5,
                        created_at=utcnow(),
                        updated_at=utcnow(),
                    )
                )
        within_seconds(60, store.migrate)
        with store.engine.connect() as conn:
            images = dict(
                conn.execute(select(Product.id, Product.image).where(Product.id.in_(ids))).all()
            )
            stored = conn.execute(text("SELECT data FROM product_images")).scalars().all()
        assert images[ids[0]].startswith("sha256:")
        assert images[ids[1]] == "/nowhere/gone.png"  # left for the machine that can read it
        assert (images[ids[2]], images[ids[3]]) == (str(fifo), "/dev/zero")  # not read
        assert [bytes(d) for d in stored] == [tiny_png()]
    finally:
        store.close()
