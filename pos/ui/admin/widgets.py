"""Small widget helpers every admin tab shares: plain-text labels and table views."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

ROW_HEIGHT = 26


def plain_label(text: str = "") -> QLabel:
    """A label that never interprets its text as HTML (names are typed by users)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def table_view(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    # Uniform row heights: the view never measures rows (DESIGN.md, big catalogs).
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.horizontalHeader().setHighlightSections(False)
    view.setWordWrap(False)
    return view


def header_width(view: QTableView, column: int) -> int:
    """The width a column needs so its header title is shown whole (sort arrow included)."""
    header = view.horizontalHeader()
    return int(header.sectionSizeFromContents(column).width())


def set_column_widths(view: QTableView, widths: tuple[int, ...], stretch: int | None) -> None:
    """Preferred widths for a big table, but never narrower than the column's title:
    a clipped "Reservec" or "Stock afte" reads as a different word."""
    header = view.horizontalHeader()
    for column, width in enumerate(widths):
        header.resizeSection(column, max(width, header_width(view, column)))
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def fit_columns(view: QTableView, stretch: int) -> None:
    """Short lists: columns fit their text, one column takes the rest of the width."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
