"""The managers' numbers for a date range, computed from orders, carts and the ledger.

Definitions (so every figure can be checked by hand):
- A day is a calendar day in the given time zone; the range includes both end days.
- Revenue is order totals (items + tax + shipping); net sales are order subtotals.
- Average order value = revenue / order count, rounded half-up to the cent.
- Top products: by units sold, then revenue from their lines.
- Stock turnover of a product = units sold / average stock, where average stock is
  (stock at the start + stock at the end) / 2 and stock at a moment is the sum of its
  ledger deltas before that moment (free-to-sell stock, as products.stock_quantity).
  No average stock (0) gives no turnover figure (None).
- Cart abandonment rate = released / (released + checked out), over carts closed in
  the range. None when no cart was closed.
- Failed operations: rows of failed_operations in the range, counted by error code,
  with each code's share of all failures and failures per 100 orders.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import func, select

from pos.errors import ErrorCode, PosError
from pos.files import write_text_file
from pos.models import Cart, FailedOperation, Order, OrderItem, Product, StockMovement
from pos.money import from_cents, round_half_up
from pos.services.people.auth import require_active_manager
from pos.services.plumbing import bounds
from pos.services.plumbing.csv_cells import SafeCsvWriter
from pos.services.plumbing.uow import Tx, UnitOfWork
from pos.views import Actor

MAX_DAYS = 3660
TOP_LIMIT = 10


@dataclass(frozen=True)
class DaySales:
    day: date
    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class ProductSales:
    product_id: uuid.UUID
    sku: str
    name: str
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class Turnover:
    product_id: uuid.UUID
    sku: str
    name: str
    units_sold: int
    stock_start: int
    stock_end: int
    turnover: Decimal | None


@dataclass(frozen=True)
class ErrorCount:
    code: str
    count: int
    share: Decimal  # of all failures, 0..1


@dataclass(frozen=True)
class SalesReport:
    start: date
    end: date
    days: tuple[DaySales, ...]
    order_count: int
    revenue: Decimal
    net_sales: Decimal
    tax: Decimal
    average_order_value: Decimal
    units_sold: int
    top_products: tuple[ProductSales, ...]
    turnover: tuple[Turnover, ...]
    carts_released: int
    carts_checked_out: int
    abandonment_rate: Decimal | None  # 0..1
    failures: tuple[ErrorCount, ...]
    failure_count: int
    failures_per_100_orders: Decimal | None


def _ratio(num: int, den: int, places: str = "0.0001") -> Decimal | None:
    if den == 0:
        return None
    return (Decimal(num) / Decimal(den)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def day_bounds(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in tz, as aware UTC datetimes."""
    if end < start:
        raise PosError(ErrorCode.VALIDATION_ERROR, "The end date is before the start date.")
    if (end - start).days > MAX_DAYS:
        raise PosError(ErrorCode.VALIDATION_ERROR, "Pick at most ten years.")
    lo = datetime.combine(start, time.min, tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return lo, hi


class ReportService:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def sales_report(
        self, actor: Actor, start: date, end: date, tz: tzinfo = UTC, *, top: int = TOP_LIMIT
    ) -> SalesReport:
        top = bounds.row_limit(top, "top")
        lo, hi = day_bounds(start, end, tz)

        def work(tx: Tx) -> SalesReport:
            require_active_manager(tx, actor)
            return _report(tx, start, end, tz, lo, hi, top)

        return self._uow.run(work, operation="reports.sales", actor=actor, write=False)


def _report(
    tx: Tx, start: date, end: date, tz: tzinfo, lo: datetime, hi: datetime, top: int
) -> SalesReport:
    s = tx.session
    in_range = (Order.created_at >= lo, Order.created_at < hi)
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    revenue = net = tax = 0
    count = 0
    # One row per order (its time and totals), bucketed here: day boundaries in a time
    # zone are the same on both backends this way.
    for created, total, subtotal, order_tax in s.execute(
        select(Order.created_at, Order.total_cents, Order.subtotal_cents, Order.tax_cents)
        .where(*in_range)
        .execution_options(yield_per=2000)
    ):
        bucket = per_day[created.astimezone(tz).date()]
        bucket[0] += 1
        bucket[1] += total
        revenue += total
        net += subtotal
        tax += order_tax
        count += 1
    days = []
    day = start
    while day <= end:
        orders, cents = per_day.get(day, [0, 0])
        days.append(DaySales(day, orders, from_cents(cents)))
        day += timedelta(days=1)

    sold_rows = s.execute(
        select(
            OrderItem.product_id,
            Product.sku,
            Product.name,
            func.sum(OrderItem.quantity),
            func.sum(OrderItem.line_total_cents),
        )
        .join(Order, Order.id == OrderItem.order_id)
        .join(Product, Product.id == OrderItem.product_id)
        .where(*in_range)
        .group_by(OrderItem.product_id, Product.sku, Product.name)
    ).all()
    sold = [ProductSales(r[0], r[1], r[2], int(r[3]), from_cents(int(r[4]))) for r in sold_rows]
    top_products = sorted(sold, key=lambda p: (-p.units, -p.revenue, p.sku))[:top]

    turnover = _turnover(tx, sold, lo, hi)

    closed = {
        status: n
        for status, n in s.execute(
            select(Cart.status, func.count(Cart.id))
            .where(
                Cart.closed_at >= lo,
                Cart.closed_at < hi,
                Cart.status.in_(("released", "checked_out")),
            )
            .group_by(Cart.status)
        )
    }
    released = int(closed.get("released", 0))
    checked_out = int(closed.get("checked_out", 0))

    by_code = s.execute(
        # A row may count several refusals (the rate limit's summary rows: failure_log.py).
        select(FailedOperation.code, func.sum(FailedOperation.occurrences))
        .where(FailedOperation.created_at >= lo, FailedOperation.created_at < hi)
        .group_by(FailedOperation.code)
    ).all()
    failure_total = sum(int(n) for _, n in by_code)
    failures = sorted(
        (
            ErrorCount(code, int(n), _ratio(int(n), failure_total) or Decimal(0))
            for code, n in by_code
        ),
        key=lambda e: (-e.count, e.code),
    )
    per_100 = _ratio(failure_total * 100, count, "0.01")

    return SalesReport(
        start=start,
        end=end,
        days=tuple(days),
        order_count=count,
        revenue=from_cents(revenue),
        net_sales=from_cents(net),
        tax=from_cents(tax),
        average_order_value=(
            round_half_up(Decimal(revenue) / 100 / count) if count else from_cents(0)
        ),
        units_sold=sum(p.units for p in sold),
        top_products=tuple(top_products),
        turnover=tuple(turnover),
        carts_released=released,
        carts_checked_out=checked_out,
        abandonment_rate=_ratio(released, released + checked_out),
        failures=tuple(failures),
        failure_count=failure_total,
        failures_per_100_orders=per_100,
    )


def _stock_before(tx: Tx, ids: list[uuid.UUID], moment: datetime) -> dict[uuid.UUID, int]:
    out: dict[uuid.UUID, int] = {}
    for start in range(0, len(ids), 500):
        out.update(
            (pid, int(total))
            for pid, total in tx.session.execute(
                select(StockMovement.product_id, func.sum(StockMovement.delta))
                .where(
                    StockMovement.product_id.in_(ids[start : start + 500]),
                    StockMovement.created_at < moment,
                )
                .group_by(StockMovement.product_id)
            )
        )
    return out


def _turnover(tx: Tx, sold: list[ProductSales], lo: datetime, hi: datetime) -> list[Turnover]:
    ids = [p.product_id for p in sold]
    at_start = _stock_before(tx, ids, lo)
    at_end = _stock_before(tx, ids, hi)
    out = []
    for p in sold:
        a, b = at_start.get(p.product_id, 0), at_end.get(p.product_id, 0)
        out.append(
            Turnover(
                p.product_id,
                p.sku,
                p.name,
                p.units,
                a,
                b,
                _ratio(p.units * 2, a + b, "0.01"),
            )
        )
    return sorted(out, key=lambda t: (-(t.turnover or Decimal(-1)), t.sku))


def _pct(value: Decimal | None) -> Decimal | str:
    return "" if value is None else (value * 100).quantize(Decimal("0.01"))


def write_report_csv(report: SalesReport, path: str | Path) -> None:
    """The report's numbers as CSV sections (section, then its rows). Product names are
    text a spreadsheet must not run: SafeCsvWriter quotes formula-looking starts, and the
    numbers are handed over as numbers so a negative amount stays one."""
    with write_text_file(path) as fh:
        out = SafeCsvWriter(fh)
        out.writerow(["summary", "from", report.start.isoformat(), "to", report.end.isoformat()])
        for label, value in (
            ("orders", report.order_count),
            ("revenue", report.revenue),
            ("net_sales", report.net_sales),
            ("tax", report.tax),
            ("average_order_value", report.average_order_value),
            ("units_sold", report.units_sold),
            ("carts_released", report.carts_released),
            ("carts_checked_out", report.carts_checked_out),
            ("cart_abandonment_percent", _pct(report.abandonment_rate)),
            ("failed_operations", report.failure_count),
            ("failures_per_100_orders", report.failures_per_100_orders or ""),
        ):
            out.writerow(["summary", label, value])
        out.writerow([])
        out.writerow(["sales_per_day", "day", "orders", "revenue"])
        for d in report.days:
            out.writerow(["sales_per_day", d.day.isoformat(), d.orders, d.revenue])
        out.writerow([])
        out.writerow(["top_products", "sku", "name", "units", "revenue"])
        for p in report.top_products:
            out.writerow(["top_products", p.sku, p.name, p.units, p.revenue])
        out.writerow([])
        out.writerow(
            ["turnover", "sku", "name", "units_sold", "stock_start", "stock_end", "turnover"]
        )
        for t in report.turnover:
            out.writerow(
                [
                    "turnover",
                    t.sku,
                    t.name,
                    t.units_sold,
                    t.stock_start,
                    t.stock_end,
                    "" if t.turnover is None else t.turnover,
                ]
            )
        out.writerow([])
        out.writerow(["failures", "code", "count", "share_percent"])
        for e in report.failures:
            out.writerow(["failures", e.code, e.count, _pct(e.share)])
