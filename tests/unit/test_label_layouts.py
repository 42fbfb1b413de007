"""A4 label sheets: every layout's labels lie on the page and never overlap; bar
patterns only ever carry the product's own code."""

from __future__ import annotations

from itertools import combinations

import pytest

from pos.devices.labels.barcodes import gs1_check_ok, pattern_for
from pos.devices.labels.layouts import A4_MM, LAYOUTS, layout


@pytest.mark.parametrize("sheet", LAYOUTS, ids=lambda s: s.key)
def test_labels_fit_the_page_without_overlap(sheet):
    rects = []
    for index in range(sheet.per_sheet):
        x, y = sheet.origin_mm(index)
        assert x >= 0 and y >= 0
        assert x + sheet.width_mm <= A4_MM[0] + 1e-6
        assert y + sheet.height_mm <= A4_MM[1] + 1e-6
        rects.append((x, y, x + sheet.width_mm, y + sheet.height_mm))
    for a, b in combinations(rects, 2):
        assert (
            a[2] <= b[0] + 1e-6
            or b[2] <= a[0] + 1e-6
            or a[3] <= b[1] + 1e-6
            or (b[3] <= a[1] + 1e-6)
        )
    # The sheets are centred: the margins left and right (top and bottom) are equal.
    last_x, last_y = sheet.origin_mm(sheet.per_sheet - 1)
    assert abs(A4_MM[0] - (last_x + sheet.width_mm) - sheet.left_mm) < 0.01
    assert abs(A4_MM[1] - (last_y + sheet.height_mm) - sheet.top_mm) < 0.01
    assert sheet.origin_mm(sheet.per_sheet) == sheet.origin_mm(0)  # next sheet


def test_common_layouts_are_there():
    assert layout("3x8").per_sheet == 24 and layout("4x10").per_sheet == 40


def test_bar_patterns():
    ean = pattern_for("4006381333931", "SKU")
    assert ean is not None and ean.kind == "ean13" and len(ean.modules) == 95
    # A wrong check digit is not "corrected" into another product's code: Code 128 of it.
    wrong = pattern_for("4006381333932", "SKU")
    assert wrong is not None and wrong.kind == "code128" and wrong.text == "4006381333932"
    sku = pattern_for(None, "APPTEE-001")
    assert sku is not None and sku.kind == "code128" and set(sku.modules) == {"0", "1"}
    assert pattern_for(None, "caf\u00e9") is None
    assert gs1_check_ok("96385074") and not gs1_check_ok("96385075")
