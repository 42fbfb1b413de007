"""the database decides who may do what: write functions, append-only ledger, cart RLS

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

PostgreSQL only (SQLite is one counter and trusts its OS account). Every write of stock,
the ledger, carts, cart lines, orders, order items, payments and prices goes through a
SECURITY DEFINER function below (owned by the schema owner, fixed search_path); the pos
groups get no INSERT/UPDATE/DELETE on those tables (pos/security/grants.py). Each function
checks who calls it, because SECURITY DEFINER runs as the owner, which bypasses both the
grants and row-level security:
- the owner's members (superusers, `pos migrate`, scripts, the tests' bootstrap) may do
  anything, as with a direct statement;
- a manager any cart and the manager-only operations (stock outside carts, prices);
- a clerk only open carts of a counter they hold an open sign-in session at
  (pos_session_counters()).
Ledger rows are signed coalesce(pos_current_user_id(), p_user_id): a pos user signs as
themselves whatever the app passes; only owner scripts pass an id.

The ledger is append-only for everyone: a trigger refuses UPDATE, DELETE and TRUNCATE.
Carts and cart lines get row-level security: a clerk sees (and locks) only the carts of
the counters they are signed in at; managers see all. A product is born with no stock (stock arrives with its ledger
row through a function), enforced by a trigger for everyone but the owner.

Refusals a caller diagnoses (not enough stock, no such line) return no row, as the plain
statements did; a permission failure raises SQLSTATE 42501 (insufficient_privilege) with
MESSAGE 'pos:FORBIDDEN' and a human DETAIL, which the app maps to PosError FORBIDDEN.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every function: SECURITY DEFINER with a search_path no caller can shadow (pg_temp last).
_DEFINER = "SECURITY DEFINER SET search_path = public, pg_temp"

_CART_REASONS = "('cart_add', 'cart_remove', 'cart_release')"

FUNCTIONS = {
    "pos_caller_kind()": f"""
CREATE OR REPLACE FUNCTION pos_caller_kind() RETURNS text
LANGUAGE plpgsql STABLE {_DEFINER} AS $$
BEGIN
    -- Inside a SECURITY DEFINER function current_user is the schema owner: its members
    -- (superusers included) are the migrate/script/bootstrap connections.
    IF pg_has_role(session_user, current_user, 'MEMBER') THEN
        RETURN 'owner';
    END IF;
    RETURN pos_current_role();  -- 'clerk' | 'manager', NULL for inactive or unknown
END $$""",
    # Every counter the caller holds an open sign-in session at (a user may be signed in
    # at more than one; pos_session_counter() is only the latest).
    "pos_session_counters()": f"""
CREATE OR REPLACE FUNCTION pos_session_counters() RETURNS integer[]
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT coalesce(array_agg(s.counter_id), '{{}}')
      FROM user_sessions AS s
     WHERE s.user_id = pos_current_user_id() AND s.ended_at IS NULL
       AND s.counter_id IS NOT NULL
$$""",
    # Whose carts the caller's role may see (row-level security): a manager every
    # counter's, a clerk those of the counters they hold an open session at; one call.
    "pos_visible_cart_counters()": f"""
CREATE OR REPLACE FUNCTION pos_visible_cart_counters() RETURNS integer[]
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT CASE WHEN u.role = 'manager'
                THEN (SELECT coalesce(array_agg(c.id), '{{}}') FROM counters AS c)
                ELSE (SELECT coalesce(array_agg(s.counter_id), '{{}}')
                        FROM user_sessions AS s
                       WHERE s.user_id = u.id AND s.ended_at IS NULL
                         AND s.counter_id IS NOT NULL)
           END
      FROM users AS u WHERE u.db_role = session_user AND u.active
$$""",
    # The checks of every cart function in one users lookup, one carts lookup and one
    # sessions lookup (not a chain of helper calls: this runs on each scan at a counter).
    # Returns who the caller is ('owner', 'manager', 'clerk') and who signs what it writes.
    "pos_require_cart(integer, integer)": f"""
CREATE OR REPLACE FUNCTION pos_require_cart(
    p_cart_id integer, p_user_id integer, OUT kind text, OUT signer integer)
