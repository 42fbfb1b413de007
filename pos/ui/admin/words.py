"""Words for the codes stored in the database, so managers never read `cart_add`.

Every stock-movement reason and every error code has an entry; a code added later
without one still reads as words ("Some new code"), never as the raw identifier.
"""

from __future__ import annotations

from pos.errors import ErrorCode, PosError

REASON_WORDS = {
    "cart_add": "Added to cart",
    "cart_remove": "Removed from cart",
    "cart_release": "Cart released",
    "receive": "Delivery received",
    "adjust": "Correction",
    "return": "Customer return",
    "import": "CSV import",
    "stocktake": "Stocktake",
    "write_off": "Written off",
    "lease": "Lent to a counter",
    "lease_return": "Returned by a counter",
}

ERROR_WORDS = {
    ErrorCode.INSUFFICIENT_STOCK: "Not enough stock",
    ErrorCode.PRODUCT_NOT_FOUND: "Product not found",
    ErrorCode.PRODUCT_INACTIVE: "Product not for sale",
    ErrorCode.INVALID_PRODUCT_ID: "Unknown product code",
    ErrorCode.INVALID_QUANTITY: "Invalid quantity",
    ErrorCode.ITEM_NOT_IN_CART: "Item not in cart",
    ErrorCode.EMPTY_CART: "Empty cart",
    ErrorCode.CART_NOT_FOUND: "Cart not found",
    ErrorCode.CART_CLOSED: "Cart already closed",
    ErrorCode.INVALID_CUSTOMER: "Unknown customer",
    ErrorCode.CUSTOMER_REQUIRED: "Customer required",
    ErrorCode.INVALID_PAYMENT: "Invalid payment",
    ErrorCode.PAYMENT_INSUFFICIENT: "Payment too low",
    ErrorCode.NOT_AUTHENTICATED: "Not signed in",
    ErrorCode.ACCOUNT_LOCKED: "Account locked",
    ErrorCode.FORBIDDEN: "Not allowed",
    ErrorCode.APPROVAL_REQUIRED: "Needs a manager's approval",
    ErrorCode.VALIDATION_ERROR: "Invalid input",
    ErrorCode.DUPLICATE: "Already exists",
    ErrorCode.NOT_FOUND: "Not found",
    ErrorCode.ALREADY_INITIALIZED: "Already set up",
    ErrorCode.LOCK_TIMEOUT: "Busy elsewhere (lock wait)",
    ErrorCode.SCHEMA_MISMATCH: "Database needs migrating",
    ErrorCode.FILE_ERROR: "File could not be written",
    ErrorCode.DATABASE_ERROR: "Database error",
    ErrorCode.UNEXPECTED: "Unexpected error (outcome unknown)",
    ErrorCode.CONFIG_ERROR: "Settings file cannot be read",
    ErrorCode.DEVICE_ERROR: "Counter device failed (printer, drawer)",
    ErrorCode.INVALID_BARCODE: "Barcode misread (check digit)",
}

UNEXPECTED = "Unexpected error: the outcome is unknown. The details are in the log (pos.log)."


def _as_words(code: str) -> str:
    return code.replace("_", " ").strip().capitalize() or "Unknown"


def reason_text(reason: str) -> str:
    return REASON_WORDS.get(reason) or _as_words(reason)


def error_code_text(code: str) -> str:
    return ERROR_WORDS.get(code) or _as_words(code)


def error_text(err: object) -> str:
    """What a manager reads for a failed call: the service's message, never a code or a
    traceback (anything that is not a PosError is a bug, logged by the task runner)."""
    if isinstance(err, PosError):
        return err.message
    return UNEXPECTED
