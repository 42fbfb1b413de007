"""A scanned code to (product, quantity), scale labels included.

Ordinary codes are one unit of the product with that barcode or SKU (a product's own code
wins, even in the 20-29 range). Otherwise a scale label
(pos.devices.scale.codes, rules set by the manager) is decoded first: a misread check
digit is refused; its PLU digits name the product (its SKU or barcode, with or without
leading zeros). A price-embedded label sells the whole units its price stands for
(3 x 1.50 = 4.50 -> 3 units); any other price, and weight-embedded labels, are refused
with a clear message until cart lines carry their own price and weighed quantities (the
weighted-goods work of issue 17, after the database functions land).
Runs in the sale's worker thread: it calls services, never widgets.
"""

from __future__ import annotations

from collections.abc import Iterable

from pos.devices.scale.codes import ScaleCode, ScaleRule, decode
from pos.errors import ErrorCode, PosError
from pos.money import format_money
from pos.services.facade import Store
from pos.views import Actor, ProductView

MAX_UNITS = 99


def _product_for_plu(store: Store, actor: Actor, label: ScaleCode) -> ProductView:
    candidates = [label.item, label.item.lstrip("0") or "0"]
    for candidate in dict.fromkeys(candidates):
        try:
            return store.catalog.find_code(actor, candidate)
        except PosError as err:
            if err.code != ErrorCode.PRODUCT_NOT_FOUND:
                raise
    raise PosError(
        ErrorCode.PRODUCT_NOT_FOUND,
        f"Scale label {label.code}: no product has the PLU {label.item} as its SKU or barcode.",
        {"code": label.code, "plu": label.item},
    )


def _units(product: ProductView, label: ScaleCode, currency: str) -> int:
    if label.price is None:
        raise PosError(
            ErrorCode.INVALID_QUANTITY,
            f"Scale label for {product.name} ({label.weight_kg} kg): selling by weight is "
            "not available yet; weigh it as units or key the item in.",
            {"code": label.code, "weight_kg": str(label.weight_kg)},
        )
    price = product.price
    if price > 0 and label.price % price == 0 and 1 <= label.price // price <= MAX_UNITS:
        return int(label.price // price)
    raise PosError(
        ErrorCode.INVALID_QUANTITY,
        f"Scale label for {product.name} says {format_money(label.price, currency)}, "
        f"which is not a whole number of units at {format_money(price, currency)}: "
        "check the product's price or the scale.",
        {"code": label.code, "label_price": str(label.price), "unit_price": str(price)},
    )


def resolve_scan(
    store: Store, actor: Actor, code: str, rules: Iterable[ScaleRule], currency: str = "USD"
) -> tuple[ProductView, int]:
    if not any(code.startswith(rule.prefix) for rule in rules):
        return store.catalog.find_code(actor, code), 1
    # 20-29 is the in-store range: a product may carry such a barcode as its own; the
    # product's exact code wins over reading it as a scale label.
    try:
        return store.catalog.find_code(actor, code), 1
    except PosError as err:
        if err.code != ErrorCode.PRODUCT_NOT_FOUND:
            raise
    label = decode(code, rules)
    if label is None:
        return store.catalog.find_code(actor, code), 1
    product = _product_for_plu(store, actor, label)
    try:
        return product, _units(product, label, currency)
    except PosError as err:
        err.details.setdefault("product_id", str(product.id))
        raise