LANGUAGE plpgsql STABLE {_DEFINER} AS $$
DECLARE
    cart_counter integer;
    cart_status text;
BEGIN
    IF pg_has_role(session_user, current_user, 'MEMBER') THEN
        kind := 'owner';
        signer := p_user_id;
        RETURN;
    END IF;
    SELECT u.role, u.id INTO kind, signer
      FROM users AS u WHERE u.db_role = session_user AND u.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'Only an active pos user may change a cart.';
    END IF;
    SELECT c.counter_id, c.status INTO cart_counter, cart_status
      FROM carts AS c WHERE c.id = p_cart_id;
    IF NOT FOUND OR cart_status <> 'open' THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = format('Cart %s is not an open cart.', p_cart_id);
    END IF;
    IF kind <> 'manager' AND NOT EXISTS (
            SELECT 1 FROM user_sessions AS s
             WHERE s.user_id = signer AND s.counter_id = cart_counter
               AND s.ended_at IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = format('Cart %s belongs to another counter.', p_cart_id);
    END IF;
END $$""",
    "pos_manager_or_owner()": f"""
CREATE OR REPLACE FUNCTION pos_manager_or_owner() RETURNS text
LANGUAGE plpgsql STABLE {_DEFINER} AS $$
DECLARE
    kind text := pos_caller_kind();
BEGIN
    IF kind IS NULL OR kind NOT IN ('owner', 'manager') THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'Only a manager may do that.';
    END IF;
    RETURN kind;
END $$""",
    # Stock outside carts (receive, adjust, return, stocktake, import): managers.
    "pos_change_stock(uuid, integer, varchar, integer, integer, integer, integer, text,"
    " boolean, integer, timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_change_stock(
    p_product_id uuid, p_delta integer, p_reason varchar, p_user_id integer,
    p_counter_id integer, p_cart_id integer, p_order_id integer, p_note text,
    p_require_active boolean, p_ceiling integer, p_now timestamp)
RETURNS TABLE (id uuid, stock_quantity integer, price_cents bigint, name varchar, sku varchar)
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    kind text := pos_manager_or_owner();
    -- Who signs is known before the row lock is taken, not while it is held.
    signer integer := coalesce(pos_current_user_id(), p_user_id);
BEGIN
    IF kind <> 'owner' AND p_reason IN {_CART_REASONS} THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'Cart stock moves only with its cart line.';
    END IF;
    RETURN QUERY
    WITH changed AS (
        UPDATE products AS p
           SET stock_quantity = p.stock_quantity + p_delta, updated_at = p_now
         WHERE p.id = p_product_id
           AND p.stock_quantity + p_delta BETWEEN 0 AND p_ceiling
           AND (p.active OR NOT p_require_active)
     RETURNING p.id, p.stock_quantity, p.price_cents, p.name, p.sku
    ), moved AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT c.id, p_delta, p_reason, c.stock_quantity,
               signer, p_counter_id,
               p_cart_id, p_order_id, coalesce(p_note, ''), p_now
          FROM changed AS c
    )
    SELECT c.id, c.stock_quantity, c.price_cents, c.name, c.sku FROM changed AS c;
    IF FOUND THEN
        PERFORM pg_notify('pos_stock', p_product_id::text);
    END IF;
END $$""",
    # The counter's hot path: stock, ledger row and cart line in one statement.
    "pos_take_for_cart(uuid, integer, varchar, integer, integer, integer, timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_take_for_cart(
    p_product_id uuid, p_qty integer, p_reason varchar, p_user_id integer,
    p_counter_id integer, p_cart_id integer, p_now timestamp)
RETURNS TABLE (id uuid, stock_quantity integer, price_cents bigint, name varchar,
               sku varchar, line_quantity integer, unit_price_cents bigint)
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    -- Who calls and who signs, known before the row lock is taken, not while it is held.
    caller record := pos_require_cart(p_cart_id, p_user_id);
    kind text := caller.kind;
    signer integer := caller.signer;
