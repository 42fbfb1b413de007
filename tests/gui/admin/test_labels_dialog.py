"""Shelf labels from the admin window: pick products, repriced since a date, the sheet
preview and the PDF (saved, counted and rendered to PNGs that were looked at)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QColor

from pos.devices.labels.layouts import layout
from pos.ui.admin.label_sheet import LabelItem, preview_image

from .conftest import wait_idle

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]


def dark_pixels(image, x0: int, y0: int, x1: int, y1: int) -> int:
    return sum(
        1
        for y in range(y0, y1, 2)
        for x in range(x0, x1, 2)
        if QColor(image.pixel(x, y)).lightness() < 80
    )


def test_labels_for_picked_and_repriced_products(
    qtbot, admin, admin_dialogs, gui_store, manager_actor, tmp_path: Path
):
    chips = next(p for p in gui_store.catalog.search(manager_actor, "Algae") if p.barcode)
    gui_store.catalog.update_product(manager_actor, chips.id, price=Decimal("4.25"))
    dialog = admin.open_labels()
    assert not dialog.pdf_button.isEnabled()

    dialog.since.setDate(QDate.currentDate())
    dialog.add_repriced()
    qtbot.waitUntil(lambda: len(dialog.chosen) == 1)
    assert dialog.chosen[chips.id].price == Decimal("4.25")
    assert dialog.chosen_list.item(0).text().startswith(chips.name)

    dialog.search.setText("implant")
    dialog.run_search()
    qtbot.waitUntil(lambda: dialog.results.count() > 0)
    for row in range(dialog.results.count()):
        dialog.results.item(row).setSelected(True)
    dialog.add_selected()
    picked = len(dialog.chosen)
    assert picked > 1
    dialog.copies.setValue(2)
    dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("4x10"))
    assert dialog.summary.text().startswith(f"{picked * 2} labels on 1 sheet of 40")

    target = tmp_path / "labels.pdf"
    admin_dialogs.save_file = lambda *_args: str(target)  # type: ignore[method-assign]
    assert dialog.save_pdf() == str(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1  # one A4 sheet
    dialog.copies.setValue(40)  # 40 labels per product: a sheet each
    dialog.save_pdf()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", target.read_bytes()))
    assert pages == picked
    assert "Saved" in dialog.message.text()
    wait_idle(qtbot, admin)
    dialog.close()


def test_sheet_image_has_labels_where_the_layout_says(tmp_path: Path):
    sheet = layout("3x8")
    items = [
        LabelItem("Algae Chips", Decimal("3.99"), "ALGCHP-001", "4006381333931"),
        LabelItem("<b>not bold</b>", Decimal("12.00"), "HTML-1", None),
    ]
    image = preview_image(items, sheet, 840)  # 4 px per mm
    image.save(str(tmp_path / "sheet.png"))
    k = 840 / 210

    def slot(index: int) -> tuple[int, int, int, int]:
        x, y = sheet.origin_mm(index)
        return (
            int((x + 2) * k),
            int((y + 2) * k),
            int((x + sheet.width_mm - 2) * k),
            int((y + sheet.height_mm - 2) * k),
        )

    assert dark_pixels(image, *slot(0)) > 200  # name, price and bars
    assert dark_pixels(image, *slot(1)) > 200
    assert dark_pixels(image, *slot(2)) == 0  # an empty slot: its outline only
    # The barcode's lower part: black bars in the middle of label 0's bottom third.
    x0, y0, x1, y1 = slot(0)
    assert dark_pixels(image, x0, y0 + (y1 - y0) * 2 // 3, x1, y1) > 50
