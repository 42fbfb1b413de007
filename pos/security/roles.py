"""The three group roles of a pos database and who owns its schema.

Roles live in the cluster, grants in the database: each pos database has its own groups
(`<database>_owner`, `<database>_clerk`, `<database>_manager`; `pos_owner`, `pos_clerk`,
`pos_manager` for a database called pos), remembered in `pos_db_roles` so that a copy of
the database (a restore, a test template) keeps using the roles its grants name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from pos.errors import ErrorCode, PosError

KINDS = ("owner", "clerk", "manager")


@dataclass(frozen=True)
class GroupRoles:
    owner: str
    clerk: str
    manager: str


def group_roles(conn: Connection) -> GroupRoles:
    rows: dict[str, str] = {
        r.kind: r.role_name for r in conn.execute(text("SELECT kind, role_name FROM pos_db_roles"))
    }
    return GroupRoles(**{kind: rows[kind] for kind in KINDS})


def _quote(conn: Connection, name: str) -> str:
    return str(conn.execute(text("SELECT quote_ident(:n)"), {"n": name}).scalar_one())


def _role_exists(conn: Connection, name: str) -> bool:
    found = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    return found.first() is not None


def ensure_group_roles(conn: Connection) -> GroupRoles:
    """Create (or re-create, on a restored copy) the owner and group roles.

    Run by a superuser, the schema is handed to a NOLOGIN owner role; run by a role that
    is not a superuser (the installer's `pos_owner` login), that role is the owner and must
    be allowed to create roles."""
    me = conn.execute(
        text(
            "SELECT current_user, rolsuper, rolcreaterole, current_database() "
            "FROM pg_roles WHERE rolname = current_user"
        )
    ).one()
    if not (me.rolsuper or me.rolcreaterole):
        raise PosError(
            ErrorCode.FORBIDDEN,
            f"pos migrate needs a role that may create roles; {me.current_user!r} may not "
            "(see the README: setting up a shared PostgreSQL server).",
        )
    stored: dict[str, str] = {
        r.kind: r.role_name for r in conn.execute(text("SELECT kind, role_name FROM pos_db_roles"))
    }
    if not stored:
        db = me.current_database
        stored = {
            "owner": f"{db}_owner" if me.rolsuper else me.current_user,
            "clerk": f"{db}_clerk",
            "manager": f"{db}_manager",
        }
        for kind, name in stored.items():
            conn.execute(
                text("INSERT INTO pos_db_roles (kind, role_name) VALUES (:k, :n)"),
                {"k": kind, "n": name},
            )
    roles = GroupRoles(**{kind: stored[kind] for kind in KINDS})
    owner, clerk, manager = (_quote(conn, r) for r in (roles.owner, roles.clerk, roles.manager))
    if not _role_exists(conn, roles.owner):
        conn.execute(text(f"CREATE ROLE {owner} NOLOGIN CREATEROLE"))
    for name, quoted in ((roles.clerk, clerk), (roles.manager, manager)):
        if not _role_exists(conn, name):
            conn.execute(text(f"CREATE ROLE {quoted} NOLOGIN"))
    # Managers may do everything clerks may; the owner ends deactivated users' sessions.
    conn.execute(text(f"GRANT {clerk} TO {manager}"))
    conn.execute(text(f"GRANT pg_signal_backend TO {owner}"))
    return roles


def hand_over_ownership(conn: Connection, owner: str) -> None:
    """Every table, sequence, view and function of the schema belongs to the owner role
    (what a superuser's migration just created included), so SECURITY DEFINER functions
    run as the owner and nothing runs with a superuser's rights."""
    me = conn.execute(text("SELECT current_user")).scalar_one()
    if me == owner:
        return
    quoted = _quote(conn, owner)
    relations = conn.execute(
        text(
            """
            SELECT c.relkind, quote_ident(c.relname) AS name
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND pg_get_userbyid(c.relowner) <> :owner
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
            """
        ),
        {"owner": owner},
    ).all()
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for row in relations:
        conn.execute(text(f"ALTER {kinds[row.relkind]} {row.name} OWNER TO {quoted}"))
    functions = conn.execute(
        text(
            """
            SELECT p.oid::regprocedure::text AS signature
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> :owner
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.objid = p.oid AND d.deptype = 'e')
            """
        ),
        {"owner": owner},
    ).scalars()
    for signature in functions:
        conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {quoted}"))


def ensure_user_roles(conn: Connection) -> None:
    """Users without a role of their own (carried over from before per-user roles, or
    restored) get one, NOLOGIN until a manager sets their password."""
    missing = conn.execute(text("SELECT id FROM users WHERE db_role IS NULL")).scalars().all()
    for user_id in missing:
        conn.execute(text("SELECT pos_ensure_user_role(:id)"), {"id": user_id})


def drop_database_roles(conn: Connection, database: str) -> list[str]:
    """After DROP DATABASE: remove the roles pos made for it (its users' and its groups),
    which live on in the cluster otherwise. Roles still owning objects elsewhere (a test
    template's groups while copies exist) are left. `conn` must be in AUTOCOMMIT mode
    (each DROP stands alone). The names dropped."""
    like = database.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "\\_%"
    names = conn.execute(
        text(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE :like "
            "ORDER BY (rolname LIKE '%\\_u\\_%') DESC, rolname"
        ),
        {"like": like},
    ).scalars()
    dropped = []
    for name in list(names):
        quoted = _quote(conn, name)
        try:
            conn.execute(text(f"DROP ROLE {quoted}"))
            dropped.append(name)
        except Exception:  # still owns objects or holds privileges in another database
            continue
    return dropped


def drop_database_and_roles(admin_url: str, name: str) -> None:
    """DROP DATABASE `name` through a superuser's `admin_url`, then the roles pos made for
    it (tests' and benchmarks' scratch databases)."""
    from sqlalchemy import create_engine

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            drop_database_roles(conn, name)
    finally:
        engine.dispose()
