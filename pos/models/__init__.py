"""ORM tables (services only) and the plain views services hand to the UI."""

from pos.models.base import Base, utcnow
from pos.models.catalog import Category, PriceChange, Product, ProductImage
from pos.models.ledger import CART_REASONS, MOVEMENT_REASONS, FailedOperation, StockMovement
from pos.models.people import ROLES, Approval, Counter, Customer, SignInFailure, User, UserSession
from pos.models.sales import MAX_LINE_QUANTITY, Cart, CartLine, Order, OrderItem, Payment
from pos.models.store import StoreSettings

__all__ = [
    "Approval",
    "Base",
    "CART_REASONS",
    "Cart",
    "CartLine",
    "Category",
    "Counter",
    "Customer",
    "FailedOperation",
    "MAX_LINE_QUANTITY",
    "MOVEMENT_REASONS",
    "Order",
    "OrderItem",
    "Payment",
    "PriceChange",
    "Product",
    "ProductImage",
    "ROLES",
    "SignInFailure",
    "StockMovement",
    "StoreSettings",
    "User",
    "UserSession",
    "utcnow",
]
