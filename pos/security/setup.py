"""Run after every `pos migrate` on PostgreSQL: roles, ownership, then the grants.

Idempotent: run it twice and nothing changes; run it after a migration added a table and
the table gets its owner and its grants like the others."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from pos.security.grants import apply_grants
from pos.security.roles import (
    GroupRoles,
    ensure_group_roles,
    ensure_user_roles,
    hand_over_ownership,
)


def secure(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return  # one counter on a file: the operating system's file modes guard it
    with engine.begin() as conn:
        roles = ensure_group_roles(conn)
        hand_over_ownership(conn, roles.owner)
        _base_privileges(conn, roles)
        apply_grants(conn, roles)
        ensure_user_roles(conn)


def _base_privileges(conn: Connection, roles: GroupRoles) -> None:
    q = {
        k: conn.execute(text("SELECT quote_ident(:n)"), {"n": v}).scalar_one()
        for k, v in vars(roles).items()
    }
    db = conn.execute(text("SELECT quote_ident(current_database())")).scalar_one()
    # Only this database's pos users (and the owner) connect to it.
    conn.execute(text(f"REVOKE CONNECT, TEMPORARY ON DATABASE {db} FROM PUBLIC"))
    conn.execute(text(f"GRANT CONNECT ON DATABASE {db} TO {q['clerk']}, {q['owner']}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {q['clerk']}"))
    # Functions are executable by PUBLIC unless revoked: every SECURITY DEFINER function
    # is granted explicitly (pos.security.grants), the ones to come included.
    # (Extension functions, e.g. pg_trgm's, stay as the extension made them.)
    for signature in conn.execute(
        text(
            """
            SELECT p.oid::regprocedure::text FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND NOT EXISTS (
                   SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            """
        )
    ).scalars():
        conn.execute(text(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC"))
    conn.execute(
        text(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {q['owner']} IN SCHEMA public "
            "REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC"
        )
    )