BEGIN
    IF kind <> 'owner' AND (p_reason <> 'cart_add' OR p_qty < 1) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'A cart takes a positive quantity.';
    END IF;
    RETURN QUERY
    WITH changed AS (
        UPDATE products AS p
           SET stock_quantity = p.stock_quantity - p_qty, updated_at = p_now
         WHERE p.id = p_product_id AND p.stock_quantity >= p_qty AND p.active
     RETURNING p.id, p.stock_quantity, p.price_cents, p.name, p.sku
    ), moved AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT c.id, -p_qty, p_reason, c.stock_quantity,
               signer, p_counter_id,
               p_cart_id, NULL, '', p_now
          FROM changed AS c
    ), line AS (
        INSERT INTO cart_lines AS l (cart_id, product_id, quantity, unit_price_cents, added_at)
        SELECT p_cart_id, c.id, p_qty, c.price_cents, p_now FROM changed AS c
            ON CONFLICT (cart_id, product_id)
            DO UPDATE SET quantity = l.quantity + excluded.quantity
     RETURNING l.quantity, l.unit_price_cents
    )
    SELECT c.id, c.stock_quantity, c.price_cents, c.name, c.sku,
           line.quantity, line.unit_price_cents
      FROM changed AS c, line;
    IF FOUND THEN
        PERFORM pg_notify('pos_stock', p_product_id::text);
    END IF;
END $$""",
    "pos_return_from_cart(uuid, varchar, integer, integer, integer, timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_return_from_cart(
    p_product_id uuid, p_reason varchar, p_user_id integer, p_counter_id integer,
    p_cart_id integer, p_now timestamp)
RETURNS TABLE (id uuid, stock_quantity integer, price_cents bigint, name varchar,
               sku varchar, line_quantity integer, unit_price_cents bigint)
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    -- Who calls and who signs, known before the row lock is taken, not while it is held.
    caller record := pos_require_cart(p_cart_id, p_user_id);
    kind text := caller.kind;
    signer integer := caller.signer;
BEGIN
    IF kind <> 'owner' AND p_reason NOT IN ('cart_remove', 'cart_release') THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'A cart line goes back as a removal.';
    END IF;
    RETURN QUERY
    WITH removed AS (
        DELETE FROM cart_lines AS l
         WHERE l.cart_id = p_cart_id AND l.product_id = p_product_id
     RETURNING l.quantity, l.unit_price_cents
    ), changed AS (
        UPDATE products AS p
           SET stock_quantity = p.stock_quantity + r.quantity, updated_at = p_now
          FROM removed AS r
         WHERE p.id = p_product_id
     RETURNING p.id, p.stock_quantity, p.price_cents, p.name, p.sku,
               r.quantity AS line_quantity, r.unit_price_cents
    ), moved AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT c.id, c.line_quantity, p_reason, c.stock_quantity,
               signer, p_counter_id,
               p_cart_id, NULL, '', p_now
          FROM changed AS c
    )
    SELECT c.id, c.stock_quantity, c.price_cents, c.name, c.sku, c.line_quantity,
           c.unit_price_cents
      FROM changed AS c;
    IF FOUND THEN
        PERFORM pg_notify('pos_stock', p_product_id::text);
    END IF;
END $$""",
    # A line's quantity set to another value: the difference moves between stock and line.
    "pos_change_cart_line(uuid, integer, varchar, integer, integer, integer, integer,"
    " timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_change_cart_line(
    p_product_id uuid, p_diff integer, p_reason varchar, p_user_id integer,
    p_counter_id integer, p_cart_id integer, p_ceiling integer, p_now timestamp)
RETURNS TABLE (id uuid, stock_quantity integer, price_cents bigint, name varchar, sku varchar)
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    -- Who calls and who signs, known before the row lock is taken, not while it is held.
    caller record := pos_require_cart(p_cart_id, p_user_id);
    kind text := caller.kind;
    signer integer := caller.signer;
