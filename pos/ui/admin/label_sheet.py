"""Painting shelf labels onto A4 pages: a PDF (QPdfWriter), a printer (QPrinter) or an
image for the preview, all through the same code, measured in millimetres.

Each label: the product name (bold, up to two lines), the price large, "each" and the SKU,
and the barcode (pos.devices.labels.barcodes) with its digits under it. Names are drawn
with QPainter.drawText, which never reads markup: user text stays plain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from pos.devices.labels.barcodes import pattern_for
from pos.devices.labels.layouts import A4_MM, LabelLayout
from pos.money import format_money

PDF_DPI = 600
MM_PER_INCH = 25.4
PAD_MM = 1.6
OUTLINE = QColor("#c8ccd2")


@dataclass(frozen=True)
class LabelItem:
    """One label's content (plain values, so a worker thread can prepare them)."""

    name: str
    price: Decimal
    sku: str
    barcode: str | None
    currency: str = "USD"


def pages_needed(count: int, layout: LabelLayout) -> int:
    return max(1, -(-count // layout.per_sheet))


class _Painter:
    def __init__(self, painter: QPainter, px_per_mm: float, outlines: bool) -> None:
        self.p = painter
        self.k = px_per_mm
        self.outlines = outlines

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(x * self.k, y * self.k, w * self.k, h * self.k)

    def font(self, height_mm: float, bold: bool = False) -> QFont:
        font = QFont("DejaVu Sans")
        font.setPixelSize(max(1, round(height_mm * self.k)))
        font.setBold(bold)
        return font

    def label(self, item: LabelItem, x: float, y: float, layout: LabelLayout) -> None:
        p, w, h = self.p, layout.width_mm, layout.height_mm
        if self.outlines:  # the preview shows where the sheet's labels are
            p.setPen(OUTLINE)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self.rect(x, y, w, h))
        inner_x, inner_w = x + PAD_MM, w - 2 * PAD_MM
        top = y + PAD_MM
        p.setPen(Qt.GlobalColor.black)

        name_size = min(h * 0.1, 3.4)
        p.setFont(self.font(name_size, bold=True))
        name_box = self.rect(inner_x, top, inner_w, name_size * 2.6)
        p.drawText(name_box, self._two_lines(item.name, name_box.width()))
        top += name_size * 2.6

        price_size = min(h * 0.2, 8.0)
        p.setFont(self.font(price_size, bold=True))
        price_box = self.rect(inner_x, top, inner_w, price_size * 1.3)
        price_text = format_money(item.price, item.currency)
        p.drawText(
            price_box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), price_text
        )
        # "each · SKU" in what the price leaves free, never over it (dropped if no room).
        room = price_box.width() - QFontMetricsF(p.font()).horizontalAdvance(price_text)
        room -= 1.5 * self.k
        small = min(h * 0.075, 2.4)
        p.setFont(self.font(small))
        if room > 4 * small * self.k:
            p.drawText(
                price_box,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                self._elide(f"each \u00b7 {item.sku}", room),
            )
        top += price_size * 1.3 + 0.4

        pattern = pattern_for(item.barcode, item.sku)
        bottom = y + h - PAD_MM
        text_h = small * 1.2
        bars_h = bottom - top - text_h
        if pattern is None or bars_h < 3:
            return
        module = min(0.33, inner_w / (len(pattern.modules) + 10))  # quiet zone of 5 each
        bars_w = module * len(pattern.modules)
        left = inner_x + (inner_w - bars_w) / 2
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(Qt.GlobalColor.black)
        run_start = None
        for i, bit in enumerate(pattern.modules + "0"):
            if bit == "1" and run_start is None:
                run_start = i
            elif bit != "1" and run_start is not None:
                p.drawRect(
                    self.rect(left + run_start * module, top, (i - run_start) * module, bars_h)
                )
                run_start = None
        p.setPen(Qt.GlobalColor.black)
        p.setFont(self.font(small))
        p.drawText(
            self.rect(inner_x, top + bars_h, inner_w, text_h),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter),
            pattern.text,
        )

    def _two_lines(self, text: str, width_px: float) -> str:
        """The name on at most two lines, the second elided (drawText would wrap on)."""
        metrics = QFontMetricsF(self.p.font())
        words, first = text.split(), ""
        while words and metrics.horizontalAdvance(f"{first} {words[0]}".strip()) <= width_px:
            first = f"{first} {words.pop(0)}".strip()
        if not first:  # one long word: cut it
            return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width_px)
        rest = " ".join(words)
        if not rest:
            return first
        return first + "\n" + metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width_px)

    def _elide(self, text: str, width_px: float) -> str:
        return QFontMetricsF(self.p.font()).elidedText(text, Qt.TextElideMode.ElideRight, width_px)


def paint_sheets(
    painter: QPainter,
    items: Sequence[LabelItem],
    layout: LabelLayout,
    px_per_mm: float,
    *,
    new_page: QPagedPaintDevice | None = None,
    outlines: bool = False,
    first_page_only: bool = False,
) -> int:
    """Paint every label, a new page every `per_sheet`; returns the pages painted."""
    pages = 1
    draw = _Painter(painter, px_per_mm, outlines)
    for index, item in enumerate(items):
        if index and index % layout.per_sheet == 0:
            if first_page_only or new_page is None:
                break
            new_page.newPage()
            pages += 1
        draw.label(item, *layout.origin_mm(index), layout)
    if outlines and len(items) < layout.per_sheet:
        for index in range(len(items), layout.per_sheet):  # the empty slots, for the preview
            x, y = layout.origin_mm(index)
            painter.setPen(OUTLINE)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(draw.rect(x, y, layout.width_mm, layout.height_mm))
    return pages


def setup_a4(device: QPagedPaintDevice) -> None:
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def save_pdf(items: Sequence[LabelItem], layout: LabelLayout, path: str | Path) -> int:
    """A4 pages of labels as a PDF; returns the page count."""
    writer = QPdfWriter(str(path))
    writer.setTitle("Shelf labels")
    writer.setCreator("pos")
    writer.setResolution(PDF_DPI)
    setup_a4(writer)
    painter = QPainter(writer)
    try:
        pages = paint_sheets(painter, items, layout, PDF_DPI / MM_PER_INCH, new_page=writer)
    finally:
        painter.end()
    del writer  # the file is complete once the writer is gone
    return pages


def preview_image(items: Sequence[LabelItem], layout: LabelLayout, width_px: int) -> QImage:
    """The first sheet as an image (white A4, label outlines), for the dialog."""
    k = width_px / A4_MM[0]
    image = QImage(width_px, round(A4_MM[1] * k), QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    try:
        paint_sheets(painter, items, layout, k, outlines=True, first_page_only=True)
    finally:
        painter.end()
    return image
