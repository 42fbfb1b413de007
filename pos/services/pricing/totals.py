"""The seed's price rules, in integer cents, with receipt (half-up) rounding."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pos.models.store import (
    DEFAULT_FREE_SHIPPING_OVER_CENTS,
    DEFAULT_SHIPPING_CENTS,
    DEFAULT_TAX_RATE_PPM,
)
from pos.money import from_cents
from pos.views import Totals


@dataclass(frozen=True)
class PriceRules:
    tax_rate_ppm: int = DEFAULT_TAX_RATE_PPM
    shipping_fee_cents: int = DEFAULT_SHIPPING_CENTS
    free_shipping_over_cents: int = DEFAULT_FREE_SHIPPING_OVER_CENTS


@dataclass(frozen=True)
class CentTotals:
    subtotal: int
    tax: int
    shipping: int
    total: int

    def as_decimal(self) -> Totals:
        return Totals(
            from_cents(self.subtotal),
            from_cents(self.tax),
            from_cents(self.shipping),
            from_cents(self.total),
        )


def tax_cents(subtotal_cents: int, tax_rate_ppm: int) -> int:
    exact = Decimal(subtotal_cents) * Decimal(tax_rate_ppm) / Decimal(1_000_000)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shipping_cents(subtotal_cents: int, rules: PriceRules, delivery: bool) -> int:
    """Delivery only; free when the subtotal is strictly over the threshold."""
    if not delivery or subtotal_cents == 0:
        return 0
    return 0 if subtotal_cents > rules.free_shipping_over_cents else rules.shipping_fee_cents


def totals(subtotal_cents: int, rules: PriceRules, delivery: bool) -> CentTotals:
    tax = tax_cents(subtotal_cents, rules.tax_rate_ppm)
    ship = shipping_cents(subtotal_cents, rules, delivery)
    return CentTotals(subtotal_cents, tax, ship, subtotal_cents + tax + ship)


def line_cents(unit_price_cents: int, quantity: int) -> int:
    return unit_price_cents * quantity