BEGIN
    IF kind <> 'owner' AND (p_diff = 0 OR p_reason
            <> CASE WHEN p_diff > 0 THEN 'cart_add' ELSE 'cart_remove' END) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'A line change is an addition or a removal.';
    END IF;
    RETURN QUERY
    WITH line AS (
        SELECT l.id FROM cart_lines AS l
         WHERE l.cart_id = p_cart_id AND l.product_id = p_product_id
    ), changed AS (
        UPDATE products AS p
           SET stock_quantity = p.stock_quantity - p_diff, updated_at = p_now
         WHERE p.id = p_product_id AND EXISTS (SELECT 1 FROM line)
           AND p.stock_quantity - p_diff BETWEEN 0 AND p_ceiling
           AND (p.active OR p_diff < 0)
     RETURNING p.id, p.stock_quantity, p.price_cents, p.name, p.sku
    ), moved AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT c.id, -p_diff, p_reason, c.stock_quantity,
               signer, p_counter_id,
               p_cart_id, NULL, '', p_now
          FROM changed AS c
    ), relined AS (
        UPDATE cart_lines AS l SET quantity = l.quantity + p_diff
          FROM changed AS c, line
         WHERE l.id = line.id
    )
    SELECT c.id, c.stock_quantity, c.price_cents, c.name, c.sku FROM changed AS c;
    IF FOUND THEN
        PERFORM pg_notify('pos_stock', p_product_id::text);
    END IF;
