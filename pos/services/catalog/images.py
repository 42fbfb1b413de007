"""Product images: bytes in the database, so every counter can show them.

A product's `image` is one of
- ``sha256:<hex>``: a picture a manager chose, stored once in `product_images`;
- a bare file name such as ``CYBEYE-001.png``: one of the images bundled with the app
  (the demo catalog), which every installation has;
- nothing.
Never a path on one machine: other counters cannot read it.

Services do not import Qt, so the check here is what can be read without decoding: the
size cap, the file signature of PNG, JPEG, GIF, WebP or BMP, and the picture's structure
and dimensions (image_check.py). The product dialog also decodes the picture (QImage)
before it offers to save it, and counters that cannot decode one just show no thumbnail.

Files are read only through `read_file` (safe_files.py): regular files, size-capped,
never a FIFO or a device. The only files read for display are the bundled pictures, and
only from the app's own images folder (`bundled_path`).
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

from sqlalchemy import select

from pos.errors import ErrorCode, PosError
from pos.models import ProductImage, utcnow
from pos.paths import resources_dir
from pos.services.catalog import image_check
from pos.services.catalog.image_check import Damaged, picture_size, too_large
from pos.services.catalog.safe_files import read_regular_file, size_against_cap
from pos.services.plumbing.uow import Tx

MAX_IMAGE_BYTES = 2 * 1024 * 1024
PREFIX = "sha256:"
_REFERENCE = re.compile(r"sha256:[0-9a-f]{64}")
_BUNDLED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(png|jpe?g|gif|webp|bmp)")


def _invalid(message: str, **details: object) -> PosError:
    return PosError(ErrorCode.VALIDATION_ERROR, message, {"field": "image", **details})


def media_type(data: bytes) -> str:
    """The image type its first bytes announce, or VALIDATION_ERROR."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"BM") and len(data) > 26:
        return "image/bmp"
    raise _invalid("That file is not a picture (PNG, JPEG, GIF, WebP or BMP).")


def checked(data: object) -> tuple[bytes, str, str]:
    """(the bytes, their sha256 hex, media type) of an acceptable image, or VALIDATION_ERROR."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _invalid("Image data must be bytes.")
    raw = bytes(data)
    if not raw:
        raise _invalid("The image file is empty.")
    if len(raw) > MAX_IMAGE_BYTES:
        raise _invalid(
            f"The image is {size_against_cap(len(raw), MAX_IMAGE_BYTES)} is accepted. "
            "Save a smaller copy first.",
            size=len(raw),
            max_size=MAX_IMAGE_BYTES,
        )
    kind = media_type(raw)
    try:
        width, height = picture_size(raw, kind)
    except Damaged as exc:
        raise _invalid(f"That picture is damaged: {exc}.") from None
    if too_large(width, height):
        raise _invalid(
            f"The picture is {width:,} x {height:,} pixels; at most "
            f"{image_check.MAX_SIDE:,} pixels a side and {image_check.MAX_PIXELS // 10**6} "
            "million pixels are accepted. Save a smaller copy first.",
            width=width,
            height=height,
        )
    return raw, hashlib.sha256(raw).hexdigest(), kind


def read_file(path: str | Path, *, inside: Path | None = None) -> bytes:
    """The checked bytes of a picture file: a regular file (links followed only within
    `inside`, when given) of at most MAX_IMAGE_BYTES that holds a sound picture."""
    data = read_regular_file(
        path, max_bytes=MAX_IMAGE_BYTES, label="The picture file", inside=inside
    )
    return checked(data)[0]


def bundled_dir() -> Path:
    return resources_dir() / "images"


def is_reference(value: str | None) -> bool:
    return bool(value) and _REFERENCE.fullmatch(str(value)) is not None


def bundled_path(name: str | None) -> Path | None:
    """The bundled picture called `name`, if the app ships one by that name: a bare file
    name (no folder, no ..), a regular file whose real path is in the images folder."""
    if not name or not _BUNDLED_NAME.fullmatch(name):
        return None
    folder = bundled_dir()
    path = folder / name
    try:
        real = path.resolve(strict=True)
        if not real.is_relative_to(folder.resolve(strict=True)):
            return None
        return path if stat.S_ISREG(real.stat().st_mode) else None
    except (OSError, RuntimeError):
        return None


def reference_shape(value: object) -> str | None:
    """An image reference as given by a caller: None, ``sha256:<hex>`` or a bundled name.

    A path is refused: the picture must be stored (bytes) so every counter can show it.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if is_reference(text) or bundled_path(text) is not None:
        return text
    if "/" in text or "\\" in text:
        raise _invalid(
            "An image is stored in the database, not as a path on one machine: "
            "choose the picture again to store it.",
            value=text[:120],
        )
    raise _invalid(f"No bundled image is called {text[:60]!r}.", value=text[:120])


def store(tx: Tx, data: object) -> str:
    """Store image bytes (once per content) and return the reference products keep."""
    raw, digest, kind = checked(data)
    tx.session.execute(
        tx.upsert(ProductImage)
        .values(digest=digest, media_type=kind, size=len(raw), data=raw, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["digest"])
    )
    return PREFIX + digest


def resolve(tx: Tx, value: object) -> str | None:
    """What a product's image column gets for `value`: new bytes are stored, a reference
    must name a stored image, a bundled name must exist."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return store(tx, value)
    ref = reference_shape(value)
    if ref is not None and is_reference(ref) and not exists(tx, ref):
        raise _invalid("That image is not stored in this database.", value=ref)
    return ref


def exists(tx: Tx, ref: str) -> bool:
    digest = ref.removeprefix(PREFIX)
    found = tx.session.execute(select(ProductImage.digest).where(ProductImage.digest == digest))
    return found.first() is not None


def load(tx: Tx, ref: str) -> bytes | None:
    """The stored bytes of a ``sha256:`` reference (None if there are none)."""
    if not is_reference(ref):
        return None
    digest = ref.removeprefix(PREFIX)
    data = tx.session.execute(
        select(ProductImage.data).where(ProductImage.digest == digest)
    ).scalar()
    return bytes(data) if data is not None else None
