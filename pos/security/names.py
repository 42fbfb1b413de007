"""The PostgreSQL role of a pos user, computed the same way by the app (before it can
connect: the name is what it connects as) and by the database (when a manager creates the
user). Roles are cluster-wide, so the database's name is part of the role's: two pos
databases on one server never share a user role.

Rule: `<database>_u_<name>`, with only ASCII letters lower-cased (PostgreSQL's lower()
depends on the server's locale; this does not). Names that would not be a plain lower-case
identifier of at most 63 bytes become `<database, 24 chars>_u_<md5 of the name, 24 hex>`.
"""

from __future__ import annotations

import hashlib
import re

MAX_ROLE_BYTES = 63  # NAMEDATALEN - 1: PostgreSQL silently truncates longer names
_PLAIN = re.compile(r"[a-z0-9_.\-]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def user_role_name(database: str, username: str) -> str:
    name = username.strip(" ").translate(_ASCII_LOWER)
    base = f"{database.translate(_ASCII_LOWER)}_u_{name}"
    if _PLAIN.fullmatch(base) and len(base.encode()) <= MAX_ROLE_BYTES:
        return base
    head = re.sub(r"[^a-z0-9_]", "", database.translate(_ASCII_LOWER))[:24]
    return f"{head}_u_{hashlib.md5(name.encode()).hexdigest()[:24]}"


# The same rule in SQL (migration 0010 creates it; a test compares the two on many names).
USER_ROLE_NAME_SQL = r"""
CREATE OR REPLACE FUNCTION pos_user_role_name(p_username text) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT CASE
        WHEN base ~ '^[a-z0-9_.\-]+$' AND octet_length(base) <= 63 THEN base
        ELSE left(regexp_replace(db, '[^a-z0-9_]', '', 'g'), 24) || '_u_'
             || left(md5(name), 24)
    END
    FROM (SELECT translate(btrim(p_username), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                           'abcdefghijklmnopqrstuvwxyz') AS name,
                 translate(current_database(), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                           'abcdefghijklmnopqrstuvwxyz') AS db) AS n,
         LATERAL (SELECT n.db || '_u_' || n.name AS base) AS b
$$
"""