END $$""",
    # Opening stock of products just created (stock still 0), with their ledger rows.
    "pos_open_stock(uuid[], integer[], varchar, integer, integer, integer, integer, text,"
    " timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_open_stock(
    p_ids uuid[], p_qtys integer[], p_reason varchar, p_user_id integer,
    p_counter_id integer, p_cart_id integer, p_order_id integer, p_note text,
    p_now timestamp)
RETURNS integer
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    kind text := pos_manager_or_owner();
    -- Who signs is known before the row lock is taken, not while it is held.
    signer integer := coalesce(pos_current_user_id(), p_user_id);
    moved integer;
BEGIN
    IF kind <> 'owner' AND p_reason IN {_CART_REASONS} THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'Cart stock moves only with its cart line.';
    END IF;
    WITH wanted AS (
        SELECT v.id, v.qty, v.n
          FROM unnest(p_ids, p_qtys) WITH ORDINALITY AS v(id, qty, n)
         WHERE v.qty > 0
    ), changed AS (
        UPDATE products AS p SET stock_quantity = w.qty, updated_at = p_now
          FROM wanted AS w
         WHERE p.id = w.id AND p.stock_quantity = 0
     RETURNING p.id, p.stock_quantity
    ), ledger AS (
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        SELECT c.id, c.stock_quantity, p_reason, c.stock_quantity,
               signer, p_counter_id,
               p_cart_id, p_order_id, coalesce(p_note, ''), p_now
          FROM changed AS c JOIN wanted AS w ON w.id = c.id
         ORDER BY w.n
    )
    SELECT count(*) INTO moved FROM changed;
    RETURN moved;
END $$""",
    # The order, its items, its payments and the cart's new status. The items must be the
    # cart's lines and the amounts must add up: an order cannot say other than its cart.
    "pos_place_order(varchar, integer, integer, integer, integer, boolean, bigint, bigint,"
    " bigint, bigint, bigint, bigint, integer, varchar, timestamp, uuid[], varchar[],"
    " varchar[], bigint[], integer[], bigint[], varchar[], bigint[])": f"""
CREATE OR REPLACE FUNCTION pos_place_order(
    p_number varchar, p_cart_id integer, p_counter_id integer, p_user_id integer,
    p_customer_id integer, p_delivery boolean, p_subtotal bigint, p_tax bigint,
    p_shipping bigint, p_total bigint, p_tendered bigint, p_change bigint,
    p_tax_rate_ppm integer, p_currency varchar, p_now timestamp,
    p_product_ids uuid[], p_skus varchar[], p_names varchar[], p_units bigint[],
    p_quantities integer[], p_line_totals bigint[], p_methods varchar[], p_amounts bigint[])
RETURNS integer
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    caller record := pos_require_cart(p_cart_id, p_user_id);
    kind text := caller.kind;
    signer integer := caller.signer;
    placed integer;
BEGIN
    IF kind <> 'owner' AND (
        EXISTS (
            (SELECT l.product_id, l.quantity, l.unit_price_cents
               FROM cart_lines AS l WHERE l.cart_id = p_cart_id
             EXCEPT ALL
             SELECT * FROM unnest(p_product_ids, p_quantities, p_units))
            UNION ALL
            (SELECT * FROM unnest(p_product_ids, p_quantities, p_units)
             EXCEPT ALL
             SELECT l.product_id, l.quantity, l.unit_price_cents
               FROM cart_lines AS l WHERE l.cart_id = p_cart_id))
        OR EXISTS (SELECT 1 FROM unnest(p_units, p_quantities, p_line_totals) AS x(u, q, t)
                    WHERE x.u * x.q <> x.t)
        OR p_subtotal <> (SELECT coalesce(sum(t), 0) FROM unnest(p_line_totals) AS t)
        OR p_total <> p_subtotal + p_tax + p_shipping
        OR p_tendered <> (SELECT coalesce(sum(a), 0) FROM unnest(p_amounts) AS a)
        OR p_change <> p_tendered - p_total
        OR p_change < 0
        OR p_counter_id IS DISTINCT FROM (SELECT c.counter_id FROM carts AS c
                                           WHERE c.id = p_cart_id)
    ) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'The order does not match its cart.';
    END IF;
    WITH placed_row AS (
        INSERT INTO orders (order_number, cart_id, counter_id, user_id, customer_id, delivery,
                            subtotal_cents, tax_cents, shipping_cents, total_cents,
                            tendered_cents, change_cents, tax_rate_ppm, currency, created_at)
        VALUES (p_number, p_cart_id, p_counter_id, signer, p_customer_id, p_delivery,
                p_subtotal, p_tax, p_shipping, p_total, p_tendered, p_change, p_tax_rate_ppm,
                p_currency, p_now)
        RETURNING id
    ), items AS (
        INSERT INTO order_items (order_id, product_id, sku, name, unit_price_cents, quantity,
                                 line_total_cents)
        SELECT o.id, x.product_id, x.sku, x.name, x.unit, x.quantity, x.line_total
          FROM placed_row AS o,
               unnest(p_product_ids, p_skus, p_names, p_units, p_quantities, p_line_totals)
                   WITH ORDINALITY AS x(product_id, sku, name, unit, quantity, line_total, n)
         ORDER BY x.n
    ), paid AS (
        INSERT INTO payments (order_id, method, amount_cents)
        SELECT o.id, y.method, y.amount
          FROM placed_row AS o,
               unnest(p_methods, p_amounts) WITH ORDINALITY AS y(method, amount, n)
         ORDER BY y.n
    ), closed AS (
        UPDATE carts AS c
           SET status = 'checked_out', closed_at = p_now, closed_by = signer,
               updated_at = p_now, delivery = p_delivery, customer_id = p_customer_id
         WHERE c.id = p_cart_id
    )
    SELECT o.id INTO placed FROM placed_row AS o;
    RETURN placed;
END $$""",
    "pos_open_cart(integer, integer, timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_open_cart(
    p_counter_id integer, p_user_id integer, p_now timestamp)
RETURNS integer
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    kind text := pos_caller_kind();
    opened integer;
BEGIN
    IF kind IS NULL OR (kind = 'clerk'
            AND NOT coalesce(p_counter_id = ANY (pos_session_counters()), false)) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'A clerk opens carts only at the own counter.';
    END IF;
    INSERT INTO carts AS c (counter_id, user_id, status, delivery, created_at, updated_at)
    VALUES (p_counter_id, coalesce(pos_current_user_id(), p_user_id), 'open', false,
            p_now, p_now)
    ON CONFLICT (counter_id) WHERE status = 'open' DO NOTHING
    RETURNING c.id INTO opened;
    RETURN opened;  -- NULL: another session opened this counter's cart first
