"""The one error type services raise, in the seed's JSON error format."""

from __future__ import annotations

from typing import Any


class ErrorCode:
    """Error codes shown to the log and to machine clients (the UI shows the message)."""

    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
    PRODUCT_INACTIVE = "PRODUCT_INACTIVE"
    INVALID_PRODUCT_ID = "INVALID_PRODUCT_ID"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    ITEM_NOT_IN_CART = "ITEM_NOT_IN_CART"
    EMPTY_CART = "EMPTY_CART"
    CART_NOT_FOUND = "CART_NOT_FOUND"
    CART_CLOSED = "CART_CLOSED"
    INVALID_CUSTOMER = "INVALID_CUSTOMER"
    CUSTOMER_REQUIRED = "CUSTOMER_REQUIRED"
    INVALID_PAYMENT = "INVALID_PAYMENT"
    PAYMENT_INSUFFICIENT = "PAYMENT_INSUFFICIENT"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    FORBIDDEN = "FORBIDDEN"
    APPROVAL_REQUIRED = "APPROVAL_REQUIRED"  # a manager must approve (store.auth.authorize)
    VALIDATION_ERROR = "VALIDATION_ERROR"
    DUPLICATE = "DUPLICATE"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_INITIALIZED = "ALREADY_INITIALIZED"
    LOCK_TIMEOUT = "LOCK_TIMEOUT"
    SCHEMA_MISMATCH = "SCHEMA_MISMATCH"
    FILE_ERROR = "FILE_ERROR"
    CONFIG_ERROR = "CONFIG_ERROR"
    DEVICE_ERROR = "DEVICE_ERROR"  # a counter device (receipt printer, drawer) failed
    INVALID_BARCODE = "INVALID_BARCODE"  # a scale label that cannot be read (check digit)
    DATABASE_ERROR = "DATABASE_ERROR"
    UNEXPECTED = "UNEXPECTED"  # a bug, not a refusal: the outcome is unknown (see pos.log)


class PosError(Exception):
    """A failed operation: nothing was written, and `message` can be shown to the user."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": False,
            "message": self.message,
            "error_code": self.code,
            "details": dict(self.details),
        }

    def __repr__(self) -> str:
        return f"PosError({self.code!r}, {self.message!r}, {self.details!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (counter worker processes, multiprocessing
        # results); the default reduce passes only args=(message,) to __init__ and fails.
        return (_rebuild_error, (type(self), self.code, self.message, self.details))


def _rebuild_error(
    cls: type[PosError], code: str, message: str, details: dict[str, Any]
) -> PosError:
    err = PosError.__new__(cls)
    PosError.__init__(err, code, message, details)
    return err


class ConfigError(PosError):
    """The local settings cannot be read; the CLI turns it into a message and an exit code."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(ErrorCode.CONFIG_ERROR, message, details)
