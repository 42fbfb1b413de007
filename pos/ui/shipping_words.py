"""How shipping is shown to the clerk: always with the rule, so a delivery that costs
$0.00 says why ("free over $200.00") instead of looking like a missing fee."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pos.views import CartView, StoreSettingsView

Money = Callable[[Decimal], str]


def shipping_rule(settings: StoreSettingsView, money: Money) -> str:
    """'Shipping $15.99, free over $200.00' (the rule the cart service applies)."""
    if not settings.shipping_fee:
        return "Shipping: free"
    return (
        f"Shipping {money(settings.shipping_fee)}, "
        f"free over {money(settings.free_shipping_threshold)}"
    )


def shipping_amount(cart: CartView, settings: StoreSettingsView | None, money: Money) -> str:
    """The shipping of a delivery cart: its fee, or 'free' with the reason."""
    if cart.shipping:
        return money(cart.shipping)
    if settings is not None and settings.shipping_fee:
        return f"free (orders over {money(settings.free_shipping_threshold)})"
    return "free"


def delivery_notice(cart: CartView, settings: StoreSettingsView | None, money: Money) -> str:
    """What the counter says when delivery is switched on or off."""
    if not cart.delivery:
        return "Carry-out: no shipping"
    if cart.shipping:
        return f"Delivery: shipping {money(cart.shipping)} added"
    return f"Delivery: shipping {shipping_amount(cart, settings, money)}"
