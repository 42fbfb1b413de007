"""Regenerate the demo product tiles and the application icon.

Why this exists: the demo catalog (``resources/demo_catalog.csv``) is hand-maintained data, and
every product in it needs a picture for the sales grid, screenshots and first-run demo. Rather
than commit opaque binaries nobody can rebuild, this script draws them with QPainter:

* ``resources/images/<SKU>.png`` - one 256x256 tile per CSV row (category gradient, category
  glyph, product name drawn as plain text - never rich text);
* ``resources/icons/pos.svg`` - the application icon source, plus ``pos.png`` (256x256) and
  ``pos-48.png`` rendered from it.

The CSV is the source of truth; it is validated (unique SKUs, unique valid EAN-13 barcodes,
numeric fields) before anything is written. Output is deterministic for a given Qt version and
font set. Run it offscreen from anywhere::

    python tools/make_demo_assets.py
"""

from __future__ import annotations

import csv
import os
import sys
import zlib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

RESOURCES = Path(__file__).resolve().parent.parent / "pos" / "resources"
CSV_PATH = RESOURCES / "demo_catalog.csv"
IMAGES_DIR = RESOURCES / "images"
ICONS_DIR = RESOURCES / "icons"

COLUMNS = [
    "sku",
    "barcode",
    "name",
    "description",
    "category",
    "price",
    "stock",
    "low_stock_threshold",
    "image",
]

TILE = 256
FONT_FAMILY = "DejaVu Sans"

# Category -> (gradient top colour, gradient bottom colour, glyph name).
CATEGORY_STYLE: dict[str, tuple[str, str, str]] = {
    "Cybernetic Implants": ("#ff3d9a", "#5b0f9e", "eye"),
    "Neural Interfaces": ("#19e3ff", "#1b3aa6", "chip"),
    "Street Tech": ("#ffb020", "#c8323c", "tower"),
    "Synth Food & Drink": ("#6ee87a", "#0c7f6b", "cup"),
    "Apparel": ("#ff8a4c", "#a1178f", "shirt"),
    "Power Cells": ("#ffcf1f", "#d9501a", "battery"),
    "Tools & Repair": ("#a3b1c4", "#33404f", "wrench"),
    "Data Storage": ("#9a86ff", "#2a1a78", "database"),
}
DEFAULT_STYLE = ("#8aa0b8", "#2f3b4c", "hexagon")


# --------------------------------------------------------------------------- CSV validation


def ean13_check_digit(first12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]


