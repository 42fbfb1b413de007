"""Paints a product tile. Every string is drawn with drawText: plain text, never HTML."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from pos.ui import style
from pos.ui.product_model import PriceTextRole, StateRole, StockTextRole
from pos.ui.thumbnails import THUMB_SIZE

TILE = QSize(178, 232)
STATE_COLOURS = {
    "ok": style.MUTED,
    "low": style.WARNING,
    "out": style.DANGER,
    "inactive": style.MUTED,
}


def two_lines(text: str, metrics: QFontMetrics, width: int) -> list[str]:
    """Word-wrap into at most two lines, eliding the second: tiles keep one height."""
    words = text.split()
    first = ""
    while words:
        candidate = f"{first} {words[0]}".strip()
        if metrics.horizontalAdvance(candidate) > width:
            break
        first = candidate
        words.pop(0)
    if not first:  # one very long word
        return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)]
    rest = " ".join(words)
    if not rest:
        return [first]
    return [first, metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]


class ProductDelegate(QStyledItemDelegate):
    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(TILE)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        state = index.data(StateRole) or "ok"
        sellable = state in ("ok", "low")
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hover = bool(option.state & QStyle.StateFlag.State_MouseOver)
        card = QRectF(option.rect.adjusted(5, 5, -5, -5))

        painter.setPen(
            QPen(QColor(style.ACCENT if selected else style.BORDER), 2.5 if selected else 1)
        )
        if hover and not selected:
            painter.setPen(QPen(QColor("#9db6e3"), 1.5))
        painter.setBrush(QColor(style.SURFACE if sellable else "#f1f2f4"))
        painter.drawRoundedRect(card, 10, 10)

        inner = card.toRect().adjusted(10, 10, -10, -10)
        thumb_rect = QRect(inner.left(), inner.top(), inner.width(), THUMB_SIZE.height())
        if not sellable:
            painter.setOpacity(0.45)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if pixmap is not None and not pixmap.isNull():
            target = pixmap.size().scaled(thumb_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = thumb_rect.left() + (thumb_rect.width() - target.width()) // 2
            y = thumb_rect.top() + (thumb_rect.height() - target.height()) // 2
            painter.drawPixmap(QRect(x, y, target.width(), target.height()), pixmap)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#e3e8ef"))
            painter.drawRoundedRect(QRectF(thumb_rect), 8, 8)
            painter.setPen(QColor(style.MUTED))
            big = QFont(option.font)
            big.setPointSize(26)
            big.setBold(True)
            painter.setFont(big)
            name = str(index.data(Qt.ItemDataRole.DisplayRole) or "?")
            painter.drawText(thumb_rect, Qt.AlignmentFlag.AlignCenter, name[:1].upper())

        name_font = QFont(option.font)
        name_font.setBold(True)
        painter.setFont(name_font)
        metrics = QFontMetrics(name_font)
        painter.setPen(QColor(style.TEXT))
        top = thumb_rect.bottom() + 8
        for line in two_lines(
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""), metrics, inner.width()
        ):
            painter.drawText(
                QRect(inner.left(), top, inner.width(), metrics.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                line,
            )
            top += metrics.height()

        price_font = QFont(option.font)
        price_font.setBold(True)
        price_font.setPointSize(option.font.pointSize() + 2)
        price_metrics = QFontMetrics(price_font)
        bottom = QRect(
            inner.left(),
            inner.bottom() - price_metrics.height() - 16,
            inner.width(),
            price_metrics.height(),
        )
        painter.setFont(price_font)
        painter.setPen(QColor(style.TEXT))
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            str(index.data(PriceTextRole) or ""),
        )

        painter.setOpacity(1.0)
        small = QFont(option.font)
        small.setPointSize(max(7, option.font.pointSize() - 1))
        small.setBold(state in ("low", "out"))
        painter.setFont(small)
        painter.setPen(QColor(STATE_COLOURS.get(state, style.MUTED)))
        stock_rect = QRect(inner.left(), inner.bottom() - 16, inner.width(), 16)
        marker = "\u25cf " if state in ("low", "out") else ""
        painter.drawText(
            stock_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            marker + str(index.data(StockTextRole) or ""),
        )
        painter.restore()
