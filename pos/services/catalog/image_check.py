"""Is this really a picture, and of a size a counter can decode? Without Qt or a decoder.

Services do not import Qt (the API server and the CLI run without a display), so the
picture is checked structurally: PNG's chunks with their CRCs up to IEND, JPEG's markers
up to the frame header, and the dimensions every format writes in its header. Width and
height are bounded: a 2 MiB file can announce 50,000 x 50,000 pixels, which would take
10 GB to decode on every counter (a decompression bomb). The windows decode the bytes
with QImage as well (off the GUI thread) before they show them.
"""

from __future__ import annotations

import struct
import zlib

MAX_SIDE = 10_000
MAX_PIXELS = 40_000_000  # 160 MB decoded at 4 bytes a pixel, within Qt's 256 MB default


class Damaged(ValueError):
    """The bytes do not hold a whole picture of their announced type."""


def picture_size(data: bytes, media_type: str) -> tuple[int, int]:
    """(width, height) of a structurally sound picture, or Damaged."""
    parser = _PARSERS[media_type]
    try:
        width, height = parser(data)
    except (struct.error, IndexError):
        raise Damaged("the picture is cut short") from None
    if width <= 0 or height <= 0:
        raise Damaged("the picture has no pixels")
    return width, height


def too_large(width: int, height: int) -> bool:
    return width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS


def _png(data: bytes) -> tuple[int, int]:
    pos, size, seen_data = 8, None, False
    while True:
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 8 + length
        if end + 4 > len(data):
            raise Damaged("the picture is cut short")
        (crc,) = struct.unpack_from(">I", data, end)
        if zlib.crc32(data[pos + 4 : end]) != crc:
            raise Damaged(f"the picture's {kind.decode('latin-1')!r} chunk is damaged")
        if size is None:
            if kind != b"IHDR" or length != 13:
                raise Damaged("the picture has no PNG header")
            size = struct.unpack_from(">II", data, pos + 8)
        seen_data = seen_data or kind == b"IDAT"
        if kind == b"IEND":
            if not seen_data:
                raise Damaged("the picture has no image data")
            return size
        pos = end + 4


# Start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) do not.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_ALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # markers without a length


def _jpeg(data: bytes) -> tuple[int, int]:
    pos = 2
    while True:
        if data[pos] != 0xFF:
            raise Damaged("the picture's JPEG markers are damaged")
        while data[pos] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos]
        pos += 1
        if marker in _JPEG_ALONE:
            continue
        if marker in (0xD9, 0xDA):  # end of image or start of scan before any frame
            raise Damaged("the picture has no JPEG frame header")
        (length,) = struct.unpack_from(">H", data, pos)
        if length < 2:
            raise Damaged("the picture's JPEG markers are damaged")
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack_from(">HH", data, pos + 3)
            return width, height
        pos += length


def _gif(data: bytes) -> tuple[int, int]:
    if len(data) < 14:  # header, screen descriptor and at least the trailer
        raise Damaged("the picture is cut short")
    width, height = struct.unpack_from("<HH", data, 6)
    return width, height


def _webp(data: bytes) -> tuple[int, int]:
    (riff_size,) = struct.unpack_from("<I", data, 4)
    if riff_size + 8 > len(data):
        raise Damaged("the picture is cut short")
    chunk = data[12:16]
    if chunk == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            raise Damaged("the picture's WebP frame is damaged")
        width, height = struct.unpack_from("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        if data[20] != 0x2F:
            raise Damaged("the picture's WebP frame is damaged")
        (bits,) = struct.unpack_from("<I", data, 21)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        if len(data) < 30:
            raise Damaged("the picture is cut short")
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    raise Damaged("the picture's WebP frame is damaged")


def _bmp(data: bytes) -> tuple[int, int]:
    (header,) = struct.unpack_from("<I", data, 14)
    if header == 12:  # the old OS/2 header: 16-bit sizes
        width, height = struct.unpack_from("<HH", data, 18)
        return width, height
    if header < 40:
        raise Damaged("the picture's BMP header is damaged")
    width, height = struct.unpack_from("<ii", data, 18)
    return width, abs(height)  # a negative height means top-down rows


_PARSERS = {
    "image/png": _png,
    "image/jpeg": _jpeg,
    "image/gif": _gif,
    "image/webp": _webp,
    "image/bmp": _bmp,
}
