"""what a clerk's own connection could still forge: totals, dates, the failure log

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

PostgreSQL only. Found by the review of issue 21 with a clerk's own credentials and
psycopg on a shop set up the README's way; `pos check` stayed ok after each:
- pos_place_order took the tax rate, tax, shipping and currency from its caller: a clerk
  placed an order with shipping = -subtotal, total 0 and no payment (the goods left, the
  audit recomputes tax from the order's own rate). Now a pos user's order must carry the
  store's rate, currency, the tax that rate gives and the shipping the store's rules give.
- Every write function took its timestamp from the caller: a clerk wrote ledger rows and
  orders dated 2001. Now a pos user's time is taken only within CLOCK_TOLERANCE of the
  server's clock, else the server's is used (owner scripts and the tests' bootstrap still
  pass their own).
- failed_operations: the clerk group may INSERT (refusals are logged by the refused
  connection), so the app's per-user cap was the only cap, user_id and created_at were
  the caller's word, and occurrences could be lowered. Now a trigger signs a pos user's
  row with the caller and the server's clock, drops rows past a hard per-user rate (well
  above what failure_log.py writes) and lets occurrences only grow on the caller's rows.

The 0013 functions are re-created from their text with the changes below spliced in; a
missing anchor fails the migration rather than leaving a function unchanged.
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"

# Rows one pos user may add to failed_operations per minute; failure_log.py writes at most
# 30 plus one summary row per error code.
FAILURE_ROWS_PER_MINUTE = 200

# How far a pos user's clock may be from the server's before the server's time is used.
CLOCK_TOLERANCE = "2 minutes"

# The counter's own time when it agrees with the server's (the app shows the order it
# placed with the time it passed), the server's otherwise.
TRUSTED_NOW = f"""
CREATE OR REPLACE FUNCTION pos_trusted_now(p_now timestamp) RETURNS timestamp
LANGUAGE sql VOLATILE {_DEFINER} AS $$
    SELECT CASE WHEN pos_caller_kind() = 'owner' THEN p_now
                WHEN p_now BETWEEN server.now - interval '{CLOCK_TOLERANCE}'
                               AND server.now + interval '{CLOCK_TOLERANCE}' THEN p_now
                ELSE server.now END
      FROM (SELECT (clock_timestamp() AT TIME ZONE 'UTC')::timestamp AS now) AS server
$$"""

# The store's own rules, as pos.services.pricing.totals computes them (half-up tax on a
# non-negative subtotal: PostgreSQL's round(numeric) rounds half away from zero).
ORDER_RULES = """
        OR NOT EXISTS (
            SELECT 1 FROM store_settings AS s
             WHERE s.id = 1
               AND s.tax_rate_ppm = p_tax_rate_ppm
               AND s.currency = p_currency
               AND p_tax = round(p_subtotal::numeric * s.tax_rate_ppm / 1000000)
               AND p_shipping = CASE
                   WHEN NOT p_delivery OR p_subtotal = 0
                        OR p_subtotal > s.free_shipping_over_cents THEN 0
                   ELSE s.shipping_fee_cents END)
"""

FAILURE_GUARD = f"""
CREATE OR REPLACE FUNCTION pos_failure_log_guard() RETURNS trigger
LANGUAGE plpgsql {_DEFINER} AS $$
DECLARE
    kind text := pos_caller_kind();
    me integer := pos_current_user_id();
BEGIN
    IF kind = 'owner' THEN
        RETURN NEW;
    END IF;
    IF kind IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'Only an active pos user may log a failure.';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.user_id IS DISTINCT FROM me OR NEW.occurrences < OLD.occurrences THEN
            RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
                  DETAIL = 'A failure count only grows, on the own rows.';
        END IF;
        RETURN NEW;
    END IF;
    NEW.user_id := me;
    NEW.created_at := (now() AT TIME ZONE 'UTC')::timestamp;
    NEW.occurrences := 1;
    IF (SELECT count(*) FROM failed_operations AS f
         WHERE f.user_id = me
           AND f.created_at >= NEW.created_at - interval '1 minute')
       >= {FAILURE_ROWS_PER_MINUTE} THEN
        RETURN NULL;  -- past the hard cap: not written
    END IF;
    RETURN NEW;
END $$"""


def _permissions_0013() -> ModuleType:
    path = Path(__file__).with_name("0013_db_permissions.py")
    spec = importlib.util.spec_from_file_location("pos_migration_0013", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _splice(sql: str, anchor: str, addition: str, *, after: bool = True) -> str:
    if sql.count(anchor) != 1:
        raise RuntimeError(f"migration 0014: anchor {anchor!r} not found exactly once")
    return sql.replace(anchor, anchor + addition if after else addition + anchor)


def guarded_functions() -> list[str]:
    """0013's write functions with the server's clock and the order rules spliced in."""
    statements = []
    for signature, sql in _permissions_0013().FUNCTIONS.items():
        if "p_now timestamp" not in sql:
            continue
        sql = _splice(sql, "\nBEGIN\n", "    p_now := pos_trusted_now(p_now);\n")
        if signature.startswith("pos_place_order("):
            sql = _splice(sql, "        OR p_change < 0\n", ORDER_RULES)
        statements.append(sql)
    return statements


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(TRUSTED_NOW)
    for statement in guarded_functions():
        op.execute(statement)
    op.execute(FAILURE_GUARD)
    op.execute(
        """CREATE TRIGGER failed_operations_guard
           BEFORE INSERT OR UPDATE ON failed_operations
           FOR EACH ROW EXECUTE FUNCTION pos_failure_log_guard()"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS failed_operations_guard ON failed_operations")
    op.execute("DROP FUNCTION IF EXISTS pos_failure_log_guard()")
    for statement in _permissions_0013().FUNCTIONS.values():
        op.execute(statement)
    op.execute("DROP FUNCTION IF EXISTS pos_trusted_now(timestamp)")
