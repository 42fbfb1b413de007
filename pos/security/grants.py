"""What each PostgreSQL group may do, declared once and applied after every upgrade.

`apply_grants(connection, roles)` is idempotent: it revokes everything from PUBLIC and the
pos groups on the schema's tables, sequences and pos_* functions, then grants what is
declared below (pos.security.setup calls it after each `pos migrate`). The manager group
is a member of the clerk group, so it holds every clerk grant too.

What the groups may not do is the point: no pos role writes stock, the ledger, carts,
cart lines, orders, order items, payments or prices directly. Those change only through
the SECURITY DEFINER functions of migration 0013, which check the caller, sign the ledger
with the caller's own user and keep the ledger append-only. A clerk reads what the counter
needs; managers write the catalog (not its stock or prices), customers and settings. No
pos role reads users.password_hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection, text


class GroupRoleNames(Protocol):
    """pos.security.roles.GroupRoles: the database's owner, clerk and manager roles."""

    @property
    def owner(self) -> str: ...

    @property
    def clerk(self) -> str: ...

    @property
    def manager(self) -> str: ...


@dataclass(frozen=True)
class Grant:
    """Privileges of one group on one table. `columns` limits them to those columns;
    `all_but` to every column except those (so columns added later are included)."""

    table: str
    privileges: str  # "SELECT", "INSERT, UPDATE", ...
    columns: tuple[str, ...] = ()
    all_but: tuple[str, ...] = ()


CLERK_TABLES = (
    Grant("alembic_version", "SELECT"),  # the app checks the schema version at start
    Grant("categories", "SELECT"),
    Grant("products", "SELECT"),
    Grant("product_images", "SELECT"),
    Grant("stock_movements", "SELECT"),
    # Refusals are logged by the connection that was refused (repeats counted on a
    # summary row); old rows go through pos_prune_failed_operations.
    Grant("failed_operations", "SELECT, INSERT"),
    Grant("failed_operations", "UPDATE", columns=("occurrences",)),
    Grant("users", "SELECT", all_but=("password_hash",)),
    Grant("customers", "SELECT"),
    # Signing in at a counter registers it: pos_sign_in (SECURITY DEFINER) does the upsert.
    Grant("counters", "SELECT"),
    # Row-level security keeps a clerk to the own counter's carts and lines. UPDATE of
    # one timestamp is what SELECT ... FOR UPDATE needs to lock the cart row first.
    Grant("carts", "SELECT"),
    Grant("carts", "UPDATE", columns=("updated_at",)),
    Grant("cart_lines", "SELECT"),
    Grant("orders", "SELECT"),
    Grant("order_items", "SELECT"),
    Grant("payments", "SELECT"),
    Grant("store_settings", "SELECT"),
    Grant("pos_db_roles", "SELECT"),  # group role names (pos.security.roles)
)

MANAGER_TABLES = (
    Grant("categories", "INSERT"),
    # New products start with no stock (a trigger refuses any other); stock and prices
    # change only through functions that write the ledger and the price history.
    Grant("products", "INSERT, DELETE"),
    Grant("products", "UPDATE", all_but=("id", "stock_quantity", "price_cents", "created_at")),
    Grant("price_changes", "SELECT"),
    Grant("product_images", "INSERT"),
    Grant("sign_in_failures", "SELECT, DELETE"),  # waits shown; a password reset clears one
    Grant("customers", "INSERT, UPDATE"),
    Grant("store_settings", "UPDATE", all_but=("id",)),
)

# Functions by name (every overload). Not listed: what only SECURITY DEFINER functions call
# (pos_caller_kind, pos_require_cart, pos_manager_or_owner, pos_is_setup_session,
# pos_require_manager, pos_user_role_name, pos_ensure_user_role) and trigger functions.
# The sign-in, approval and user functions are migration 0010's.
CLERK_FUNCTIONS = (
    "pos_role_of",
    "pos_current_user_id",
    "pos_current_role",
    "pos_session_counter",
    "pos_session_counters",
    "pos_visible_cart_counters",  # the carts policy calls it as the querying role
    "pos_use_approval",
    "pos_sign_in",
    "pos_sign_out",
    "pos_take_for_cart",
    "pos_return_from_cart",
    "pos_change_cart_line",
    "pos_open_cart",
    "pos_set_cart_fields",
    "pos_release_cart",  # the function allows a clerk only the own counter's cart
    "pos_place_order",
    "pos_held_in_carts",
    "pos_prune_failed_operations",
)
MANAGER_FUNCTIONS = (
    "pos_change_stock",
    "pos_open_stock",
    "pos_set_prices",
    "pos_create_user",
    "pos_set_user_password",
    "pos_set_user_active",
    "pos_set_user_role",
    "pos_record_approval",
)


