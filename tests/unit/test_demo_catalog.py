"""The demo catalog is what a new shop sees first: real-looking products only."""

from __future__ import annotations

import re

from pos.demo import demo_rows
from pos.paths import resources_dir

MARKUP = re.compile(r"[<>&]")


def test_demo_products_have_no_markup_or_test_names():
    rows = demo_rows()
    assert len(rows) >= 60
    for row in rows:
        assert not MARKUP.search(row["name"] + row["description"]), row["sku"]
        assert "test" not in row["sku"].lower() and "test" not in row["name"].lower(), row["sku"]


def test_every_demo_image_belongs_to_a_demo_product():
    images = {p.name for p in (resources_dir() / "images").glob("*.png")}
    named = {row["image"] for row in demo_rows() if row["image"]}
    assert named <= images, "a demo row names a missing image"
    assert images - named == set(), "an image left behind by a removed demo product"