END $$""",
    "pos_set_cart_fields(integer, boolean, boolean, boolean, integer, timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_set_cart_fields(
    p_cart_id integer, p_set_delivery boolean, p_delivery boolean,
    p_set_customer boolean, p_customer_id integer, p_now timestamp)
RETURNS void
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
BEGIN
    PERFORM pos_require_cart(p_cart_id, NULL);
    UPDATE carts AS c
       SET delivery = CASE WHEN p_set_delivery THEN p_delivery ELSE c.delivery END,
           customer_id = CASE WHEN p_set_customer THEN p_customer_id ELSE c.customer_id END,
           updated_at = p_now
     WHERE c.id = p_cart_id;
END $$""",
    # Every line back to stock (products in ascending id, the store-wide lock order).
    "pos_release_cart(integer, varchar, integer, integer, text, timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_release_cart(
    p_cart_id integer, p_reason varchar, p_user_id integer, p_counter_id integer,
    p_note text, p_now timestamp)
RETURNS TABLE (product_id uuid, line_quantity integer, unit_price_cents bigint,
               sku varchar, name varchar, stock_after integer)
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    caller record := pos_require_cart(p_cart_id, p_user_id);
    kind text := caller.kind;
    signer integer := caller.signer;
    line record;
BEGIN
    IF kind <> 'owner' AND p_reason <> 'cart_release' THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'A released cart gives its lines back.';
    END IF;
    FOR line IN
        SELECT l.product_id, l.quantity, l.unit_price_cents
          FROM cart_lines AS l WHERE l.cart_id = p_cart_id ORDER BY l.product_id
    LOOP
        UPDATE products AS p
           SET stock_quantity = p.stock_quantity + line.quantity, updated_at = p_now
         WHERE p.id = line.product_id
     RETURNING p.sku, p.name, p.stock_quantity INTO sku, name, stock_after;
        INSERT INTO stock_movements
               (product_id, delta, reason, stock_after, user_id, counter_id,
                cart_id, order_id, note, created_at)
        VALUES (line.product_id, line.quantity, p_reason, stock_after, signer,
                p_counter_id, p_cart_id, NULL, coalesce(p_note, ''), p_now);
        PERFORM pg_notify('pos_stock', line.product_id::text);
        product_id := line.product_id;
        line_quantity := line.quantity;
        unit_price_cents := line.unit_price_cents;
        RETURN NEXT;
    END LOOP;
    UPDATE carts AS c
       SET status = 'released', closed_at = p_now, closed_by = signer, updated_at = p_now
     WHERE c.id = p_cart_id;
END $$""",
    # New prices with their history rows (old price read here, under the row lock).
    "pos_set_prices(uuid[], bigint[], integer, uuid, text, timestamp)": f"""
CREATE OR REPLACE FUNCTION pos_set_prices(
    p_ids uuid[], p_prices bigint[], p_user_id integer, p_bulk_id uuid, p_note text,
    p_now timestamp)
RETURNS integer
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
#variable_conflict use_column
DECLARE
    kind text := pos_manager_or_owner();
    -- Who signs is known before the row lock is taken, not while it is held.
    signer integer := coalesce(pos_current_user_id(), p_user_id);
    changed_count integer;
BEGIN
    WITH wanted AS (
        SELECT p.id, p.price_cents AS old_price, v.price, v.n
          FROM unnest(p_ids, p_prices) WITH ORDINALITY AS v(id, price, n)
          JOIN products AS p ON p.id = v.id
         WHERE p.price_cents <> v.price
    ), changed AS (
        UPDATE products AS p SET price_cents = w.price, updated_at = p_now
          FROM wanted AS w WHERE p.id = w.id
     RETURNING p.id
    ), history AS (
        INSERT INTO price_changes
               (product_id, old_price_cents, new_price_cents, user_id, created_at,
                bulk_id, note)
        SELECT w.id, w.old_price, w.price, signer,
               p_now, p_bulk_id, coalesce(p_note, '')
          FROM wanted AS w ORDER BY w.n
    )
    SELECT count(*) INTO changed_count FROM changed;
    RETURN changed_count;
END $$""",
    # What a refusal message needs about other counters' carts: counts, never their rows.
    "pos_held_in_carts(uuid, integer)": f"""
