"""Counts in words that read right: "1 product", "2 products", "0 products"."""

from __future__ import annotations

# Nouns whose plural is not the singular + "s".
IRREGULAR = {"box": "boxes", "entry": "entries", "category": "categories"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """The noun alone, in the form that goes with `count`."""
    if count == 1:
        return noun
    return many or IRREGULAR.get(noun) or f"{noun}s"


def count_of(count: int, noun: str, many: str | None = None) -> str:
    """'1 product', '1,200 products' (thousands separated, as every count on screen)."""
    return f"{count:,} {plural(count, noun, many)}"
