"""Lengths and bounds that several layers must agree on (the tables, the services, the settings and
the windows), in a module with no dependencies so each of them can import it.

An order number is "<counter code>-<yymmdd>-<cart id, at least 6 digits>" and a cart id
reaches 10 digits (2**31 - 1): a counter code of at most 40 - 8 - 10 = 22 characters makes
every order number fit its column, on PostgreSQL (which refuses a longer value: every
checkout at such a counter failed) and on SQLite (which silently stored it). Sign-in
refuses a longer counter code, so the problem shows before the first sale.
"""

from __future__ import annotations

from datetime import datetime

ORDER_NUMBER_MAX = 40  # the orders.order_number column
MAX_CART_ID_DIGITS = len(str(2**31 - 1))
COUNTER_CODE_MAX = ORDER_NUMBER_MAX - len("-yymmdd-") - MAX_CART_ID_DIGITS


# The store setting failure_log_retention_days: 1 day to 10 years.
MAX_FAILURE_LOG_RETENTION_DAYS = 3650


def order_number(counter_code: str, when: datetime, cart_id: int) -> str:
    return f"{counter_code}-{when:%y%m%d}-{cart_id:06d}"
