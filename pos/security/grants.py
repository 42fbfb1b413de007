"""What each group may do (PLACEHOLDER until the dbfunc lane's declarative grants land:
clerks may use every table, so the app works as before while who-is-who moves to roles)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from pos.security.roles import GroupRoles

CLERK_FUNCTIONS = (
    "pos_role_of(text)",
    "pos_current_user_id()",
    "pos_current_role()",
    "pos_session_counter()",
    "pos_is_setup_session()",
    "pos_require_manager()",
    "pos_user_role_name(text)",
    "pos_use_approval(text, text)",
    "pos_sign_in(text, text, text)",
    "pos_sign_out(text)",
)
MANAGER_FUNCTIONS = (
    "pos_create_user(text, text, text)",
    "pos_ensure_user_role(integer)",
    "pos_set_user_password(integer, text)",
    "pos_set_user_active(integer, boolean)",
    "pos_set_user_role(integer, text)",
    "pos_record_approval(text)",
)


def apply_grants(conn: Connection, roles: GroupRoles) -> None:
    clerk = conn.execute(text("SELECT quote_ident(:n)"), {"n": roles.clerk}).scalar_one()
    manager = conn.execute(text("SELECT quote_ident(:n)"), {"n": roles.manager}).scalar_one()
    conn.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {clerk}")
    )
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {clerk}"))
    for signature in CLERK_FUNCTIONS:
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {clerk}"))
    for signature in MANAGER_FUNCTIONS:
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {manager}"))
