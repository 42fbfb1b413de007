"""Picture files are read only when they are what they claim: a regular file (never a
FIFO, a device or a folder), inside the folder they must come from, within the size cap,
and a sound picture of a decodable size. Refusals are VALIDATION_ERROR and never hang."""

from __future__ import annotations

import os
import struct
import zlib

import pytest

from pos.errors import ErrorCode, PosError
from pos.services.catalog import images
from tests.integration.helpers import snapshot, tiny_png, within_seconds


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A structurally sound PNG whose header announces width x height (a bomb if huge)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _chunk(b"IEND", b"")
    )


def _refused(fn, *args, **kwargs) -> PosError:
    with pytest.raises(PosError) as info:
        within_seconds(5, lambda: fn(*args, **kwargs))
    assert info.value.code == ErrorCode.VALIDATION_ERROR
    return info.value


def test_only_regular_picture_files_are_read(tmp_path):
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    assert "pipe (FIFO)" in _refused(images.read_file, fifo).message
    assert "a folder" in _refused(images.read_file, tmp_path).message
    assert "a device" in _refused(images.read_file, "/dev/zero").message
    assert "not a picture" in _refused(images.read_file, "/etc/passwd").message
    assert "cannot be found" in _refused(images.read_file, tmp_path / "gone.png").message
    big = tmp_path / "big.png"
    big.write_bytes(tiny_png() + b"\0" * images.MAX_IMAGE_BYTES)
    err = _refused(images.read_file, big)
    assert err.details["max_size"] == images.MAX_IMAGE_BYTES
    assert "at most 2.0 MiB (2,097,152 bytes)" in err.message  # not "2.0 MiB; at most 2.0"
    good = tmp_path / "good.png"
    good.write_bytes(tiny_png())
    assert images.read_file(good) == tiny_png()


def test_links_may_not_leave_the_folder(tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    outside = tmp_path / "outside.png"
    outside.write_bytes(tiny_png())
    (folder / "inside.png").write_bytes(tiny_png())
    (folder / "out.png").symlink_to(outside)
    (folder / "passwd.png").symlink_to("/etc/passwd")
    (folder / "in.png").symlink_to(folder / "inside.png")
    (folder / "loop.png").symlink_to(folder / "loop.png")
    for name in ("out.png", "passwd.png"):
        assert "outside" in _refused(images.read_file, folder / name, inside=folder).message
    assert (
        "cannot be read" in _refused(images.read_file, folder / "loop.png", inside=folder).message
    )
    assert images.read_file(folder / "in.png", inside=folder) == tiny_png()
    assert images.read_file(folder / "out.png") == tiny_png()  # no folder rule: a link is fine


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (tiny_png()[:-6], "damaged"),  # IEND cut short
        (tiny_png()[:30] + b"X" + tiny_png()[31:], "damaged"),  # a flipped byte: bad CRC
        (png_claiming(50_000, 50_000), "50,000 x 50,000 pixels"),
        (png_claiming(8_000, 8_000), "40 million pixels"),  # each side fine, too many
        (png_claiming(0, 10), "no pixels"),
        (b"\xff\xd8\xff\xd9", "no JPEG frame"),
        (b"GIF89a\x01\x00", "cut short"),
        (b"RIFF\xff\xff\x00\x00WEBPVP8 ", "cut short"),
        (b"BM" + b"\0" * 30, "BMP header"),
    ],
)
def test_damaged_and_oversized_pictures_are_refused(data, words):
    err = _refused(images.checked, data)
    assert words in err.message and err.details["field"] == "image"


def test_bundled_pictures_come_only_from_the_images_folder(tmp_path, monkeypatch):
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "REAL-1.png").write_bytes(tiny_png())
    os.mkfifo(folder / "FIFO-1.png")
    (folder / "LINK-1.png").symlink_to("/etc/passwd")
    (folder / "DIR-1.png").mkdir()
    monkeypatch.setattr(images, "bundled_dir", lambda: folder)
    assert images.bundled_path("REAL-1.png") == folder / "REAL-1.png"
    for name in ("FIFO-1.png", "LINK-1.png", "DIR-1.png", "../images/REAL-1.png", "/etc/passwd"):
        assert images.bundled_path(name) is None, name
    with pytest.raises(PosError):
        images.reference_shape("FIFO-1.png")


def test_a_damaged_picture_is_refused_by_the_catalog(store, manager, make_product):
    p = make_product(sku="KEEP-1")
    before = snapshot(store)
    for data in (png_claiming(50_000, 50_000), tiny_png()[:-6]):
        with pytest.raises(PosError) as info:
            store.catalog.add_product(manager, sku="NEW-1", name="N", price="1.00", image=data)
        assert info.value.code == ErrorCode.VALIDATION_ERROR
        with pytest.raises(PosError):
            store.catalog.update_product(manager, p.id, image=data)
    assert snapshot(store) == before


# -- pictures named by a CSV ------------------------------------------------------------
def test_csv_pictures_are_regular_files_in_the_csv_folder(store, manager, tmp_path):
    folder = tmp_path / "import"
    (folder / "pics").mkdir(parents=True)
    (folder / "ok.png").write_bytes(tiny_png())
    os.mkfifo(folder / "fifo.png")
    (folder / "passwd.png").symlink_to("/etc/passwd")
    secret = tmp_path / "secret.png"
    secret.write_bytes(tiny_png())
    (folder / "secret.png").symlink_to(secret)
    (folder / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    (folder / "dev.png").symlink_to("/dev/zero")
    path = folder / "products.csv"
    path.write_text(
        "sku,name,price,image\n"
        "OK-1,Fine,1.00,ok.png\n"  # line 2: fine
        "F-1,Fifo,1.00,fifo.png\n"  # line 3
        "P-1,Passwd,1.00,passwd.png\n"  # line 4
        "S-1,Secret,1.00,secret.png\n"  # line 5
        "E-1,Elsewhere,1.00,elsewhere/secret.png\n"  # line 6: a linked folder
        "U-1,Up,1.00,../secret.png\n"  # line 7
        "A-1,Absolute,1.00,/etc/passwd\n"  # line 8
        "D-1,Device,1.00,dev.png\n",  # line 9
        encoding="utf-8",
    )
    before = snapshot(store)
    with pytest.raises(PosError) as info:
        within_seconds(10, store.product_io.import_csv, manager, path)
    errors = {e["line"]: e["reason"] for e in info.value.details["errors"]}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert "pipe (FIFO)" in errors[3]
    for line in (4, 5, 6, 9):
        assert "outside" in errors[line], errors[line]
    assert "path on one machine" in errors[7] and "path on one machine" in errors[8]
    assert snapshot(store) == before


def test_a_csv_picture_replaced_by_a_fifo_after_the_preview(store, manager, tmp_path):
    (tmp_path / "p.png").write_bytes(tiny_png())
    path = tmp_path / "products.csv"
    path.write_text("sku,name,price,image\nOK-1,Fine,1.00,p.png\n", encoding="utf-8")
    assert store.product_io.preview(manager, path).ok
    (tmp_path / "p.png").unlink()
    os.mkfifo(tmp_path / "p.png")
    before = snapshot(store)
    with pytest.raises(PosError) as info:
        within_seconds(10, store.product_io.import_csv, manager, path)
    assert info.value.code == ErrorCode.VALIDATION_ERROR
    assert snapshot(store) == before