def apply_grants(connection: Connection, roles: GroupRoleNames) -> None:
    """Revoke everything from PUBLIC and the groups, then grant what is declared. Run by
    the schema owner (or a superuser) after every upgrade; tables and functions a given
    schema version lacks are skipped."""
    groups = f"{_ident(connection, roles.clerk)}, {_ident(connection, roles.manager)}"
    everyone = f"PUBLIC, {groups}"
    execute = connection.exec_driver_sql
    execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    execute(f"GRANT USAGE ON SCHEMA public TO {groups}")
    execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}")
    execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone}")
    for function in _functions(connection, "pos", prefix=True):
        execute(f"REVOKE ALL ON FUNCTION {function} FROM {everyone}")
    tables = _tables(connection)
    for group, grants in ((roles.clerk, CLERK_TABLES), (roles.manager, MANAGER_TABLES)):
        grantee = _ident(connection, group)
        for grant in grants:
            statement = _grant_sql(connection, grant, grantee) if grant.table in tables else None
            if statement is not None:
                execute(statement)
                if "INSERT" in grant.privileges:
                    _grant_sequence(connection, grant.table, grantee)
    for group, names in ((roles.clerk, CLERK_FUNCTIONS), (roles.manager, MANAGER_FUNCTIONS)):
        grantee = _ident(connection, group)
        for name in names:
            for function in _functions(connection, name):
                execute(f"GRANT EXECUTE ON FUNCTION {function} TO {grantee}")


def _grant_sql(connection: Connection, grant: Grant, grantee: str) -> str | None:
    """The GRANT statement; None when none of its columns exist (yet)."""
    table = _ident(connection, grant.table)
    if not grant.columns and not grant.all_but:
        return f"GRANT {grant.privileges} ON TABLE {table} TO {grantee}"
    existing = _columns(connection, grant.table)
    if grant.all_but:
        columns = tuple(c for c in existing if c not in grant.all_but)
    else:
        columns = tuple(c for c in grant.columns if c in existing)
    if not columns:
        return None
    names = ", ".join(_ident(connection, c) for c in columns)
    privileges = ", ".join(f"{p.strip()} ({names})" for p in grant.privileges.split(","))
    return f"GRANT {privileges} ON TABLE {table} TO {grantee}"


def _grant_sequence(connection: Connection, table: str, grantee: str) -> None:
    """USAGE on the sequences that number the table's rows (serial or identity columns)."""
    sequences = connection.execute(
        text(
            "SELECT s.oid::regclass::text FROM pg_depend AS d"
            " JOIN pg_class AS s ON s.oid = d.objid AND s.relkind = 'S'"
            " WHERE d.refobjid = CAST(:table AS regclass) AND d.deptype IN ('a', 'i')"
        ),
        {"table": f"public.{_ident(connection, table)}"},
    ).scalars()
    for sequence in sequences:  # already quoted and qualified as needed
        connection.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {sequence} TO {grantee}")


def _tables(connection: Connection) -> set[str]:
    rows = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ).scalars()
    return set(rows)


def _columns(connection: Connection, table: str) -> list[str]:
    return list(
        connection.execute(
            text(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'public' AND table_name = :table"
                " ORDER BY ordinal_position"
            ),
            {"table": table},
        ).scalars()
    )


def _functions(connection: Connection, name: str, *, prefix: bool = False) -> list[str]:
    """Signatures (regprocedure text, quoted and qualified as needed) of the public
    schema's functions named `name` (with prefix=True: whose name starts with it)."""
    match = "left(p.proname, length(:name)) = :name" if prefix else "p.proname = :name"
    return list(
        connection.execute(
            text(
                "SELECT p.oid::regprocedure::text FROM pg_proc AS p"
                " JOIN pg_namespace AS n ON n.oid = p.pronamespace"
                f" WHERE n.nspname = 'public' AND {match} AND p.prokind = 'f'"
            ),
            {"name": name},
        ).scalars()
    )


def _ident(connection: Connection, name: str) -> str:
    return str(connection.execute(text("SELECT quote_ident(:name)"), {"name": name}).scalar())
