"""Store-wide settings: one row, so every counter computes the same totals."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Integer, String, text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from pos.models.base import Base

DEFAULT_TAX_RATE_PPM = 80_000  # 8%
DEFAULT_SHIPPING_CENTS = 1599
DEFAULT_FREE_SHIPPING_OVER_CENTS = 20_000
# Cash handed over beyond the total by more than this is asked about before the sale is
# recorded: a scanned barcode or a slipped key in "cash tendered" looks like a fortune.
DEFAULT_CASH_CONFIRM_OVER_TOTAL_CENTS = 100_000
DEFAULT_FAILURE_LOG_RETENTION_DAYS = 90  # failed_operations rows older than this are pruned


class StoreSettings(Base):
    __tablename__ = "store_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    store_name: Mapped[str] = mapped_column(String(120), default="My Store")
    tax_rate_ppm: Mapped[int] = mapped_column(Integer, default=DEFAULT_TAX_RATE_PPM)
    shipping_fee_cents: Mapped[int] = mapped_column(BigInteger, default=DEFAULT_SHIPPING_CENTS)
    free_shipping_over_cents: Mapped[int] = mapped_column(
        BigInteger, default=DEFAULT_FREE_SHIPPING_OVER_CENTS
    )
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    require_customer: Mapped[bool] = mapped_column(Boolean, default=False)
    cash_confirm_over_total_cents: Mapped[int] = mapped_column(
        BigInteger,
        default=DEFAULT_CASH_CONFIRM_OVER_TOTAL_CENTS,
        server_default=text(str(DEFAULT_CASH_CONFIRM_OVER_TOTAL_CENTS)),
    )
    failure_log_retention_days: Mapped[int] = mapped_column(
        Integer,
        default=DEFAULT_FAILURE_LOG_RETENTION_DAYS,
        server_default=text(str(DEFAULT_FAILURE_LOG_RETENTION_DAYS)),
    )
    # Clerks may sign in with a PIN (4-5 digits) instead of a 6+ character password; off
    # by default, and when on every name gets the stronger sign-in delays (lockout.py).
    allow_pins: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