def load_catalog(path: Path = CSV_PATH) -> list[dict[str, str]]:
    """Read and validate the catalog; raise ValueError listing every problem found."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path}: columns {reader.fieldnames} != {COLUMNS}")
        rows = list(reader)

    errors: list[str] = []
    seen_sku: set[str] = set()
    seen_barcode: set[str] = set()
    for line, row in enumerate(rows, start=2):
        sku, barcode = row["sku"], row["barcode"]
        if not sku or sku != sku.upper() or sku in seen_sku:
            errors.append(f"line {line}: bad or duplicate sku {sku!r}")
        if not is_valid_ean13(barcode) or barcode in seen_barcode:
            errors.append(f"line {line}: bad or duplicate EAN-13 {barcode!r}")
        seen_sku.add(sku)
        seen_barcode.add(barcode)
        try:
            price = Decimal(row["price"])
            if price <= 0 or price.as_tuple().exponent != -2:
                errors.append(f"line {line}: price {row['price']!r} needs exactly 2 decimals")
        except InvalidOperation:
            errors.append(f"line {line}: price {row['price']!r} is not a number")
        for field in ("stock", "low_stock_threshold"):
            if not row[field].isdigit():
                errors.append(f"line {line}: {field} {row[field]!r} is not a whole number")
        if not row["name"] or not row["category"]:
            errors.append(f"line {line}: name and category are required")
        if row["image"] != f"{sku}.png":
            errors.append(f"line {line}: image {row['image']!r} should be {sku}.png")
    if errors:
        raise ValueError(f"{path}:\n  " + "\n  ".join(errors))
    return rows


# --------------------------------------------------------------------------- glyphs
# Each glyph is drawn in a 100x100 box and returns (body, detail): the body is filled in
# near-white, the detail on top of it in the category's dark colour.


def _rect(x: float, y: float, w: float, h: float, r: float = 0.0) -> QPainterPath:
    p = QPainterPath()
    if r:
        p.addRoundedRect(QRectF(x, y, w, h), r, r)
    else:
        p.addRect(QRectF(x, y, w, h))
    return p


def _ellipse(cx: float, cy: float, rx: float, ry: float | None = None) -> QPainterPath:
    p = QPainterPath()
    p.addEllipse(QPointF(cx, cy), rx, rx if ry is None else ry)
    return p


def _polygon(*points: tuple[float, float]) -> QPainterPath:
    p = QPainterPath()
    p.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
    p.closeSubpath()
    return p


def _stroke(path: QPainterPath, width: float) -> QPainterPath:
    stroker = QPainterPathStroker()
    stroker.setWidth(width)
    stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return stroker.createStroke(path).simplified()


def _arc(rect: QRectF, start: float, sweep: float) -> QPainterPath:
    p = QPainterPath()
    p.arcMoveTo(rect, start)
    p.arcTo(rect, start, sweep)
    return p


def glyph_eye() -> tuple[QPainterPath, QPainterPath]:
    body = QPainterPath()
    body.moveTo(4, 50)
    body.cubicTo(26, 16, 74, 16, 96, 50)
    body.cubicTo(74, 84, 26, 84, 4, 50)
    body.closeSubpath()
    for y in (0, 86):  # targeting ticks above and below
        body = body.united(_rect(47.5, y, 5, 14, 2))
    detail = _ellipse(50, 50, 19).subtracted(_ellipse(50, 50, 9)).united(_ellipse(50, 50, 3.5))
    return body, detail


def glyph_chip() -> tuple[QPainterPath, QPainterPath]:
    body = _rect(22, 22, 56, 56, 7)
    for c in (32, 44, 56, 68):
        body = body.united(_rect(c - 2.5, 8, 5, 18, 2)).united(_rect(c - 2.5, 74, 5, 18, 2))
        body = body.united(_rect(8, c - 2.5, 18, 5, 2)).united(_rect(74, c - 2.5, 18, 5, 2))
    ring = _rect(33, 33, 34, 34, 5).subtracted(_rect(39, 39, 22, 22, 3))
    return body, ring.united(_ellipse(50, 50, 5))


def glyph_tower() -> tuple[QPainterPath, QPainterPath]:
    cx, cy = 50.0, 40.0
    mast = _polygon((cx - 4, cy), (cx + 4, cy), (cx + 15, 96), (cx - 15, 96))
    body = mast.united(_ellipse(cx, cy, 8))
    for r in (20, 34):
        box = QRectF(cx - r, cy - r, 2 * r, 2 * r)
        body = body.united(_stroke(_arc(box, -38, 76), 7)).united(_stroke(_arc(box, 142, 76), 7))
    bars = _rect(30, 64, 40, 4).united(_rect(30, 80, 40, 4))
    return body, bars.intersected(mast)


def glyph_cup() -> tuple[QPainterPath, QPainterPath]:
    cup = QPainterPath()
    cup.moveTo(16, 38)
    cup.lineTo(74, 38)
    cup.lineTo(68, 88)
    cup.quadTo(67, 95, 60, 95)
    cup.lineTo(30, 95)
    cup.quadTo(23, 95, 22, 88)
    cup.closeSubpath()
    handle = _stroke(_arc(QRectF(60, 46, 26, 28), -90, 180), 7)
    body = cup.united(handle)
    for x in (30, 45, 60):
        steam = QPainterPath()
        steam.moveTo(x, 30)
        steam.cubicTo(x - 7, 22, x + 7, 16, x, 6)
        body = body.united(_stroke(steam, 5))
    return body, _rect(10, 54, 70, 13).intersected(cup)


def glyph_shirt() -> tuple[QPainterPath, QPainterPath]:
    shirt = QPainterPath()
    shirt.moveTo(36, 12)
    shirt.lineTo(20, 18)
    shirt.lineTo(4, 38)
    shirt.lineTo(18, 52)
    shirt.lineTo(28, 44)
    shirt.lineTo(28, 92)
    shirt.lineTo(72, 92)
    shirt.lineTo(72, 44)
    shirt.lineTo(82, 52)
    shirt.lineTo(96, 38)
    shirt.lineTo(80, 18)
    shirt.lineTo(64, 12)
    shirt.quadTo(50, 32, 36, 12)
    shirt.closeSubpath()
    body = shirt.united(_stroke(shirt, 4))  # rounds the corners a little
    logo = _polygon((38, 50), (50, 61), (62, 50), (62, 59), (50, 70), (38, 59))
    return body, logo


def glyph_battery() -> tuple[QPainterPath, QPainterPath]:
    body = _rect(6, 26, 78, 48, 9).united(_rect(82, 38, 11, 24, 3))
    bolt = _polygon((55, 30), (31, 54), (46, 54), (39, 71), (66, 44), (51, 44), (59, 30))
    return body, bolt


def glyph_wrench() -> tuple[QPainterPath, QPainterPath]:
    head = _ellipse(22, 50, 20).subtracted(_rect(0, 43, 24, 14, 3))
    ring = _ellipse(84, 50, 13).subtracted(_ellipse(84, 50, 6))
    body = head.united(_rect(26, 42, 56, 16, 8)).united(ring)
    turn = QTransform().translate(50, 50).rotate(-45).scale(1.15, 1.15).translate(-50, -50)
    body = turn.map(body)
    return body, QPainterPath()


def glyph_database() -> tuple[QPainterPath, QPainterPath]:
    body = _rect(16, 20, 68, 62).united(_ellipse(50, 20, 34, 11)).united(_ellipse(50, 82, 34, 11))
    detail = _stroke(_ellipse(50, 20, 31, 8), 4)
    for y in (41, 62):
        detail = detail.united(_stroke(_arc(QRectF(16, y - 11, 68, 22), 180, 180), 4))
    return body, detail


def glyph_hexagon() -> tuple[QPainterPath, QPainterPath]:
    body = _polygon((50, 6), (88, 28), (88, 72), (50, 94), (12, 72), (12, 28))
    return body, _ellipse(50, 50, 14)


GLYPHS: dict[str, Callable[[], tuple[QPainterPath, QPainterPath]]] = {
    "eye": glyph_eye,
    "chip": glyph_chip,
    "tower": glyph_tower,
    "cup": glyph_cup,
    "shirt": glyph_shirt,
    "battery": glyph_battery,
    "wrench": glyph_wrench,
    "database": glyph_database,
    "hexagon": glyph_hexagon,
}


# --------------------------------------------------------------------------- tiles


def _shift_hue(color: QColor, degrees: int) -> QColor:
    h, s, v, a = color.getHsv()
    return QColor.fromHsv((h + degrees) % 360, s, v, a)


def _fit_lines(text: str, width: float) -> tuple[QFont, list[str]]:
    """Largest bold font (26..13 px) showing ``text`` on one line or two balanced lines."""
    font = QFont(FONT_FAMILY)
    font.setBold(True)
    words = text.split()
    one_line = [" ".join(words)]
    splits = [[" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words))]
    lines = one_line
    for px in range(26, 12, -1):
        font.setPixelSize(px)
        fm = QFontMetricsF(font)

        def widest(ls: list[str], fm: QFontMetricsF = fm) -> float:
            return max(fm.horizontalAdvance(ln) for ln in ls)

        if widest(one_line) <= width:
            return font, one_line
        lines = min(splits, key=widest) if splits else one_line
        if widest(lines) <= width:
            return font, lines
    fm = QFontMetricsF(font)
    return font, [fm.elidedText(ln, Qt.TextElideMode.ElideRight, width) for ln in lines]


def draw_tile(row: dict[str, str]) -> QImage:
    top_hex, bottom_hex, glyph_name = CATEGORY_STYLE.get(row["category"], DEFAULT_STYLE)
    seed = zlib.crc32(row["sku"].encode("utf-8"))
    shift = seed % 25 - 12  # small per-product hue variation, stable across runs
    top = _shift_hue(QColor(top_hex), shift)
    bottom = _shift_hue(QColor(bottom_hex), shift)
    ink = bottom.darker(135)

    img = QImage(TILE, TILE, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)

    tile = QRectF(6, 6, TILE - 12, TILE - 12)
    shape = QPainterPath()
    shape.addRoundedRect(tile, 40, 40)

    # Vertical gradient: rows of equal colour keep the PNG small (a diagonal or radial one
    # roughly doubles the file size).
    grad = QLinearGradient(tile.topLeft(), tile.bottomLeft())
    grad.setColorAt(0.0, top)
    grad.setColorAt(1.0, bottom)
    p.fillPath(shape, QBrush(grad))

    # A flat translucent disc behind the glyph instead of a soft glow, for the same reason.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(255, 255, 255, 40))
    p.drawEllipse(QPointF(128, 89), 68, 68)

    # A couple of "circuit traces" in a corner chosen from the SKU, for a bit of texture.
    p.save()
    p.setClipPath(shape)
    p.setPen(QPen(QColor(255, 255, 255, 45), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.setBrush(QColor(255, 255, 255, 45))
    mirror = QTransform()
    if seed & 1:
        mirror = QTransform(-1, 0, 0, 1, TILE, 0)
    p.setTransform(mirror)
    for i, y in enumerate((28, 44, 60)):
        x_end = 40 + 14 * i + (seed >> (4 + i)) % 12
        p.drawPolyline([QPointF(0, y), QPointF(x_end, y), QPointF(x_end + 14, y + 14)])
        p.drawEllipse(QPointF(x_end + 14, y + 14), 4, 4)
    p.restore()

    # Glyph: body in near-white with a soft shadow, details in the category's dark ink.
    body, detail = GLYPHS[glyph_name]()
    place = QTransform().translate(128 - 55, 34).scale(1.1, 1.1)
    body, detail = place.map(body), place.map(detail)
    p.fillPath(QTransform().translate(0, 4).map(body), QColor(0, 0, 0, 55))
    p.fillPath(body, QColor(255, 255, 255, 240))
    p.fillPath(detail, ink)

    # Bottom band with the product name, drawn literally (QPainter never parses markup).
    band = QRectF(tile.left(), 168, tile.width(), tile.bottom() - 168)
    band_path = QPainterPath()
    band_path.addRect(band)
    p.fillPath(band_path.intersected(shape), QColor(0, 0, 0, 80))
    font, lines = _fit_lines(row["name"], band.width() - 28)
    p.setFont(font)
    line_h = QFontMetricsF(font).height()
    y0 = band.center().y() - line_h * len(lines) / 2
    for i, line in enumerate(lines):
        rect = QRectF(band.left() + 8, y0 + i * line_h, band.width() - 16, line_h)
        p.setPen(QColor("#ffffff"))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, line)

    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(QColor(255, 255, 255, 80), 2))
    p.drawRoundedRect(tile.adjusted(1, 1, -1, -1), 39, 39)
    p.end()
    return img


# --------------------------------------------------------------------------- app icon

ICON_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#19e3ff"/>
      <stop offset="1" stop-color="#7b2ff7"/>
    </linearGradient>
    <linearGradient id="body" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2c3470"/>
      <stop offset="1" stop-color="#161a3a"/>
    </linearGradient>
  </defs>
  <rect x="8" y="8" width="240" height="240" rx="52" fill="url(#bg)"/>
  <!-- receipt coming out of the till -->
  <path d="M92 132 V44 l12 -10 l12 10 l12 -10 l12 10 l12 -10 l12 10 V132 Z" fill="#ffffff"/>
  <rect x="106" y="56" width="44" height="7" rx="3.5" fill="#9aa3c7"/>
  <rect x="106" y="72" width="32" height="7" rx="3.5" fill="#9aa3c7"/>
  <rect x="106" y="88" width="44" height="7" rx="3.5" fill="#9aa3c7"/>
  <rect x="106" y="104" width="24" height="7" rx="3.5" fill="#ff3d9a"/>
  <!-- till body -->
  <path d="M58 118 H198 Q208 118 210 128 L222 196 H34 L46 128 Q48 118 58 118 Z"
        fill="url(#body)"/>
  <rect x="62" y="132" width="70" height="28" rx="5" fill="#0b0e22"/>
  <rect x="70" y="141" width="40" height="10" rx="3" fill="#39ff88"/>
  <g fill="#19e3ff">
    <rect x="146" y="132" width="14" height="10" rx="3"/>
    <rect x="166" y="132" width="14" height="10" rx="3"/>
    <rect x="186" y="132" width="14" height="10" rx="3"/>
    <rect x="146" y="150" width="14" height="10" rx="3"/>
    <rect x="166" y="150" width="14" height="10" rx="3"/>
    <rect x="186" y="150" width="14" height="10" rx="3" fill="#ff3d9a"/>
  </g>
  <rect x="58" y="172" width="140" height="8" rx="4" fill="#2c3470"/>
  <!-- cash drawer -->
  <rect x="26" y="196" width="204" height="32" rx="9" fill="#0f1230"/>
  <rect x="108" y="208" width="40" height="8" rx="4" fill="#19e3ff"/>
</svg>
"""


