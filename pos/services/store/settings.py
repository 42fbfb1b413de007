"""Store-wide settings (tax, shipping, currency, customer rule), shared by all counters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from pos.errors import ErrorCode, PosError
from pos.gateway import gateway
from pos.models import StoreSettings
from pos.money import from_cents, ppm_to_rate, rate_to_ppm
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import bounds, validation
from pos.services.plumbing.events import Change, ChangeKind, EventHub
from pos.services.plumbing.failure_log import MAX_RETENTION_DAYS
from pos.services.plumbing.uow import Tx, UnitOfWork, records_failures
from pos.views import Actor, StoreSettingsView


def load_settings(tx: Tx) -> StoreSettingsView:
    row = tx.session.get(StoreSettings, 1)
    if row is None:
        raise PosError(ErrorCode.SCHEMA_MISMATCH, "Store settings are missing: run `pos migrate`.")
    return StoreSettingsView(
        store_name=row.store_name,
        tax_rate=ppm_to_rate(row.tax_rate_ppm),
        shipping_fee=from_cents(row.shipping_fee_cents),
        free_shipping_threshold=from_cents(row.free_shipping_over_cents),
        currency=row.currency,
        require_customer=row.require_customer,
        cash_confirm_over_total=from_cents(row.cash_confirm_over_total_cents),
        failure_log_retention_days=row.failure_log_retention_days,
        allow_pins=row.allow_pins,
    )


@records_failures("settings")
class SettingsService:
    def __init__(self, uow: UnitOfWork, events: EventHub) -> None:
        self._uow = uow
        self._events = events

    def get(self, actor: Actor | None = None) -> StoreSettingsView:
        return self._uow.run(load_settings, operation="settings.get", actor=actor, write=False)

    def update(self, actor: Actor, **changes: Any) -> StoreSettingsView:
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "store_name":
                values["store_name"] = validation.text(value, "Store name", max_length=120)
            elif key == "tax_rate":
                values["tax_rate_ppm"] = rate_to_ppm(value, "Tax rate")
            elif key == "shipping_fee":
                values["shipping_fee_cents"] = bounds.money(value, key, label="Shipping fee")
            elif key == "free_shipping_threshold":
                values["free_shipping_over_cents"] = bounds.money(
                    value, key, label="Free-shipping threshold"
                )
            elif key == "currency":
                code = validation.text(value, "Currency", max_length=3).upper()
                if len(code) != 3 or not code.isalpha():
                    raise PosError(
                        ErrorCode.VALIDATION_ERROR,
                        "Currency must be a three-letter code such as USD.",
                    )
                values["currency"] = code
            elif key == "cash_confirm_over_total":
                values["cash_confirm_over_total_cents"] = _cash_confirm_bound(value)
            elif key == "failure_log_retention_days":
                values[key] = bounds.integer(
                    value,
                    key,
                    minimum=1,
                    maximum=MAX_RETENTION_DAYS,
                    label="Days the failure log is kept",
                )
            elif key == "require_customer":
                values["require_customer"] = bool(value)
            elif key == "allow_pins":
                # Clerk PINs of 4-5 digits; on, every name gets the stronger sign-in
                # delays (people/lockout.py). Existing PINs keep working when it goes off
                # until changed; new ones are refused.
                values["allow_pins"] = _flag(value, "allow_pins")
            else:
                raise PosError(ErrorCode.VALIDATION_ERROR, f"Unknown setting {key!r}.")

        def work(tx: Tx) -> StoreSettingsView:
            require_active_manager(tx, actor)
            if values:
                tx.session.execute(
                    update(StoreSettings).where(StoreSettings.id == 1).values(**values)
                )
                gateway(tx).notify(tx, "pos_settings", ["1"])
            return load_settings(tx)

        view = self._uow.run(work, operation="settings.update", actor=actor)
        self._events.publish(Change(ChangeKind.SETTINGS))
        return view


# Above this, "confirm large cash" would never trigger: every typo would pass unasked.
CASH_CONFIRM_MAX_CENTS = 100_000_000


def _cash_confirm_bound(value: Any) -> int:
    field = "Cash above the total that needs a confirmation"
    cents = bounds.money(value, "cash_confirm_over_total", label=field)
    if not 100 <= cents <= CASH_CONFIRM_MAX_CENTS:
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"{field} must be from 1.00 to {from_cents(CASH_CONFIRM_MAX_CENTS):,.2f}.",
            {"field": "cash_confirm_over_total", "value": str(value)},
        )
    return cents


def _flag(value: Any, field: str) -> bool:
    # A security switch takes a real boolean: "false" or 0.5 must not turn it on.
    if not isinstance(value, bool):
        raise PosError(
            ErrorCode.VALIDATION_ERROR,
            f"{field} must be true or false.",
            {"field": field, "value": str(value)[:40]},
        )
    return value