CREATE OR REPLACE FUNCTION pos_held_in_carts(p_product_id uuid, p_cart_id integer)
RETURNS TABLE (here bigint, elsewhere bigint, other_carts bigint)
LANGUAGE sql STABLE {_DEFINER} AS $$
    SELECT coalesce(sum(CASE WHEN l.cart_id = p_cart_id THEN l.quantity ELSE 0 END), 0),
           coalesce(sum(CASE WHEN l.cart_id = p_cart_id THEN 0 ELSE l.quantity END), 0),
           count(CASE WHEN l.cart_id = p_cart_id THEN NULL ELSE l.cart_id END)
      FROM cart_lines AS l JOIN carts AS c ON c.id = l.cart_id
     WHERE l.product_id = p_product_id AND c.status = 'open'
       AND pos_caller_kind() IS NOT NULL
$$""",
    # The failure log's retention (store_settings.failure_log_retention_days): any signed-in
    # user's connection prunes what is older, and nothing younger.
    "pos_prune_failed_operations()": f"""
CREATE OR REPLACE FUNCTION pos_prune_failed_operations() RETURNS integer
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
    kind text := pos_caller_kind();
    pruned integer;
BEGIN
    IF kind IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'Only a signed-in user may prune the failure log.';
    END IF;
    DELETE FROM failed_operations AS f
     WHERE f.created_at < (now() AT TIME ZONE 'UTC') - make_interval(days => (
               SELECT s.failure_log_retention_days FROM store_settings AS s WHERE s.id = 1));
    GET DIAGNOSTICS pruned = ROW_COUNT;
    RETURN pruned;
END $$""",
    # Trigger functions (not SECURITY DEFINER: they judge the role that runs the statement).
    "pos_ledger_append_only()": """
CREATE OR REPLACE FUNCTION pos_ledger_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = format('The stock ledger is append-only: %s refused.', TG_OP);
END $$""",
    "pos_product_starts_empty()": """
CREATE OR REPLACE FUNCTION pos_product_starts_empty() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    -- current_user is the statement's role, or the owner inside a write function.
    IF NOT pg_has_role(current_user,
                       (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'pos:FORBIDDEN',
              DETAIL = 'A new product has no stock: stock arrives with its ledger row.';
    END IF;
    RETURN NEW;
END $$""",
}

TRIGGERS_UP = (
    """CREATE TRIGGER stock_movements_append_only
       BEFORE UPDATE OR DELETE ON stock_movements
       FOR EACH ROW EXECUTE FUNCTION pos_ledger_append_only()""",
    """CREATE TRIGGER stock_movements_no_truncate
       BEFORE TRUNCATE ON stock_movements
       FOR EACH STATEMENT EXECUTE FUNCTION pos_ledger_append_only()""",
    """CREATE TRIGGER products_start_empty
       BEFORE INSERT ON products
       FOR EACH ROW WHEN (NEW.stock_quantity <> 0)
       EXECUTE FUNCTION pos_product_starts_empty()""",
)

# An uncorrelated sub-select: evaluated once per statement, not once per row.
RLS_UP = (
    "ALTER TABLE carts ENABLE ROW LEVEL SECURITY",
    """CREATE POLICY carts_own_counter ON carts
       USING (counter_id IN (SELECT unnest(pos_visible_cart_counters())))""",
    "ALTER TABLE cart_lines ENABLE ROW LEVEL SECURITY",
    # The sub-select on carts runs under carts' own policy.
    """CREATE POLICY cart_lines_own_counter ON cart_lines
       USING (EXISTS (SELECT 1 FROM carts AS c WHERE c.id = cart_lines.cart_id))""",
)

DOWN = (
    "DROP POLICY IF EXISTS cart_lines_own_counter ON cart_lines",
    "ALTER TABLE cart_lines DISABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS carts_own_counter ON carts",
    "ALTER TABLE carts DISABLE ROW LEVEL SECURITY",
    "DROP TRIGGER IF EXISTS products_start_empty ON products",
    "DROP TRIGGER IF EXISTS stock_movements_no_truncate ON stock_movements",
    "DROP TRIGGER IF EXISTS stock_movements_append_only ON stock_movements",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in FUNCTIONS.values():
        op.execute(statement)
    for statement in TRIGGERS_UP + RLS_UP:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DOWN:
        op.execute(statement)
    for signature in reversed(list(FUNCTIONS)):
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