def render_svg(svg: bytes, size: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("application icon SVG does not parse")
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(p, QRectF(0, 0, size, size))
    p.end()
    return img


# --------------------------------------------------------------------------- main


def _save(img: QImage, path: Path) -> None:
    # Quality 0 = maximum zlib compression for Qt's PNG writer.
    if not img.save(str(path), "PNG", 0):
        raise OSError(f"could not write {path}")


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # fonts need an app
    rows = load_catalog()

    IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    ICONS_DIR.mkdir(parents=True, exist_ok=True)
    for row in rows:
        _save(draw_tile(row), IMAGES_DIR / row["image"])

    (ICONS_DIR / "pos.svg").write_text(ICON_SVG, encoding="utf-8")
    svg = ICON_SVG.encode("utf-8")
    _save(render_svg(svg, 256), ICONS_DIR / "pos.png")
    _save(render_svg(svg, 48), ICONS_DIR / "pos-48.png")

    expected = {row["image"] for row in rows}
    stale = sorted(p.name for p in IMAGES_DIR.glob("*.png") if p.name not in expected)
    if stale:
        print(f"warning: images not in the catalog: {', '.join(stale)}", file=sys.stderr)
    categories = sorted({row["category"] for row in rows})
    print(f"wrote {len(rows)} tiles in {len(categories)} categories, and the app icon")
    return 0


if __name__ == "__main__":
    try:
        status = main()
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        status = 1
    sys.exit(status)
