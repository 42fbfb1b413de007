"""Bar patterns for labels: the product's EAN-13/EAN-8/UPC-A barcode when it is a valid
one, else its SKU as Code 128. python-barcode makes the pattern ("1011..."): one module
per character, drawn by the label painter at any size, so the PDF stays sharp.

python-barcode quietly replaces a wrong check digit with the right one; a label must never
show a code the product does not have, so check digits are checked here first.
"""

from __future__ import annotations

from dataclasses import dataclass

import barcode


@dataclass(frozen=True)
class BarPattern:
    kind: str  # "ean13" | "ean8" | "upca" | "code128"
    text: str  # printed under the bars
    modules: str  # "1" = bar, "0" = space, one character per module


def gs1_check_ok(digits: str) -> bool:
    """GS1 check digit (EAN-8, UPC-A, EAN-13 alike): weights 3,1 from the right."""
    if not digits.isdigit() or len(digits) < 8:
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def pattern_for(barcode_text: str | None, sku: str) -> BarPattern | None:
    code = (barcode_text or "").strip()
    kinds = {13: "ean13", 8: "ean8", 12: "upca"}
    if code and len(code) in kinds and gs1_check_ok(code):
        kind = kinds[len(code)]
        made = barcode.get_barcode_class(kind)(code[:-1])
        if made.get_fullcode() != code:  # never print a code the product does not have
            return None
        return BarPattern(kind, code, "".join(made.build()))
    text = (code or sku).strip()
    if not text or not text.isascii() or not text.isprintable():
        return None
    return BarPattern("code128", text, "".join(barcode.Code128(text).build()))
