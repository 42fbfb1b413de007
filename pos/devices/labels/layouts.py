"""A4 label sheets, measured in millimetres.

Each layout is the sheet maker's geometry: label size, the first label's top-left corner,
and the pitch (label plus gap) across and down. The common ones are below; their margins
add up to the 210 x 297 mm page (a test checks every one).
"""

from __future__ import annotations

from dataclasses import dataclass

A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class LabelLayout:
    key: str
    columns: int
    rows: int
    width_mm: float
    height_mm: float
    left_mm: float
    top_mm: float
    pitch_x_mm: float
    pitch_y_mm: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def name(self) -> str:
        return (
            f"{self.columns} x {self.rows} ({self.per_sheet} per A4 sheet, "
            f"{self.width_mm:g} x {self.height_mm:g} mm)"
        )

    def origin_mm(self, index: int) -> tuple[float, float]:
        """Top-left corner of the label at `index` on its sheet (row by row)."""
        slot = index % self.per_sheet
        row, column = divmod(slot, self.columns)
        return (self.left_mm + column * self.pitch_x_mm, self.top_mm + row * self.pitch_y_mm)


LAYOUTS: tuple[LabelLayout, ...] = (
    # 63.5 x 33.9 mm, 3 x 8 (Avery L7159 size): 7.25 + 3 x 63.5 + 2 x 2.5 + 7.25 = 210
    LabelLayout("3x8", 3, 8, 63.5, 33.9, 7.25, 12.9, 66.0, 33.9),
    # 48.5 x 25.4 mm, 4 x 10, no gaps: 8 + 4 x 48.5 + 8 = 210; 21.5 + 10 x 25.4 + 21.5 = 297
    LabelLayout("4x10", 4, 10, 48.5, 25.4, 8.0, 21.5, 48.5, 25.4),
    # 63.5 x 38.1 mm, 3 x 7 (Avery L7160 size)
    LabelLayout("3x7", 3, 7, 63.5, 38.1, 7.25, 15.15, 66.0, 38.1),
    # 99.1 x 38.1 mm, 2 x 7 (Avery L7163 size): big shelf-edge labels
    LabelLayout("2x7", 2, 7, 99.1, 38.1, 4.65, 15.15, 101.6, 38.1),
)


def layout(key: str) -> LabelLayout:
    for found in LAYOUTS:
        if found.key == key:
            return found
    raise KeyError(key)
